"""The `verify` command: signed editions checked, for a reader or an archivist, and told in plain words.

    build.py verify FILE... [--trust-root PEM] [--timestamp-root PEM] [--crl CRL]

For each file it says who signed it, when (the signer's clock, and the timestamp's time when
there is one), whether the file is unchanged since, and whether the certificate comes from the
trust root and was valid then; then "passed" or what failed. The trust root is --trust-root, or
`trust-root` in [tool.bulletin.signing]; a time-stamping authority under another root is trusted, for
timestamps only, by --timestamp-root (or `timestamp-root`). Exit status 0 when every file passed, 1 when any did not,
2 for bad usage (no trust root, one that cannot be read). It loads nothing of the pipeline.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from ..project import PYPROJECT
from ..util.errors import UsageError, display_path


def describe_verify(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check the signature of signed editions (the screen PDFs of a delivery): who signed each, when, whether"
        " it is unchanged since it was signed, and whether the signing certificate comes from the trust root and"
        " was valid then. Exit status 1 when any file does not pass."
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="the PDF files to check")
    parser.add_argument(
        "--trust-root",
        type=Path,
        metavar="PEM",
        help="the root certificate(s) the signer's must come from, in a PEM file: the publisher's CA only"
        " (default: trust-root in [tool.bulletin.signing])",
    )
    parser.add_argument(
        "--timestamp-root",
        type=Path,
        metavar="PEM",
        help="the root certificate(s) of the time-stamping authority, when it is not under the trust root:"
        " trusted for timestamps only, never for the signer (default: timestamp-root in [tool.bulletin.signing],"
        " when --trust-root is not given)",
    )
    parser.add_argument(
        "--crl",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a certificate revocation list (DER or PEM) of the publisher's or the time-stamping authority's CA, to"
        " check a certificate was not revoked (may be given again). Without one, a signature's revocation is not"
        " checked; a long-term (B-LTA) edition's is, with the data it holds, but its last document timestamp needs"
        " its authority's CA's current CRL once the one in the file is out of date",
    )


def run_verify(arguments: argparse.Namespace) -> int:
    from ..signing.settings import load_signing  # pyHanko is loaded only when a file is checked
    from ..signing.verifying import read_crls, read_trust_roots, verify_pdf

    # pyHanko logs what it finds wrong with a traceback; the verdict says it in words.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    stamp_root = arguments.timestamp_root
    if arguments.trust_root:
        roots = read_trust_roots(arguments.trust_root, f"--trust-root {display_path(arguments.trust_root)}")
        stamp_roots = read_trust_roots(stamp_root, f"--timestamp-root {display_path(stamp_root)}") if stamp_root else []
    else:
        settings = load_signing(PYPROJECT)
        if settings is None or settings.trust_root is None:
            raise UsageError(
                "name the trust root the signatures must come from: --trust-root PEM, or trust-root in"
                f" {PYPROJECT.name} [tool.bulletin.signing]"
            )
        roots = read_trust_roots(settings.trust_root, f"{settings.where} trust-root")
        if stamp_root:
            stamp_roots = read_trust_roots(stamp_root, f"--timestamp-root {display_path(stamp_root)}")
        elif settings.timestamp_root:
            stamp_roots = read_trust_roots(settings.timestamp_root, f"{settings.where} timestamp-root")
        else:
            stamp_roots = []
    crls = read_crls(arguments.crl)
    failed = 0
    for path in arguments.files:
        verdict = verify_pdf(path, roots, crls, stamp_roots)
        print(f"{display_path(path)}: {'passed' if verdict.passed else 'FAILED'}")
        for fact in verdict.facts:
            print(f"  {fact}")
        for failure in verdict.failures:
            print(f"  FAILED: {failure}")
        failed += not verdict.passed
    if failed:
        print(f"{failed} of {len(arguments.files)} file(s) did not pass", file=sys.stderr)
    return 1 if failed else 0
