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
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import (
    ModificationLevel,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    TimestampSignatureStatus,
)
from pyhanko_certvalidator import ValidationContext

from ..util.errors import UsageError, display_path
from ..util.files import read_file
from .keys import SigningError, describe_name, read_certificates, signing_problem
from .longterm import validate_long_term
from .signatures import as_asn1, sealed_time, signing_times

# A publisher's certificate may sign with either usage: many document-signing certificates have only one.
USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
MAX_PDF = 2_000_000_000  # bytes: larger than any edition


@dataclass
class Verdict:
    """What the check of one file found."""

    path: Path  # the file checked
    facts: list[str] = field(default_factory=list)  # what was found, a line each
    failures: list[str] = field(default_factory=list)  # what failed, a line each: none when the file passes

    @property
    def passed(self) -> bool:
        """Tell whether the file is signed, unchanged since, by a certificate of the trust root valid then."""
        return not self.failures


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


def read_crls(paths: list[Path]) -> list[bytes]:
    """Read CRLs (DER or PEM) given with --crl."""
    crls = []
    for path in paths:
        try:
            crls.append(read_file(path))
        except OSError as err:
            raise UsageError(f"--crl {display_path(path)}: cannot be read: {err.strerror or err}") from None
    return crls


def verify_pdf(
    path: Path,
    roots: list[asn1_x509.Certificate],
    crls: list[bytes] | None = None,
    timestamp_roots: list[asn1_x509.Certificate] | None = None,
    now: datetime.datetime | None = None,
) -> Verdict:
    """Check the signature of the PDF at `path` against the trust `roots` (and `crls`; its timestamp against the
    `roots` and the `timestamp_roots`) as of `now` (default: now), and say what was found."""
    verdict, crls = Verdict(path), crls or []
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
    trust = Trust(roots, roots + (timestamp_roots or []), crls, now)
    try:
        status = _validate(signature, trust)
        if stamps:
            _tell_long_term(verdict, signature, status, stamps, data, trust)
            return verdict
    except (SignatureValidationError, PdfError, ValueError) as err:
        verdict.failures.append(f"its signature cannot be read: {err}")
        return verdict
    _tell(verdict, signature, status, data, bool(crls), now or datetime.datetime.now(datetime.UTC))
    return verdict


@dataclass(frozen=True)
class Trust:
    """What a signature is checked against."""

    roots: list  # the roots the signer's certificate must lead to
    stamp_roots: list  # the roots a timestamp's authority may lead to: the signer's, and the timestamp roots
    crls: list[bytes]  # the revocation lists given
    now: datetime.datetime | None  # the time of the check; None: now

    def context(self, roots: list, moment: datetime.datetime | None = None) -> ValidationContext:
        """A validation context of `roots` at `moment` (default: the time of the check)."""
        return ValidationContext(
            trust_roots=roots,
            crls=list(self.crls),
            allow_fetching=False,
            revocation_mode="soft-fail",
            moment=moment or self.now,
        )


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
    verdict.facts.append(f"signed by: {_name(certificate)}, certificate {certificate.sha256.hex()[:16]}…")
    verdict.facts.append(f"signed at: {_when(claimed)} (the signer's own clock)")
    if stamped:
        authority = (
            f"{_name(stamp.signing_cert)} (its certificate valid until {_expiry(stamp.signing_cert)})"
            if stamp
            else "unknown"
        )
        verdict.facts.append(f"timestamp: {_when(stamped)}, from {authority}")
    else:
        verdict.facts.append("timestamp: none (PAdES B-B): nothing but the signer's clock says when it was signed")
    if not (status.intact and status.valid):
        verdict.failures.append("changed after it was signed: the signed bytes no longer match the signature")
    elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        end = int(signature.byte_range[2]) + int(signature.byte_range[3])
        verdict.failures.append(
            f"changed after it was signed: {_added(data[end:])}; the signed file is its first {end} bytes"
        )
    else:
        verdict.facts.append(
            "unchanged since it was signed: the signature covers every byte; the edition as built is its first"
            f" {unsigned_size(data, int(signature.byte_range[1]))} bytes"
        )
    if problem := _signing_problem(certificate):
        verdict.failures.append(f"signed with a certificate that is not for signing documents ({problem})")
    if stamp is not None and not (stamp.valid and stamp.intact and stamp.trusted):
        verdict.failures.append(_stamp_problem(stamp, now))
    moment = stamp.timestamp if stamp is not None and stamp.trusted else None
    if moment:
        at = f"at its timestamp's time, {_when(moment)}"
    else:
        at = "now (" + ("its timestamp cannot be relied on" if stamp else "no timestamp proves an earlier time") + ")"
    if status.trusted:
        anchor = status.validation_path[0] if status.validation_path else None
        verdict.facts.append(
            f"certificate: issued under the trust root {_name(anchor) if anchor else '?'}, valid {at}; "
            + ("not revoked by the CRLs given" if crls else "revocation not checked (no CRL given)")
        )
    elif status.intact and status.valid:
        verdict.failures.append(_untrusted(status, claimed, stamped, moment or now))


