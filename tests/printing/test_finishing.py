"""Finishing: reproducible PDF/X-4 metadata, and crop marks in registration colour outside the bleed."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from bulletin.printing.finishing import finish_print, finish_screen, fix_metadata, link_labels
from bulletin.printing.settings import MM_TO_PT, PrintSettings
from bulletin.util.pdftree import structure_elements

HEAD = (
    '<meta name="dcterms.created" content="2023-01-15T09:00:00Z">'
    '<meta name="dcterms.modified" content="2023-01-20T18:30:00Z"><title>Zəfərdən bəri</title>'
)
BODY = '<p>Birinci səhifə</p><p style="break-before: page">İkinci səhifə</p>'
DOCUMENT_ID = re.compile(rb"<xmpMM:DocumentID>(xmp\.did:[0-9a-f-]{36})</xmpMM:DocumentID>")
SLUG = 9 * MM_TO_PT  # the media box margin around the trim once marks are added
CONDITION = PrintSettings().condition  # FOGRA39


def render(bleed: str = "3mm"):
    style = f"<style>@page {{ size: A4; bleed: {bleed}; margin: 20mm }} html {{ color: device-cmyk(0 0 0 1) }}</style>"
    return HTML(string=f"<html lang='az'><head>{HEAD}{style}</head><body>{BODY}</body></html>").render()


def print_pdf(name: str | None = None, bleed: str = "3mm") -> bytes:
    """Render the two-page document afresh and write it as PDF/X-4, its metadata fixed by `name` if given."""
    document = render(bleed)
    if name is not None:
        fix_metadata(document, name)
    return document.write_pdf(pdf_variant="pdf/x-4")


def document_id(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        [identifier] = DOCUMENT_ID.findall(document.Root.Metadata.read_bytes())
    return identifier


def box(value) -> list[float]:
    return [float(number) for number in value]


def mark_segments(page: pikepdf.Page) -> list[tuple[float, float, float, float]]:
    """Return the line segments drawn after the page selects the /Registration colour space."""
    segments, start, registration = [], None, False
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "CS":
            registration = operands[0] == pikepdf.Name.Registration
        elif registration and str(operator) == "m":
            start = [float(value) for value in operands]
        elif registration and str(operator) == "l":
            segments.append((*start, *(float(value) for value in operands)))
    return segments


def outside(segment: tuple[float, float, float, float], rectangle: list[float], tolerance: float = 0.01) -> bool:
    """Whether a line segment stays out of the inside of a rectangle."""
    x1, y1, x2, y2 = segment
    left, bottom, right, top = rectangle
    return (
        max(x1, x2) <= left + tolerance
        or min(x1, x2) >= right - tolerance
        or max(y1, y2) <= bottom + tolerance
        or min(y1, y2) >= top - tolerance
    )


# Reproducible metadata


def test_fixed_metadata_gives_the_same_bytes_for_the_same_input():
    first, second = print_pdf("since-the-victory-2023-H1-az-print"), print_pdf("since-the-victory-2023-H1-az-print")
    assert first == second
    # Without the fix, WeasyPrint's random DocumentID makes every build different.
    plain, again = print_pdf(), print_pdf()
    assert plain != again and document_id(plain) != document_id(again)


def test_the_document_id_depends_on_the_name_and_the_rest_of_the_metadata_is_kept():
    az, en = print_pdf("since-the-victory-2023-H1-az-print"), print_pdf("since-the-victory-2023-H1-en-print")
    assert document_id(az) != document_id(en)
    assert document_id(az) == document_id(print_pdf("since-the-victory-2023-H1-az-print"))
    with pikepdf.open(io.BytesIO(az)) as pdf:
        assert str(pdf.docinfo.Title) == "Zəfərdən bəri"
        assert str(pdf.docinfo.CreationDate).startswith("D:20230115090000")
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<xmp:MetadataDate>2023-01-20T18:30:00Z</xmp:MetadataDate>" in xmp
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp


# Crop marks


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    """The two-page A4 PDF/X-4 with 3 mm bleed before and after crop marks, the latter also as a file."""
    original = print_pdf("marked")
    path = tmp_path_factory.mktemp("finishing") / "marked.pdf"
    path.write_bytes(finish_print(original, 3 * MM_TO_PT, crop_marks=True, condition=CONDITION))
    return original, path


def test_the_media_box_grows_around_the_trim_and_the_other_boxes_stay(marked):
    original, path = marked
    with pikepdf.open(io.BytesIO(original)) as before, pikepdf.open(path) as after:
        assert len(after.pages) == len(before.pages) == 2
        for old, new in zip(before.pages, after.pages):
            left, bottom, right, top = box(new.TrimBox)
            assert box(new.MediaBox) == pytest.approx([left - SLUG, bottom - SLUG, right + SLUG, top + SLUG], abs=0.001)
            assert box(new.TrimBox) == box(old.TrimBox) and box(new.BleedBox) == box(old.BleedBox)
            assert box(old.MediaBox) == box(old.BleedBox)  # WeasyPrint's media box was the bleed


def test_each_page_draws_eight_marks_in_the_registration_colour(marked):
    _original, path = marked
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            registration = page.Resources.ColorSpace.Registration
            assert list(registration)[:3] == [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK]
            tint = registration[3]
            assert (list(tint.C0), list(tint.C1)) == ([0, 0, 0, 0], [1, 1, 1, 1])  # every ink at full tint
            operators = [(str(operator), list(operands)) for operands, operator in pikepdf.parse_content_stream(page)]
            start = operators.index(("CS", [pikepdf.Name.Registration]))
            assert operators[start + 1] == ("SCN", [1])
            assert [name for name, _operands in operators[start:]].count("l") == 8
            assert operators[-2:] == [("S", []), ("Q", [])]
            assert len(mark_segments(page)) == 8
            assert not {"rg", "RG"} & {name for name, _operands in operators}


def test_the_marks_start_at_the_bleed_and_lie_along_the_trim_lines(marked):
    _original, path = marked
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            left, bottom, right, top = trim = box(page.TrimBox)
            bleed, media = box(page.BleedBox), box(page.MediaBox)
            for segment in mark_segments(page):
                x1, y1, x2, y2 = segment
                assert outside(segment, bleed) and not outside(segment, media)
                assert abs(x2 - x1) == pytest.approx(5 * MM_TO_PT, abs=0.01) or abs(y2 - y1) == pytest.approx(
                    5 * MM_TO_PT, abs=0.01
                )
                assert {x1, x2} & {round(left, 3), round(right, 3)} or {y1, y2} & {round(bottom, 3), round(top, 3)}
            assert trim == [0, 0, pytest.approx(595.276, abs=0.001), pytest.approx(841.89, abs=0.001)]


def test_the_rendered_marks_are_in_the_four_corners_of_the_slug(marked, tmp_path):
    """The page's own content leaves its coordinates flipped; the marks must still land in the corners."""
    _original, path = marked
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "72",
            "-f",
            "1",
            "-l",
            "1",
            "-aa",
            "no",
            "-aaVector",
            "no",
            "-png",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    with Image.open(next(tmp_path.glob("page*.png"))) as image:
        ink = image.convert("L").point(lambda value: 255 if value < 128 else 0)
    width, height = ink.size  # at 72 dpi a pixel is a point
    slug, inner = round(SLUG) + 2, round(SLUG - 3 * MM_TO_PT) - 1  # the corner squares; the slug's inner edge

    def inked(left: int, top: int, right: int, bottom: int) -> int:
        return sum(ink.crop((left, top, right, bottom)).histogram()[255:])

    corners = [
        inked(0, 0, slug, slug),
        inked(width - slug, 0, width, slug),
        inked(0, height - slug, slug, height),
        inked(width - slug, height - slug, width, height),
    ]
    assert all(count >= 20 for count in corners), corners
    between = [
        inked(slug, 0, width - slug, inner),
        inked(slug, height - inner, width - slug, height),
        inked(0, slug, inner, height - slug),
        inked(width - inner, slug, width, height - slug),
    ]
    assert between == [0, 0, 0, 0]  # nothing else is drawn outside the bleed


