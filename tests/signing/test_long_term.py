"""Long-term signatures (PAdES B-LTA): the validation data in the file and a document timestamp, so that the
signature can still be checked once the signer's certificate has expired; checked by `verify`, by pyHanko's own
AdES validation and by poppler's pdfsig, and every way such a file can fail told as what it is."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from bulletin.signing.keys import load_signing_key
from bulletin.signing.settings import read_signing
from bulletin.signing.signatures import sign_pdf
from bulletin.signing.verifying import read_trust_roots, verify_pdf
from bulletin.util.errors import UsageError
from bulletin.util.pdftree import in_reading_order
from bulletin.workflow.building import recheck_signed_edition
from bulletin.workflow.cli import main
from signing.certificates import DAY, NOW, PASSWORD, revocation_list
from signing.conftest import PASSWORD_ENV, settings_for
from signing.tsaserver import time_stamping

pytestmark = pytest.mark.slow  # RSA keys made, signatures and timestamps validated along every path


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


@pytest.fixture(scope="module")
def lasting(authority):
    """The test CA with a time-stamping authority whose certificate outlives the signer's by two years."""
    return dataclasses.replace(authority, tsa=authority.lasting_tsa)


@pytest.fixture(scope="module")
def sealed(lasting, tmp_path_factory) -> tuple[Path, dict]:
    """A small PDF signed for the long term, with the CA's CRL put in it; and what the manifest records."""
    path = tmp_path_factory.mktemp("long-term") / "edition.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path, deterministic_id=True)
    with pytest.MonkeyPatch.context() as patch, time_stamping(lasting) as (url, _answered):
        patch.setenv(PASSWORD_ENV, PASSWORD)
        settings = settings_for(lasting.signer, lasting, timestamp_url=url, long_term=True, crls=(lasting.crl_file,))
        recorded = sign_pdf(path, load_signing_key(settings), settings)
    return path, recorded


def roots(identity) -> list:
    return read_trust_roots(identity.certificate_file, "--trust-root")


