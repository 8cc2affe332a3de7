"""The proof reader's make-up checks, beside `makeup`'s: loose lines, stranded endings, parted
figures, overflowing running heads and a hidden draft mark.

`check_proof` reads the laid-out pages, in one walk of their text and one of their margin boxes
and paint order, and reports what a proof reader marks once the widows and overfull lines are
out of the way:

- a loose line: a justified line whose word spaces layout stretched past `MAX_SPACE_STRETCH`
  times the font's own space;
- a stranded ending: the last lines of a paragraph alone in a page or column, though the page
  or column before had room for at least one more line of it (widows, or a break that could not
  be placed better, pushed them over);
- a parted figure: in the key figures, a line that ends with a number and a next line that
  starts with the word it counts ("nearly 30 / years");
- an overflowing running head: the text of a page-margin box reaching out of that box (a long
  section title, wrapped to lines the top margin cannot hold, runs off the top of the page);
- a hidden draft mark: on a draft's page, a picture or a tinted background painted after the
  draft mark, and so over it.

Like `makeup`, it counts each column as a page of its own, leaves out-of-flow boxes out of the
text, and only reports: each finding is a `Fault` with its page and a quote of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from weasyprint.document import Document, Page

from . import engine
from .jobs import Fault
from .makeup import CSS_PX_PER_MM, OVERFULL_TOLERANCE_MM, join_words, quote

# A word space may grow to twice its width. Noto's space is a quarter of an em, so twice it is about half an
# em, the widest gap a typographer lets through in a narrow column; past it the line shows a hole and a
# column of such lines shows rivers.
MAX_SPACE_STRETCH = 2.0
FIGURE_CLASSES = frozenset({"figure-value", "bar-value"})  # the templates' key figures: a number and its word
DRAFT_MARK = "draft-mark"  # the class of the templates' draft mark
ENDS_WITH_NUMBER = re.compile(r"\d[\s\u00a0\u202f\u2060]*$")
STARTS_WITH_WORD = re.compile(r"^[\s\u00a0]*(?:[^\W\d_]|[%‰°])")  # a word, or a unit's sign


@dataclass
class _Frame:
    """A page, or a column of a page, and what is set in it."""

    page: int  # 1-based page number
    column: int | None  # 1-based column number, None for text outside columns
    bottom: float  # where its content area ends down the page, in CSS pixels
    lowest: float = 0.0  # where the lowest line or picture set in it ends
    blocks: list[Element | None] = field(default_factory=list)  # each block of lines or picture set in it, in order

    def take(self, element: Element | None, bottom: float) -> None:
        """Note a block of lines or a picture set in the frame."""
        self.blocks.append(element)
        self.lowest = max(self.lowest, bottom)

    @property
    def name(self) -> str:
        return f"page {self.page}" if self.column is None else f"column {self.column} of page {self.page}"


@dataclass(frozen=True)
class _Fragment:
    """The lines of one paragraph in one frame."""

    frame: _Frame
    lines: int
    line_height: float  # the height of its first line, in CSS pixels


@dataclass
class _Walk:
    """What one walk over every page's text gathers for the checks."""

    faults: list[Fault] = field(default_factory=list)
    fragments: dict[Element, list[_Fragment]] = field(default_factory=dict)  # each paragraph's, in reading order


def check_proof(document: Document) -> list[Fault]:
    """Find loose lines, stranded endings, parted figures, overflowing running heads and a hidden draft mark."""
    walk = _Walk()
    for number, page in enumerate(document.pages, start=1):
        frame = _Frame(number, None, engine.page_area(page)[3])
        for child in engine.page_blocks(page):
            _visit(walk, child, frame)
        walk.faults += _running_heads(page, number) + _draft_mark(page, number)
    faults = walk.faults + _stranded_endings(walk)
    return sorted(faults, key=lambda fault: fault.page)  # stable: within a page, in the order of the checks


def _visit(walk: _Walk, box: object, frame: _Frame) -> None:
    """Walk `box` and its in-flow descendants in reading order."""
    if engine.is_picture(box):
        frame.take(None, engine.content_area(box)[3])
        return
    lines = engine.lines_of(box)
    if lines:
        _lines(walk, box, lines, frame)
        return
    column = 0
    for child in engine.block_children(box):
        if engine.is_column(child):
            column += 1
            inner = _Frame(frame.page, column, engine.content_area(child)[3])
            _visit(walk, child, inner)
            if inner.blocks:  # the page holds what its columns hold
                frame.take(None, inner.lowest)
        else:
            column = 0
            _visit(walk, child, frame)


