"""The press checks of a print file: resources and transparency per page, Ghostscript's render and its ink, type."""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

import pikepdf
import pytest

from bulletin.preflight import preflight_pdf
from bulletin.printing.finishing import finish_print
from bulletin.printing.settings import PrintSettings

from .pdfs import BLEED, COVER, NEXT, PRINT, only

TRANSLUCENT = quote(
    '<svg xmlns="http://www.w3.org/2000/svg" width="30mm" height="10mm" viewBox="0 0 30 10">'
    '<rect width="30" height="10" fill="device-cmyk(0 0.6 0.6 0)" opacity="0.5"/></svg>'
)


def finished(path):
    path.write_bytes(finish_print(path.read_bytes(), BLEED, crop_marks=False, condition=PrintSettings().condition))
    return path


def messages(findings, check, severity="error"):
    return [finding.message for finding in only(findings, check, severity)]


def test_a_page_listing_translucent_resources_it_does_not_paint_is_an_error(make):
    raw = make("shared.pdf", COVER + f'<img src="data:image/svg+xml,{TRANSLUCENT}">' + NEXT)
    [error] = messages(preflight_pdf(raw, PRINT), "resources")
    assert (
        error.startswith("page 2 lists translucent or masked resources it never paints with")
        and "ExtGState /a0.5" in error
    )
    assert messages(preflight_pdf(raw, PRINT), "resources", "warning")[0].startswith("page 1 lists unused ColorSpace")
    findings = preflight_pdf(finished(raw), PRINT)
    assert messages(findings, "resources", "pass") == ["each page lists only what it paints; 1 of 2 use transparency"]


def test_a_transparency_group_on_a_page_that_paints_nothing_translucent_is_an_error(clean_print, tmp_path):
    grouped = tmp_path / "grouped.pdf"
    with pikepdf.open(clean_print) as pdf:
        pdf.pages[1].obj.Group = pikepdf.Dictionary(Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency)
        pdf.save(grouped)
    assert messages(preflight_pdf(grouped, PRINT), "resources") == [
        "page 2 has a transparency group but paints nothing translucent: a RIP would flatten it"
    ]


def test_ink_over_the_conditions_limit_is_an_error_naming_the_page_the_area_and_the_place(make):
    box = '<div style="margin: 0 0 0 {left}mm; width: {width}mm; height: 20mm; background: device-cmyk({inks})"></div>'
    pdf = finished(make("ink.pdf", COVER + NEXT + box.format(left=30, width=20, inks="1 1 1 0.8")))  # 380 %
    [error] = messages(preflight_pdf(pdf, PRINT), "ink")
    assert error.startswith("ink over the printing condition's 300 % limit on 1 page: page 2: ")
    area = float(error.split("page 2: ")[1].split(" mm²")[0])
    assert 380 <= area <= 440 and "up to 380 %, starting " in error  # 20 × 20 mm, to a pixel's rounding
    left = float(error.split("starting ")[1].split(" mm from the left")[0])
    assert abs(left - (20 + 2.1 + 30)) <= 1  # the page's margin, the body's 8 px and the box's own
    uncoated = dataclasses.replace(PRINT, ink_limit=260)
    rich = finished(make("rich.pdf", COVER + NEXT + box.format(left=0, width=20, inks="0.8 0.7 0.5 0.3")))  # 230 %
    assert messages(preflight_pdf(rich, uncoated), "ink", "pass") == ["at most 230 % ink (page 2), within 260 %"]


def test_a_rule_a_millimetre_wide_over_the_limit_is_found(make):
    stripe = '<div style="width: 1mm; height: 100mm; background: device-cmyk(1 1 0.5 0)"></div>'  # 250 %
    pdf = finished(make("stripe.pdf", COVER + NEXT + stripe))
    [error] = messages(preflight_pdf(pdf, dataclasses.replace(PRINT, ink_limit=240)), "ink")
    area = float(error.split("page 2: ")[1].split(" mm²")[0])
    assert 80 <= area <= 160  # a millimetre by a hundred, to the pixels any part of which it covers


