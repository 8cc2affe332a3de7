"""Each check of the preflight fails a PDF that breaks what it checks: the clean PDFs, broken one property at a time
with pikepdf, give the error that names it (a check that let the property go would pass them)."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name

from bulletin.preflight import tools
from bulletin.preflight.checks import preflight_pdf

from .pdfs import COVER, NEXT, PERIOD, PRINT, SCREEN, SCREEN_COVER, only


def broken(clean: Path, folder: Path, change: Callable[[pikepdf.Pdf], None], **saving) -> Path:
    """Return a copy of the PDF `clean` changed by `change`, saved with pikepdf's `saving` options."""
    target = folder / f"broken-{clean.name}"
    with pikepdf.open(clean) as pdf:
        change(pdf)
        pdf.save(target, **saving)
    return target


def messages(pdf: Path, check: str, expected=PRINT, severity: str = "error") -> list[str]:
    return [finding.message for finding in only(preflight_pdf(pdf, expected), check, severity)]


def set_box(pdf: pikepdf.Pdf, page: int, box: str, *edges: float | None) -> None:
    """Move the edges of a page's box that are given (left, bottom, right, top), keeping the others."""
    current = [float(value) for value in pdf.pages[page].obj[Name("/" + box)]]
    moved = [current[index] if edge is None else edge for index, edge in enumerate(edges)]
    pdf.pages[page].obj[Name("/" + box)] = moved


