"""The words and records of a signature check, shared by `verifying` and `longterm`: what was found (`Verdict`),
what it is checked against (`Trust`), and how a name, a time, an update or a refused timestamp is said."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.sign.ades.report import AdESIndeterminate
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext

from .keys import signing_problem

# A publisher's certificate may sign with either usage: many document-signing certificates have only one.
USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)


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


@dataclass(frozen=True)
class Trust:
    """What a signature is checked against."""

    roots: list  # the roots the signer's certificate must lead to
    stamp_roots: list  # the roots a timestamp's authority may lead to: the signer's, and the timestamp roots
    crls: list[asn1_crl.CertificateList]  # the revocation lists given
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


def stamp_problem(stamp: TimestampSignatureStatus, now: datetime.datetime) -> str:
    """Say why the timestamp was not accepted."""
    if not (stamp.valid and stamp.intact):
        return "its timestamp is broken: it does not match the signature whose time it should prove"
    authority = stamp.signing_cert
    expiry = authority["tbs_certificate"]["validity"]["not_after"].native
    if stamp.trust_problem_indic == AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND:
        return (
            "its timestamp is from a time-stamping authority under none of the roots given (its issuer:"
            f" {name_of(authority, issuer=True)}); name that authority's root with --timestamp-root"
        )
    if now > expiry:
        return (
            "its timestamp is intact, but the time-stamping authority's certificate is no longer valid (it expired"
            f" on {when(expiry)}), so the time it gives can no longer be proven: this edition is not signed for"
            " long-term validation (PAdES B-LT or B-LTA), and its archive should have timestamped it again before"
            " then"
        )
    if stamp.trust_problem_indic in (AdESIndeterminate.REVOKED_NO_POE, AdESIndeterminate.REVOKED_CA_NO_POE):
        return "its timestamp is intact, but the time-stamping authority's certificate was revoked"
    return f"its timestamp was not accepted ({stamp.trust_problem_indic})"


def added(tail: bytes) -> str:
    """Say what the bytes after the signature are: an incremental update (a PDF tool's save), or other bytes."""
    count = f"{len(tail)} byte{' was' if len(tail) == 1 else 's were'} added after the signature"
    if b"startxref" in tail and b"%%EOF" in tail and (b"xref" in tail.replace(b"startxref", b"") or b"/XRef" in tail):
        return f"{count} (an incremental update, as a PDF tool's save appends)"
    return f"{count} (not a PDF update: stray bytes, as a faulty copy or transfer can leave)"


def certificate_problem(certificate: asn1_x509.Certificate) -> str | None:
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


def name_of(certificate: asn1_x509.Certificate, issuer: bool = False) -> str:
    name = certificate.issuer if issuer else certificate.subject
    values = name.native
    common, organisation = values.get("common_name"), values.get("organization_name")
    if not common:
        return name.human_friendly
    return f"{common} ({organisation})" if organisation and organisation != common else str(common)


def expiry_of(certificate: asn1_x509.Certificate) -> str:
    return when(certificate["tbs_certificate"]["validity"]["not_after"].native)


def when(moment: datetime.datetime | None) -> str:
    return f"{moment.astimezone(datetime.UTC):%Y-%m-%d %H:%M:%S} UTC" if moment else "not said"


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
