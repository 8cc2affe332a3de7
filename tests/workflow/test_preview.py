"""Previews: every page as a trimmed picture, a contact sheet of bound spreads, no stale pages, clear errors."""

from __future__ import annotations

import math
from pathlib import Path

import pikepdf
import pytest
from PIL import Image, ImageChops
from weasyprint import HTML

from bulletin.util.errors import BuildError
from bulletin.workflow.preview import LABEL_HEIGHT, PAGE_PPI, find_label_font, write_previews

A5_MM = (148, 210)
A5_PIXELS = tuple(round(mm / 25.4 * PAGE_PPI) for mm in A5_MM)  # 583 x 827 at 100 ppi
RED, GREEN, BLUE = (220, 30, 30), (30, 160, 60), (30, 60, 200)
PAGE_COLOURS = (RED, GREEN, BLUE, (240, 200, 0), (200, 0, 200), (0, 190, 200))  # page 1, 2, ...


def make_pdf(path: Path, pages: int, css: str = "") -> Path:
    """Write an A5 PDF of `pages` empty pages, each painted in its colour of PAGE_COLOURS (or white)."""
    colours = "\n".join(
        f"@page :nth({number}) {{ background: rgb{colour} }}"
        for number, colour in enumerate(PAGE_COLOURS[:pages], start=1)
    )
    style = f"@page {{ size: A5; margin: 0 }}\n{colours}\nsection {{ break-after: page }}\n{css}"
    HTML(string=f"<style>{style}</style>" + "<section></section>" * pages).write_pdf(path)
    return path


def size_matches(size: tuple[int, int], expected: tuple[int, int]) -> bool:
    """Tell whether a picture's size is `expected`, give or take the pixel lost to rounding."""
    return all(abs(actual - wanted) <= 1 for actual, wanted in zip(size, expected))


def colour_box(image: Image.Image, colour: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """Return the bounding box of the pixels of `image` that have `colour`, give or take a little."""
    difference = ImageChops.difference(image.convert("RGB"), Image.new("RGB", image.size, colour))
    red, green, blue = difference.split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue).point(lambda value: 255 * (value < 12)).getbbox()


