"""Preflight: each check on small PDFs made here with WeasyPrint, the report and the table."""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pikepdf
import pytest
from weasyprint import HTML

from bulletin.preflight import checks as preflight
from bulletin.preflight.checks import CHECKS, MAKEUP, RENDER, preflight_pdf
from bulletin.preflight.findings import COLUMNS, Finding, format_table, write_report

from .pdfs import COVER, NEXT, PRINT, SCREEN, SCREEN_COVER, TITLE, only


def test_a_clean_print_pdf_passes_every_check(clean_print):
    findings = preflight_pdf(clean_print, PRINT)
    assert [finding.severity for finding in findings if finding.severity != "pass"] == []
    checks = [name for name in CHECKS if name not in ("tagging", "structure", "outloud")]
    assert [finding.check for finding in findings] == [*checks[:-1], "ink", checks[-1]]
    assert only(findings, "images", "pass")[0].message == "1 image, 381 to 381 ppi"


def test_a_clean_screen_pdf_passes_every_check(clean_screen):
    findings = preflight_pdf(clean_screen, SCREEN)
    assert [finding.message for finding in findings if finding.severity != "pass"] == []
    assert [finding.check for finding in findings] == [
        name for name in CHECKS if name not in ("pdfx", "resources", "rip", "type")
    ]
    assert only(findings, "outloud", "pass")[0].message == "outloud 0.2.1: no error, no warning"


def test_rgb_text_in_print_is_a_colour_error_naming_its_page(make):
    pdf = make("rgb-text.pdf", COVER + '<p style="color: rgb(255 0 0)">Qırmızı</p>' + NEXT)
    [error] = only(preflight_pdf(pdf, PRINT), "colour")
    assert error.page == 1 and error.message == "RGB colour (operator rg) on page 1"


def test_a_device_rgb_picture_in_print_is_a_colour_error(make):
    pdf = make("rgb-picture.pdf", COVER + NEXT + '<img src="rgb.png" style="width: 20mm">')
    [error] = only(preflight_pdf(pdf, PRINT), "colour")
    assert error.page == 2 and "/DeviceRGB image on page 2" in error.message


def test_an_rgb_shading_in_a_form_is_found_on_every_page_and_the_form_read_once(clean_print, tmp_path, monkeypatch):
    target = tmp_path / "shading.pdf"
    with pikepdf.open(clean_print) as pdf:
        shading = pdf.make_indirect(
            pikepdf.Dictionary(
                ShadingType=2,
                ColorSpace=pikepdf.Name.DeviceRGB,
                Coords=[0, 0, 100, 0],
                Function=pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 0, 0], C1=[0, 0, 1], N=1),
            )
        )
        form = pikepdf.Stream(
            pdf,
            b"/S0 sh",
            Type=pikepdf.Name.XObject,
            Subtype=pikepdf.Name.Form,
            BBox=[0, 0, 100, 100],
            Resources=pikepdf.Dictionary(Shading={"/S0": shading}),
        )
        for page in pdf.pages:
            if "/XObject" not in page.Resources:
                page.Resources.XObject = pikepdf.Dictionary()
            page.Resources.XObject[pikepdf.Name.Fx0] = form
            page.contents_add(pikepdf.Stream(pdf, b"q /Fx0 Do Q"))
        pdf.save(target)
    parsed, parse = [], pikepdf.parse_content_stream

    def counting_parse(owner, *args):
        parsed.append(owner)
        return parse(owner, *args)

    monkeypatch.setattr(pikepdf, "parse_content_stream", counting_parse)
    with pikepdf.open(target) as pdf:
        [error] = preflight.check_colour(target, pdf, PRINT)
    assert error.message == "/DeviceRGB shading on pages 1, 2" and error.page == 1
    assert len(parsed) == 3  # two pages, one form


