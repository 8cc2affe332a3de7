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
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.validation import ades
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
from pyhanko_certvalidator.context import CertValidationPolicySpec, SimpleTrustManager
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy

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
}
# The reasons that revocation data, missing from the file or out of date there, can be.
UNPROVEN = ("NO_POE", "TRY_LATER", "REVOCATION_OUT_OF_BOUNDS_NO_POE", "CERTIFICATE_CHAIN_GENERAL_FAILURE")


@contextmanager
def quiet_pyhanko() -> Iterator[None]:
    """Keep pyHanko's and its certificate validator's logs to themselves while the block runs."""
    loggers = [logging.getLogger(name) for name in ("pyhanko", "pyhanko_certvalidator")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


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
    crls: list[bytes],
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
    known = [
        CRLContainer(asn1_crl.CertificateList.load(pem.unarmor(data)[2] if pem.detect(data) else data)) for data in crls
    ]
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