def _tell_long_term(
    verdict: Verdict,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    stamps: list[EmbeddedPdfSignature],
    data: bytes,
    trust: Trust,
) -> None:
    """Put into words what the long-term validation of a B-LTA edition found (`longterm`)."""
    claimed, stamped = signing_times(signature)
    verdict.facts.append(
        f"signed by: {_name(signature.signer_cert)}, certificate {signature.signer_cert.sha256.hex()[:16]}…"
    )
    verdict.facts.append(f"signed at: {_when(claimed)} (the signer's own clock)")
    verdict.facts.append(f"timestamp: {_when(stamped)}" if stamped else "timestamp: none")
    last = stamps[-1]
    verdict.facts.append(
        f"long-term (PAdES B-LTA): the file holds the validation data of its certificates, sealed by"
        f" {len(stamps)} document timestamp(s), the last at {_when(sealed_time(last))} from"
        f" {_name(last.signer_cert)} (its certificate valid until {_expiry(last.signer_cert)})"
    )
    # After the last document timestamp, only the validation data of its own certificate may follow.
    sealed = validate_pdf_timestamp(last, validation_context=trust.context(trust.stamp_roots))
    after = sealed.modification_level
    if not (status.intact and status.valid):
        verdict.failures.append("changed after it was signed: the signed bytes no longer match the signature")
    elif not (sealed.intact and sealed.valid):
        verdict.failures.append("its last document timestamp is broken: it does not match the bytes it seals")
    elif after is None or after > ModificationLevel.LTA_UPDATES or not data.rstrip().endswith(b"%%EOF"):
        end = int(last.byte_range[2]) + int(last.byte_range[3])
        verdict.failures.append(f"changed after its last document timestamp: {_added(data[end:])}")
    elif status.modification_level is None or status.modification_level > ModificationLevel.LTA_UPDATES:
        verdict.failures.append(
            "changed after it was signed: an update after the signature holds more than validation data and"
            " document timestamps"
        )
    else:
        verdict.facts.append(
            "unchanged since it was signed: what was added after the signature is validation data and document"
            f" timestamps only; the edition as built is its first {unsigned_size(data, int(signature.byte_range[1]))}"
            " bytes"
        )
    if problem := _signing_problem(signature.signer_cert):
        verdict.failures.append(f"signed with a certificate that is not for signing documents ({problem})")
    result = validate_long_term(signature, trust.roots, trust.stamp_roots, trust.crls, trust.now, USAGE)
    if result.passed:
        anchor = status.validation_path[0] if status.validation_path else None
        verdict.facts.append(
            f"certificate: issued under the trust root {_name(anchor) if anchor else 'given'}; valid, and not revoked,"
            " when its timestamp says it was signed: proven by the validation data in the file and its document"
            " timestamps (ETSI EN 319 102-1 long-term validation)"
        )
        return
    verdict.failures.append(f"its long-term validation did not pass: {result.reason}")
    expiry = last.signer_cert["tbs_certificate"]["validity"]["not_after"].native
    if (trust.now or datetime.datetime.now(datetime.UTC)) > expiry:
        verdict.failures.append(
            f"the last document timestamp's authority certificate expired on {_when(expiry)}: an archive keeps a"
            " long-term signature checkable by timestamping the file again before then"
        )
    elif result.unproven:
        verdict.failures.append(
            "the revocation data in the file may be missing or out of date (the last document timestamp's authority"
            " is checked as of now, the others as of when they were sealed): give its CA's current CRL with --crl"
        )