def test_the_settings_ask_for_a_timestamp_and_a_root_with_long_term(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    table = {"key": "publisher.p12", "long-term": True, "trust-root": "root.pem", "timestamp-url": "http://tsa.test/"}
    settings = read_signing(table | {"crl": "root.crl"}, pyproject)
    assert settings is not None and settings.profile == "PAdES B-LTA" and settings.crls == (tmp_path / "root.crl",)
    for missing in ("timestamp-url", "trust-root"):
        with pytest.raises(UsageError, match="long-term: a long-term signature needs timestamp-url"):
            read_signing({key: value for key, value in table.items() if key != missing}, pyproject)
    with pytest.raises(UsageError, match="crl: the CRLs are put in the file only with long-term = true"):
        read_signing({"key": "publisher.p12", "crl": ["root.crl"]}, pyproject)
    with pytest.raises(UsageError, match="long-term: 'yes' is not true or false"):
        read_signing(table | {"long-term": "yes"}, pyproject)


def test_the_file_holds_the_validation_data_and_a_document_timestamp_after_the_signature(sealed, lasting):
    path, recorded = sealed
    assert recorded["profile"] == "PAdES B-LTA" and recorded["document_timestamp"] >= recorded["timestamp"]
    data = path.read_bytes()
    assert hashlib.sha256(data[: recorded["unsigned_size"]]).hexdigest() == recorded["unsigned_sha256"]
    reader = PdfFileReader(BytesIO(data))
    [signature], stamps = reader.embedded_regular_signatures, reader.embedded_timestamp_signatures
    assert len(stamps) == 1 and signature.signed_revision < stamps[0].signed_revision
    with pikepdf.open(path) as pdf:
        store = pdf.Root.DSS
        crls = [bytes(stream.read_bytes()) for stream in store.CRLs]
        assert lasting.crl_file.read_bytes() in crls  # the CRL named in the settings, as it was
        assert len(store.Certs) >= 3  # the signer's, the time-stamping authority's and the root
    # poppler, which did not write it, finds the publisher's signature valid, and the document timestamp after it.
    checked = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    publisher, stamp = checked.split("Signature #2:")
    assert "Signer Certificate Common Name: Editorial Office" in publisher, checked
    assert "Signature Validation: Signature is Valid." in publisher, checked
    assert "Signer Certificate Common Name: Lasting Time Stamps" in stamp, checked


def test_verify_passes_it_now_and_after_the_signers_certificate_has_expired(sealed, lasting):
    path, _ = sealed
    now = verify_pdf(path, roots(lasting.root))
    assert now.passed, now.failures
    assert any(fact.startswith("long-term (PAdES B-LTA): the file holds the validation data") for fact in now.facts)
    later = NOW + 500 * DAY  # the signer's certificate expired at NOW + 365 days; the authority's is valid
    assert lasting.signer.certificate.not_valid_after_utc < later < lasting.tsa.certificate.not_valid_after_utc
    # The last document timestamp's authority is checked as of then, with the CA's CRL of then; all else with
    # what the file holds.
    current = revocation_list(lasting.root, lasting.revoked, later, 2)
    then = verify_pdf(path, roots(lasting.root), crls=[current], now=later)
    assert then.passed, then.failures
    assert any("proven by the validation data in the file" in fact for fact in then.facts)
    stale = verify_pdf(path, roots(lasting.root), now=later)  # the CRL in the file is long out of date
    assert not stale.passed and stale.failures[-1].endswith("give its CA's current CRL with --crl")


def test_once_the_last_document_timestamp_has_expired_it_asks_for_a_new_one(sealed, lasting):
    path, _ = sealed
    verdict = verify_pdf(path, roots(lasting.root), now=NOW + 4 * 365 * DAY)
    assert not verdict.passed
    assert verdict.failures[-1].startswith("the last document timestamp's authority certificate expired on ")
    assert verdict.failures[-1].endswith("timestamping the file again before then")


def test_a_changed_byte_an_update_after_it_and_a_wrong_root_each_fail(sealed, lasting, tmp_path):
    path, _ = sealed
    data = path.read_bytes()
    changed = tmp_path / "changed.pdf"
    at = data.index(b"/MediaBox [ 0 0 595 842 ]") + len(b"/MediaBox [ 0 0 5")
    changed.write_bytes(data[:at] + b"8" + data[at + 1 :])
    assert verify_pdf(changed, roots(lasting.root)).failures[0] == (
        "changed after it was signed: the signed bytes no longer match the signature"
    )
    # An update as a PDF tool appends, after the document timestamp: the catalog's language changed.
    writer = IncrementalPdfFileWriter(BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()
    updated = tmp_path / "updated.pdf"
    with updated.open("wb") as output:
        writer.write(output)
    told = verify_pdf(updated, roots(lasting.root)).failures
    assert (
        told
        and told[0].startswith("changed after its last document timestamp: ")
        and "an incremental update" in told[0]
    )
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(data + b"garbage after the end\n")
    told = verify_pdf(appended, roots(lasting.root)).failures
    assert told and told[0].startswith("changed after its last document timestamp: ")
    stranger = verify_pdf(path, roots(lasting.stranger)).failures
    assert any(re.search(r"does not lead to a trust root given", failure) for failure in stranger), stranger


def test_the_verify_command_says_so_in_words(sealed, lasting, capsys):
    path, _ = sealed
    assert main(["verify", str(path), "--trust-root", str(lasting.root.certificate_file)]) == 0
    out = capsys.readouterr()
    assert "long-term (PAdES B-LTA)" in out.out and "Validation error" not in out.err + out.out


def test_a_signed_screen_edition_stays_pdf_ua_with_both_fields_tagged(sample_build, lasting, tmp_path):
    """The document timestamp's field is made and tagged with the signature's, so outloud and the structure
    check find the signed edition as they found it unsigned."""
    edition = tmp_path / "edition.pdf"
    shutil.copyfile(sample_build.pdf("en", "screen"), edition)
    with time_stamping(lasting) as (url, _answered):
        settings = settings_for(lasting.signer, lasting, timestamp_url=url, long_term=True, crls=(lasting.crl_file,))
        sign_pdf(edition, load_signing_key(settings), settings)
    assert recheck_signed_edition(edition) == []
    with pikepdf.open(edition) as pdf:
        fields = {str(field.T): field for field in pdf.Root.AcroForm.Fields}
        assert set(fields) == {"Publisher", "Seal"} and str(fields["Seal"].TU) == "Document timestamp"
        forms = [element for element in in_reading_order(pdf.Root.StructTreeRoot) if element.get("/S") == "/Form"]
        assert sorted(str(form.K.Obj.T) for form in forms) == ["Publisher", "Seal"]
