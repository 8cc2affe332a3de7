"""PDF/X-1a on request: made by Ghostscript from the finished PDF/X-4, live text wherever a page is opaque."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from preflight.pdfs import PRINT

from bulletin.preflight import preflight_pdf
from bulletin.printing.pdfx1a import make_x1a
from bulletin.printing.settings import DEFAULT_PROFILE, PrintSettings, load_settings
from bulletin.util.errors import UsageError
from bulletin.workflow.cli import main

from .test_prepress import laid_out


@pytest.fixture(scope="module")
def x1a(tmp_path_factory) -> tuple[Path, Path]:
    """The prepress test's two pages (a translucent drawing, then an opaque one and black type on a tint) finished
    as PDF/X-4, and made PDF/X-1a from it."""
    folder = tmp_path_factory.mktemp("x1a")
    _raw, x4 = laid_out(folder)
    made = folder / "x1a.pdf"
    with made.open("wb") as output:
        make_x1a(x4, output)
    return x4, made


def test_the_x1a_is_pdf_1_3_with_its_marks_and_the_x4s_output_intent(x1a):
    x4, made = x1a
    with pikepdf.open(made) as pdf, pikepdf.open(x4) as source:
        assert pdf.pdf_version == "1.3" and len(pdf.pages) == len(source.pages)
        info = pdf.docinfo
        assert (str(info.GTS_PDFXVersion), str(info.GTS_PDFXConformance)) == ("PDF/X-1:2001", "PDF/X-1a:2001")
        assert info.Trapped == "/False" and "/Metadata" not in pdf.Root
        [intent] = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert intent.DestOutputProfile.read_bytes() == DEFAULT_PROFILE.read_bytes()
        for page, original in zip(pdf.pages, source.pages, strict=True):
            trim, was = (
                [float(value) for value in box] for box in (page.obj.TrimBox, original.obj.TrimBox)
            )  # Ghostscript moves the origin to the corner of the media box; the sizes stay
            assert trim[2] - trim[0] == pytest.approx(was[2] - was[0], abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(was[3] - was[1], abs=0.01)


def fonts_on(path: Path, page: int) -> int:
    listed = subprocess.run(["pdffonts", "-f", str(page), "-l", str(page), str(path)], capture_output=True, text=True)
    return len(listed.stdout.splitlines()) - 2


def test_only_the_translucent_page_is_flattened_and_the_others_keep_live_text(x1a):
    _x4, made = x1a
    assert fonts_on(made, 1) == 0 and fonts_on(made, 2) >= 1
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(made), "-"], capture_output=True, text=True).stdout
    assert "IIIII" in text and "Grey type knocks out as drawn." in " ".join(text.split())


def test_the_preflight_passes_it_under_x1a_rules_and_names_the_flattened_page(x1a):
    _x4, made = x1a
    expected = dataclasses.replace(
        PRINT,
        standard="PDF/X-1a:2001",
        trim=(419.53, 595.28),
        page_multiple=1,
        title="",
        period="",
    )
    findings = preflight_pdf(made, expected)
    pdfx = [finding for finding in findings if finding.check == "pdfx"]
    assert [finding.severity for finding in pdfx] == ["pass", "warning"], pdfx
    assert pdfx[1].message.startswith("page 1 flattened into one picture each")
    assert [finding.severity for finding in findings if finding.check == "type"] == ["pass"]  # black overprints
    # Every check passes but the fonts': the prepress test's pages are set in a face of the system, not the bulletin's.
    assert [finding.check for finding in findings if finding.severity == "error"] == ["fonts"]
    as_x4 = preflight_pdf(made, dataclasses.replace(expected, standard="PDF/X-4"))
    assert any(finding.check == "pdfx" and "XMP pdfxid:GTS_PDFXVersion" in finding.message for finding in as_x4)


def test_the_x1a_is_the_same_byte_for_byte_made_again(x1a, tmp_path):
    x4, made = x1a
    again = tmp_path / "again.pdf"
    with again.open("wb") as output:
        make_x1a(x4, output)
    assert again.read_bytes() == made.read_bytes()


def test_pdfx_is_4_or_1a(tmp_path):
    assert PrintSettings().standard("print") == "PDF/X-4"
    assert load_settings(tmp_path / "pyproject.toml", pdfx="1a").standard("print") == "PDF/X-1a:2001"
    assert load_settings(tmp_path / "pyproject.toml", pdfx="1a").standard("screen") == "PDF/UA-1"
    with pytest.raises(UsageError, match="pdfx must be one of 4, 1a, not '3'"):
        load_settings(tmp_path / "pyproject.toml", pdfx="3")


@pytest.mark.slow
def test_the_samples_x1a_keeps_live_text_on_every_page_the_x4_paints_opaque(sample_build, tmp_path):
    x4 = sample_build.pdf("en", "print")
    made = tmp_path / "en-x1a.pdf"
    with made.open("wb") as output:
        make_x1a(x4, output)
    with pikepdf.open(x4) as source:
        transparent = {number for number, page in enumerate(source.pages, 1) if "/Group" in page.obj}
        written = {number for number, page in enumerate(source.pages, 1) if "/Font" in page.obj.Resources}
    assert transparent == {1, 13}  # the cover's drawing and the economic regions' map, drawn with opacity
    for number in written - transparent:
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(made), "-"], capture_output=True)
        assert fonts_on(made, number) and text.stdout.strip(), number
    assert all(fonts_on(made, number) == 0 for number in transparent)


@pytest.mark.slow  # a whole build of the minimal issue, its screen editions checked by outloud too
def test_the_build_makes_x1a_print_files_when_asked(minimal_issue, tmp_path):
    assert main([str(minimal_issue), "--variant", "print", "--pdfx", "1a", "--output", str(tmp_path / "output")]) == 0
    made = next((tmp_path / "output" / minimal_issue.name).glob("*-print.pdf"))
    with pikepdf.open(made) as pdf:
        assert pdf.pdf_version == "1.3" and str(pdf.docinfo.GTS_PDFXConformance) == "PDF/X-1a:2001"
    manifest = json.loads((tmp_path / "output" / minimal_issue.name / "manifest.json").read_text(encoding="utf-8"))
    assert {entry.get("standard") for entry in manifest["files"] if entry.get("variant") == "print"} == {
        "PDF/X-1a:2001"
    }