def test_anything_ghostscript_says_while_rendering_is_an_error(clean_print, tmp_path):
    damaged = tmp_path / "font.pdf"
    with pikepdf.open(clean_print) as pdf:
        font = next(
            font.DescendantFonts[0].FontDescriptor.FontFile2
            for font in pdf.pages[0].Resources.Font.values()
            if "/DescendantFonts" in font
        )
        font.write(b"not a font at all")
        pdf.save(damaged)
    [error] = messages(preflight_pdf(damaged, PRINT), "rip")
    assert error.startswith("Ghostscript: ") and "font" in error
    assert messages(preflight_pdf(clean_print, PRINT), "rip", "pass") == ["Ghostscript rendered 2 pages without a word"]


@pytest.mark.parametrize(
    "body, query",
    [
        ('<p style="font-size: 9pt; color: device-cmyk(1 0.8 0.4 0.5)">Navy</p>', "type under 12 pt in 4 inks"),
        (
            '<p style="background: device-cmyk(1 0 0 0); color: device-cmyk(0 0 0 0); font-size: 8pt">Weiß</p>',
            "reversed (white) type under 9 pt",
        ),
        (
            '<p style="background: device-cmyk(1 0 0 0); color: device-cmyk(0 0 0 0); font-size: 10pt">Weiß</p>',
            "reversed (white) type under 12 pt not bold",
        ),
    ],
)
def test_small_type_in_many_inks_and_thin_reversed_type_are_queried(make, body, query):
    pdf = finished(make(f"type-{len(body)}.pdf", COVER + NEXT + body))
    [warning] = messages(preflight_pdf(pdf, PRINT), "type", "warning")
    assert warning.startswith(f"page 2: {query}: 1 run of text, the first ")


def test_black_type_that_knocks_out_is_queried_until_it_overprints(make):
    raw = make("knockout.pdf", COVER + NEXT)
    warnings = messages(preflight_pdf(raw, PRINT), "type", "warning")
    assert warnings[0].startswith("page 1: solid black type that knocks out what lies beneath")
    assert messages(preflight_pdf(finished(raw), PRINT), "type", "pass")  # overprinting, once finished


def test_a_photograph_that_cannot_be_decoded_is_told_by_ghostscripts_render(clean_print, tmp_path):
    damaged = tmp_path / "photograph.pdf"
    with pikepdf.open(clean_print) as pdf:
        [image] = [xobject for xobject in pdf.pages[0].Resources.XObject.values() if xobject.Subtype == "/Image"]
        image.write(b"\xff\xd8\xff\xe0 not the rest of a JPEG" * 10, filter=pikepdf.Name.DCTDecode)
        pdf.save(damaged)
    findings = preflight_pdf(damaged, PRINT)
    [error] = messages(findings, "rip")
    assert error.startswith("Ghostscript: ") and "image error" in error
    assert messages(findings, "qpdf", "pass") == [
        "qpdf read every object and decoded every stream but the photographs'"
    ]  # which the render decodes


def test_white_type_set_to_overprint_is_an_error(clean_print, tmp_path):
    vanishing = tmp_path / "vanishing.pdf"
    with pikepdf.open(clean_print) as pdf:
        page = pdf.pages[1]
        page.Resources.ExtGState.Vanish = pdf.make_indirect(pikepdf.Dictionary(op=True, OPM=1))
        font = next(iter(page.Resources.Font.keys()))
        page.contents_add(pdf.make_stream(f"q /Vanish gs 0 0 0 0 k BT {font} 10 Tf 100 100 Td (IIII) Tj ET Q".encode()))
        pdf.save(vanishing)
    errors = messages(preflight_pdf(vanishing, PRINT), "type")
    assert errors == [
        "page 2: white type set to overprint, which leaves it out on press: 1 run of text, the first 10.0 pt in"
        " no ink at " + errors[0].split(" no ink at ")[1]
    ]
