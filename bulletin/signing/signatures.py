"""A PDF signed in the publisher's name: PAdES, appended to the file as an incremental update.

The signature is a CMS signature of the whole file but its own contents (SHA-256, the subfilter
ETSI.CAdES.detached of PAdES), in an invisible signature field. It is appended after the last
byte of the file as the build made it, so the unsigned file, which the build makes reproducibly,
is the signed file's first bytes: anyone can cut them off and compare them with a build of their
own. Without a time-stamping server the signature is PAdES B-B: its time is the signer's clock;
with one it is B-T: a timestamp of the signature, from the server, proves when it was made.

With `long-term`, it is B-LTA: two more updates are appended after the signature. The first is a
document security store (/DSS) holding the certificates and the revocation data (the CRLs named
in the settings, or fetched from the addresses the certificates name) that prove the signer's and
the time-stamping authority's certificates valid; the second a document timestamp over the whole
file. Long after the certificates have expired, a reader can still check the signature from what
the file holds, as long as the last document timestamp can be; an archive keeps it so by adding
a document timestamp of its own before the last one's authority expires.
"""

from __future__ import annotations

import datetime
import hashlib
from contextlib import nullcontext
from io import BytesIO
from pathlib import Path

import aiohttp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.general import SigningError as PdfSigningError
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from ..util.atomic import describe_os_error, write_atomically
from ..util.errors import display_path
from ..util.files import read_file
from .field import tagged_signature_field
from .keys import SigningError, SigningKey
from .settings import SigningSettings
from .verdicts import quiet_pyhanko

FIELD = "Publisher"  # the name of the signature field
SEAL = "Seal"  # the name of a long-term signature's document timestamp's field
TIMEOUT = 30  # seconds to wait for the time-stamping server


def sign_pdf(path: Path, signing: SigningKey, settings: SigningSettings) -> dict:
    """Sign the PDF at `path` in place; return what the manifest records of the signature."""
    try:
        unsigned = read_file(path)
    except OSError as err:
        raise SigningError(f"cannot read {display_path(path)} to sign it: {describe_os_error(err)}") from err
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=settings.reason,
        location=settings.location or None,
        embed_validation_info=settings.long_term,
        use_pades_lta=settings.long_term,
        validation_context=_gathering(signing, settings) if settings.long_term else None,
        timestamp_field_name=SEAL if settings.long_term else None,
    )
    stamper = HTTPTimeStamper(settings.timestamp_url, timeout=TIMEOUT) if settings.timestamp_url else None
    try:
        writer = IncrementalPdfFileWriter(BytesIO(unsigned), strict=False)
        tagged_signature_field(writer, FIELD, signing.signer)
        if settings.long_term:  # made and tagged now: pyHanko would add it untagged, after the signature
            tagged_signature_field(writer, SEAL, "Document timestamp", language="en")
        # Not fetching is what CRLs named in the settings are for: pyHanko's warning that it will not says nothing.
        with quiet_pyhanko() if settings.crls else nullcontext():
            signed = signers.sign_pdf(writer, metadata, signer=_signer(signing), timestamper=stamper).getvalue()
    except (TimestampRequestError, aiohttp.ClientError, TimeoutError) as err:
        raise SigningError(
            f"{settings.where} timestamp-url: the time-stamping server {settings.timestamp_url} gave no timestamp"
            f" for {path.name} ({err or type(err).__name__}); nothing was delivered"
        ) from err
    except SigningError:
        raise
    except (PdfError, PdfSigningError, ValueError) as err:
        raise SigningError(f"{path.name} could not be signed: {err}{_gathered_hint(settings)}") from err
    except Exception as err:  # whatever else pyHanko raises is told, never a traceback
        raise SigningError(
            f"{path.name} could not be signed: {type(err).__name__}: {err}{_gathered_hint(settings)}"
        ) from err
    try:
        write_atomically(path, signed)
    except OSError as err:
        raise SigningError(f"cannot write {display_path(path)}: {describe_os_error(err)}") from err
    reader = PdfFileReader(BytesIO(signed), strict=False)
    claimed, stamped = signing_times(reader.embedded_regular_signatures[0])
    seals = reader.embedded_timestamp_signatures
    return {
        "signer": signing.signer,
        "certificate_sha256": signing.fingerprint,
        "profile": settings.profile,
        "signed_at": _iso(claimed),
        "timestamp": _iso(stamped),
        **(_sealed(seals[-1]) if seals else {}),
        "unsigned_size": len(unsigned),  # the unsigned file is the signed one's first bytes
        "unsigned_sha256": hashlib.sha256(unsigned).hexdigest(),
    }


def _gathering(signing: SigningKey, settings: SigningSettings) -> ValidationContext:
    """Where the validation data put in a long-term signature comes from: the paths of the signer's and the
    time-stamping authority's certificates to the trust roots, and the CRLs named, or those fetched from the
    addresses the certificates name when none is."""
    return ValidationContext(
        trust_roots=[as_asn1(certificate) for certificate in signing.roots],
        other_certs=[as_asn1(certificate) for certificate in signing.chain],
        crls=list(signing.crls),
        allow_fetching=not settings.crls,
        revocation_mode="hard-fail",
    )


def _gathered_hint(settings: SigningSettings) -> str:
    """What to do when a long-term signature's validation data could not be gathered."""
    if not settings.long_term:
        return ""
    source = (
        "the CRLs named in crl are current and cover every CA of both paths"
        if settings.crls
        else "the addresses the certificates name for their revocation data can be reached, or name the CAs'"
        " current CRLs in crl"
    )
    return f". A long-term signature puts the revocation data of its certificates in the file: check that {source}"


def _signer(signing: SigningKey) -> signers.SimpleSigner:
    """pyHanko's signer for the key, with the chain to embed."""
    der = serialization.Encoding.DER
    key = signing.key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    return signers.SimpleSigner(
        signing_cert=as_asn1(signing.certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key),
        cert_registry=SimpleCertificateStore.from_certs([as_asn1(certificate) for certificate in signing.chain]),
    )


def as_asn1(certificate: x509.Certificate) -> asn1_x509.Certificate:
    """The certificate as pyHanko reads certificates."""
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def signing_times(signature: EmbeddedPdfSignature) -> tuple[datetime.datetime | None, datetime.datetime | None]:
    """Return when a signature says it was made (the signer's clock), and the time of its timestamp, if any."""
    stamps = list(extract_tst_data_iter(signature.signer_info, signed=False))
    stamped = stamps[0]["encap_content_info"]["content"].parsed["gen_time"].native if stamps else None
    return signature.self_reported_timestamp, stamped


def _sealed(stamp: EmbeddedPdfSignature) -> dict:
    """What the manifest records of a long-term signature's document timestamp: its time, its authority, and the
    date before which the file must be timestamped again (the authority's certificate's end)."""
    authority = stamp.signer_cert
    return {
        "document_timestamp": _iso(sealed_time(stamp)),
        "document_timestamp_authority": authority.subject.human_friendly,
        "renew_before": _iso(authority["tbs_certificate"]["validity"]["not_after"].native),
    }


def sealed_time(stamp: EmbeddedPdfSignature) -> datetime.datetime:
    """The time a document timestamp gives: its token's."""
    return stamp.signed_data["encap_content_info"]["content"].parsed["gen_time"].native


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds") if moment else None
