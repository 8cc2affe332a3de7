"""Long-term signatures (PAdES B-LTA): the validation data in the file and a document timestamp, so that the
signature can still be checked once the signer's certificate has expired; checked by `verify`, by pyHanko's own
AdES validation and by poppler's pdfsig, and every way such a file can fail told as what it is."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.timestamps import HTTPTimeStamper

from bulletin.delivery import signed as signed_module
from bulletin.delivery.plan import Asked
from bulletin.printing.settings import load_settings
from bulletin.project import PYPROJECT
from bulletin.signing import longterm
from bulletin.signing.keys import SigningError, load_signing_key
from bulletin.signing.settings import read_signing
from bulletin.signing.signatures import sign_pdf
from bulletin.signing.verifying import verify_pdf
from bulletin.util.errors import UsageError
from bulletin.util.pdftree import in_reading_order
from bulletin.workflow.building import recheck_signed_edition
from bulletin.workflow.cli import main
from bulletin.workflow.publishing import publish_issue
from signing.certificates import DAY, NOW, PASSWORD, revocation_list
from signing.conftest import PASSWORD_ENV, settings_for, trust_roots
from signing.tsaserver import time_stamping

from conftest import MINIMAL

pytestmark = [
    pytest.mark.slow,
    pytest.mark.usefixtures("password"),
]  # RSA keys made, signatures and timestamps validated along every path


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
    assert "Lasting Time Stamps" in recorded["document_timestamp_authority"]
    assert recorded["renew_before"] == lasting.tsa.certificate.not_valid_after_utc.isoformat(timespec="seconds")
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
    now = verify_pdf(path, trust_roots(lasting.root))
    assert now.passed, now.failures
    assert any(fact.startswith("long-term (PAdES B-LTA): the file holds the validation data") for fact in now.facts)
    later = NOW + 500 * DAY  # the signer's certificate expired at NOW + 365 days; the authority's is valid
    assert lasting.signer.certificate.not_valid_after_utc < later < lasting.tsa.certificate.not_valid_after_utc
    # The last document timestamp's authority is checked as of then, with the CA's CRL of then; all else with
    # what the file holds.
    current = revocation_list(lasting.root, lasting.revoked, later, 2)
    then = verify_pdf(path, trust_roots(lasting.root), crls=[current], now=later)
    assert then.passed, then.failures
    assert any("proven by the validation data in the file" in fact for fact in then.facts)
    stale = verify_pdf(path, trust_roots(lasting.root), now=later)  # the CRL in the file is long out of date
    assert not stale.passed and stale.failures[-1].endswith("give its CA's current CRL with --crl")


def test_once_the_last_document_timestamp_has_expired_it_asks_for_a_new_one(sealed, lasting):
    path, _ = sealed
    verdict = verify_pdf(path, trust_roots(lasting.root), now=NOW + 4 * 365 * DAY)
    assert not verdict.passed
    assert verdict.failures[-1].startswith("the last document timestamp's authority certificate expired on ")
    assert verdict.failures[-1].endswith("timestamping the file again before then")


def test_a_changed_byte_an_update_after_it_and_a_wrong_root_each_fail(sealed, lasting, tmp_path):
    path, _ = sealed
    data = path.read_bytes()
    changed = tmp_path / "changed.pdf"
    at = data.index(b"/MediaBox [ 0 0 595 842 ]") + len(b"/MediaBox [ 0 0 5")
    changed.write_bytes(data[:at] + b"8" + data[at + 1 :])
    assert verify_pdf(changed, trust_roots(lasting.root)).failures[0] == (
        "changed after it was signed: the signed bytes no longer match the signature"
    )
    # An update as a PDF tool appends, after the document timestamp: the catalog's language changed.
    writer = IncrementalPdfFileWriter(BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("fr")
    writer.update_root()
    updated = tmp_path / "updated.pdf"
    with updated.open("wb") as output:
        writer.write(output)
    told = verify_pdf(updated, trust_roots(lasting.root)).failures
    assert (
        told
        and told[0].startswith("changed after its last document timestamp: ")
        and "an incremental update" in told[0]
    )
    for stray in (b"garbage after the end\n", b"\0" * 10 + b"%%EOF\n"):
        appended = tmp_path / "appended.pdf"
        appended.write_bytes(data + stray)
        told = verify_pdf(appended, trust_roots(lasting.root)).failures
        assert told and told[0].startswith("changed after its last document timestamp: "), stray
    # An update pyHanko's rules would let pass as one for the long term: the title and author a reader sees.
    writer = IncrementalPdfFileWriter(BytesIO(data))
    writer.set_info(generic.DictionaryObject({generic.pdf_name("/Title"): generic.TextStringObject("Retracted")}))
    retitled = tmp_path / "retitled.pdf"
    with retitled.open("wb") as output:
        writer.write(output)
    assert verify_pdf(retitled, trust_roots(lasting.root)).failures == [
        "changed after it was signed: its document information (title, author, subject…) was changed after the"
        " signature"
    ]
    stranger = verify_pdf(path, trust_roots(lasting.stranger)).failures
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
        assert [str(form.get("/Lang", "")) for form in forms if str(form.K.Obj.T) == "Seal"] == ["en"]


def test_a_document_timestamp_from_an_authority_under_no_root_given_is_named(sealed, authority, tmp_path):
    """An archive's copy sealed again by an authority under another root: its root is to be given."""
    path, _ = sealed
    foreign = dataclasses.replace(authority, tsa=authority.foreign_tsa)
    with time_stamping(foreign) as (url, _answered):
        stamper = signers.PdfTimeStamper(HTTPTimeStamper(url))
        copy = stamper.timestamp_pdf(IncrementalPdfFileWriter(BytesIO(path.read_bytes())), "sha256")
    extended = tmp_path / "extended.pdf"
    extended.write_bytes(copy.getvalue())
    failures = verify_pdf(extended, trust_roots(authority.root)).failures
    assert failures[-1].startswith("a document timestamp is from a time-stamping authority under none of the roots")
    assert failures[-1].endswith("name that authority's root with --timestamp-root")