def has_ink(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """Tell whether the area `box` of `image` holds dark pixels, such as a page number."""
    return min(low for low, _high in image.crop(box).getextrema()) < 120


@pytest.mark.slow
def test_every_page_is_a_picture_numbered_in_order_at_the_preview_resolution(tmp_path):
    pdf = make_pdf(tmp_path / "en.pdf", 12)  # pdftoppm itself would number these -01 ... -12
    written = write_previews({"en": pdf}, tmp_path / "preview")
    pages = sorted((tmp_path / "preview" / "en").iterdir())
    assert [page.name for page in pages] == [f"page-{number:03d}.png" for number in range(1, 13)]
    assert written == sorted(pages + [tmp_path / "preview" / "en-contact-sheet.png"])
    for number, page in enumerate(pages, start=1):
        with Image.open(page) as image:
            assert size_matches(image.size, A5_PIXELS)
            colour = PAGE_COLOURS[number - 1] if number <= len(PAGE_COLOURS) else (255, 255, 255)
            assert image.convert("RGB").getpixel((image.width // 2, image.height // 2)) == colour


def test_the_resolution_sets_the_size_of_the_pictures(tmp_path):
    write_previews({"en": make_pdf(tmp_path / "en.pdf", 1)}, tmp_path / "preview", resolution=50)
    with Image.open(tmp_path / "preview" / "en" / "page-001.png") as image:
        assert size_matches(image.size, tuple(round(mm / 25.4 * 50) for mm in A5_MM))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_a_bled_page_is_cut_to_its_trim_box(tmp_path, rotation):
    # The page is green inside the trim, red in the bleed; the MediaBox is widened unevenly
    # (white beyond the bleed) so that a side mistaken for another shows.
    pdf = make_pdf(
        tmp_path / "print.pdf", 1, f"@page {{ bleed: 3mm; background: rgb{RED} }} html {{ background: rgb{GREEN} }}"
    )
    with pikepdf.open(pdf, allow_overwriting_input=True) as document:
        page = document.pages[0]
        assert [float(value) for value in page.trimbox] != [float(value) for value in page.mediabox]
        left, bottom, right, top = (float(value) for value in page.mediabox)
        page.obj.MediaBox = page.obj.CropBox = pikepdf.Array([left - 30, bottom, right, top + 60])
        page.obj.Rotate = rotation
        document.save(pdf)
    write_previews({"en": pdf}, tmp_path / "preview")
    with Image.open(tmp_path / "preview" / "en" / "page-001.png") as image:
        expected = A5_PIXELS if rotation % 180 == 0 else A5_PIXELS[::-1]
        assert size_matches(image.size, expected)
        # The outermost pixels may be blended with the bleed; everything within is the trimmed page.
        inside = image.convert("RGB").crop((1, 1, image.width - 1, image.height - 1))
        assert inside.getcolors() == [(inside.width * inside.height, GREEN)]


def test_a_print_page_and_its_screen_page_make_pictures_of_one_size(tmp_path):
    # An A4 page at 100 ppi is 826.8 x 1169.3 pixels; pdftoppm rounds up, and so does the trim.
    screen = make_pdf(tmp_path / "screen.pdf", 1, "@page { size: A4 }")
    print_ = make_pdf(tmp_path / "print.pdf", 1, "@page { size: A4; bleed: 3mm }")
    write_previews({"screen": screen, "print": print_}, tmp_path / "preview")
    sizes = {
        variant: Image.open(tmp_path / "preview" / variant / "page-001.png").size for variant in ("screen", "print")
    }
    assert sizes["print"] == sizes["screen"] == tuple(math.ceil(mm / 25.4 * PAGE_PPI) for mm in (210, 297))


def test_the_contact_sheet_shows_the_issue_in_bound_spreads(tmp_path):
    write_previews({"en": make_pdf(tmp_path / "en.pdf", 6)}, tmp_path / "preview")
    with Image.open(tmp_path / "preview" / "en-contact-sheet.png") as sheet:
        sheet = sheet.convert("RGB")
    background = sheet.getpixel((2, 2))
    boxes = {number: colour_box(sheet, colour) for number, colour in enumerate(PAGE_COLOURS, start=1)}
    assert all(boxes.values())
    width = boxes[2][2] - boxes[2][0]
    assert width > 100 and sheet.width <= 3000 and sheet.height <= 3000
    cover, left, right, last = boxes[1], boxes[2], boxes[3], boxes[6]
    # Pages 2 and 3 face each other, the cover stands apart before them on the same row.
    assert left[1] == right[1] == cover[1]
    assert 0 < right[0] - left[2] <= 3
    assert left[0] - cover[2] > 10
    # The cover is a right-hand page: the place of a left-hand page beside it is empty.
    middle = (cover[1] + cover[3]) // 2
    assert cover[0] > width
    assert sheet.getpixel((cover[0] - width // 2, middle)) == background
    # The last page of an even count is a left-hand page, alone.
    assert sheet.getpixel((last[2] + width // 2, (last[1] + last[3]) // 2)) == background
    # Each page has its number under it, the empty place has none.
    for box in boxes.values():
        assert has_ink(sheet, (box[0], box[3] + 2, box[2], box[3] + LABEL_HEIGHT))
    assert not has_ink(sheet, (cover[0] - width, cover[3] + 2, cover[0] - 2, cover[3] + LABEL_HEIGHT))


def test_an_odd_page_count_ends_on_a_right_hand_page(tmp_path):
    write_previews({"en": make_pdf(tmp_path / "en.pdf", 5)}, tmp_path / "preview")
    with Image.open(tmp_path / "preview" / "en-contact-sheet.png") as sheet:
        sheet = sheet.convert("RGB")
    fourth, fifth = colour_box(sheet, PAGE_COLOURS[3]), colour_box(sheet, PAGE_COLOURS[4])
    assert fourth[1] == fifth[1] and 0 < fifth[0] - fourth[2] <= 3


def test_page_numbers_are_set_in_noto_sans_or_without_it_in_pillows_font(tmp_path, monkeypatch):
    assert find_label_font().name == "NotoSans-Regular.ttf"
    monkeypatch.setattr("bulletin.language.fonts.FONT_DIRS", (tmp_path / "no-fonts",))  # where both stages look
    assert find_label_font() is None
    write_previews({"en": make_pdf(tmp_path / "en.pdf", 1)}, tmp_path / "preview")
    with Image.open(tmp_path / "preview" / "en-contact-sheet.png") as sheet:
        cover = colour_box(sheet.convert("RGB"), RED)
        assert has_ink(sheet, (cover[0], cover[3] + 2, cover[2], cover[3] + LABEL_HEIGHT))


@pytest.mark.slow
def test_a_shorter_rebuild_leaves_no_stale_pages_and_keeps_other_files(tmp_path):
    folder = tmp_path / "preview"
    write_previews({"en": make_pdf(tmp_path / "long.pdf", 12), "ru": make_pdf(tmp_path / "ru.pdf", 2)}, folder)
    (folder / "en" / "notes.txt").write_text("the editor's notes")
    (folder / "cover-proof.png").write_bytes(b"not ours")
    written = write_previews({"en": make_pdf(tmp_path / "short.pdf", 5)}, folder)
    assert sorted(path.name for path in (folder / "en").glob("*.png")) == [f"page-00{n}.png" for n in range(1, 6)]
    assert (folder / "en" / "notes.txt").read_text() == "the editor's notes"
    assert (folder / "cover-proof.png").read_bytes() == b"not ours"
    assert len(list((folder / "ru").iterdir())) == 2 and (folder / "ru-contact-sheet.png").exists()
    assert not list((folder / "en").glob(".*"))  # no scratch folder left behind
    assert len(written) == 6


def test_a_broken_pdf_is_a_build_error_naming_the_file_and_what_pdftoppm_said(tmp_path):
    good = make_pdf(tmp_path / "en.pdf", 2)
    broken = tmp_path / "since-the-victory-ru.pdf"
    broken.write_text("%PDF-1.7 and then nothing of a PDF")
    with pytest.raises(BuildError) as caught:
        write_previews({"en": good, "ru": broken, "es": tmp_path / "missing-es.pdf"}, tmp_path / "preview")
    message = str(caught.value)
    assert "since-the-victory-ru.pdf: pdftoppm could not render it" in message
    assert "trailer" in message  # pdftoppm's own words: "Couldn't find trailer dictionary"
    assert "missing-es.pdf" in message and "Couldn't open file" in message


def test_pdftoppm_missing_is_a_build_error_saying_what_to_install(tmp_path, monkeypatch):
    pdf = make_pdf(tmp_path / "en.pdf", 1)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(BuildError, match=r"en\.pdf: .*pdftoppm is not installed.*poppler-utils"):
        write_previews({"en": pdf}, tmp_path / "preview")


@pytest.mark.parametrize("linked", ["previews", "previews/2023-H1", "previews/2023-H1/en"])
def test_no_picture_is_written_or_removed_through_a_symbolic_link(tmp_path, linked):
    images = tmp_path / "issue" / "images"  # what a link put in the previews' way would lead to
    images.mkdir(parents=True)
    (images / "page-001.png").write_bytes(b"an editor's picture, named like a page")
    (images / "en-contact-sheet.png").write_bytes(b"another")
    output = tmp_path / "output"
    (output / linked).parent.mkdir(parents=True, exist_ok=True)
    (output / linked).symlink_to(images)
    with pytest.raises(BuildError) as raised:
        write_previews({"en": make_pdf(tmp_path / "en.pdf", 2)}, output / "previews" / "2023-H1", root=output)
    assert str(raised.value) == (
        f"{output / linked}: is a symbolic link; previews are written only into folders of"
        " their own, and nothing was written: move it elsewhere"
    )
    assert sorted(path.name for path in images.iterdir()) == ["en-contact-sheet.png", "page-001.png"]
    assert (images / "page-001.png").read_bytes() == b"an editor's picture, named like a page"