def test_numbers_no_reader_takes_are_errors_of_the_content_as_ghostscript_finds_them(make, clean_print):
    """A drawing WeasyPrint writes with `nan` and `inf` (validation refuses it; the preflight must find it anyway)."""
    (clean_print.parent / "nan.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="10" height="10"'
        ' transform="rotate(NaN)"/><circle cx="5" cy="5" r="inf"/></svg>',
        encoding="utf-8",
    )
    pdf = make("nan.pdf", COVER + '<img src="nan.svg" style="width: 20mm">' + NEXT)
    assert [finding.message for finding in only(preflight_pdf(pdf, PRINT), "content")] == [
        "page 1: 'nan' is not a PDF operator (a number written as 'nan'?) (6 times)",
        "page 1: 'inf' is not a PDF operator (a number written as 'inf'?) (11 times)",
        "page 1: '-inf' is not a PDF operator (a number written as '-inf'?) (10 times)",
        "poppler cannot read it cleanly: Syntax Error: Unknown operator 'nan' (6 times); Syntax Error: Too few (0) args"
        " to 'cm' operator",
    ]
    ghostscript = subprocess.run(
        ["gs", "-dNOPAUSE", "-dBATCH", "-sDEVICE=nullpage", str(pdf)], capture_output=True, text=True, timeout=60
    )
    assert "does not conform to Adobe's published PDF" in ghostscript.stdout + ghostscript.stderr


def test_null_huge_numbers_and_tiny_tiles_are_errors_of_the_content(clean_print, tmp_path):
    damaged = tmp_path / "damaged.pdf"
    with pikepdf.open(clean_print) as pdf:
        page = pdf.pages[1]
        tile = pdf.make_stream(
            b"0 0 1 1 re f",
            Type=pikepdf.Name.Pattern,
            PatternType=1,
            PaintType=1,
            TilingType=1,
            BBox=[0, 0, 1, 1],
            XStep=0.01,
            YStep=0.01,
            Resources=pikepdf.Dictionary(),
        )
        page.obj.Resources.Pattern = pikepdf.Dictionary(P9=tile)
        page.contents_add(pdf.make_stream(b"q null w 10000000000000 0 0 1 0 0 cm /Pattern cs /P9 scn 0 0 9 9 re f Q"))
        pdf.save(damaged)
    assert [finding.message for finding in only(preflight_pdf(damaged, PRINT), "content")][:3] == [
        "page 2: operator w has null as an operand, which no reader can draw",
        "page 2: operator cm has '10000000000000' as an operand, which no reader can draw",
        "pattern P9 on page 2: tiles of 0.01 × 0.01 pt, too small for a reader to draw them all",
    ]