def test_a_copy_sealed_with_no_validation_data_of_its_own_says_where_the_proof_came_from(authority, tmp_path):
    path = tmp_path / "edition.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.save(path, deterministic_id=True)
    with time_stamping(authority) as (url, _answered):
        settings = settings_for(authority.signer, authority, timestamp_url=url)  # PAdES B-T
        sign_pdf(path, load_signing_key(settings), settings)
        stamper = signers.PdfTimeStamper(HTTPTimeStamper(url))
        path.write_bytes(
            stamper.timestamp_pdf(IncrementalPdfFileWriter(BytesIO(path.read_bytes())), "sha256").getvalue()
        )
    verdict = verify_pdf(path, trust_roots(authority.root), crls=[authority.crl_file.read_bytes()])
    assert verdict.passed, verdict.failures
    assert any("the file holds no validation data of its own, only what is given" in fact for fact in verdict.facts)
    assert any("proven by the validation data in the file and the CRLs given" in fact for fact in verdict.facts)


def test_a_build_checks_a_long_term_edition_as_of_its_seal(lasting, tmp_path, monkeypatch):
    """The build checks each signed screen edition with `verify`; a long-term one as of its document timestamp,
    with the revocation data it holds, so that a build made again weeks later, when that data is out of date,
    still delivers the edition it keeps."""
    issue = tmp_path / "issues" / MINIMAL.name
    shutil.copytree(MINIMAL, issue)
    checked = []

    def spy(path, *arguments, **options):
        checked.append(options.get("now"))
        return verify_pdf(path, *arguments, **options)

    monkeypatch.setattr(signed_module, "verify_pdf", spy)
    with time_stamping(lasting) as (url, _answered):
        signing = settings_for(lasting.signer, lasting, timestamp_url=url, long_term=True, crls=(lasting.crl_file,))
        settings = dataclasses.replace(load_settings(PYPROJECT), signing=signing)
        publish_issue(issue, Asked(languages=("en",), variants=("screen",)), settings, tmp_path / "output")
    [entry] = [
        entry
        for entry in json.loads((tmp_path / "output" / MINIMAL.name / "manifest.json").read_text())["files"]
        if "signature" in entry
    ]
    assert entry["signature"]["profile"] == "PAdES B-LTA"
    assert checked == [datetime.datetime.fromisoformat(entry["signature"]["document_timestamp"])]
    # As of then, the file proves itself; forty days on, the CRL it holds is out of date, and only a current one
    # given with --crl would do.
    pdf = tmp_path / "output" / MINIMAL.name / entry["file"]
    assert verify_pdf(pdf, trust_roots(lasting.root), now=checked[0]).passed
    assert not verify_pdf(pdf, trust_roots(lasting.root), now=checked[0] + 40 * DAY).passed


XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:ModifyDate="{date}" pdf:Producer="pyHanko">'
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def test_the_xmp_is_compared_without_the_dates_pyhanko_writes_in_each_update():
    """pyHanko dates the XMP again in each update it appends (the validation data after the seal, a second later):
    that is no change; a title is."""

    def resolver(date: str, title: str):
        stream = generic.StreamObject(stream_data=XMP.format(date=date, title=title).encode())
        return SimpleNamespace(root={"/Metadata": stream})

    signed = longterm._xmp(resolver("2026-12-05T15:48:39+00:00", "Since the Victory"))
    assert longterm._xmp(resolver("2026-12-05T15:48:40+00:00", "Since the Victory")) == signed
    assert longterm._xmp(resolver("2026-12-05T15:48:40+00:00", "Retracted")) != signed


def test_a_crl_or_root_that_is_missing_or_wrong_stops_the_build_before_it_lays_out_a_page(lasting, tmp_path):
    garbage = tmp_path / "root.crl"
    garbage.write_text("a web page saved where the CRL should be\n")
    settings = settings_for(lasting.signer, lasting, timestamp_url="http://tsa.test/", long_term=True)
    where = "pyproject.toml [tool.bulletin.signing]"
    for crls, told in (
        ((tmp_path / "gone.crl",), f"{where} crl: {tmp_path / 'gone.crl'} does not exist"),
        ((garbage,), f"{where} crl: {garbage} is not a certificate revocation list (DER or PEM)"),
    ):
        with pytest.raises(SigningError) as raised:
            load_signing_key(dataclasses.replace(settings, crls=crls))
        assert str(raised.value) == told
    with pytest.raises(SigningError, match=r"trust-root: .*gone\.pem does not exist"):
        load_signing_key(dataclasses.replace(settings, trust_root=tmp_path / "gone.pem"))
    loaded = load_signing_key(dataclasses.replace(settings, crls=(lasting.crl_file,)))
    assert len(loaded.crls) == 1 and loaded.roots  # read once, before any page is laid out


def test_verify_refuses_a_crl_that_is_not_one(sealed, lasting, tmp_path, capsys):
    path, _ = sealed
    garbage = tmp_path / "root.crl"
    garbage.write_bytes(b"\x30\x82\x01\x00 truncated")
    assert main(["verify", str(path), "--trust-root", str(lasting.root.certificate_file), "--crl", str(garbage)]) == 2
    assert capsys.readouterr().err == (f"usage: --crl {garbage}: not a certificate revocation list (DER or PEM)\n")
