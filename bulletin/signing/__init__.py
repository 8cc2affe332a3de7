"""Signing stage: the screen edition signed in the publisher's name, and a signed file checked.

Takes a finished screen PDF and the signing settings of pyproject.toml, `[tool.bulletin.signing]`
(a key and its certificate, the password from the environment, a time-stamping server if any);
gives the same file with a PAdES signature appended as an incremental update, so that the
unsigned bytes, which the build makes reproducibly, stay the file's first bytes. It also checks a
signed file against a trust root and says what it found in plain words (`verify`). It signs
nothing by itself: the delivery stage decides which files are signed (the screen editions; never
the print files, which the bureau's tools rewrite) and records their signatures in the manifest.

    settings    [tool.bulletin.signing] read and checked, and the digest of what a signature is made with
    keys        the signing key and its certificate loaded (PKCS#12 or PEM) and checked: matching, valid now
    signatures  a PDF signed: PAdES B-B, B-T with a time-stamping server, or B-LTA, as incremental updates
    field       the signature's field made first, named and tagged as PDF/UA wants every field
    verifying   a signed PDF checked: intact, unchanged since, its certificate from the trust root, valid then
    longterm    a long-term signature (B-LTA) judged by pyHanko's AdES validation, from what the file holds
    verdicts    what a check found and is checked against, and how names, times and refusals are said
"""

from ..util.exports import lazy_exports

__all__ = ["load_signing", "load_signing_key", "sign_pdf", "verify_pdf"]
__getattr__ = lazy_exports(
    __name__,
    {
        "load_signing": ".settings",
        "load_signing_key": ".keys",
        "sign_pdf": ".signatures",
        "verify_pdf": ".verifying",
    },
)