def _lines(walk: _Walk, box: object, lines: list, frame: _Frame) -> None:
    """Take in a block of line boxes: check its spacing and its figures, and note it in its frame."""
    areas = [area for line in lines if (area := engine.line_area(line)) is not None]
    element, tag = engine.element_of(box), engine.tag_of(box) or ""
    if element is None or "::" in tag:  # pseudo-elements belong to no paragraph
        element = None
    frame.take(element, max((area[3] for area in areas), default=frame.lowest))
    if engine.justified(box):
        for line in lines:
            _check_spacing(walk, line, frame)
    if element is not None and not FIGURE_CLASSES.isdisjoint((element.get("class") or "").split()):
        _check_figure(walk, lines, frame)
    if element is not None and areas:
        fragments = walk.fragments.setdefault(element, [])
        if fragments and fragments[-1].frame is frame:
            fragments[-1] = _Fragment(frame, fragments[-1].lines + len(lines), fragments[-1].line_height)
        else:
            fragments.append(_Fragment(frame, len(lines), areas[0][3] - areas[0][1]))


def _check_spacing(walk: _Walk, line: object, frame: _Frame) -> None:
    """Report a line whose word spaces were stretched past the limit."""
    stretch = max((1 + extra / space for space, extra in engine.word_spaces(line) if space > 0), default=1.0)
    if stretch > MAX_SPACE_STRETCH:
        walk.faults.append(
            Fault(
                frame.page,
                "loose line",
                f"loose line {quote(engine.line_text(line))}: its word spaces are {stretch:.1f} times as wide as"
                f" the font's space (at most {MAX_SPACE_STRETCH:g})",
            )
        )


def _check_figure(walk: _Walk, lines: list, frame: _Frame) -> None:
    """Report a key figure whose number ends a line and whose word starts the next."""
    texts = [engine.line_text(line) for line in lines]
    for before, after in zip(texts, texts[1:]):
        if ENDS_WITH_NUMBER.search(before) and STARTS_WITH_WORD.match(after):
            walk.faults.append(
                Fault(
                    frame.page,
                    "parted figure",
                    f"key figure {quote(' '.join(texts))}: the number ends a line and its word"
                    f" {quote(after.split()[0])} starts the next",
                )
            )


def _stranded_endings(walk: _Walk) -> list[Fault]:
    """Report each paragraph whose last lines stand alone in a page or column, though the one before had room."""
    faults = []
    for element, fragments in walk.fragments.items():
        if len(fragments) < 2:
            continue
        before, last = fragments[-2], fragments[-1]
        if any(block is not element for block in last.frame.blocks):
            continue  # something else is set in that page or column
        room = before.frame.bottom - before.frame.lowest
        if room < last.line_height:
            continue
        lines = "line" if last.lines == 1 else f"{last.lines} lines"
        faults.append(
            Fault(
                last.frame.page,
                "stranded ending",
                f"the last {lines} of {quote(join_words(element.itertext()))} stand alone in {last.frame.name},"
                f" though {before.frame.name} had room for {int(room // last.line_height)} more",
            )
        )
    return faults


def _running_heads(page: Page, number: int) -> list[Fault]:
    """Report each running head or page number whose text reaches out of its margin box."""
    faults = []
    for box in engine.margin_boxes(page):
        left, top, right, bottom = engine.content_area(box)
        areas = [area for line in engine.lines_of(box) if (area := engine.line_area(line)) is not None]
        if not areas:
            continue
        overruns = {
            "above": top - min(area[1] for area in areas),
            "below": max(area[3] for area in areas) - bottom,
            "to the left of": left - min(area[0] for area in areas),
            "to the right of": max(area[2] for area in areas) - right,
        }
        side, overrun = max(overruns.items(), key=lambda item: item[1])
        if overrun / CSS_PX_PER_MM > OVERFULL_TOLERANCE_MM:
            text = " ".join(engine.line_text(line) for line in engine.lines_of(box))
            faults.append(
                Fault(
                    number,
                    "overflowing running head",
                    f"running head {quote(text)} runs {overrun / CSS_PX_PER_MM:.1f} mm {side} its box"
                    f" ({len(areas)} lines in the page's margin)",
                )
            )
    return faults


def _draft_mark(page: Page, number: int) -> list[Fault]:
    """Report a picture or a tinted background painted over the draft mark of a page."""
    mark: set[Element] = set()  # the draft mark's element and what it holds, once it has been painted
    for box in engine.painted_boxes(page):
        element = engine.element_of(box)
        if not mark:
            if element is not None and DRAFT_MARK in (element.get("class") or "").split():
                mark = set(element.iter())
            continue
        if element in mark or not (engine.is_picture(box) or engine.paints_background(box)):
            continue
        if element is None:
            what = "a picture" if engine.is_picture(box) else "a tinted box"
        elif engine.is_picture(box):
            what = f"the picture {quote(element.get('alt') or element.get('src') or '')}"
        else:
            what = f"the tinted {quote(join_words(element.itertext()))}"
        return [Fault(number, "hidden draft mark", f"the draft mark is painted under {what}")]
    return []
