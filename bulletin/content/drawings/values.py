"""The values of a drawing: numbers the PDF can hold, and colours, transforms and viewBoxes read alike everywhere.

WeasyPrint reads a drawing's numbers with Python's float(), which takes `NaN`, `inf` and
`1e999`, and writes them into the page as they come: `nan`, `inf`, or 300 digits, which no PDF
reader takes. It paints a colour it cannot read black, where a browser leaves the declaration
out and keeps the attribute's colour; it draws at full size what a transform flattens
(`scale(0)`), which a browser does not show; it applies the part of a transform it can read,
where a browser ignores all of it; and it draws a circle of negative radius, which a browser
refuses. So every number of every attribute and style declaration, the style rules' too, must be
finite and at most MAX_NUMBER; every colour one both read (a name, #rgb or #rrggbb, rgb(),
hsl()...); every transform a list of the functions both know, with the arguments each takes, that
keeps some size; every viewBox four numbers of a positive width and height. Each problem is
told with its line. What depends on where a value is drawn (the size of a pattern's tiles, the
length of a dash) is `expansion`'s to check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from functools import lru_cache

import tinycss2
from tinycss2.color5 import parse_color

from .drawn import Drawing, line_of, local, style_declarations
from .shapes import NUMBERS, smaller_scale, transform_matrix

MAX_NUMBER = 10_000_000  # the largest number a drawing may write (a map in metres needs seven digits)
MIN_SCALE = 1e-5  # the least a transform may scale by: the PDF keeps six decimals, and a matrix of zeros draws nothing
# What float() reads as not finite, with the units WeasyPrint takes off first ('infpx' is inf pixels).
NOT_FINITE = re.compile(
    r"(?<![A-Za-z_])[-+]?(?:nan|inf(?:inity)?)(?:px|pt|pc|in|cm|mm|q|r?em|ex|deg|g?rad|turn)?"
    r"(?![A-Za-z_])",
    re.IGNORECASE,
)
NOT_NUMBERS = re.compile(r"#[0-9A-Fa-f]+\b|url\([^)]*\)")  # colours and references, whose digits are no numbers
# Values that are text or references, with no number to check.
TEXTUAL = frozenset(
    {
        "id",
        "class",
        "style",
        "href",
        "font-family",
        "lang",
        "type",
        "media",
        "role",
        "title",
        "clip-path",
        "mask",
        "filter",
        "marker",
        "marker-start",
        "marker-mid",
        "marker-end",
    }
)
PAINTS = ("fill", "stroke")
COLOURS = PAINTS + ("stop-color", "flood-color", "lighting-color", "color")
KEYWORDS = ("none", "inherit", "currentColor")  # as WeasyPrint compares them, case and all
TRANSFORMS = ("transform", "gradientTransform", "patternTransform")
RADII = {"circle": ("r",), "ellipse": ("rx", "ry")}  # shapes a browser does not draw with a negative radius


@lru_cache(maxsize=4096)
def read_colour(text: str):
    """Read a colour as tinycss2 reads it for WeasyPrint: a Color, a keyword (currentcolor), or None (read once for
    each text: drawings repeat their colours)."""
    return parse_color(text)


def value_problem(drawing: Drawing) -> str | None:
    """Return the first value of the drawing that the PDF cannot hold or that a browser and the print read
    otherwise, with its line, or None."""
    for element_name, name, value, line in _values(drawing):
        problem = _value_problem(element_name, name, value, line)
        if problem:
            return problem
    return None


def _values(drawing: Drawing) -> Iterator[tuple[str, str, str, int]]:
    """Every value of the drawing: (the element's name, or '' in a style rule; the attribute or property; the
    value; its line), attributes without a namespace (WeasyPrint reads no other) and declarations."""
    for element in drawing.elements:
        for name, value in element.attrib.items():
            if not name.startswith("{") and name != "style":
                yield local(element), name, value, line_of(element)
        for declarations in style_declarations(element.get("style", "")):
            yield from ((local(element), name, value, line_of(element)) for name, value in declarations)
    for element, rules in drawing.stylesheets:
        for rule in rules:
            if rule.type == "qualified-rule":
                for declaration in _declarations(rule.content):
                    yield (
                        "",
                        declaration.lower_name,
                        tinycss2.serialize(declaration.value),
                        line_of(element) + declaration.source_line - 1,
                    )


def _declarations(css) -> list:
    return [
        node
        for node in tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True)
        if node.type == "declaration"
    ]


def _value_problem(element: str, name: str, value: str, line: int) -> str | None:
    """What is wrong with one value, at its line, or None."""
    if name in TEXTUAL or name.startswith(("aria-", "data-")):
        return None
    if name in COLOURS:
        return colour_problem(name, value, line)
    scanned = NOT_NUMBERS.sub(" ", value)
    found = NOT_FINITE.search(scanned)
    if found:
        return (
            f"has {name} {_shown(value)} (line {line}), which holds {found[0]!r}, not a number; write a finite number"
        )
    large = next(
        (
            number
            for number in NUMBERS.findall(scanned)
            if not float(number) <= MAX_NUMBER or not float(number) >= -MAX_NUMBER
        ),
        None,
    )
    if large is not None:
        return (
            f"has {name} {_shown(value)} (line {line}), which holds {_shown(large)}, a number larger than the"
            f" {MAX_NUMBER:,} a drawing may use; draw it smaller and scale it with a transform"
        )
    if name == "viewBox":
        return _viewbox_problem(value, line)
    if name in TRANSFORMS:
        return _transform_problem(name, value, line)
    if name in RADII.get(element, ()) and (number := NUMBERS.match(value.strip())) and float(number[0]) < 0:
        return (
            f"has a negative {name}, {_shown(value)} (line {line}), which a browser does not draw and the print"
            " does; write a positive one"
        )
    return None


def colour_problem(name: str, value: str, line: int) -> str | None:
    """Return what keeps a colour (or a paint: a colour, url(#id) with or without a colour after it, none) at `line`
    from being one that a browser and the print both read, or None."""
    text = value.strip()
    if name in PAINTS:
        if text in ("context-fill", "context-stroke"):
            return None
        reference = re.match(r"(url\(.+\)) *(.*)", text)  # as WeasyPrint reads a paint
        if reference:
            text = reference[2].strip() or "none"
    if text in KEYWORDS:
        return None
    colour = read_colour(text)
    if colour is None or isinstance(colour, str):  # a keyword in another case: WeasyPrint compares it as written
        hint = (
            f"; write it {text.lower().replace('currentcolor', 'currentColor')}"
            if colour is not None or text.lower() in KEYWORDS
            else ", such as '#4f8a3c' or 'green'"
        )
        return (
            f"has {name} {_shown(value)} (line {line}), which is not a colour: a browser leaves it out, and the"
            f" print paints black; write a colour{hint}"
        )
    if not all(math.isfinite(number) and abs(number) <= 1_000 for number in (*colour.coordinates, colour.alpha)):
        return f"has {name} {_shown(value)} (line {line}), a colour whose numbers are out of every range"
    return None


def _viewbox_problem(value: str, line: int) -> str | None:
    numbers = value.replace(",", " ").split()
    try:
        x, y, width, height = (float(number) for number in numbers)
    except ValueError:
        return f"has a viewBox {_shown(value)} (line {line}) that is not four numbers: x, y, width and height"
    if width <= 0 or height <= 0:
        return (
            f"has a viewBox of no size, {_shown(value)} (line {line}): a browser shows nothing, and the print"
            " shows it otherwise; give it a positive width and height"
        )
    return None


def _transform_problem(name: str, value: str, line: int) -> str | None:
    matrix = transform_matrix(value)
    if matrix is None:
        return (
            f"has a {name} that cannot be read, {_shown(value)} (line {line}): a browser ignores all of it and"
            " the print applies a part; write it with matrix(), translate(), scale(), rotate(), skewX() and"
            " skewY()"
        )
    if smaller_scale(matrix) < MIN_SCALE:
        return (
            f"has a {name} that flattens what it draws, {_shown(value)} (line {line}): a browser shows nothing"
            " of it, and the print draws it at full size; remove the element, or the transform"
        )
    return None


def _shown(value: str) -> str:
    value = " ".join(value.split())
    return repr(value if len(value) <= 40 else value[:40] + "…")
