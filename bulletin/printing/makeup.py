"""Page make-up after layout: the page-count rule, the resolution of every placed picture and
the pictures that could not be drawn, the make-up checks of a proof, and the pages each part of
an edition takes.

A saddle-stitched bulletin has a page count that is a multiple of 4. The templates put
spare blank pages just before the back cover; once the edition is laid out, this stage
keeps as many of them as the rule needs and drops the others, so that the padding is
always before the back cover and never changes a page number that the contents cite.

A photograph's effective resolution is its pixels divided by the inches it covers on the
page, which only layout knows; this stage measures it on the laid-out pages. It does not
change pictures: resampling is the printing stage's job.

`check_makeup` reads the boxes placed on every page, in one walk, and reports what a
make-up editor marks on a proof: widows and orphans, a heading left at the foot of a page
or column, a figure whose picture and caption are apart, and overfull lines. Article
bodies are set in columns, and for every check a column counts as a page of its own.
Out-of-flow boxes (the draft mark, outside list markers) and the running headers and
footers are not checked here (`proofing` checks those, and loose lines). `section_pages`
names the parts of an edition (covers, front matter, sections, back matter) with the pages
each takes, from the templates' anchors.
Both only report; the caller decides what a finding means for the build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element

from weasyprint.document import Document

from ..util.errors import BuildError
from . import engine
from .jobs import Fault, Part, Placement

SPARE_PAGE = "spare-page-"  # id prefix of the templates' spare blank pages
CSS_PX_PER_INCH = 96
SHORT_LINE = 0.5  # a justified line, not its block's last, that fills less of its measure is a fault
SHORT_RAGGED_LINE = 0.2  # the same for a line of text that is not justified
CSS_PX_PER_MM = 96 / 25.4
OVERFULL_TOLERANCE_MM = 0.2  # rounding in justified lines stays far below this; a visible overrun does not
QUOTE_LENGTH = 32  # characters of a text quoted in a finding
PARAGRAPHS = frozenset({"p", "li", "blockquote", "figcaption"})  # blocks that must not leave a line alone
HEADINGS = frozenset({"h1", "h2", "h3"})
HEADING_CLASSES = frozenset({"article-date"})  # blocks that sit above a heading, and so must not end a page
SECTION = "section-"  # id prefix of each section's first heading
WORD_JOINER = "\u2060"  # set by the typographic pass between a number and its suffix; invisible, not quoted

# Parts of an edition other than the sections, by anchor id, in the words of an editor.
PARTS = {
    "cover": "Front cover",
    "imprint": "Imprint",
    "about": "About the bulletin",
    "contents": "Contents",
    "chronology": "Chronology of the period",
    "key-figures": "Key figures",
    "back-cover": "Back cover",
}


def keep_pages(document: Document, multiple: int) -> Document:
    """Keep just enough spare pages for a page count that is a multiple of `multiple`."""
    spare = [
        index
        for index, page in enumerate(document.pages)
        if any(anchor.startswith(SPARE_PAGE) for anchor in page.anchors)
    ]
    needed = -(len(document.pages) - len(spare)) % multiple
    if needed > len(spare):
        raise BuildError(
            f"the templates give {len(spare)} spare page(s) before the back cover;"
            f" {needed} are needed for a multiple of {multiple}"
        )
    dropped = set(spare[needed:])
    return document.copy([page for index, page in enumerate(document.pages) if index not in dropped])


def measure_pictures(document: Document, locate: Callable[[str], Path | None] = lambda url: None) -> list[Placement]:
    """Return every raster picture on the laid-out pages with its effective resolution.

    `locate` turns a picture's URL into its file (the printing stage's fetcher knows how).
    """
    placements = []
    for number, page in enumerate(document.pages, start=1):
        # The box tree is the only place where a replaced box's final size is known (`engine`).
        for box in engine.page_boxes(page):
            if (pixels := engine.raster_pixels(box)) is not None:
                placements.append(_placement(box, pixels, number, locate))
    return placements


def picture_pages(
    document: Document, locate: Callable[[str], Path | None] = lambda url: None
) -> tuple[list[tuple[int, Path]], list[tuple[int, Path]]]:
    """Return each picture WeasyPrint drew, with the page it is on, and each it could not draw, with the page where it
    shows its alternative text instead.

    A picture that fails to load is laid out as an inline box holding its alt text, where a replaced box
    would hold the picture: both keep the <img> element, so the boxes tell one from the other.
    """
    drawn: dict[Element, int] = {}  # each <img> element, and the first page it is on
    unshown: dict[Element, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in engine.page_boxes(page):
            element = engine.element_of(box)
            if element is None or element.tag != "img":
                continue
            if engine.is_picture(box):
                drawn.setdefault(element, number)
            else:
                unshown.setdefault(element, number)

    def source(element) -> Path:
        return locate(element.get("src", "")) or Path(element.get("src", ""))

    return (
        [(page, source(element)) for element, page in drawn.items()],
        [(page, source(element)) for element, page in unshown.items() if element not in drawn],
    )


def _placement(box: object, pixels: tuple[int, int], page: int, locate: Callable[[str], Path | None]) -> Placement:
    width, height = drawn_size(box, *pixels)
    size_mm = (width / CSS_PX_PER_INCH * 25.4, height / CSS_PX_PER_INCH * 25.4)
    ppi = min(pixels[0] / (width / CSS_PX_PER_INCH), pixels[1] / (height / CSS_PX_PER_INCH))
    element = engine.element_of(box)
    source = element.get("src", "") if element is not None else ""
    parts = urlsplit(source)
    path = locate(source) or (Path(unquote(parts.path)) if parts.scheme == "file" else Path(source))
    return Placement(path, page, pixels, size_mm, ppi)


def drawn_size(box: object, width: int, height: int) -> tuple[float, float]:
    """Return the size, in CSS pixels, at which a picture of `width` × `height` pixels is painted in `box`
    (object-fit)."""
    fit = engine.object_fit(box)
    box_width, box_height = engine.box_size(box)
    if fit == "fill" or not width or not height:
        return max(box_width, 1e-6), max(box_height, 1e-6)
    if fit == "none":
        return float(width), float(height)
    scales = (box_width / width, box_height / height)
    scale = max(scales) if fit == "cover" else min(scales)
    if fit == "scale-down":
        scale = min(scale, 1.0)
    return width * scale, height * scale


def section_pages(document: Document) -> list[Part]:
    """Return each part of the edition, in order, with its first page and its number of pages."""
    first: dict[str, int] = {}  # anchor -> index of the first page it is on
    last: dict[str, int] = {}  # anchor -> index of the last page a fragment of its element is on
    for index, page in enumerate(document.pages):
        # page.anchors lists an id again on every page its element continues on.
        for anchor in page.anchors:
            if anchor in PARTS or anchor.startswith((SECTION, SPARE_PAGE)):
                first.setdefault(anchor, index)
                last[anchor] = index
    starts = sorted(first.items(), key=lambda item: item[1])  # sorted() keeps page order within a page
    parts = []
    for position, (anchor, index) in enumerate(starts):
        if anchor.startswith(SPARE_PAGE):
            continue
        following = starts[position + 1][1] if position + 1 < len(starts) else len(document.pages)
        # A section's anchor is on its first heading only: it runs on until the next part starts.
        end = max(last[anchor], following - 1, index)
        parts.append(Part(anchor, _part_title(document, anchor, index), index + 1, end - index + 1))
    return parts


def _part_title(document: Document, anchor: str, index: int) -> str:
    """Return the editor's name of a part; a section's is the title its heading carries."""
    if anchor in PARTS:
        return PARTS[anchor]
    for box in engine.page_boxes(document.pages[index], placeholders=False):
        element = engine.element_of(box)
        if element is not None and element.get("id") == anchor:
            return element.get("data-section") or join_words(element.itertext())
    return anchor


@dataclass(frozen=True)
class _Frame:
    """A page, or a column of a page: the unit a text must not leave a single line in."""

    serial: int  # counts frames in reading order over the whole document
    page: int  # 1-based page number
    column: int | None  # 1-based column number, None for text outside columns

    @property
    def name(self) -> str:
        return "the page" if self.column is None else f"column {self.column}"

    @property
    def place(self) -> str:
        return "on this page" if self.column is None else f"in column {self.column}"


@dataclass
class _Fragment:
    """The lines of one paragraph in one frame."""

    frame: _Frame
    lines: int


@dataclass
class _Walk:
    """What one walk over every page's boxes gathers for the checks."""

    frames: int = 0  # frames made so far
    faults: list[Fault] = field(default_factory=list)  # found during the walk: headings, overfull lines
    paragraphs: dict[Element, list[_Fragment]] = field(default_factory=dict)  # in reading order
    pictures: dict[Element, _Frame] = field(default_factory=dict)  # figure -> frame of its (last) picture
    captions: dict[Element, _Frame] = field(default_factory=dict)  # figure -> frame of its caption's start
    heading: tuple[_Frame, Element] | None = None  # the last block seen, if it was a heading

    def frame(self, page: int, column: int | None) -> _Frame:
        self.frames += 1
        return _Frame(self.frames, page, column)