def test_qpdf_finds_the_marked_pdf_sound(marked):
    _original, path = marked
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


@pytest.mark.parametrize("bleed", [5, 12])
def test_marks_stay_outside_any_bleed(bleed):
    original = HTML(string=f"<style>@page {{ size: A4; bleed: {bleed}mm }}</style><p>x</p>").render().write_pdf()
    with pikepdf.open(io.BytesIO(original)) as before:
        artwork = box(before.pages[0].MediaBox)  # WeasyPrint's media box is the whole bleed
    with pikepdf.open(
        io.BytesIO(finish_print(original, bleed * MM_TO_PT, crop_marks=True, condition=CONDITION))
    ) as after:
        left, bottom, right, top = box(after.pages[0].MediaBox)
        assert left <= artwork[0] and bottom <= artwork[1] and right >= artwork[2] and top >= artwork[3]
        assert all(outside(segment, artwork) for segment in mark_segments(after.pages[0]))


@pytest.mark.parametrize("bleed", [5, 12])
def test_a_bleed_wider_than_weasyprints_bleed_box_gets_a_bleed_box_as_wide(bleed):
    """WeasyPrint stops the BleedBox 10 points (3.5 mm) out; the bureau needs all of the bleed."""
    original = HTML(string=f"<style>@page {{ size: A4; bleed: {bleed}mm }}</style><p>x</p>").render().write_pdf()
    with pikepdf.open(io.BytesIO(original)) as before:
        assert box(before.pages[0].BleedBox)[0] == pytest.approx(-10, abs=0.01)
    with pikepdf.open(
        io.BytesIO(finish_print(original, bleed * MM_TO_PT, crop_marks=False, condition=CONDITION))
    ) as after:
        page = after.pages[0]
        assert box(page.BleedBox) == pytest.approx(box(page.MediaBox), abs=0.01)
        assert box(page.BleedBox)[0] == pytest.approx(-bleed * MM_TO_PT, abs=0.01)


