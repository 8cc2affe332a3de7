"""The signing key and its certificate, loaded from the files the settings name, and checked.

A PKCS#12 file holds the key, its certificate and often the chain; a PEM key comes with its
certificate's file. The password is read from the environment variable `password-env` names.
Before anything is signed the key must open, the certificate must be the key's, be one that may
sign documents, and be valid now: each failure is told naming the setting and the file, as an
operator can mend it, and the build stops before it lays out a page.
"""

from __future__ import annotations

import datetime
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..util.errors import BuildError, display_path
from ..util.files import read_file
from .settings import MAX_FILE, SigningSettings

MAX_CRL = 100_000_000  # bytes: a large CA's revocation list runs to megabytes
# The extended key usages (OIDs) of a certificate that may sign documents: any one will do.
DOCUMENT_SIGNING = {
    "1.3.6.1.5.5.7.3.36",  # documentSigning (RFC 9336)
    "1.3.6.1.5.5.7.3.4",  # emailProtection, which many document-signing certificates carry
    "2.5.29.37.0",  # anyExtendedKeyUsage
    "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust
    "1.3.6.1.4.1.311.10.3.12",  # Microsoft Document Signing
}
# What other extended key usages are for, in words.
PURPOSES = {
    "1.3.6.1.5.5.7.3.1": "identifying a web server",
    "1.3.6.1.5.5.7.3.2": "identifying a client to a server",
    "1.3.6.1.5.5.7.3.3": "signing programs",
    "1.3.6.1.5.5.7.3.8": "time-stamping",
    "1.3.6.1.5.5.7.3.9": "signing revocation answers (OCSP)",
}


class SigningError(BuildError):
    """The screen editions cannot be signed as the settings say: nothing is delivered."""

    category = "signing failed"


@dataclass(frozen=True)
class SigningKey:
    """The key the screen editions are signed with, its certificate and the certificates up to the root."""

    key: PrivateKeyTypes  # the private key, opened
    certificate: x509.Certificate  # the signing certificate
    chain: tuple[x509.Certificate, ...]  # further certificates, embedded in each signature
    # For a long-term signature: the roots its validation data leads to, and the CRLs the settings name.
    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()

    @property
    def fingerprint(self) -> str:
        """The SHA-256 of the signing certificate, as the manifest records it."""
        return hashlib.sha256(self.certificate.public_bytes(serialization.Encoding.DER)).hexdigest()

    @property
    def signer(self) -> str:
        """Who signs, in words: the certificate's common name and organisation."""
        return describe_name(self.certificate.subject)


