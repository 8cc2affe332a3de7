"""A signed edition checked, as an archivist who must prove its origin would check it, and told in plain words.

A file passes when all of these hold:

- it is a PDF holding one signature (and any document timestamps): an edition is signed once, by
  the publisher, and a second signature could cover changes made before it;
- the signature is intact: the signed bytes are those the signer signed;
- it covers the whole file: nothing was appended after it (a later incremental update, even one a
  viewer would call harmless, means the file is not as it was signed);
- the signing certificate is one for signing documents (not, say, a time-stamping authority's
  under the same root), by its extended key usage and key usage;
- it leads to a trust root the reader names, and was valid and not revoked
  (by a CRL given) when the signature was made: at its timestamp's time when a trusted timestamp
  proves it (PAdES B-T), else now, since the signer's own clock proves nothing;
- its timestamp, if any, is intact and from a time-stamping authority under a root given (the
  publisher's, or one given for timestamps only: a root trusted for the signer vouches for every
  certificate it issued), whose certificate is valid now.

A long-term edition (PAdES B-LTA: validation data and document timestamps after the signature)
passes when what follows its signature is validation data and document timestamps only, and the
long-term validation of `longterm` passes: the signature judged at its timestamp's time with the
revocation data the file holds, the last document timestamp now. A B-T edition without them
fails once the time-stamping authority's certificate has expired, saying so.

Nothing is fetched: revocation is checked against the CRLs given, and said not to be when none
is. Trust roots are given as PEM files of one or more certificates.
"""

from __future__ import annotations

import datetime
from io import BytesIO
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import (
    PdfSignatureStatus,
    SignatureCoverageLevel,
)

from ..util.errors import UsageError, display_path
from ..util.files import read_file
from .keys import MAX_CRL, SigningError, describe_name, parse_crl, read_certificates
from .longterm import tell_long_term
from .signatures import as_asn1, signing_times
from .verdicts import (
    USAGE,
    Trust,
    Verdict,
    added,
    certificate_problem,
    expiry_of,
    name_of,
    stamp_problem,
    unsigned_size,
    when,
)

MAX_PDF = 2_000_000_000  # bytes: larger than any edition


def read_trust_roots(path: Path, where: str) -> list[asn1_x509.Certificate]:
    """Read the trust roots of a PEM file named `where` (an option or a setting): CA certificates only."""
    try:
        certificates = read_certificates(path, where)
    except SigningError as err:
        raise UsageError(str(err)) from None
    for certificate in certificates:
        try:
            authority = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            authority = False
        if not authority:  # a signing certificate given as the root would vouch for itself alone
            raise UsageError(
                f"{where}: {describe_name(certificate.subject)} is not a CA certificate (it may not issue"
                " certificates); name the root certificate of the publisher's CA, not a signing certificate"
            )
    return [as_asn1(certificate) for certificate in certificates]


def read_crls(paths: list[Path]) -> list[asn1_crl.CertificateList]:
    """Read CRLs (DER or PEM) given with --crl."""
    crls = []
    for path in paths:
        try:
            crls.append(parse_crl(read_file(path, MAX_CRL)))
        except OSError as err:
            raise UsageError(f"--crl {display_path(path)}: cannot be read: {err.strerror or err}") from None
        except ValueError as err:
            raise UsageError(f"--crl {display_path(path)}: {err}") from None
    return crls


def verify_pdf(
    path: Path,
    roots: list[asn1_x509.Certificate],
    crls: list[asn1_crl.CertificateList | bytes] | None = None,
    timestamp_roots: list[asn1_x509.Certificate] | None = None,
    now: datetime.datetime | None = None,
) -> Verdict:
    """Check the signature of the PDF at `path` against the trust `roots` (and `crls`; its timestamp against the
    `roots` and the `timestamp_roots`) as of `now` (default: now), and say what was found."""
    verdict = Verdict(path)
    lists = [crl if isinstance(crl, asn1_crl.CertificateList) else parse_crl(crl) for crl in crls or []]
    try:
        data = read_file(path, MAX_PDF)
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures, stamps = reader.embedded_regular_signatures, reader.embedded_timestamp_signatures
    except OSError as err:
        verdict.failures.append(f"cannot be read: {err.strerror or err}")
        return verdict
    except (PdfError, ValueError, KeyError, TypeError) as err:
        verdict.failures.append(f"not a PDF that can be read ({err})")
        return verdict
    if not signatures:
        verdict.failures.append("not signed: it holds no signature")
        return verdict
    if len(signatures) > 1:  # a signature may cover another's and what was changed between them
        verdict.failures.append(
            f"signed more than once ({len(signatures)} signatures); the editions are signed once, by the publisher"
        )
        return verdict
    [signature] = signatures
    trust = Trust(roots, roots + (timestamp_roots or []), lists, now)
    try:
        status = _validate(signature, trust)
        if stamps:
            tell_long_term(verdict, signature, status, stamps, data, trust, reader)
            return verdict
    except (SignatureValidationError, PdfError, ValueError) as err:
        verdict.failures.append(f"its signature cannot be read: {err}")
        return verdict
    _tell(verdict, signature, status, data, bool(lists), now or datetime.datetime.now(datetime.UTC))
    return verdict