@pytest.mark.parametrize("digits", [25, 301])
def test_a_long_number_in_a_message_is_shortened(clean_print, tmp_path, digits):
    damaged = tmp_path / "overflow.pdf"
    placeholder = b"/" + b"X" * (digits - 1)  # a name as long as the number, so that no offset moves
    with pikepdf.open(clean_print) as pdf:
        pdf.pages[1].obj.Rotate = pikepdf.Name(placeholder.decode())
        pdf.save(damaged, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    damaged.write_bytes(damaged.read_bytes().replace(placeholder, b"1" + b"0" * (digits - 1)))
    message = only(preflight_pdf(damaged, PRINT), "qpdf")[0].message
    assert f"converting 100000…({digits} digits) to 64-bit integer" in message


def test_a_page_count_that_is_not_a_multiple_is_an_error(make):
    pdf = make("three-pages.pdf", COVER + NEXT + NEXT)
    [error] = only(preflight_pdf(pdf, dataclasses.replace(PRINT, page_multiple=4)), "pages")
    assert error.message == "3 pages, not a multiple of 4"


def test_pictures_below_the_thresholds_give_an_error_and_a_warning_with_their_page(make):
    # 300 px over 100 mm is 76 ppi (below the minimum), over 50 mm 152 ppi (below the warning).
    pdf = make(
        "low-ppi.pdf",
        COVER + '<img src="cmyk.jpg" style="width: 100mm">' + NEXT + '<img src="cmyk.jpg" style="width: 50mm">',
    )
    findings = preflight_pdf(pdf, PRINT)
    [error], [warning] = only(findings, "images"), only(findings, "images", "warning")
    assert error.page == 1 and "300 × 200 px at 76 ppi on page 1, below the minimum of 150" in error.message
    assert warning.page == 2 and "300 × 200 px at 152 ppi on page 2, below 300" in warning.message


def test_screen_pictures_above_the_limit_are_errors_and_cmyk_a_warning(make):
    pdf = make(
        "screen-cmyk.pdf",
        SCREEN_COVER + '<img src="cmyk.jpg" alt="An orange field" style="width: 20mm">',
        "screen",
        lang="en",
    )
    findings = preflight_pdf(pdf, SCREEN)
    [error] = only(findings, "images")
    assert error.page == 1 and "at 381 ppi" in error.message and "downsampled" in error.message
    assert "/DeviceCMYK image on page 1" in " ".join(finding.message for finding in only(findings, "colour", "warning"))


def test_an_image_that_came_out_blank_is_a_pictures_error_naming_its_page(make):
    pdf = make("blank.pdf", COVER + NEXT + '<img src="flat.png" style="width: 20mm">')
    [error] = only(preflight_pdf(pdf, PRINT), "pictures")
    assert error.page == 2 and error.message == "an image of 300 × 200 px came out blank (all one colour) on page 2"


def test_a_silhouette_of_one_colour_is_not_blank(make):
    pdf = make(
        "silhouette.pdf",
        SCREEN_COVER + '<img src="silhouette.png" alt="A blue square" style="width: 20mm">',
        "screen",
        lang="en",
    )
    assert only(preflight_pdf(pdf, SCREEN), "pictures", "pass")[0].message == "every picture paints something"


@pytest.mark.parametrize(
    "picture, message",
    [
        ("broken.png", "the picture described as 'A broken picture' came out as its alternative text on page 1"),
        (
            "loop.svg",
            "the picture described as 'A broken picture' came out blank: its marked content paints nothing on page 1",
        ),
    ],
)
def test_a_picture_weasyprint_could_not_draw_fails_the_screen_pdf(make, picture, message):
    """WeasyPrint prints the alternative text of a picture it cannot load, and nothing of a drawing it fails to
    draw, saying so only in its log."""
    pdf = make(
        f"unshown-{picture}.pdf", SCREEN_COVER + f'<img src="{picture}" alt="A broken picture">', "screen", lang="en"
    )
    [error] = only(preflight_pdf(pdf, SCREEN), "pictures")
    assert error.page == 1 and error.message == message


def test_a_screen_pdf_without_language_or_alternative_text_fails_tagging(make):
    pdf = make("no-lang.pdf", SCREEN_COVER + '<img src="rgb.png" alt="" style="width: 50mm">', "screen", lang=None)
    messages = [finding.message for finding in only(preflight_pdf(pdf, SCREEN), "tagging")]
    assert "the catalog has no /Lang (expected 'en')" in messages
    assert "1 figure of 1 without alternative text (/Alt)" in messages


def test_a_running_head_left_outside_the_structure_tree_fails_tagging(make):
    """WeasyPrint tags margin boxes with elements it leaves out of the tree (finishing fixes that)."""
    head = "<style>@page { @top-center { content: 'Since the Victory' } }</style>"
    pdf = make("running-head.pdf", head + SCREEN_COVER, "screen", lang="en")
    messages = [finding.message for finding in only(preflight_pdf(pdf, SCREEN), "tagging")]
    assert messages == ["1 piece of marked content outside the structure tree"]


def test_missing_bleed_is_a_boxes_error(make):
    pdf = make("no-bleed.pdf", COVER + NEXT, bleed=False)
    [error] = only(preflight_pdf(pdf, PRINT), "boxes")
    assert error.message == "BleedBox extends 0.00 pt beyond the TrimBox instead of 8.50 pt on pages 1, 2"


def test_a_pdf_that_is_not_pdf_x_fails_the_pdfx_check(tmp_path):
    plain = tmp_path / "plain.pdf"
    HTML(string="<p>x</p>").write_pdf(plain)
    messages = [finding.message for finding in only(preflight_pdf(plain, PRINT), "pdfx")]
    assert "no /OutputIntents entry with /S /GTS_PDFX" in messages
    assert "XMP has no xmpMM:DocumentID" in messages


def test_a_link_in_a_print_pdf_is_a_pdfx_error(make):
    pdf = make("linked.pdf", COVER + NEXT + '<p><a href="https://example.org">web</a></p>')
    errors = [finding.message for finding in only(preflight_pdf(pdf, PRINT), "pdfx")]
    assert "annotations (links) on page 2" in errors


def test_fonts_outside_the_allowed_families_are_errors(clean_print):
    [error] = only(preflight_pdf(clean_print, dataclasses.replace(PRINT, families=("Bulletin-Sans",))), "fonts")
    assert error.message.startswith("font Bulletin-Serif") and "not one of Bulletin-Sans" in error.message


def test_a_cover_without_the_period_is_a_text_error(make):
    pdf = make("no-period.pdf", f"<h1>{TITLE}</h1>" + NEXT)
    [error] = only(preflight_pdf(pdf, PRINT), "text")
    assert "lacks the period 'İyul–Dekabr 2022'" in error.message and "title" not in error.message.split(";")[0]
    assert "its text begins 'Zəfərdən bəri" in error.message


def test_a_truncated_damaged_or_foreign_file_gives_errors_not_a_traceback(clean_print, tmp_path):
    truncated, damaged, foreign = tmp_path / "truncated.pdf", tmp_path / "damaged.pdf", tmp_path / "foreign.pdf"
    truncated.write_bytes(clean_print.read_bytes()[:-2000])
    foreign.write_bytes(b"this is not a PDF\n")
    with pikepdf.open(clean_print) as pdf:
        pdf.pages[0].Contents.write(b"x\x9c not deflated", filter=pikepdf.Name.FlateDecode)
        pdf.save(damaged)
    for path in (truncated, foreign):
        findings = preflight_pdf(path, PRINT)
        assert [(finding.check, finding.severity) for finding in findings] == [("qpdf", "error"), ("open", "error")]
        assert all(str(tmp_path) not in finding.message for finding in findings)
    findings = preflight_pdf(damaged, PRINT)
    assert "error decoding stream data for object" in only(findings, "qpdf")[0].message
    assert only(findings, "colour")[0].message.startswith("the check could not run: ")


def test_a_missing_tool_is_an_error_of_its_check(clean_print, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    findings = preflight_pdf(clean_print, PRINT)
    assert (
        only(findings, "fonts")[0].message == "the check could not run: pdffonts is not installed"
        " (Debian package poppler-utils)"
    )
    assert {finding.check for finding in findings if finding.severity == "error"} == {
        "qpdf",
        "content",
        "fonts",
        "images",
        "text",
        "rip",
    }
    assert only(findings, "rip")[0].message == (
        "the check could not run: gs is not installed (Debian package ghostscript)"
    )


def test_the_report_round_trips_with_its_counts(tmp_path):
    findings = [
        Finding("a.pdf", "qpdf", "pass", "fine"),
        Finding("a.pdf", "images", "warning", "soft", 2),
        Finding("b.pdf", "text", "error", "no «period»", 1),
        Finding("b.pdf", "pages", "error", "3 pages"),
    ]
    target = tmp_path / "report" / "preflight.json"
    write_report(findings, target)
    text = target.read_text(encoding="utf-8")
    report = json.loads(text)
    assert text.endswith("}\n") and "«period»" in text and list(tmp_path.rglob("*")) == [target.parent, target]
    assert (report["errors"], report["warnings"]) == (2, 1)
    assert (report["files"]["a.pdf"]["errors"], report["files"]["a.pdf"]["warnings"]) == (0, 1)
    assert report["files"]["b.pdf"]["findings"][0] == {
        "check": "text",
        "severity": "error",
        "message": "no «period»",
        "page": 1,
    }


def test_the_table_shows_the_worst_result_and_every_problem():
    findings = [
        Finding("a.pdf", "images", "pass", "fine"),
        Finding("a.pdf", "images", "warning", "soft photo", 2),
        Finding("b.pdf", "text", "error", "no period", 1),
        Finding("b.pdf", "colour", "error", "RGB"),
    ]
    table = format_table(findings)
    assert "soft photo" in table and "no period" in table and "RGB" in table and "fine" not in table
    header, row_a, row_b = table.splitlines()[:3]
    assert header.split() == ["file", "images", "colour", "text"]
    assert row_a.split() == ["a.pdf", "warn", "-", "-"] and row_b.split() == ["b.pdf", "-", "ERROR", "ERROR"]
    assert table.splitlines()[-1] == "2 errors, 1 warning in 2 files"


def test_every_check_has_a_name_in_report_order():
    assert list(CHECKS) == [
        "qpdf",
        "content",
        "boxes",
        "pdfx",
        "tagging",
        "structure",
        "outloud",
        "fonts",
        "pages",
        "images",
        "pictures",
        "colour",
        "text",
        "issn",
        "resources",
        "rip",
        "type",
    ]
    # The table's columns: every check, in the same order, with the render's measure of ink beside it.
    assert list(COLUMNS) == [*list(CHECKS)[:-1], "ink", "type", MAKEUP, RENDER, "open"]
    assert set(preflight.ONLY_FOR) <= set(CHECKS)