def describe_name(name: x509.Name) -> str:
    """A certificate's subject in words: "Editorial Office (Since the Victory)", or its whole name."""
    common = [str(attribute.value) for attribute in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    organisation = [str(attribute.value) for attribute in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    if not common:
        return name.rfc4514_string()
    return f"{common[0]} ({organisation[0]})" if organisation and organisation[0] != common[0] else common[0]


def load_signing_key(
    settings: SigningSettings, environ: Mapping[str, str] = os.environ, now: datetime.datetime | None = None
) -> SigningKey:
    """Open the key the `settings` name with the password from the environment, and check its certificate."""
    where = settings.where
    password = _password(settings, environ)
    data = _read(settings.key, f"{where} key")
    if settings.pkcs12:
        key, certificate, extra = _open_pkcs12(settings, data, password)
    else:
        key = _open_pem_key(settings, data, password)
        assert settings.certificate is not None  # read_signing asks for it beside a PEM key
        certificate = read_certificates(settings.certificate, f"{where} certificate")[0]
        extra = []
    chain = tuple(extra) + tuple(
        certificate for path in settings.chain for certificate in read_certificates(path, f"{where} chain")
    )
    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[asn1_crl.CertificateList, ...] = ()
    if settings.long_term:  # read now, so that a file missing or wrong stops the build before it lays out a page
        named = (("trust-root", settings.trust_root), ("timestamp-root", settings.timestamp_root))
        roots = tuple(each for setting, path in named if path for each in read_certificates(path, f"{where} {setting}"))
        crls = tuple(read_crl(path, f"{where} crl") for path in settings.crls)
    signing = SigningKey(key, certificate, chain, roots, crls)
    check_certificate(signing, settings, now or datetime.datetime.now(datetime.UTC))
    return signing


def check_certificate(signing: SigningKey, settings: SigningSettings, now: datetime.datetime) -> None:
    """Stop unless the certificate is the key's, may sign documents, and is valid at `now`."""
    setting = f"{settings.where} {'key' if settings.pkcs12 else 'certificate'}"
    named = f"the signing certificate ({signing.signer}, {display_path(settings.certificate or settings.key)})"
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if signing.key.public_key().public_bytes(
        serialization.Encoding.DER, public
    ) != signing.certificate.public_key().public_bytes(serialization.Encoding.DER, public):
        raise SigningError(f"{setting}: {named} is not the certificate of the key {display_path(settings.key)}")
    if now > signing.certificate.not_valid_after_utc:
        raise SigningError(
            f"{setting}: {named} expired on {signing.certificate.not_valid_after_utc:%Y-%m-%d %H:%M} UTC; nothing"
            " was signed or delivered. Renew it, and name the new certificate here; the editions signed before"
            " are left as they are"
        )
    if now < signing.certificate.not_valid_before_utc:
        raise SigningError(
            f"{setting}: {named} is valid only from {signing.certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC;"
            " nothing was signed or delivered"
        )
    if problem := signing_problem(signing.certificate):
        raise SigningError(
            f"{setting}: {named} may not sign documents ({problem}); ask the CA for a document-signing certificate"
        )


def signing_problem(certificate: x509.Certificate) -> str | None:
    """Say why `certificate` is not one for signing documents, in words; None when it is.

    Its extended key usage, when it has one, must name a document-signing purpose (a time-stamping
    authority's certificate, under the same root as the publisher's, must never pass as the
    publisher); its key usage, when it has one, must allow signatures or non-repudiation."""
    try:
        purposes = list(certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        purposes = None
    if purposes is not None and not any(purpose.dotted_string in DOCUMENT_SIGNING for purpose in purposes):
        named = [PURPOSES.get(purpose.dotted_string, purpose.dotted_string) for purpose in purposes]
        return f"it is for {' and '.join(named) or 'no purpose at all'}"
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if not (usage.digital_signature or usage.content_commitment):
        return "its key usage allows neither signatures nor non-repudiation"
    return None


def _password(settings: SigningSettings, environ: Mapping[str, str]) -> bytes | None:
    if not settings.password_env:
        return None
    if settings.password_env not in environ:
        raise SigningError(
            f"{settings.where} password-env: the environment variable {settings.password_env} is not set; set it"
            " to the key's password in the environment of the build (never in pyproject.toml)"
        )
    return environ[settings.password_env].encode()


def _read(path: Path, setting: str) -> bytes:
    try:
        data = read_file(path, MAX_FILE)
    except FileNotFoundError:
        raise SigningError(f"{setting}: {display_path(path)} does not exist") from None
    except (OSError, ValueError) as err:
        raise SigningError(f"{setting}: {display_path(path)} cannot be read: {getattr(err, 'strerror', err)}") from err
    if len(data) > MAX_FILE:
        raise SigningError(f"{setting}: {display_path(path)} is larger than a key or certificate file can be")
    return data


def _locked(settings: SigningSettings, password: bytes | None) -> str:
    """Say why a key did not open with the `password` given."""
    if password is None:
        return "it is protected by a password: name the environment variable holding it with password-env"
    return f"the password in {settings.password_env} does not open it (or it is not a key file)"


def _open_pkcs12(
    settings: SigningSettings, data: bytes, password: bytes | None
) -> tuple[PrivateKeyTypes, x509.Certificate, list[x509.Certificate]]:
    setting = f"{settings.where} key: {display_path(settings.key)}"
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, password)
    except (ValueError, TypeError):
        raise SigningError(f"{setting}: {_locked(settings, password)}") from None
    if key is None or certificate is None:
        raise SigningError(f"{setting}: the PKCS#12 file holds no {'key' if key is None else 'certificate'}")
    return key, certificate, list(extra)


def _open_pem_key(settings: SigningSettings, data: bytes, password: bytes | None) -> PrivateKeyTypes:
    setting = f"{settings.where} key: {display_path(settings.key)}"
    if b"-----BEGIN" not in data:
        raise SigningError(f"{setting}: not a PEM private key (a PKCS#12 file is named .p12 or .pfx)")
    try:
        return serialization.load_pem_private_key(data, password)
    except TypeError:  # no password for an encrypted key, or one for a key that has none
        if password is None:
            raise SigningError(f"{setting}: {_locked(settings, None)}") from None
        return serialization.load_pem_private_key(data, None)
    except ValueError:
        raise SigningError(f"{setting}: {_locked(settings, password)}") from None


def read_certificates(path: Path, setting: str) -> list[x509.Certificate]:
    """Read the certificates of a PEM file (one or more) or a DER file, named in the settings as `setting`."""
    data = _read(path, setting)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise SigningError(f"{setting}: {display_path(path)} holds no certificate (PEM or DER)") from None


def parse_crl(data: bytes) -> asn1_crl.CertificateList:
    """A certificate revocation list, DER or PEM, parsed whole (a ValueError when it is not one)."""
    try:
        crl = asn1_crl.CertificateList.load(pem.unarmor(data)[2] if pem.detect(data) else data)
        _ = crl.native  # asn1crypto parses lazily: what is wrong is found now, not at the list's first use
    except (ValueError, TypeError, KeyError) as err:
        raise ValueError("not a certificate revocation list (DER or PEM)") from err
    return crl


def read_crl(path: Path, setting: str) -> asn1_crl.CertificateList:
    """Read a certificate revocation list named in the settings as `setting`."""
    try:
        return parse_crl(read_file(path, MAX_CRL))
    except FileNotFoundError:
        raise SigningError(f"{setting}: {display_path(path)} does not exist") from None
    except OSError as err:
        raise SigningError(f"{setting}: {display_path(path)} cannot be read: {err.strerror or err}") from None
    except ValueError as err:
        raise SigningError(f"{setting}: {display_path(path)} is {err}") from None