def test_links_are_removed_and_the_bookmarks_kept():
    original = (
        HTML(
            string='<h1 id="top">Title</h1><p><a href="#top">back</a> <a href="https://example.org">web</a>'
            "</p><style>@page { size: A4; bleed: 3mm }</style>"
        )
        .render()
        .write_pdf()
    )
    with pikepdf.open(io.BytesIO(original)) as before:
        assert len(before.pages[0].Annots) == 2 and "/Outlines" in before.Root
    with pikepdf.open(io.BytesIO(finish_print(original, 3 * MM_TO_PT, crop_marks=False, condition=CONDITION))) as after:
        assert "/Annots" not in after.pages[0] and "/Outlines" in after.Root


def test_links_are_described_by_their_text():
    document = HTML(
        string='<html lang="en"><h1 id="top">Title</h1><p><a href="#top">Back to the <em>top</em></a>'
        ' <a href="https://example.org">the example site</a></p></html>'
    ).render()
    labels = link_labels(document)
    assert labels == {"top": "Back to the top", "https://example.org": "the example site"}
    pdf = finish_screen(document.write_pdf(pdf_variant="pdf/ua-1"), labels, [])
    with pikepdf.open(io.BytesIO(pdf)) as result:
        described = {str(annotation.Contents) for annotation in result.pages[0].Annots}
    assert described == {"Back to the top", "the example site"}  # a link set in two styles has two areas


def test_running_heads_and_page_numbers_become_pagination_artifacts():
    html = (
        '<html lang="en"><style>@page { @top-center { content: "Since the Victory" }'
        " @bottom-right { content: counter(page) } }</style><h1>Title</h1><p>Text.</p></html>"
    )
    before = HTML(string=html).render().write_pdf(pdf_variant="pdf/ua-1")
    after = finish_screen(before, {}, [])

    def artifacts_and_outsiders(pdf: bytes) -> tuple[int, int]:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            operators = list(pikepdf.parse_content_stream(document.pages[0]))
            artifacts = sum(
                1
                for operands, operator in operators
                if str(operator) == "BDC" and operands[0] == "/Artifact" and operands[1].get("/Type") == "/Pagination"
            )
            root = document.Root.StructTreeRoot
            inside = {element.objgen for element in structure_elements(root) if element.is_indirect}
            outside = sum(
                1
                for element in root.ParentTree.Nums[1]
                if isinstance(element, pikepdf.Dictionary) and element.objgen not in inside
            )
            return artifacts, outside

    assert artifacts_and_outsiders(before) == (0, 2)
    assert artifacts_and_outsiders(after) == (2, 0)
    with pikepdf.open(io.BytesIO(after)) as document:  # the text itself is still there
        assert b"Tj" in document.pages[0].Contents.read_bytes() or b"TJ" in document.pages[0].Contents.read_bytes()


# Font subsets


def subset_names(pdf: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {str(font.BaseFont) for page in document.pages for font in page.Resources.Font.values()}


def test_each_font_subset_is_named_by_its_own_glyphs_the_same_every_time():
    """WeasyPrint names a subset after its font: two editions' different subsets of one font shared a name."""
    style = "<style>@page { size: A6; bleed: 3mm } html { font-family: sans-serif }</style>"

    def laid_out(text: str) -> bytes:
        return HTML(string=f"<html lang='az'><head>{style}</head><body><p>{text}</p></body></html>").write_pdf()

    def finished(text: str) -> bytes:
        return finish_print(laid_out(text), 3 * MM_TO_PT, crop_marks=False, condition=CONDITION)

    assert subset_names(laid_out("Şuşa şəhəri")) == subset_names(laid_out("Город Шуша"))  # WeasyPrint's names
    azerbaijani, russian = subset_names(finished("Şuşa şəhəri")), subset_names(finished("Город Шуша"))
    assert azerbaijani != russian and all(re.fullmatch(r"/[A-Z]{6}\+.+", name) for name in azerbaijani | russian)
    assert subset_names(finished("Şuşa şəhəri")) == azerbaijani  # the same glyphs, the same name
