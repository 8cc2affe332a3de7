"""A certificate authority made at test time: a root, the publisher's signing certificates (good, expired, revoked),
a time-stamping authority's, and a stranger root that issued none of them but another time-stamping authority's
and a stranger's signing certificate. Nothing of it is committed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "correct horse battery staple"  # of every key file written here
CRL_URL = "http://ca.test/root.crl"  # where the certificates say their CRL is (.test: never a real host); not fetched
NOW = datetime.datetime.now(datetime.UTC)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Identity:
    """A key and its certificate, with the files they were written to."""

    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    key_file: Path  # PEM, encrypted with PASSWORD
    certificate_file: Path  # PEM
    pkcs12_file: Path  # the key, its certificate and the root's, encrypted with PASSWORD


@dataclass(frozen=True)
class Authority:
    """The test CA and what it issued, in a folder."""

    folder: Path
    root: Identity
    signer: Identity  # the publisher's, valid now
    expired: Identity  # the publisher's, expired yesterday
    revoked: Identity  # the publisher's, revoked yesterday (in crl_file)
    tsa: Identity  # a time-stamping authority's
    lasting_tsa: Identity  # a time-stamping authority's valid three years: it outlives the signer's certificate
    stranger: Identity  # a root that issued none of the above
    foreign_tsa: Identity  # a time-stamping authority's, under the stranger root
    foreign_signer: Identity  # a document-signing certificate under the stranger root: not the publisher's
    crl_file: Path  # the root's CRL (DER), listing `revoked`


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Since the Victory"),
        ]
    )


def _issue(
    folder: Path,
    name: str,
    issuer: Identity | None,
    start: datetime.datetime = NOW - DAY,
    end: datetime.datetime = NOW + 365 * DAY,
    authority: bool = False,
    time_stamping: bool = False,
) -> Identity:
    # pyHanko's test TSA signs with RSA only; the others' keys are quicker to make.
    key = rsa.generate_private_key(65537, 2048) if time_stamping else ec.generate_private_key(ec.SECP256R1())
    subject = _name(name)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=authority, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not authority,
                content_commitment=not authority and not time_stamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=authority,
                crl_sign=authority,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if issuer:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if not authority:  # without a distribution point, a validator does not look for the CRL at all
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(CRL_URL)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if time_stamping:
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    stem = folder / name.lower().replace(" ", "-")
    key_file, certificate_file, pkcs12_file = (stem.with_suffix(suffix) for suffix in (".key", ".pem", ".p12"))
    encryption = serialization.BestAvailableEncryption(PASSWORD.encode())
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    chain = [issuer.certificate] if issuer else None
    pkcs12_file.write_bytes(pkcs12.serialize_key_and_certificates(name.encode(), key, certificate, chain, encryption))
    return Identity(key, certificate, key_file, certificate_file, pkcs12_file)


def revocation_list(root: Identity, revoked: Identity, issued: datetime.datetime, number: int) -> bytes:
    """The root's CRL (DER) as issued at `issued`, valid 30 days, listing `revoked` (revoked half a day before NOW)."""
    return (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.certificate.subject)
        .last_update(issued - DAY)
        .next_update(issued + 30 * DAY)
        .add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(revoked.certificate.serial_number)
            .revocation_date(NOW - DAY / 2)
            .build()
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.key.public_key()), critical=False)
        .add_extension(x509.CRLNumber(number), critical=False)
        .sign(root.key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )


def make_authority(folder: Path) -> Authority:
    """Make the test CA and its certificates in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    root = _issue(folder, "Test Root", None, end=NOW + 3650 * DAY, authority=True)
    revoked = _issue(folder, "Revoked Publisher", root)
    crl = revocation_list(root, revoked, NOW, 1)
    crl_file = folder / "root.crl"
    crl_file.write_bytes(crl)
    stranger = _issue(folder, "Stranger Root", None, authority=True)
    return Authority(
        folder,
        root,
        signer=_issue(folder, "Editorial Office", root),
        expired=_issue(folder, "Expired Publisher", root, start=NOW - 30 * DAY, end=NOW - DAY),
        revoked=revoked,
        tsa=_issue(folder, "Test Time Stamps", root, time_stamping=True),
        lasting_tsa=_issue(folder, "Lasting Time Stamps", root, end=NOW + 3 * 365 * DAY, time_stamping=True),
        stranger=stranger,
        foreign_tsa=_issue(folder, "Foreign Time Stamps", stranger, time_stamping=True),
        foreign_signer=_issue(folder, "Foreign Signer", stranger),
        crl_file=crl_file,
    )