def edit_xmp(pdf: pikepdf.Pdf, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` in the XMP metadata."""
    xmp = pdf.Root.Metadata.read_bytes()
    assert old in xmp
    pdf.Root.Metadata.write(xmp.replace(old, new))


def test_a_trim_box_of_the_wrong_height_is_an_error(clean_print, tmp_path):
    pdf = broken(clean_print, tmp_path, lambda pdf: set_box(pdf, 0, "TrimBox", None, None, None, 831.89))
    assert "TrimBox is 595.28 × 831.89 pt, not 595.28 × 841.89 pt on page 1" in messages(pdf, "boxes")


def test_a_bleed_wider_on_one_side_is_an_error_naming_each_side(clean_print, tmp_path):
    def widen(pdf):
        for box in ("BleedBox", "MediaBox"):
            set_box(pdf, 1, box, None, None, 605.78, None)

    assert messages(broken(clean_print, tmp_path, widen), "boxes") == [
        "BleedBox extends 8.50, 8.50, 10.50, 8.50 (left, bottom, right, top) pt beyond the TrimBox instead of 8.50 pt"
        " on page 2"
    ]


def test_a_print_pdf_without_bleed_boxes_is_an_error(clean_print, tmp_path):
    def remove(pdf):
        for page in pdf.pages:
            del page.obj.BleedBox

    assert messages(broken(clean_print, tmp_path, remove), "boxes") == ["no BleedBox on pages 1, 2"]


def test_a_media_box_cutting_into_the_bleed_on_any_side_is_an_error(clean_print, tmp_path):
    def cut(pdf):
        set_box(pdf, 0, "MediaBox", 0, None, None, None)  # the left bleed cut off
        set_box(pdf, 1, "MediaBox", None, None, None, 841.89)  # the top bleed cut off

    assert messages(broken(clean_print, tmp_path, cut), "boxes") == [
        "MediaBox does not contain the BleedBox on pages 1, 2"
    ]


def test_a_problem_on_many_pages_names_the_first_five(make):
    pdf = make("seven-pages.pdf", COVER + NEXT * 6, bleed=False)
    assert messages(pdf, "boxes", dataclasses.replace(PRINT, page_multiple=1)) == [
        "BleedBox extends 0.00 pt beyond the TrimBox instead of 8.50 pt on pages 1, 2, 3, 4, 5 and 2 more"
    ]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda pdf: pdf.Root.OutputIntents[0].__delitem__("/OutputConditionIdentifier"),
            "the output intent has no /OutputConditionIdentifier",
        ),
        (
            lambda pdf: pdf.Root.OutputIntents[0].__setitem__(
                "/DestOutputProfile", pdf.make_stream(b"\0" * 16 + b"RGB " + b"\0" * 108, N=4)
            ),
            "the output intent's ICC profile is not a CMYK profile with /N 4",
        ),
        (
            lambda pdf: edit_xmp(pdf, b"<pdfxid:GTS_PDFXVersion>PDF/X-4<", b"<pdfxid:GTS_PDFXVersion>PDF/X-3<"),
            "XMP pdfxid:GTS_PDFXVersion is 'PDF/X-3', not 'PDF/X-4'",
        ),
        (
            lambda pdf: pdf.trailer.Info.__setitem__("/Trapped", Name.Unknown),
            "the info dictionary's /Trapped is missing or neither /True nor /False",
        ),
    ],
    ids=["no condition", "RGB profile", "PDF/X-3", "trapping unknown"],
)
def test_what_pdf_x_4_asks_for_is_checked(clean_print, tmp_path, change, message):
    assert messages(broken(clean_print, tmp_path, change), "pdfx") == [message]


def test_an_encrypted_print_pdf_is_an_error(clean_print, tmp_path):
    pdf = broken(clean_print, tmp_path, lambda pdf: None, encryption=pikepdf.Encryption(owner="bureau", user=""))
    assert "the file is encrypted" in messages(pdf, "pdfx")


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"),
            "no structure tree (/StructTreeRoot): the PDF is not tagged",
        ),
        (lambda pdf: pdf.Root.MarkInfo.__setitem__("/Marked", False), "/MarkInfo /Marked is not true"),
        (
            lambda pdf: pdf.Root.ViewerPreferences.__setitem__("/DisplayDocTitle", False),
            "/ViewerPreferences /DisplayDocTitle is not true",
        ),
        (lambda pdf: pdf.trailer.Info.__setitem__("/Title", " "), "the info dictionary has no /Title"),
        (lambda pdf: edit_xmp(pdf, b"<dc:title>", b"<dc:subject>"), "XMP has no dc:title"),
        (lambda pdf: edit_xmp(pdf, b'pdfuaid:part="1"', b'pdfuaid:part="2"'), "XMP pdfuaid:part is not 1"),
        (lambda pdf: pdf.Root.__setitem__("/Lang", "en-GB"), "catalog /Lang is 'en-GB', not 'en'"),
    ],
    ids=["untagged", "unmarked", "no title shown", "no title", "no XMP title", "PDF/UA-2", "British"],
)
def test_what_pdf_ua_1_asks_for_is_checked(clean_screen, tmp_path, change, message):
    assert message in messages(broken(clean_screen, tmp_path, change), "tagging", SCREEN)


def test_a_font_not_embedded_is_an_error(clean_print, tmp_path):
    def unembed(pdf):
        for font in pdf.pages[0].Resources.Font.values():
            for descendant in font.get("/DescendantFonts", [font]):
                del descendant.FontDescriptor.FontFile2

    assert any(
        message.endswith("is not embedded") for message in messages(broken(clean_print, tmp_path, unembed), "fonts")
    )


def test_a_pdf_without_pages_is_an_error(tmp_path):
    pikepdf.new().save(tmp_path / "empty.pdf")
    assert messages(tmp_path / "empty.pdf", "pages", SCREEN) == ["0 pages, not a multiple of 1"]


def test_a_print_picture_just_below_the_minimum_is_an_error(make):
    pdf = make("149-ppi.pdf", COVER + '<img src="cmyk.jpg" style="width: 51mm">' + NEXT)
    assert messages(pdf, "images") == ["image of 300 × 200 px at 149 ppi on page 1, below the minimum of 150 ppi"]


def test_a_screen_picture_a_tenth_above_the_limit_is_an_error(make):
    pdf = make(
        "169-ppi.pdf", SCREEN_COVER + '<img src="rgb.png" alt="A red field" style="width: 45mm">', "screen", lang="en"
    )
    assert messages(pdf, "images", SCREEN) == [
        "image of 300 × 200 px at 169 ppi on page 1, above 150 ppi: images of the screen edition must be downsampled"
    ]


def test_a_transparency_mask_is_not_counted_as_a_picture(make):
    pdf = make(
        "mask.pdf",
        SCREEN_COVER + '<img src="silhouette.png" alt="A blue square" style="width: 50mm">',
        "screen",
        lang="en",
    )
    assert messages(pdf, "images", SCREEN, "pass") == ["1 image, 152 to 152 ppi"]


def test_the_cover_text_is_compared_in_one_normal_form(clean_print):
    """A period given decomposed (İ as I and a combining dot) is the period the cover prints composed."""
    decomposed = dataclasses.replace(PRINT, period=unicodedata.normalize("NFD", PERIOD))
    assert messages(clean_print, "text", decomposed, "pass") == ["the cover has the title and the period"]


def test_a_pdf_qpdf_must_repair_is_an_error_of_its_warnings(clean_print, tmp_path):
    damaged = tmp_path / "damaged-length.pdf"
    data = clean_print.read_bytes()
    length = re.search(rb"/Length (\d+)", data)  # a stream said 5 bytes longer than it is, in as many digits
    wrong = str(int(length[1]) + 5).encode().rjust(len(length[1]))
    damaged.write_bytes(data[: length.start(1)] + wrong + data[length.end(1) :])
    [message] = messages(damaged, "qpdf")
    assert message.startswith("qpdf warnings: WARNING: damaged-length.pdf") and "stream length" in message


def test_a_tool_that_takes_too_long_is_an_error_of_its_check(clean_print, monkeypatch):
    monkeypatch.setattr(tools, "TIMEOUT", 0.000_001)
    assert messages(clean_print, "fonts") == ["pdffonts took longer than 1e-06 s"]