def _stamp_problem(stamp: TimestampSignatureStatus, now: datetime.datetime) -> str:
    """Say why the timestamp was not accepted."""
    if not (stamp.valid and stamp.intact):
        return "its timestamp is broken: it does not match the signature whose time it should prove"
    authority = stamp.signing_cert
    expiry = authority["tbs_certificate"]["validity"]["not_after"].native
    if stamp.trust_problem_indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return (
            "its timestamp is from a time-stamping authority under none of the roots given (its issuer:"
            f" {_name(authority, issuer=True)}); name that authority's root with --timestamp-root"
        )
    if now > expiry:
        return (
            "its timestamp is intact, but the time-stamping authority's certificate is no longer valid (it expired"
            f" on {_when(expiry)}), so the time it gives can no longer be proven: this edition is not signed for"
            " long-term validation (PAdES B-LT or B-LTA), and its archive should have timestamped it again before"
            " then"
        )
    if stamp.trust_problem_indic in (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE):
        return "its timestamp is intact, but the time-stamping authority's certificate was revoked"
    return f"its timestamp was not accepted ({stamp.trust_problem_indic})"


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
        return f"the signing certificate was revoked on {_when(status.revocation_details.revocation_date)}"
    if now > expiry:
        if claimed and claimed > expiry:
            return (
                f"the signing certificate had expired (on {_when(expiry)}) when the file was signed ({_when(claimed)})"
            )
        if stamped and stamped < expiry:
            return (
                f"the signing certificate expired on {_when(expiry)}; its timestamp says the file was signed before"
                f" ({_when(stamped)}), but that can no longer be proven (see above)"
            )
        return f"the signing certificate expired on {_when(expiry)}, and no timestamp proves the file was signed before"
    if now < start:
        return f"the signing certificate was not yet valid (from {_when(start)})"
    if status.trust_problem_indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return f"signed by a certificate the trust root did not issue (its issuer: {_name(certificate, issuer=True)})"
    return f"the signing certificate was not accepted ({status.trust_problem_indic})"


def _added(tail: bytes) -> str:
    """Say what the bytes after the signature are: an incremental update (a PDF tool's save), or other bytes."""
    count = f"{len(tail)} byte{' was' if len(tail) == 1 else 's were'} added after the signature"
    if b"startxref" in tail and b"%%EOF" in tail and (b"xref" in tail.replace(b"startxref", b"") or b"/XRef" in tail):
        return f"{count} (an incremental update, as a PDF tool's save appends)"
    return f"{count} (not a PDF update: stray bytes, as a faulty copy or transfer can leave)"


def _signing_problem(certificate: asn1_x509.Certificate) -> str | None:
    """Say why the signer's certificate is not one for signing documents; None when it is."""
    try:
        return signing_problem(x509.load_der_x509_certificate(certificate.dump()))
    except ValueError as err:
        return f"it cannot be read: {err}"


def unsigned_size(data: bytes, contents: int) -> int:
    """The size of a signed file before its signature was appended: up to the end of the line of the last %%EOF
    before the signature's contents (at offset `contents`), which begin the update that the signing appended."""
    end = data.rfind(b"%%EOF", 0, contents) + len(b"%%EOF")
    return end + len(data[end : end + 2]) - len(data[end : end + 2].lstrip(b"\r\n"))


def _name(certificate: asn1_x509.Certificate, issuer: bool = False) -> str:
    name = certificate.issuer if issuer else certificate.subject
    values = name.native
    common, organisation = values.get("common_name"), values.get("organization_name")
    if not common:
        return name.human_friendly
    return f"{common} ({organisation})" if organisation and organisation != common else str(common)


def _expiry(certificate: asn1_x509.Certificate) -> str:
    return _when(certificate["tbs_certificate"]["validity"]["not_after"].native)


def _when(moment: datetime.datetime | None) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC" if moment else "not said"