def _validate(signature: EmbeddedPdfSignature, trust: Trust) -> PdfSignatureStatus:
    """Validate now; then, when a trusted timestamp proves when the signature was made, the certificate then."""
    stamps = trust.context(trust.stamp_roots)
    status = validate_pdf_signature(signature, trust.context(trust.roots), stamps, key_usage_settings=USAGE)
    stamp = status.timestamp_validity
    if stamp is not None and stamp.valid and stamp.intact and stamp.trusted:
        signer = trust.context(trust.roots, stamp.timestamp)
        status = validate_pdf_signature(signature, signer, stamps, key_usage_settings=USAGE)
    return status


def _tell(
    verdict: Verdict,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    data: bytes,
    crls: bool,
    now: datetime.datetime,
) -> None:
    """Put into words what the `status` of the signature says, checked at `now`."""
    certificate = signature.signer_cert
    claimed, stamped = signing_times(signature)
    stamp = status.timestamp_validity
    verdict.facts.append(f"signed by: {name_of(certificate)}, certificate {certificate.sha256.hex()[:16]}…")
    verdict.facts.append(f"signed at: {when(claimed)} (the signer's own clock)")
    if stamped:
        authority = (
            f"{name_of(stamp.signing_cert)} (its certificate valid until {expiry_of(stamp.signing_cert)})"
            if stamp
            else "unknown"
        )
        verdict.facts.append(f"timestamp: {when(stamped)}, from {authority}")
    else:
        verdict.facts.append("timestamp: none (PAdES B-B): nothing but the signer's clock says when it was signed")
    if not (status.intact and status.valid):
        verdict.failures.append("changed after it was signed: the signed bytes no longer match the signature")
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        end = int(signature.byte_range[2]) + int(signature.byte_range[3])
        verdict.failures.append(
            f"changed after it was signed: {added(data[end:])}; the signed file is its first {end} bytes"
        )
    else:
        verdict.facts.append(
            "unchanged since it was signed: the signature covers every byte; the edition as built is its first"
            f" {unsigned_size(data, int(signature.byte_range[1]))} bytes"
        )
    if problem := certificate_problem(certificate):
        verdict.failures.append(f"signed with a certificate that is not for signing documents ({problem})")
    if stamp is not None and not (stamp.valid and stamp.intact and stamp.trusted):
        verdict.failures.append(stamp_problem(stamp, now))
    moment = stamp.timestamp if stamp is not None and stamp.trusted else None
    if moment:
        at = f"at its timestamp's time, {when(moment)}"
    else:
        at = "now (" + ("its timestamp cannot be relied on" if stamp else "no timestamp proves an earlier time") + ")"
    if status.trusted:
        anchor = status.validation_path[0] if status.validation_path else None
        verdict.facts.append(
            f"certificate: issued under the trust root {name_of(anchor) if anchor else '?'}, valid {at}; "
            + ("not revoked by the CRLs given" if crls else "revocation not checked (no CRL given)")
        )
    elif status.intact and status.valid:
        verdict.failures.append(_untrusted(status, claimed, stamped, moment or now))


def _untrusted(
    status: PdfSignatureStatus,
    claimed: datetime.datetime | None,
    stamped: datetime.datetime | None,
    now: datetime.datetime,
) -> str:
    """Say why the signing certificate was not accepted, judged at `now` (the timestamp's time, when it is proven)."""
    certificate = status.signing_cert
    expiry = certificate["tbs_certificate"]["validity"]["not_after"].native
    start = certificate["tbs_certificate"]["validity"]["not_before"].native
    if status.revocation_details is not None:
        return f"the signing certificate was revoked on {when(status.revocation_details.revocation_date)}"
    if now > expiry:
        if claimed and claimed > expiry:
            return f"the signing certificate had expired (on {when(expiry)}) when the file was signed ({when(claimed)})"
        if stamped and stamped < expiry:
            return (
                f"the signing certificate expired on {when(expiry)}; its timestamp says the file was signed before"
                f" ({when(stamped)}), but that can no longer be proven (see above)"
            )
        return f"the signing certificate expired on {when(expiry)}, and no timestamp proves the file was signed before"
    if now < start:
        return f"the signing certificate was not yet valid (from {when(start)})"
    if status.trust_problem_indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return f"signed by a certificate the trust root did not issue (its issuer: {name_of(certificate, issuer=True)})"
    return f"the signing certificate was not accepted ({status.trust_problem_indic})"
