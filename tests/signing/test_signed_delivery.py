"""A real build with a signing key: the delivered screen editions signed (B-T, by a time-stamping server in a
thread), checked by `verify` and by pyHanko; the print files left unsigned; the checksums of the signed files in
the manifest and the package; the unsigned editions still the reproducible bytes of an unsigned build; and a
build made again delivering the same bytes rather than a new signature."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from bulletin.delivery.plan import Asked
from bulletin.model import package_name
from bulletin.preflight.checks import recheck_signed
from bulletin.printing.settings import PrintSettings, load_settings
from bulletin.project import PYPROJECT
from bulletin.signing.settings import SigningSettings
from bulletin.signing.signatures import as_asn1
from bulletin.workflow.publishing import publish_issue
from signing.certificates import PASSWORD, make_authority
from signing.conftest import PASSWORD_ENV
from signing.tsaserver import time_stamping

from conftest import MINIMAL, main, wrote_nothing
from shared_build import made_once

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("password")]
ISSUE = MINIMAL.name


def signing_in(top: Path, key: str = "editorial-office.p12", certificate: str | None = None) -> SigningSettings:
    """The settings that sign with a key of the CA made under `top`, as the shared build did."""
    return SigningSettings(
        "pyproject.toml [tool.bulletin.signing]",
        top / "ca" / key,
        top / "ca" / certificate if certificate else None,
        password_env=PASSWORD_ENV,
        timestamp_url=(top / "timestamp-url").read_text(),
        trust_root=top / "ca" / "test-root.pem",
        location="Baku",
    )


def settings_in(top: Path, **signing) -> PrintSettings:
    return replace(load_settings(PYPROJECT), signing=signing_in(top, **signing))


@pytest.fixture(scope="session")
def signed(tmp_path_factory) -> Path:
    """A folder holding the CA (ca/), the minimal issue (issues/) and its signed delivery with the bureau's package
    (output/), built once per session while a time-stamping server ran."""

    def build(top: Path) -> None:
        authority = make_authority(top / "ca")
        shutil.copytree(MINIMAL, top / "issues" / ISSUE)
        os.environ[PASSWORD_ENV] = PASSWORD
        with time_stamping(authority) as (url, answered):
            (top / "timestamp-url").write_text(url)
            publish_issue(top / "issues" / ISSUE, Asked(package=True), settings_in(top), top / "output")
        assert answered[0] >= 1

    return made_once(tmp_path_factory, "signed-delivery", build)


def editions(folder: Path, variant: str) -> list[Path]:
    return sorted(folder.glob(f"*-{variant}.pdf"))


def test_the_delivered_screen_editions_verify_with_verify_and_with_pyhanko(signed, capsys):
    screens = editions(signed / "output" / ISSUE, "screen")
    assert len(screens) == 4
    assert main(["verify", *map(str, screens), "--trust-root", str(signed / "ca" / "test-root.pem")]) == 0
    told = capsys.readouterr().out
    assert told.count(": passed") == 4 and told.count("signed by: Editorial Office (Since the Victory)") == 4
    assert told.count("from Test Time Stamps (Since the Victory)") == 4
    root = as_asn1(make_root_certificate(signed))
    for screen in screens:
        signature = PdfFileReader(BytesIO(screen.read_bytes())).embedded_signatures[0]
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
        assert status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert status.timestamp_validity is not None and status.timestamp_validity.trusted


def test_the_signed_screen_editions_stay_pdf_ua_by_outloud_and_by_the_structure_check(signed):
    for screen in editions(signed / "output" / ISSUE, "screen"):
        report = subprocess.run(
            [str(Path(sys.executable).with_name("outloud")), "--json", "-", "--fail-on", "never", str(screen)],
            capture_output=True,
            text=True,
            check=True,
        )
        [result] = json.loads(report.stdout)["results"]
        # Only the running heads it reads as prose, which the preflight explains (docs/developers/accessibility.md).
        assert {finding["rule"] for finding in result["findings"] if finding["severity"] != "info"} <= {"TAG-002"}
        assert recheck_signed(screen) == []
        with pikepdf.open(screen) as pdf:
            [field] = pdf.Root.AcroForm.Fields
            assert str(field.TU) == "Editorial Office (Since the Victory)" and int(field.F) & 4
            form = pdf.Root.StructTreeRoot.K[0].K[-1] if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array) else None
            assert form is not None and form.S == "/Form" and form.K.Obj.objgen == field.objgen


def make_root_certificate(top: Path):
    from cryptography import x509

    return x509.load_pem_x509_certificate((top / "ca" / "test-root.pem").read_bytes())


def test_the_print_editions_are_not_signed(signed):
    manifest = json.loads((signed / "output" / ISSUE / "manifest.json").read_text())
    for path in editions(signed / "output" / ISSUE, "print"):
        assert PdfFileReader(BytesIO(path.read_bytes())).embedded_signatures == []
    signatures = {entry["file"]: "signature" in entry for entry in manifest["files"] if entry["file"].endswith(".pdf")}
    assert signatures == {name: name.endswith("-screen.pdf") for name in signatures}


def test_the_unsigned_editions_are_the_reproducible_first_bytes_of_the_signed_ones(signed, minimal_delivery):
    manifest = {
        entry["file"]: entry for entry in json.loads((signed / "output" / ISSUE / "manifest.json").read_text())["files"]
    }
    for path in editions(signed / "output" / ISSUE, "screen"):
        unsigned = (minimal_delivery / ISSUE / path.name).read_bytes()  # an unsigned build of the same issue
        signed_bytes = path.read_bytes()
        assert signed_bytes[: len(unsigned)] == unsigned and len(signed_bytes) > len(unsigned)
        signature = manifest[path.name]["signature"]
        assert signature["unsigned_size"] == len(unsigned)
        assert signature["unsigned_sha256"] == hashlib.sha256(unsigned).hexdigest()
        assert signature["profile"] == "PAdES B-T" and signature["timestamp"]


def test_the_manifest_and_the_package_record_the_signed_files(signed):
    folder = signed / "output" / ISSUE
    delivered = (folder / "manifest.json").read_bytes()
    recorded = {entry["file"]: entry["sha256"] for entry in json.loads(delivered)["files"]}
    for path in editions(folder, "screen") + editions(folder, "print"):
        assert recorded[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
    with zipfile.ZipFile(folder / package_name(ISSUE)) as package:
        assert package.read("manifest.json") == delivered  # the package's manifest names the signed screen files
        for path in editions(folder, "print"):
            assert hashlib.sha256(package.read(path.name)).hexdigest() == recorded[path.name]
    checksum = (folder / (package_name(ISSUE) + ".sha256")).read_text().split()[0]
    assert checksum == hashlib.sha256((folder / package_name(ISSUE)).read_bytes()).hexdigest()


def test_a_build_made_again_delivers_the_signed_files_as_they_were(signed, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(signed / "output", output, symlinks=True)
    before = {path.name: path.read_bytes() for path in (output / ISSUE).iterdir() if path.is_file()}
    # The time-stamping server is gone: a new signature could not be made, and none is.
    delivered = publish_issue(signed / "issues" / ISSUE, Asked(package=True, force=True), settings_in(signed), output)
    assert delivered.printed  # every edition was made again
    after = {path.name: path.read_bytes() for path in (output / ISSUE).iterdir() if path.is_file()}
    assert {name for name in before if before[name] != after.get(name)} <= {"build-report.json"}
    skipped = publish_issue(signed / "issues" / ISSUE, Asked(package=True), settings_in(signed), output)
    assert skipped.skipped and not skipped.printed  # nothing to build: the signed delivery is current


def test_a_renewed_certificate_signs_the_screen_editions_again(signed, tmp_path, capsys):
    output = tmp_path / "output"
    shutil.copytree(signed / "output", output, symlinks=True)
    renewed = replace(
        settings_in(signed, key="editorial-office.key", certificate="editorial-office.pem"),
    )
    renewed = replace(renewed, signing=replace(renewed.signing, timestamp_url=""))
    delivered = publish_issue(signed / "issues" / ISSUE, Asked(), renewed, output)
    assert sorted(variant for _language, variant in delivered.printed) == ["screen"] * 4
    manifest = json.loads((output / ISSUE / "manifest.json").read_text())
    profiles = {entry["signature"]["profile"] for entry in manifest["files"] if "signature" in entry}
    assert profiles == {"PAdES B-B"}
    screens = [str(path) for path in editions(output / ISSUE, "screen")]
    assert main(["verify", *screens, "--trust-root", str(signed / "ca" / "test-root.pem")]) == 0


def test_an_expired_certificate_stops_the_build_and_delivers_nothing(signed, tmp_path, monkeypatch, capsys):
    settings = tmp_path / "pyproject.toml"
    key = signed / "ca" / "expired-publisher.p12"
    table = f'[tool.bulletin.signing]\nkey = "{key}"\npassword-env = "{PASSWORD_ENV}"\n'
    settings.write_text(PYPROJECT.read_text(encoding="utf-8") + "\n" + table)
    monkeypatch.setattr("bulletin.workflow.cli.PYPROJECT", settings)
    output = tmp_path / "output"
    assert main([str(signed / "issues" / ISSUE), "--output", str(output), "--variant", "screen", "-q"]) == 1
    said = capsys.readouterr().err
    assert (
        "signing failed: pyproject.toml [tool.bulletin.signing] key: the signing certificate (Expired Publisher" in said
    )
    assert "expired on" in said and "Traceback" not in said
    assert wrote_nothing(output)