def check_makeup(document: Document) -> list[Fault]:
    """Find widows, orphans, stranded headings, split figures and overfull lines on the laid-out pages."""
    walk = _Walk()
    for number, page in enumerate(document.pages, start=1):
        frame = walk.frame(number, None)
        for child in engine.page_blocks(page):
            _visit(walk, child, frame, None)
    faults = walk.faults + _split_paragraphs(walk) + _split_figures(walk)
    return sorted(faults, key=lambda fault: fault.page)  # stable: within a page, in the order of the checks


def _visit(walk: _Walk, box: object, frame: _Frame, figure: Element | None) -> None:
    """Walk `box` and its descendants in reading order; `figure` is the figure element it is in."""
    if engine.tag_of(box) == "figure":
        figure = engine.element_of(box)
    if engine.is_picture(box):
        _content(walk, frame, None)
        if figure is not None:
            walk.pictures[figure] = frame
        return
    lines = engine.lines_of(box)
    if lines:
        _lines(walk, box, lines, frame, figure)
        return
    column = 0
    # Absolutely positioned boxes (outside list markers too) are left out, as placeholders: out of the flow.
    for child in engine.block_children(box):
        if engine.is_column(child):  # WeasyPrint lays out a multi-column box as anonymous column boxes
            column += 1
            _visit(walk, child, walk.frame(frame.page, column), figure)
        else:
            column = 0  # a block spanning the columns ends a row of them
            _visit(walk, child, frame, figure)


