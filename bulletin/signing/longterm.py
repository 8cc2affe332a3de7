"""A long-term signature (PAdES B-LTA) judged as ETSI EN 319 102-1 (5.6.3) asks, by pyHanko's AdES validation.

A B-LTA edition holds, after its signature, the validation data of its certificates (/DSS) and one or more
document timestamps over the whole file. Its signature is valid when the chain of document timestamps, each
checked at the time the next one proves, shows that the signature, its timestamp and the certificates' paths to
the trust roots were valid, and not revoked by the revocation data the file holds, at the time the signature's
own timestamp proves. Nothing is fetched: what the file holds, and the CRLs given, are all that is used.
"""

from __future__ import annotations

import asyncio
import datetime
import re
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate, AdESPassed
from pyhanko.sign.validation import ades, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    CRLContainer,
    KeyUsageConstraints,
    LocalKnowledge,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import ModificationLevel, PdfSignatureStatus
from pyhanko_certvalidator.context import CertValidationPolicySpec, SimpleTrustManager
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy

from .signatures import sealed_time, signing_times
from .verdicts import (
    USAGE,
    Trust,
    Verdict,
    added,
    certificate_problem,
    expiry_of,
    name_of,
    quiet_pyhanko,
    stamp_problem,
    unsigned_size,
    when,
)

# What ETSI EN 319 102-1 calls the reasons a validation did not pass, in words.
REASONS = {
    "HASH_FAILURE": "the signed bytes no longer match the signature",
    "SIG_CRYPTO_FAILURE": "the signature does not match its certificate's key",
    "REVOKED": "the signing certificate was revoked",
    "REVOKED_NO_POE": "a certificate was revoked, and nothing in the file proves the signature was made before",
    "REVOKED_CA_NO_POE": "a CA's certificate was revoked, and nothing proves the signature was made before",
    "OUT_OF_BOUNDS_NO_POE": "a certificate was not valid at a time the file can prove",
    "OUT_OF_BOUNDS_NOT_REVOKED": "a certificate had expired, and nothing proves the signature was made before",
    "NO_CERTIFICATE_CHAIN_FOUND": "a certificate does not lead to a trust root given",
    "TRY_LATER": "the file lacks revocation data for a certificate",
    "REVOCATION_OUT_OF_BOUNDS_NO_POE": "the revocation data in the file is not for the times it must prove",
    "NO_POE": "nothing in the file proves when a part of it existed",
    "TIMESTAMP_ORDER_FAILURE": "its timestamps are not in the order they were made in",
    "SIGNED_DATA_NOT_FOUND": "the signed data cannot be found",
    "CERTIFICATE_CHAIN_GENERAL_FAILURE": "a certificate's path to its root could not be validated",
    "SIG_CONSTRAINTS_FAILURE": "the signature has no timestamp of its own, which a long-term signature needs",
    "CRYPTO_CONSTRAINTS_FAILURE": "an algorithm it uses is no longer considered safe",
    "CRYPTO_CONSTRAINTS_FAILURE_NO_POE": "an algorithm it uses is no longer safe, and nothing proves its use before",
    "CHAIN_CONSTRAINTS_FAILURE": "a certificate's path breaks a constraint of its CAs",
    "NOT_YET_VALID": "a certificate was not yet valid when it was used",
    "EXPIRED": "a certificate had expired when it was used",
    "FORMAT_FAILURE": "the signature is not in a form that can be checked",
    "NO_SIGNING_CERTIFICATE_FOUND": "the signing certificate is not in the file",
    "GENERIC": "it could not be checked",
}
REWRITTEN = frozenset(("ModifyDate", "MetadataDate", "Producer"))  # what pyHanko writes in the XMP of each update
END = re.compile(rb"startxref\s+\d+\s+%%EOF\s*\Z")  # a file that ends where its last update does
# The reasons that revocation data, missing from the file or out of date there, can be.
UNPROVEN = ("NO_POE", "TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE", "CERTIFICATE_CHAIN_GENERAL_FAILURE")


