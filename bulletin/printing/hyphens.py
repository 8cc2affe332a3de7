"""Finishing of the screen edition's text: a hyphen the layout added at a line's end given to readers as a soft
hyphen.

A word divided at a line's end is one word. ISO 32000-1 (14.8.2.2.3, "Incidental artifacts") asks a tagged PDF
to give the hyphen of such a division as a soft hyphen, U+00AD, distinct from a hyphen of the text, so that a
screen reader, a search or a copy of the text joins the two parts again ("возро-" and "ждения" are read as
"возрождения", not as two words).

WeasyPrint maps each glyph to one character, so the hyphen it adds cannot be told apart by its glyph alone from
one the text holds. The stylesheet has the layout add U+2011 (NON-BREAKING HYPHEN, drawn by the same outline as
the hyphen in the bulletin's fonts, and as wide): a hyphen of the text that is U+2011 never ends a line, since
no line may break after it. So every U+2011 that ends a line, after a letter, is one the layout added. Each is
shown by a text operator of its own inside `/Span <</ActualText (U+00AD)>> BDC … EMC`: what it paints is the same,
and readers (Acrobat, NVDA, poppler, MuPDF) take the replacement text for what it shows.

A line's end is where the next text painted on the page (if any) stands on another baseline.
"""

from __future__ import annotations

from typing import Any

import pikepdf

from ..language.typography import ADDED_HYPHEN
from ..util.pdftext import SHOWS, decoded, unicode_map

SOFT = "\u00ad"
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def soften_added_hyphens(pdf: pikepdf.Pdf) -> int:
    """Give each hyphen the layout added at a line's end as a soft hyphen, on every page; return how many."""
    return sum(_soften(pdf, page) for page in pdf.pages)


def _soften(pdf: pikepdf.Pdf, page: pikepdf.Page) -> int:
    instructions = [(list(each.operands), each.operator) for each in pikepdf.parse_content_stream(page)]
    shown = _shows(page, instructions)
    ends = [
        index
        for (index, baseline, text), following in zip(shown, shown[1:] + [(None, None, "")], strict=True)
        if len(text) > 1 and text.endswith(ADDED_HYPHEN) and text[-2].isalpha() and following[1] != baseline
    ]
    if not ends:
        return 0
    written: list = []
    for index, (operands, operator) in enumerate(instructions):
        if index in ends:
            written += _split(operands, operator)
        else:
            written.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(written))
    return len(ends)


def _shows(page: pikepdf.Page, instructions: list) -> list[tuple[int, float, str]]:
    """Each text-showing instruction of the page: its index, the baseline it starts on (in the page's space,
    rounded to a hundredth of a point) and the text it shows, read through its font's /ToUnicode map."""
    resources: Any = page.obj.get("/Resources", {})  # read as it comes
    fonts: Any = resources.get("/Font", {})
    maps: dict[str, dict[int, str]] = {}
    font: dict[int, str] = {}
    stack: list[Matrix] = []
    ctm, text_matrix = IDENTITY, IDENTITY
    shown = []
    for index, (operands, operator) in enumerate(instructions):
        name = str(operator)
        if name == "q":
            stack.append(ctm)
        elif name == "Q" and stack:
            ctm = stack.pop()
        elif name == "cm":
            ctm = _times(_matrix(operands), ctm)
        elif name == "BT":
            text_matrix = IDENTITY
        elif name == "Tm":
            text_matrix = _matrix(operands)
        elif name in ("Td", "TD"):
            text_matrix = _times((1.0, 0.0, 0.0, 1.0, float(operands[0]), float(operands[1])), text_matrix)
        elif name == "Tf":
            key = str(operands[0])
            font = maps.setdefault(key, unicode_map(fonts.get(key)))
        elif name in SHOWS:
            strings = operands[0] if name == "TJ" else operands[-1:]
            text = "".join(decoded(bytes(item), font) for item in strings if isinstance(item, pikepdf.String))
            baseline = round(_times(text_matrix, ctm)[5], 2)
            shown.append((index, baseline, text))
    return shown


def _split(operands: list, operator: pikepdf.Operator) -> list:
    """The instruction showing a line's text, its last glyph (the hyphen) shown apart, as a soft hyphen."""
    items = list(operands[0]) if str(operator) == "TJ" else [operands[-1]]
    last = max(index for index, item in enumerate(items) if isinstance(item, pikepdf.String) and bytes(item))
    glyphs = bytes(items[last])
    before = items[:last] + ([pikepdf.String(glyphs[:-2])] if len(glyphs) > 2 else [])
    hyphen = [pikepdf.String(glyphs[-2:]), *items[last + 1 :]]
    show = pikepdf.Operator("TJ")
    # ' and " also move to the next line and set spacing: what they do before the text stays with the first part.
    head: list[tuple[list, pikepdf.Operator]] = [([pikepdf.Array(before)], show)] if before else []
    if str(operator) != "TJ":
        head = [([*operands[:-1], pikepdf.String(b"".join(bytes(item) for item in before))], operator)]
    return [
        *head,
        ([pikepdf.Name.Span, pikepdf.Dictionary(ActualText=pikepdf.String(SOFT))], pikepdf.Operator("BDC")),
        ([pikepdf.Array(hyphen)], show),
        ([], pikepdf.Operator("EMC")),
    ]


def _matrix(operands: list) -> Matrix:
    a, b, c, d, e, f = (float(value) for value in operands)
    return (a, b, c, d, e, f)


def _times(first: Matrix, second: Matrix) -> Matrix:
    """The matrix product first × second, as PDF composes transformations (first applied first)."""
    a, b, c, d, e, f = first
    p, q, r, s, t, u = second
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)