def _lines(walk: _Walk, box: object, lines: list, frame: _Frame, figure: Element | None) -> None:
    """Take in a block of line boxes: its text, headings, paragraph fragments and caption."""
    left, right = engine.measure_of(box)
    # In justified text every line but the last fills its measure; ragged text may leave a short line
    # before a long word (a figure's qualifier), but never one of a few letters.
    shortest = SHORT_LINE if engine.justified(box) else SHORT_RAGGED_LINE
    for index, line in enumerate(lines):
        # The last line of a block, and a line ended on purpose (<br>: verse, an address), may be short.
        ended = index == len(lines) - 1 or "br" in engine.line_tags(line)
        _check_line(walk, line, left, right, frame, 0 if ended else shortest)
        if figure is not None and engine.line_has_picture(line):
            walk.pictures[figure] = frame
    tag, element = engine.tag_of(box), engine.element_of(box)
    if element is None or "::" in (tag or ""):  # pseudo-elements belong to no paragraph
        _content(walk, frame, None)
        return
    heading = tag in HEADINGS or not HEADING_CLASSES.isdisjoint((element.get("class") or "").split())
    _content(walk, frame, element if heading else None)
    if tag in PARAGRAPHS:
        fragments = walk.paragraphs.setdefault(element, [])
        if fragments and fragments[-1].frame == frame:
            fragments[-1].lines += len(lines)  # the same element again, as in <li>text<ul>…</ul>text</li>
        else:
            fragments.append(_Fragment(frame, len(lines)))
    if tag == "figcaption" and figure is not None:
        walk.captions.setdefault(figure, frame)


