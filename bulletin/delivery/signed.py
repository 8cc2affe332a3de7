"""The screen editions signed as they are delivered, or their signed files kept when nothing in them changed.

A screen PDF is final once the print stage has checked it; it is signed then (`signing`), before
its SHA-256 goes into the manifest and, with the manifest, into the bureau's package. Print files
are never signed: the bureau's tools rewrite them. The signed file is what readers get, so its
structure and outloud's checks are run on it again (`preflight.checks.recheck_signed`, given by the
caller, which loads the PDF libraries only when there is something to sign): the signature's
field must be tagged as PDF/UA wants (`signing.field`).

A signature holds the time it was made, so signing the same edition twice gives two files. When
a build makes a screen edition again (`--force`, or because something changed that did not change
its bytes), its new unsigned bytes are compared with the delivered file's: when that file is the
same edition signed with the same key and certificate (its first bytes are the new file, and it
is still as the manifest describes it), it is delivered again as it was. The delivery, its
manifest and its package then stay byte for byte the same, and the bureau is not sent a "changed"
package for a signature's time alone.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Edition
from ..preflight.findings import Finding
from ..signing.keys import SigningError, SigningKey
from ..signing.signatures import sign_pdf
from ..signing.verifying import read_trust_roots, verify_pdf
from ..util.atomic import write_atomically
from ..util.files import read_file
from .ownership import delivered
from .plan import Plan
from .swap import Staging

if TYPE_CHECKING:  # the print stage's record of a PDF, which signing one does not need loaded
    from ..printing.jobs import Printed

LOG = logging.getLogger("bulletin")


def sign_editions(
    plan: Plan,
    staging: Staging,
    printed: list[tuple[Edition, Printed]],
    signing: SigningKey | None,
    recheck: Callable[[Path], list[Finding]],
) -> dict[str, dict]:
    """Sign each screen PDF this build made in the staging folder, or put back its signed file from the delivery;
    return the signature of each, by file name, as the manifest records it."""
    settings = plan.settings.signing
    if signing is None or settings is None or plan.asked.draft:
        return {}
    roots = read_trust_roots(settings.trust_root, f"{settings.where} trust-root") if settings.trust_root else None
    stamp_roots = (
        read_trust_roots(settings.timestamp_root, f"{settings.where} timestamp-root") if settings.timestamp_root else []
    )
    signatures = {}
    for edition, result in printed:
        if result.variant != "screen":
            continue
        name = result.path.name
        unsigned = read_file(result.path)
        kept = _signed_before(plan, staging, name, unsigned)
        if kept is not None:
            write_atomically(result.path, kept[0])
            signatures[name] = kept[1]
            LOG.info("%s screen: its bytes are as delivered; the signed file is kept", edition.language)
        else:
            signatures[name] = sign_pdf(result.path, signing, settings)
            LOG.info("%s screen: signed by %s (%s)", edition.language, signing.signer, settings.profile)
        problems = [f"{finding.check}: {finding.message}" for finding in recheck(result.path)]
        if problems:
            raise SigningError(f"{name}, as signed, fails the screen edition's checks: {'; '.join(problems)}")
        # A long-term edition is checked as of its seal, with the revocation data it holds: checked as of now, its
        # seal would need the authority's CRL of now, and a build kept from an earlier delivery would fail.
        sealed = signatures[name].get("document_timestamp")
        at = datetime.datetime.fromisoformat(sealed) if isinstance(sealed, str) else None
        verdict = verify_pdf(result.path, roots, timestamp_roots=stamp_roots, now=at) if roots is not None else None
        if verdict is not None and not verdict.passed:
            raise SigningError(
                f"{name}, as signed, does not verify against {settings.where} trust-root:"
                f" {'; '.join(verdict.failures)}; nothing was delivered"
            )
    return signatures


def _signed_before(plan: Plan, staging: Staging, name: str, unsigned: bytes) -> tuple[bytes, dict] | None:
    """The delivered signed file of `name` and its signature, when it is the `unsigned` file signed with what the
    screen editions are signed with now; None otherwise."""
    entry = plan.previous.entries.get(name, {})
    signature, made = entry.get("signature"), entry.get("made_with")
    if not (
        isinstance(signature, dict)
        and isinstance(made, dict)
        and made.get("signing") == plan.ingredients.signing
        and signature.get("unsigned_size") == len(unsigned)
    ):
        return None
    try:
        signed = read_file(delivered(staging.root, plan.issue.period.name) / name)
    except OSError:
        return None
    if signed[: len(unsigned)] != unsigned or hashlib.sha256(signed).hexdigest() != entry.get("sha256"):
        return None
    return signed, signature
