"""Signing a PDF and checking it: every way a signed file can fail is told as what it is."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from io import BytesIO

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ObjectIdentifier
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from bulletin.signing.keys import SigningError, SigningKey, load_signing_key, signing_problem
from bulletin.signing.signatures import as_asn1, sign_pdf
from bulletin.signing.verifying import verify_pdf
from signing.certificates import DAY, NOW, PASSWORD
from signing.conftest import settings_for, trust_roots
from signing.tsaserver import time_stamping

pytestmark = pytest.mark.usefixtures("password")


def sign_with(identity, authority, path, **options) -> dict:
    settings = settings_for(identity, authority, **options)
    return sign_pdf(path, load_signing_key(settings), settings)


def test_a_signed_file_passes_and_begins_with_the_unsigned_one(authority, small_pdf):
    unsigned = small_pdf.read_bytes()
    record = sign_with(authority.signer, authority, small_pdf, location="Baku")
    signed = small_pdf.read_bytes()
    assert signed.startswith(unsigned) and len(signed) > len(unsigned)
    assert record["unsigned_size"] == len(unsigned)
    assert record["unsigned_sha256"] == hashlib.sha256(unsigned).hexdigest()
    assert record["signer"] == "Editorial Office (Since the Victory)" and record["profile"] == "PAdES B-B"
    verdict = verify_pdf(small_pdf, trust_roots(authority.root))
    assert verdict.passed, verdict.failures
    told = "\n".join(verdict.facts)
    assert "signed by: Editorial Office (Since the Victory)" in told
    assert f"the edition as built is its first {len(unsigned)} bytes" in told
    assert "issued under the trust root Test Root" in told and "revocation not checked" in told
    # pyHanko's own judgment agrees, and the signature covers the whole file.
    status = validate_pdf_signature(
        PdfFileReader(BytesIO(signed)).embedded_signatures[0],
        ValidationContext(trust_roots=[as_asn1(authority.root.certificate)], allow_fetching=False),
    )
    assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_a_pem_key_signs_as_a_pkcs12_file_does(authority, small_pdf):
    sign_with(authority.signer, authority, small_pdf, pkcs12=False)
    assert verify_pdf(small_pdf, trust_roots(authority.root)).passed


@pytest.mark.parametrize("where", ["document", "signature"])
def test_one_changed_byte_fails(authority, small_pdf, where):
    size = len(small_pdf.read_bytes())
    sign_with(authority.signer, authority, small_pdf)
    data = bytearray(small_pdf.read_bytes())
    # A byte of the page's dictionary, or the last byte of the signature's own update (its trailer).
    offset = data.index(b"/MediaBox") + 2 if where == "document" else size + (len(data) - size) // 2
    data[offset] ^= 0x01
    small_pdf.write_bytes(bytes(data))
    verdict = verify_pdf(small_pdf, trust_roots(authority.root))
    assert not verdict.passed
    assert any("changed after it was signed" in failure or "cannot be read" in failure for failure in verdict.failures)


def test_an_update_appended_after_signing_fails(authority, small_pdf):
    sign_with(authority.signer, authority, small_pdf)
    small_pdf.write_bytes(appended_update(small_pdf.read_bytes()))
    verdict = verify_pdf(small_pdf, trust_roots(authority.root))
    [failure] = verdict.failures
    assert (
        failure.startswith("changed after it was signed: ") and " bytes were added after the signature (an" in failure
    )
    assert "(an incremental update, as a PDF tool's save appends)" in failure


def test_a_stray_byte_after_the_signature_is_told_as_what_it_is(authority, small_pdf):
    sign_with(authority.signer, authority, small_pdf)
    size = len(small_pdf.read_bytes())
    small_pdf.write_bytes(small_pdf.read_bytes() + b"\n")  # what a careless copy might add
    assert verify_pdf(small_pdf, trust_roots(authority.root)).failures == [
        "changed after it was signed: 1 byte was added after the signature (not a PDF update: stray bytes, as a"
        f" faulty copy or transfer can leave); the signed file is its first {size} bytes"
    ]


def appended_update(data: bytes) -> bytes:
    """`data` with an incremental update appended that changes the document's language, as a viewer's save might."""
    writer = IncrementalPdfFileWriter(BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("ru")
    writer.update_root()
    appended = BytesIO()
    writer.write(appended)
    return appended.getvalue()


@pytest.mark.parametrize("changed_between", [False, True])
def test_a_file_signed_twice_fails(authority, small_pdf, changed_between):
    sign_with(authority.signer, authority, small_pdf)
    data = appended_update(small_pdf.read_bytes()) if changed_between else small_pdf.read_bytes()
    # A second signature covers the first, and anything changed before it.
    signer = signers.SimpleSigner.load_pkcs12(authority.signer.pkcs12_file, passphrase=PASSWORD.encode())
    assert signer is not None
    metadata = signers.PdfSignatureMetadata(field_name="Second", subfilter=SigSeedSubFilter.PADES)
    small_pdf.write_bytes(signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(data)), metadata, signer=signer).getvalue())
    assert verify_pdf(small_pdf, trust_roots(authority.root)).failures == [
        "signed more than once (2 signatures); the editions are signed once, by the publisher"
    ]


def test_a_document_timestamp_added_after_the_signature_is_checked_as_a_long_term_signature(authority, small_pdf):
    """An archive's document timestamp, with no validation data in the file: the CA's CRL must be given."""
    with time_stamping(authority) as (url, _answered):
        sign_with(authority.signer, authority, small_pdf, timestamp_url=url)
        stamper = signers.PdfTimeStamper(HTTPTimeStamper(url))
        stamped = stamper.timestamp_pdf(IncrementalPdfFileWriter(BytesIO(small_pdf.read_bytes())), "sha256")
    small_pdf.write_bytes(stamped.getvalue())
    failures = verify_pdf(small_pdf, trust_roots(authority.root)).failures
    assert failures[0].startswith("its long-term validation did not pass: ")
    assert failures[-1].endswith("give its CA's current CRL with --crl")
    given = verify_pdf(small_pdf, trust_roots(authority.root), crls=[authority.crl_file.read_bytes()])
    assert given.passed, given.failures


def test_a_document_timestamp_after_a_signature_without_its_own_timestamp_is_not_long_term(authority, small_pdf):
    sign_with(authority.signer, authority, small_pdf)  # PAdES B-B: the signer's clock only
    with time_stamping(authority) as (url, _answered):
        stamper = signers.PdfTimeStamper(HTTPTimeStamper(url))
        stamped = stamper.timestamp_pdf(IncrementalPdfFileWriter(BytesIO(small_pdf.read_bytes())), "sha256")
    small_pdf.write_bytes(stamped.getvalue())
    failures = verify_pdf(small_pdf, trust_roots(authority.root), crls=[authority.crl_file.read_bytes()]).failures
    assert failures == [
        "its long-term validation did not pass: the signature has no timestamp of its own, which a long-term"
        " signature needs (SIG_CONSTRAINTS_FAILURE)"
    ]


def test_a_wrong_trust_root_fails(authority, small_pdf):
    sign_with(authority.signer, authority, small_pdf)
    verdict = verify_pdf(small_pdf, trust_roots(authority.stranger))
    assert verdict.failures == [
        "signed by a certificate the trust root did not issue (its issuer: Test Root (Since the Victory))"
    ]


def test_a_file_signed_with_an_expired_certificate_fails(authority, small_pdf):
    settings = settings_for(authority.expired, authority)
    with pytest.raises(SigningError, match=r"key: the signing certificate \(Expired Publisher .*\) expired on"):
        load_signing_key(settings)
    # Signed all the same, as another tool might: the check of the file says so.
    opened = load_signing_key(settings, now=authority.expired.certificate.not_valid_before_utc)
    sign_pdf(small_pdf, SigningKey(opened.key, opened.certificate, opened.chain), settings)
    verdict = verify_pdf(small_pdf, trust_roots(authority.root))
    assert len(verdict.failures) == 1 and verdict.failures[0].startswith("the signing certificate had expired (on")


def test_a_revoked_certificate_fails_against_its_crl(authority, small_pdf):
    sign_with(authority.revoked, authority, small_pdf)
    assert verify_pdf(
        small_pdf, trust_roots(authority.root)
    ).passed  # no CRL given: revocation not checked, and said so
    verdict = verify_pdf(small_pdf, trust_roots(authority.root), [authority.crl_file.read_bytes()])
    assert len(verdict.failures) == 1 and verdict.failures[0].startswith("the signing certificate was revoked on")


def test_an_unsigned_file_and_a_stranger_file_are_told(authority, small_pdf, tmp_path):
    assert verify_pdf(small_pdf, trust_roots(authority.root)).failures == ["not signed: it holds no signature"]
    text = tmp_path / "notes.pdf"
    text.write_text("not a PDF at all")
    assert verify_pdf(text, trust_roots(authority.root)).failures[0].startswith("not a PDF that can be read")
    assert verify_pdf(tmp_path / "missing.pdf", trust_roots(authority.root)).failures[0].startswith("cannot be read")


def test_a_timestamp_from_a_real_server_makes_it_b_t(authority, small_pdf):
    with time_stamping(authority) as (url, answered):
        record = sign_with(authority.signer, authority, small_pdf, timestamp_url=url)
    assert answered[0] >= 1 and record["profile"] == "PAdES B-T" and record["timestamp"]
    verdict = verify_pdf(small_pdf, trust_roots(authority.root))
    assert verdict.passed, verdict.failures
    told = "\n".join(verdict.facts)
    assert "timestamp: " in told and "from Test Time Stamps (Since the Victory)" in told
    assert "valid at its timestamp's time" in told
    expiry = f"{authority.tsa.certificate.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC"
    assert f"from Test Time Stamps (Since the Victory) (its certificate valid until {expiry})" in told


def test_a_silent_time_stamping_server_stops_the_signing(authority, small_pdf):
    before = small_pdf.read_bytes()
    with time_stamping(authority) as (url, _answered):
        pass  # the server is gone: nothing answers at its address
    with pytest.raises(SigningError, match=r"timestamp-url: the time-stamping server http://127.0.0.1:\d+/tsa gave no"):
        sign_with(authority.signer, authority, small_pdf, timestamp_url=url)
    assert small_pdf.read_bytes() == before


def test_a_certificate_that_is_not_the_keys_is_refused(authority, monkeypatch):
    settings = replace(
        settings_for(authority.signer, authority, pkcs12=False), certificate=authority.revoked.certificate_file
    )
    with pytest.raises(SigningError, match=r"certificate: the signing certificate \(Revoked Publisher .*\) is not the"):
        load_signing_key(settings)


def test_a_time_stamping_certificate_under_the_root_neither_signs_nor_passes_as_the_publisher(authority, small_pdf):
    settings = settings_for(authority.tsa, authority)
    with pytest.raises(
        SigningError, match=r"\(Test Time Stamps .*\) may not sign documents \(it is for time-stamping\)"
    ):
        load_signing_key(settings)
    # Signed all the same, as another tool might: the check of the file refuses it.
    key, certificate, chain = pkcs12.load_key_and_certificates(
        authority.tsa.pkcs12_file.read_bytes(), PASSWORD.encode()
    )
    assert key is not None and certificate is not None
    sign_pdf(small_pdf, SigningKey(key, certificate, tuple(chain)), settings)
    verdict = verify_pdf(small_pdf, trust_roots(authority.root))
    assert verdict.failures == ["signed with a certificate that is not for signing documents (it is for time-stamping)"]


DOCUMENT_SIGNING, TIME_STAMPING, SERVER = "1.3.6.1.5.5.7.3.36", "1.3.6.1.5.5.7.3.8", "1.3.6.1.5.5.7.3.1"


@pytest.mark.parametrize(
    ("purposes", "signatures", "problem"),
    [
        (None, True, None),  # no extended key usage: any purpose
        ([DOCUMENT_SIGNING], True, None),
        (["1.3.6.1.5.5.7.3.4"], True, None),  # emailProtection
        (["1.2.840.113583.1.1.5"], True, None),  # Adobe Authentic Documents Trust
        ([TIME_STAMPING, "2.5.29.37.0"], True, None),  # anyExtendedKeyUsage beside
        ([TIME_STAMPING], True, "it is for time-stamping"),
        ([SERVER, TIME_STAMPING], True, "it is for identifying a web server and time-stamping"),
        (["1.2.3.4"], True, "it is for 1.2.3.4"),
        ([DOCUMENT_SIGNING], False, "its key usage allows neither signatures nor non-repudiation"),
    ],
)
def test_which_certificates_are_for_signing_documents(authority, purposes, signatures, problem):
    key = ec.generate_private_key(ec.SECP256R1())
    usage = dict.fromkeys(
        (
            "content_commitment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(authority.signer.certificate.subject)
        .issuer_name(authority.root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW)
        .not_valid_after(NOW + (NOW - NOW.replace(year=NOW.year - 1)))
        .add_extension(
            x509.KeyUsage(digital_signature=signatures, key_encipherment=not signatures, **usage), critical=True
        )
    )
    if purposes is not None:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ObjectIdentifier(purpose) for purpose in purposes]), critical=False
        )
    assert signing_problem(builder.sign(authority.root.key, hashes.SHA256())) == problem


def test_a_b_t_file_years_later_says_its_timestamp_can_no_longer_be_proven(authority, small_pdf):
    with time_stamping(authority) as (url, _answered):
        sign_with(authority.signer, authority, small_pdf, timestamp_url=url)
    assert verify_pdf(small_pdf, trust_roots(authority.root)).passed  # today, it does
    later = authority.tsa.certificate.not_valid_after_utc + 365 * DAY  # both certificates have expired
    verdict = verify_pdf(small_pdf, trust_roots(authority.root), now=later)
    tsa_expiry = f"{authority.tsa.certificate.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC"
    signer_expiry = f"{authority.signer.certificate.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC"
    assert verdict.failures[0] == (
        "its timestamp is intact, but the time-stamping authority's certificate is no longer valid (it expired on"
        f" {tsa_expiry}), so the time it gives can no longer be proven: this edition is not signed for long-term"
        " validation (PAdES B-LT or B-LTA), and its archive should have timestamped it again before then"
    )
    assert verdict.failures[1].startswith(f"the signing certificate expired on {signer_expiry}; its timestamp says")
    assert len(verdict.failures) == 2 and "no timestamp proves" not in "\n".join(verdict.failures + verdict.facts)


def test_a_time_stamping_root_is_trusted_for_timestamps_only(authority, small_pdf, tmp_path):
    foreign = replace(authority, root=authority.stranger, tsa=authority.foreign_tsa)
    with time_stamping(foreign) as (url, _answered):
        sign_with(authority.signer, authority, small_pdf, timestamp_url=url)
    stamp_roots = trust_roots(authority.stranger)
    assert verify_pdf(small_pdf, trust_roots(authority.root)).failures == [
        "its timestamp is from a time-stamping authority under none of the roots given (its issuer: Stranger Root"
        " (Since the Victory)); name that authority's root with --timestamp-root"
    ]
    verdict = verify_pdf(small_pdf, trust_roots(authority.root), timestamp_roots=stamp_roots)
    assert verdict.passed and "from Foreign Time Stamps (Since the Victory)" in "\n".join(verdict.facts)
    # A certificate the time-stamping authority's root issued does not pass as the publisher's.
    foreign_pdf = tmp_path / "foreign.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(foreign_pdf)
    sign_with(authority.foreign_signer, authority, foreign_pdf)
    assert verify_pdf(foreign_pdf, trust_roots(authority.root), timestamp_roots=stamp_roots).failures == [
        "signed by a certificate the trust root did not issue (its issuer: Stranger Root (Since the Victory))"
    ]