def _content(walk: _Walk, frame: _Frame, heading: Element | None) -> None:
    """Note a block of content; report the heading before it if this block is on another page or column."""
    if walk.heading is not None:
        before, element = walk.heading
        # Text below a row of columns, or a row of columns below a heading, follows on the same page.
        if before.page != frame.page or (before.column and frame.column and before.serial != frame.serial):
            after = f"on page {frame.page}" if before.page != frame.page else f"in column {frame.column}"
            walk.faults.append(
                Fault(
                    before.page,
                    "stranded heading",
                    f"heading {quote(join_words(element.itertext()))} is the last thing {before.place};"
                    f" the text after it starts {after}",
                )
            )
    walk.heading = (frame, heading) if heading is not None else None


def _check_line(walk: _Walk, line: object, left: float, right: float, frame: _Frame, shortest: float) -> None:
    """Report a line whose text runs out of its block's content box, past the tolerance, and one
    that fills less than `shortest` of its measure."""
    extent = engine.line_extent(line)
    if extent is None:
        return
    start, end = extent
    if end - start < shortest * (right - left):
        text = engine.line_text(line)
        walk.faults.append(
            Fault(
                frame.page,
                "short line",
                f"short line {quote(text)}: it fills"
                f" {(end - start) / (right - left):.0%} of its measure and the text goes on"
                " below it",
            )
        )
    overrun = max(end - right, left - start) / CSS_PX_PER_MM
    if overrun > OVERFULL_TOLERANCE_MM:
        text = engine.line_text(line)
        where = "past its column" if frame.column else "into the margin"
        walk.faults.append(
            Fault(frame.page, "overfull line", f"overfull line {quote(text)} runs {overrun:.1f} mm {where}")
        )


def _split_paragraphs(walk: _Walk) -> list[Fault]:
    """Report each paragraph split so that one line of it stands alone in a page or column."""
    faults = []
    for element, fragments in walk.paragraphs.items():
        if len(fragments) < 2:
            continue
        text = quote(join_words(element.itertext()))
        first, last = fragments[0], fragments[-1]
        if first.lines == 1:
            faults.append(
                Fault(
                    first.frame.page,
                    "orphan",
                    f"orphan: the first line of {text} stands alone at the foot of {first.frame.name}",
                )
            )
        if last.lines == 1:
            faults.append(
                Fault(
                    last.frame.page,
                    "widow",
                    f"widow: the last line of {text} stands alone at the top of {last.frame.name}",
                )
            )
    return faults


def _split_figures(walk: _Walk) -> list[Fault]:
    """Report each figure whose picture and caption are on different pages or columns."""
    faults = []
    for figure, caption in walk.captions.items():
        picture = walk.pictures.get(figure)
        if picture is None or picture.serial == caption.serial:
            continue
        text = quote(join_words(next(child for child in figure.iter("figcaption")).itertext()))
        where = f"on page {caption.page}" if caption.page != picture.page else f"in column {caption.column}"
        faults.append(
            Fault(picture.page, "split figure", f"figure {text}: the picture is {picture.place}, its caption {where}")
        )
    return faults


def join_words(texts) -> str:
    """Join pieces of text with single spaces."""
    return " ".join("".join(texts).split())


def quote(text: str) -> str:
    """Quote the start of `text`, as a finding shows it."""
    text = " ".join(text.replace(WORD_JOINER, "").split())  # a word joiner only steers line breaking
    return f"“{text[: QUOTE_LENGTH - 1].rstrip()}…”" if len(text) > QUOTE_LENGTH else f"“{text}”"
