"""Preview stage: a picture of every page and a contact sheet per language, for an editor to look at.

Each language's PDF is rendered with pdftoppm (poppler-utils) at about a screen's own
resolution, so that body text can be read at 100 %; a print file is soft-proofed instead, as the
press will print it, through its output profile (`softproof`), into <folder>/<language>/page-001.png,
page-002.png, ... The pages are cut to the TrimBox: a print PDF's bleed (and its crop marks)
are not what a reader sees. A contact sheet, <folder>/<language>-contact-sheet.png, shows the
whole issue as it is bound: the cover alone on the right, then the spreads 2-3, 4-5, ... and,
when the page count is even, the last page alone on the left. Its thumbnails are made from
the page pictures, not by a second rendering.

This stage only looks: it checks nothing (that is the preflight's work) and changes no PDF.
It removes a language's old page pictures and contact sheet before writing new ones, so
a shorter issue leaves no stale pages behind; it leaves every other file in the folder alone.
It follows no symbolic link: a folder on the way to the pictures that is one (it could lead
into the issue's pictures) stops it before anything is written or removed, and every picture
is written under a temporary name and renamed, which replaces a link in its place, never what
the link points to.
"""

from __future__ import annotations

import logging
import math
import os
import re
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pikepdf
from PIL import Image, ImageDraw, ImageFont

from ..language.fonts import FONT_PACKAGE, TYPEFACES, find_font_files
from ..project import CONTACT_SHEET, PAGE_PICTURE
from ..util.atomic import atomic_file
from ..util.errors import BuildError, display_path
from ..util.files import display_entry
from .softproof import output_profile, proof_pages

PAGE_PPI = 100  # pages at about a screen's own resolution: 9-point body text is about 12 pixels high
POINTS_PER_INCH = 72
PAGE_DIGITS = 3  # page-001.png: fixed width, so that names sort in page order
RENDERED_PAGE = re.compile(r"-(\d+)\.png$")  # pdftoppm's name for a page: <prefix>-<zero-padded number>.png
LABEL_FACE = TYPEFACES["Bulletin Sans"][("normal", 400)]  # Noto Sans, the bulletin's own sans

# The contact sheet, in pixels.
SPREADS_PER_ROW = 4  # a 32-page issue (17 spreads) in five rows: a sheet about as high as it is wide
THUMBNAIL_BOX = (256, 362)  # the most room a page takes: an A4 or A5 page fills it
MARGIN = 40  # around everything
SPREAD_GAP = 36  # between two spreads of a row; the pages of one spread touch
TITLE_SIZE = 26  # the PDF's name and page count, above the pages
LABEL_SIZE = 18  # the page number under each page
LABEL_GAP = 6  # between a page and its number
LABEL_HEIGHT = 34  # room for the page number under a page, with the gap
ROW_GAP = 18  # between a row's page numbers and the next row's pages
FIRST_ROW = MARGIN + TITLE_SIZE + ROW_GAP  # the top of the first row's pages
ROW_HEIGHT = THUMBNAIL_BOX[1] + 2 + LABEL_HEIGHT + ROW_GAP  # 2: the page's border above and below
SPREAD_WIDTH = 2 * THUMBNAIL_BOX[0] + 3  # two pages, a border on each outer side and one in the gutter
BACKGROUND = (232, 232, 232)  # light grey, so that white pages stand out
BORDER = (150, 150, 150)  # a hairline around each page and between the pages of a spread
INK = (60, 60, 60)  # title and page numbers

LOG = logging.getLogger("bulletin")

# Where a page's TrimBox lies in what pdftoppm renders (its CropBox), as the page is shown:
# left and top from the CropBox's top left corner, width and height, all in points.
Area = tuple[float, float, float, float]


