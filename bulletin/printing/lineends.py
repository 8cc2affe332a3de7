"""Finishing of an edition's text where its lines end: a divided word read whole, and words kept apart.

A word divided at a line's end is one word. ISO 32000-1 (14.8.2.2.3, "Incidental artifacts") asks a tagged PDF
to give the hyphen of such a division as a soft hyphen, U+00AD, distinct from a hyphen of the text, so that a
reader that takes the file's text (a screen reader, a copy) knows that the word goes on ("возро-" and "ждения"
read as "возрождения", not as two words). And the words on either side of a line's end are two words: ISO
32000-1 (14.8.2.5) asks for the space between them to be in the text, which WeasyPrint leaves out (the space a
line breaks at is not drawn). A paragraph continued in the next column or on the next page is one P element
(`fragments`), so nothing else parts its words there.

WeasyPrint maps each glyph to one character, so the hyphen it adds cannot be told apart by its glyph alone from
one of the text. The stylesheet has the layout add U+2011 (NON-BREAKING HYPHEN, drawn by the same outline as the
hyphen in the bulletin's fonts, and as wide), and the typographic pass sets the only U+2011 of a text a line
could end with (a suspended one, "северо‑ и юго‑запад") as U+2010. So a U+2011 after a letter that ends a line is
one the layout added.

A line's end is where the next text painted on the page (if any) stands on another line: another baseline, or
another direction. The last glyph of each line (in the structure tree, outside artifacts) is shown by a text
operator of its own inside `/Span <</ActualText (…)>> BDC … EMC`: the soft hyphen in place of a hyphen the layout
added; the glyph's own text and a space after any other, but a space or a hyphen of the text (the word goes on
after "muzey-"). What the page paints is the same; readers that take replacement text (Acrobat, poppler,
MuPDF) read it. Firefox's viewer (pdf.js) does not yet, and reads the hyphen and no space.

Left as they are: a word longer than its column, broken without a hyphen (`overflow-wrap`) right after a U+2011
it holds, reads as divided; text in form XObjects is not read (the bulletin draws none but the draft mark).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pikepdf

from ..language.typography import ADDED_HYPHEN
from ..util.matrices import IDENTITY, Matrix, matrix, times
from ..util.pdftext import SHOWS, decoded, font_maps, shown_codes

SOFT = "\u00ad"
HYPHENS = ("-", "\u2010", SOFT, ADDED_HYPHEN)  # a line's end after one of them is inside a word
Instruction = tuple[list, pikepdf.Operator]


@dataclass(frozen=True)
class Shown:
    """A text-showing instruction of a page: where it is, the line it starts on, and what it shows."""

    index: int  # its place among the page's instructions
    line: tuple[float, float, float]  # its direction (cosine, sine) and its baseline's distance across it
    text: str  # read through its font's /ToUnicode map
    last: str  # the text of its last glyph
    artifact: bool  # inside /Artifact marked content, which readers skip, or inside replacement text already


def mark_line_ends(pdf: pikepdf.Pdf) -> tuple[int, int]:
    """Give each line's end its reading on every page, as the module says; return how many soft hyphens and how
    many spaces were given."""
    counts = [_mark(pdf, page) for page in pdf.pages]
    return sum(soft for soft, _ in counts), sum(spaces for _, spaces in counts)


def _mark(pdf: pikepdf.Pdf, page: pikepdf.Page) -> tuple[int, int]:
    instructions: list[Instruction] = [
        (list(each.operands), each.operator) for each in pikepdf.parse_content_stream(page)
    ]
    shown = _shows(page, instructions)
    readings: dict[int, str] = {}
    for this, following in zip(shown, [*shown[1:], None], strict=False):  # the last is followed by nothing
        if this.artifact or not this.text or following is not None and following.line == this.line:
            continue
        if this.text.endswith(ADDED_HYPHEN) and this.text[-2:-1].isalpha():
            readings[this.index] = SOFT
        elif not this.text[-1].isspace() and not this.text.endswith(HYPHENS) and _readable(this.last):
            readings[this.index] = this.last + " "
    if not readings:
        return 0, 0
    written: list[Instruction] = []
    for index, instruction in enumerate(instructions):
        written += _split(*instruction, readings[index]) if index in readings else [instruction]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(written))
    soft = sum(1 for reading in readings.values() if reading == SOFT)
    return soft, len(readings) - soft


def _readable(text: str) -> bool:
    """Whether a glyph's text can be given again in its replacement: the font's map knew it."""
    return bool(text) and text.isprintable() and "\ufffd" not in text


def _shows(page: pikepdf.Page, instructions: list[Instruction]) -> list[Shown]:
    """Each text-showing instruction of the page, in the order painted (`Shown`)."""
    font_map = font_maps(page)
    font: dict[int, str] = {}
    stack: list[Matrix] = []
    marked: list[bool] = []  # for each open marked-content sequence, whether readers skip or replace what it shows
    ctm, text_matrix = IDENTITY, IDENTITY
    shown = []
    for index, (operands, operator) in enumerate(instructions):
        name = str(operator)
        if name == "q":
            stack.append(ctm)
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm":
            ctm = times(matrix(operands), ctm)
        elif name in ("BDC", "BMC"):
            properties = operands[1] if name == "BDC" and len(operands) == 2 else None
            replaced = isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties
            marked.append(operands[0] == pikepdf.Name.Artifact or replaced or any(marked))
        elif name == "EMC" and marked:
            marked.pop()
        elif name == "BT":
            text_matrix = IDENTITY
        elif name == "Tm":
            text_matrix = matrix(operands)
        elif name in ("Td", "TD"):
            text_matrix = times((1.0, 0.0, 0.0, 1.0, float(operands[0]), float(operands[1])), text_matrix)
        elif name == "Tf":
            font = font_map(str(operands[0]))
        elif name in SHOWS:
            glyphs = shown_codes(operands, operator)
            last = decoded(glyphs[-2:], font) if len(glyphs) >= 2 else ""
            text = decoded(glyphs, font)
            shown.append(Shown(index, _line(times(text_matrix, ctm)), text, last, any(marked)))
    return shown


def _line(matrix: Matrix) -> tuple[float, float, float]:
    """The line a text starts on: the direction of its baseline, and the baseline's distance from the origin across
    that direction, rounded (to a thousandth, and a hundredth of a point)."""
    a, b, _c, _d, e, f = matrix
    length = math.hypot(a, b) or 1.0
    cosine, sine = a / length, b / length
    return (round(cosine, 3), round(sine, 3), round(f * cosine - e * sine, 2))


def _split(operands: list, operator: pikepdf.Operator, reading: str) -> list[Instruction]:
    """The instruction showing a line's text, its last glyph shown apart, read as `reading`."""
    items = list(operands[0]) if str(operator) == "TJ" else [operands[-1]]
    last = max(index for index, item in enumerate(items) if isinstance(item, pikepdf.String) and bytes(item))
    glyphs = bytes(items[last])
    before = items[:last] + ([pikepdf.String(glyphs[:-2])] if len(glyphs) > 2 else [])
    glyph = [pikepdf.String(glyphs[-2:]), *items[last + 1 :]]
    show = pikepdf.Operator("TJ")
    # ' and " also move to the next line and set spacing: what they do before the text stays with the first part.
    head: list[Instruction] = [([pikepdf.Array(before)], show)] if before else []
    if str(operator) != "TJ":
        head = [([*operands[:-1], pikepdf.String(b"".join(bytes(item) for item in before))], operator)]
    return [
        *head,
        ([pikepdf.Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String(reading))], pikepdf.Operator("BDC")),
        ([pikepdf.Array(glyph)], show),
        ([], pikepdf.Operator("EMC")),
    ]