@dataclass(frozen=True)
class LongTerm:
    """What the long-term validation found: whether it passed, and why not."""

    passed: bool
    reason: str  # in words, "" when it passed
    unproven: bool = False  # whether revocation data missing or out of date may be why


def validate_long_term(
    signature: EmbeddedPdfSignature,
    roots: list,
    stamp_roots: list,
    crls: list[asn1_crl.CertificateList],
    now: datetime.datetime | None = None,
    usage: KeyUsageConstraints | None = None,
) -> LongTerm:
    """Validate a long-term signature against the signer's `roots` and the time-stamping authorities'
    `stamp_roots`, with the file's validation data and the `crls` given, at `now` (default: now)."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots), revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO)
    )
    stamps = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=stamp_roots),
        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO),
    )
    known = [CRLContainer(crl) for crl in crls]
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            ts_cert_validation_policy=stamps,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
            local_knowledge=LocalKnowledge(known_crls=known),
            key_usage_settings=usage or KeyUsageConstraints(),
        )
    )
    moment = now or datetime.datetime.now(datetime.UTC)
    timing = ValidationTimingInfo(
        validation_time=moment, best_signature_time=moment, point_in_time_validation=now is not None
    )
    with quiet_pyhanko():  # pyHanko logs each path it tries and fails, as errors: the result says what matters
        result = asyncio.run(ades.ades_lta_validation(signature, spec, timing_info=timing))
    if result.ades_subindic == AdESPassed.OK:
        return LongTerm(True, "")
    code = getattr(result.ades_subindic, "name", str(result.ades_subindic))
    return LongTerm(False, f"{REASONS.get(code, 'it did not pass')} ({code})", code in UNPROVEN)


def tell_long_term(
    verdict: Verdict,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
    stamps: list[EmbeddedPdfSignature],
    data: bytes,
    trust: Trust,
    reader: PdfFileReader,
) -> None:
    """Put into words what the long-term validation of an edition with document timestamps found."""
    claimed, stamped = signing_times(signature)
    certificate = signature.signer_cert
    verdict.facts.append(f"signed by: {name_of(certificate)}, certificate {certificate.sha256.hex()[:16]}…")
    verdict.facts.append(f"signed at: {when(claimed)} (the signer's own clock)")
    verdict.facts.append(f"timestamp: {when(stamped)}" if stamped else "timestamp: none")
    last = stamps[-1]
    held = _held(reader)
    verdict.facts.append(
        f"long-term (PAdES B-LTA): {held}; sealed by {len(stamps)} document timestamp(s), the last at"
        f" {when(sealed_time(last))} from {name_of(last.signer_cert)} (its certificate valid until"
        f" {expiry_of(last.signer_cert)}: the file must be timestamped again before then)"
    )
    now = trust.now or datetime.datetime.now(datetime.UTC)
    seals = [validate_pdf_timestamp(stamp, validation_context=trust.context(trust.stamp_roots)) for stamp in stamps]
    after = seals[-1].modification_level  # after the last seal, only its own certificates' validation data
    changed = _metadata_changed(reader, signature.signed_revision)
    if not (status.intact and status.valid):
        verdict.failures.append("changed after it was signed: the signed bytes no longer match the signature")
    elif broken := [number for number, seal in enumerate(seals, 1) if not (seal.intact and seal.valid)]:
        verdict.failures.append(f"its document timestamp {broken[0]} is broken: it does not match the bytes it seals")
    elif after is None or after > ModificationLevel.LTA_UPDATES or not END.search(data):
        end = int(last.byte_range[2]) + int(last.byte_range[3])
        verdict.failures.append(f"changed after its last document timestamp: {added(data[end:])}")
    elif status.modification_level is None or status.modification_level > ModificationLevel.LTA_UPDATES or changed:
        more = "an update after the signature holds more than validation data and document timestamps"
        verdict.failures.append(f"changed after it was signed: {changed or more}")
    else:
        verdict.facts.append(
            "unchanged since it was signed: what was added after the signature is validation data and document"
            f" timestamps only; the edition as built is its first {unsigned_size(data, int(signature.byte_range[1]))}"
            " bytes"
        )
    if problem := certificate_problem(certificate):
        verdict.failures.append(f"signed with a certificate that is not for signing documents ({problem})")
    result = validate_long_term(signature, trust.roots, trust.stamp_roots, trust.crls, trust.now, USAGE)
    foreign = [seal for seal in seals if seal.trust_problem_indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND]
    if not result.passed and status.trusted and foreign:  # the signer's root is right; a seal's authority is not
        verdict.failures.append(stamp_problem(foreign[-1], now).replace("its timestamp", "a document timestamp", 1))
        return
    if result.passed:
        anchor = status.validation_path[0] if status.validation_path else None
        source = "the validation data in the file" + (" and the CRLs given" if trust.crls else "")
        verdict.facts.append(
            f"certificate: issued under the trust root {name_of(anchor) if anchor else 'given'}; valid, and not"
            f" revoked, when its timestamp says it was signed: proven by {source} and its document timestamps"
            " (ETSI EN 319 102-1 long-term validation)"
        )
        return
    verdict.failures.append(f"its long-term validation did not pass: {result.reason}")
    expiry = last.signer_cert["tbs_certificate"]["validity"]["not_after"].native
    if now > expiry:
        verdict.failures.append(
            f"the last document timestamp's authority certificate expired on {when(expiry)}: an archive keeps a"
            " long-term signature checkable by timestamping the file again before then"
        )
    elif result.unproven:
        verdict.failures.append(
            "the revocation data in the file may be missing or out of date (the last document timestamp's authority"
            " is checked as of now, the others as of when they were sealed): give its CA's current CRL with --crl"
        )


def _held(reader: PdfFileReader) -> str:
    """What validation data the file holds (its document security store), in words."""
    store = reader.root.get("/DSS")  # pyHanko gives what a reference refers to only when read by index
    store = store.get_object() if store is not None else None
    if store is None:
        return "the file holds no validation data of its own, only what is given"
    counts = [
        (len(store[key]) if key in store else 0, noun)
        for key, noun in (("/Certs", "certificate"), ("/CRLs", "CRL"), ("/OCSPs", "OCSP response"))
    ]
    listed = ", ".join(f"{count} {noun}{'s' if count != 1 else ''}" for count, noun in counts if count)
    return f"the file holds the validation data of its certificates ({listed or 'none'})"


def _metadata_changed(reader: PdfFileReader, signed: int) -> str:
    """What a reader sees of the document's metadata that a revision after the signed one changed: "" if nothing.
    pyHanko counts a change of the document information or the XMP as an update for the long term; only the
    modification date and producer it writes itself may change."""
    before = reader.get_historical_resolver(signed)
    for revision in range(signed + 1, reader.xrefs.total_revisions):
        later = reader.get_historical_resolver(revision)
        if _information(later) != _information(before):
            return "its document information (title, author, subject…) was changed after the signature"
        if _xmp(later) != _xmp(before):
            return "its XMP metadata was changed after the signature"
    return ""


def _information(resolver: object) -> dict:
    info = resolver.trailer_view.get("/Info")  # type: ignore[attr-defined]
    info = info.get_object() if info is not None else {}
    return {str(key): str(value) for key, value in info.items() if key not in ("/ModDate", "/Producer")}


def _xmp(resolver: object) -> bytes:
    """The document's XMP metadata without what pyHanko rewrites in each update it appends (its modification and
    metadata dates, its producer), in a canonical form."""
    stream = resolver.root.get("/Metadata")  # type: ignore[attr-defined]
    if stream is None:
        return b""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    try:
        tree = etree.fromstring(stream.get_object().data, parser)
    except etree.XMLSyntaxError:
        return stream.get_object().data
    for element in list(tree.iter()):
        for name in [name for name in element.attrib if etree.QName(name).localname in REWRITTEN]:
            del element.attrib[name]
        parent = element.getparent()
        if parent is not None and isinstance(element.tag, str) and etree.QName(element).localname in REWRITTEN:
            parent.remove(element)
    return etree.tostring(tree, method="c14n")