def write_previews(
    pdfs: Mapping[str, Path], folder: Path, resolution: int = PAGE_PPI, root: Path | None = None
) -> list[Path]:
    """Write each language's pages and contact sheet under `folder`, made below `root` (default: its parent)
    through folders only, never a symbolic link; return the files written, sorted."""
    make_folders(folder, folder.parent if root is None else root)
    for language in pdfs:
        make_folders(folder / language, folder)
    font = find_label_font()
    written: list[Path] = []
    failures: list[str] = []
    workers = max(1, min(len(pdfs), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        jobs = {
            language: pool.submit(preview_edition, language, pdf, folder, resolution, font)
            for language, pdf in pdfs.items()
        }
        for job in jobs.values():
            try:
                written += job.result()
            except BuildError as err:
                failures.append(str(err))
    if failures:
        raise BuildError("\n".join(failures))
    return sorted(written)


def preview_edition(language: str, pdf: Path, folder: Path, resolution: int, font: Path | None) -> list[Path]:
    """Write one language's page pictures and contact sheet; return them."""
    pages_folder = folder / language
    sheet = folder / f"{language}{CONTACT_SHEET}"
    remove_old_pictures(pages_folder)
    sheet.unlink(missing_ok=True)  # never a sheet that disagrees with the pages beside it
    pages = render_pages(pdf, pages_folder, resolution)
    write_contact_sheet(pages, sheet, f"{pdf.name} · {len(pages)} page{'s' * (len(pages) != 1)}", font)
    LOG.info("%s: %d page previews and a contact sheet in %s", language, len(pages), display_path(folder))
    return pages + [sheet]


def make_folders(folder: Path, root: Path) -> None:
    """Make `folder` and the folders between it and `root` where they are missing; stop (BuildError) at one that
    is a symbolic link or not a folder, which would receive the pictures or lose its files."""
    path = root
    for part in folder.relative_to(root).parts:
        path = path / part
        try:
            path.mkdir()
        except FileExistsError:
            pass
        except OSError as err:
            raise BuildError(f"cannot make {display_path(path)}: {err.strerror or err}") from err
        if path.is_symlink() or not path.is_dir():
            what = "a symbolic link" if path.is_symlink() else "not a folder"
            raise BuildError(
                f"{display_entry(path)}: is {what}; previews are written only into folders of their"
                " own, and nothing was written: move it elsewhere"
            )


def remove_old_pictures(folder: Path) -> None:
    """Remove the page pictures of an earlier preview from a language's folder."""
    for path in folder.iterdir():
        if PAGE_PICTURE.fullmatch(path.name):
            path.unlink()


# Pages


def render_pages(pdf: Path, folder: Path, resolution: int) -> list[Path]:
    """Render every page of `pdf`, trimmed, to folder/page-001.png ...; return them in page order."""
    with tempfile.TemporaryDirectory(prefix=".pdftoppm-", dir=folder) as scratch:
        profile = output_profile(pdf)  # a print file: pictured as the press prints it
        prefix = Path(scratch) / "page"
        rendered = proof_pages(pdf, profile, prefix, resolution) if profile else run_pdftoppm(pdf, prefix, resolution)
        areas = read_trim_areas(pdf)
        if len(areas) != len(rendered):
            raise BuildError(f"{display_path(pdf)}: pdftoppm rendered {len(rendered)} pages of {len(areas)}")
        digits = max(PAGE_DIGITS, len(str(len(rendered))))
        pages = []
        for number, (picture, area) in enumerate(zip(rendered, areas), start=1):
            target = folder / f"page-{number:0{digits}d}.png"
            trim_picture(picture, area, resolution, target)
            pages.append(target)
    return pages


def run_pdftoppm(pdf: Path, prefix: Path, resolution: int) -> list[Path]:
    """Render `pdf` as PNG pictures named after `prefix`; return them in page order."""
    # -cropbox: the area a PDF viewer shows; without it pdftoppm renders the whole MediaBox.
    command = ["pdftoppm", "-png", "-r", str(resolution), "-cropbox", str(pdf), str(prefix)]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except FileNotFoundError as err:
        raise BuildError(
            f"{display_path(pdf)}: cannot make previews: pdftoppm is not installed (Debian package poppler-utils)"
        ) from err
    if result.returncode != 0:
        said = result.stderr.strip() or f"exit status {result.returncode}"
        raise BuildError(f"{display_path(pdf)}: pdftoppm could not render it: {said}")
    # pdftoppm pads page numbers to the width of the page count (-1, -01, -001 ...).
    numbered = {
        int(found.group(1)): path
        for path in prefix.parent.glob(f"{prefix.name}-*.png")
        if (found := RENDERED_PAGE.search(path.name))
    }
    return [numbered[number] for number in sorted(numbered)]


def read_trim_areas(pdf: Path) -> list[Area]:
    """Return where the TrimBox of each page of `pdf` lies in the page as pdftoppm renders it."""
    try:
        with pikepdf.open(pdf) as document:
            return [trim_area(page) for page in document.pages]
    except (pikepdf.PdfError, OSError) as err:
        raise BuildError(f"{display_path(pdf)}: cannot read its page boxes: {err}") from err


def trim_area(page: pikepdf.Page) -> Area:
    """Return the TrimBox's place in the CropBox, in the page's displayed orientation."""
    crop_left, crop_bottom, crop_right, crop_top = normalized(page.cropbox)
    trim_left, trim_bottom, trim_right, trim_top = normalized(page.trimbox)
    margins: tuple[float, ...] = (
        trim_left - crop_left,
        crop_top - trim_top,
        crop_right - trim_right,
        trim_bottom - crop_bottom,
    )
    width, height = crop_right - crop_left, crop_top - crop_bottom
    # /Rotate turns the page clockwise in quarter turns: each turn moves every side on by one place.
    turns = int(page.obj.get("/Rotate", 0)) // 90 % 4
    if turns:
        margins = margins[-turns:] + margins[:-turns]
        width, height = (height, width) if turns % 2 else (width, height)
    left, top, right, bottom = margins
    return left, top, width - left - right, height - top - bottom


def normalized(box: pikepdf.Array) -> tuple[float, float, float, float]:
    """Return a PDF rectangle as left, bottom, right, top, whichever corners it was given by."""
    x0, y0, x1, y1 = (float(value) for value in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def trim_picture(picture: Path, area: Area, resolution: int, target: Path) -> None:
    """Move a rendered page to `target`, cut to its TrimBox when that is smaller than what was rendered."""
    scale = resolution / POINTS_PER_INCH
    left, top, width, height = area
    x, y = round(left * scale), round(top * scale)
    box = (x, y, x + whole_pixels(width * scale), y + whole_pixels(height * scale))
    with Image.open(picture) as image:  # reads the size only, until the crop
        trimmed = (
            None
            if box == (0, 0, *image.size)
            else image.crop((max(x, 0), max(y, 0), min(box[2], image.width), min(box[3], image.height)))
        )
    if trimmed is not None:
        trimmed.save(picture, format="PNG")
    os.replace(picture, target)  # renamed into place: a link at `target` is replaced, never written through


def whole_pixels(length: float) -> int:
    """Round a length in pixels up, as pdftoppm sizes its pictures, so trimmed and untrimmed pages agree."""
    return math.ceil(length - 0.01)  # 0.01: not up for the noise in the last digits of a product


# The contact sheet


def page_place(number: int) -> tuple[int, int]:
    """Return the row and the page column of page `number` on the sheet, the cover being a right-hand page."""
    spread, side = divmod(number, 2)  # page 1 is the right of spread 0; 2 and 3 make spread 1
    row, spread_in_row = divmod(spread, SPREADS_PER_ROW)
    return row, 2 * spread_in_row + side


def write_contact_sheet(pages: list[Path], target: Path, title: str, font: Path | None) -> None:
    """Lay out thumbnails of `pages` as bound spreads, each with its page number, and save them to `target`."""
    title_font, label_font = load_font(font, TITLE_SIZE), load_font(font, LABEL_SIZE)
    sheet = Image.new("RGB", sheet_size(len(pages)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text((MARGIN, MARGIN), title, fill=INK, font=title_font)
    for number, page in enumerate(pages, start=1):
        thumbnail = make_thumbnail(page)
        x, y = thumbnail_origin(number, thumbnail.width)
        sheet.paste(thumbnail, (x, y))
        draw.rectangle((x - 1, y - 1, x + thumbnail.width, y + thumbnail.height), outline=BORDER)
        label = str(number)
        label_x = x + (thumbnail.width - draw.textlength(label, font=label_font)) / 2
        draw.text((label_x, y + THUMBNAIL_BOX[1] + 1 + LABEL_GAP), label, fill=INK, font=label_font)
    with atomic_file(target) as file:  # a link at `target` is replaced, not written through
        sheet.save(file, format="PNG", optimize=True)


def sheet_size(page_count: int) -> tuple[int, int]:
    """Return the width and height of the contact sheet of `page_count` pages."""
    spreads = min(SPREADS_PER_ROW, page_count // 2 + 1)  # in the widest row
    rows = page_place(page_count)[0] + 1
    return (
        2 * MARGIN + spreads * SPREAD_WIDTH + (spreads - 1) * SPREAD_GAP,
        FIRST_ROW + rows * ROW_HEIGHT - ROW_GAP + MARGIN,
    )


def thumbnail_origin(number: int, width: int) -> tuple[int, int]:
    """Return where the top left corner of page `number`'s thumbnail, `width` pixels wide, goes on the sheet."""
    row, column = page_place(number)
    gutter = MARGIN + column // 2 * (SPREAD_WIDTH + SPREAD_GAP) + 1 + THUMBNAIL_BOX[0]  # the line between the pages
    # Pages meet at the gutter, whatever their width: left pages end there, right pages start there.
    x = gutter - width if column % 2 == 0 else gutter + 1
    return x, FIRST_ROW + row * ROW_HEIGHT + 1


def make_thumbnail(page: Path) -> Image.Image:
    """Return the picture of a page made small enough to fit THUMBNAIL_BOX, keeping its proportions."""
    with Image.open(page) as image:
        thumbnail = image.convert("RGB")
    thumbnail.thumbnail(THUMBNAIL_BOX, Image.Resampling.LANCZOS)
    return thumbnail


def find_label_font() -> Path | None:
    """Return Noto Sans Regular's file, looked for where the print stage looks for it, or None."""
    found = find_font_files({LABEL_FACE}).get(LABEL_FACE)
    if found:
        return found
    LOG.warning("%s not found (Debian package %s): the contact sheets use Pillow's own font", LABEL_FACE, FONT_PACKAGE)
    return None


def load_font(path: Path | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return the font at `path` in `size` pixels, or Pillow's default font when there is none."""
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)
