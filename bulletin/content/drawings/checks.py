"""Drawings: an SVG picture is checked, before anything is rendered, to print as drawn and in bounded time.

WeasyPrint draws SVG in Python, element by element, and follows every reference a drawing
makes without a limit: each `<use>` draws a copy of what it names, each marker is drawn at
every vertex of its path, a pattern is drawn again for every shape it fills, and every look-up
of a part by id searches the whole drawing. A drawing of a few hundred bytes can so ask for a
billion elements, and one that refers to itself draws until Python gives up. It also leaves out,
without a word, what it does not draw (pictures placed with `<image>`, HTML in a
`<foreignObject>`, most filter effects, text along a path), and sets text in whatever font the
system offers when the drawing names another than the bulletin's.

So a drawing is refused, with what is wrong and its line, when it is larger than the bounds
below (bytes, elements, nesting, the length of path data and other attributes, style rules,
and what it draws once every reference is expanded, counted as WeasyPrint would draw it), when it
refers to anything but its own parts (href, url() and @import in every spelling CSS allows,
read with a CSS tokenizer), refers to itself, holds what WeasyPrint does not print as drawn,
or sets text in another font than the bulletin's or with a character those fonts lack, or draws
nothing that shows. This module checks the file, its bounds, references and elements, in this
order, each check relying on those before it: `stylerules` bounds the style before anything
matches it (and refuses what a browser applies otherwise), `drawnvalues` the numbers, colours
and transforms, `drawn` cascades the styles and checks the text, and `expansion` works out
what the drawing draws and where, as WeasyPrint would. None changes a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import tinycss2
from lxml import etree

from ...util.files import read_file
from .drawn import FONTS, LINKS, SVG, XLINK, Drawing, cascade, line_of, local, text_problem
from .expansion import MAX_DEPTH, expansion_problem
from .stylerules import matching_costs, matching_problem, media_problem, style_problem
from .values import value_problem

MAX_BYTES = 2_000_000  # a drawing's file, like a content file
MAX_ELEMENTS = 10_000  # elements in the file (WeasyPrint takes about half a millisecond to draw one)
MAX_PATH = 100_000  # characters of path data ('d', 'points'): WeasyPrint reads them in quadratic time
MAX_ATTRIBUTE = 10_000  # characters of any other attribute (lists of coordinates too are read in quadratic time)
HREFS = LINKS + ("src",)  # attributes by which SVG refers to other files or parts
PATH_DATA = ("d", "points")
# What WeasyPrint leaves out of the print, by local name (it ignores namespaces), and why that matters.
NOT_PRINTED = {
    "image": "places a picture (<image>), which is not checked or prepared for print like the issue's"
    " photographs; place it in the issue as a photograph",
    "foreignObject": "holds foreign content (<foreignObject>), which is not printed",
    "script": "holds a script (<script>); a drawing is printed as it is and may hold none",
    "switch": "holds a <switch>, whose every branch would be printed at once",
    "textPath": "sets text along a path (<textPath>), which would be printed on a straight line;"
    " convert that text to outlines",
    "tref": "takes its text from elsewhere (<tref>), which is not printed; write the text in place",
    "video": "holds a video, which is not printed",
    "audio": "holds sound, which is not printed",
    "iframe": "holds a frame (<iframe>), which is not printed",
    "canvas": "holds a <canvas>, which is not printed",
}
# Animation: a browser shows the drawing as it moves or as it ends, the print as it starts.
NOT_PRINTED.update(
    {
        name: f"animates (<{name}>): a printed drawing is one picture, printed as it starts and shown by"
        " a browser as it moves; draw it as it should print"
        for name in ("animate", "animateColor", "animateMotion", "animateTransform", "set", "discard")
    }
)
FILTER_EFFECTS = ("feOffset", "feBlend")  # the only filter primitives WeasyPrint applies
UNREADABLE = "url(?)"  # stands for a url() that CSS reads as an error


def drawing_problem(path: Path) -> str | None:
    """Return what keeps an SVG drawing from printing as drawn in bounded time, or None."""
    try:
        data = read_file(path, MAX_BYTES)  # a pipe put in its place since validation looked is refused, not waited on
        if len(data) > MAX_BYTES:
            return f"is more than {MAX_BYTES // 1_000_000} MB, the most a drawing may be"
        text = data.decode("utf-8")
        if "<!ENTITY" in text:  # entities that expand, or read other files: a drawing has no use for them
            return f"declares XML entities (line {_line_of(text, '<!ENTITY')}), which a drawing must not"
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_pis=True)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        if err.msg.startswith("Excessive depth"):  # libxml2's own bound, far above what WeasyPrint can draw
            return f"nests elements more than {MAX_DEPTH} deep (line {err.lineno})"
        return f"is not well-formed SVG ({err.msg})"
    except (OSError, UnicodeDecodeError) as err:
        return f"is not well-formed SVG ({err})"
    if (tag := str(root.tag)) not in (SVG + "svg", "svg"):  # (a parsed element's tag is text already)
        return f"is not an SVG drawing (its root element is <{tag}>)"
    elements = list(root.iter(etree.Element))
    if len(elements) > MAX_ELEMENTS:
        return f"has {len(elements):,} elements, more than the {MAX_ELEMENTS:,} a drawing may have"
    problem = _attribute_problem(elements)
    if problem:
        return problem
    drawing = Drawing(
        root,
        elements,
        [
            (element, tinycss2.parse_stylesheet(element.text, True, True))
            for element in elements
            if local(element) == "style" and element.text
        ],
    )
    problem = style_problem(drawing)  # first: what follows matches selectors and walks the style's brackets
    if problem:
        return problem
    costs = matching_costs(drawing)
    problem = (
        matching_problem(drawing, costs)
        or reference_problem(drawing)
        or _content_problem(drawing)
        or media_problem(drawing)
        or value_problem(drawing)
    )
    if problem:
        return problem
    declared = cascade(drawing)
    return text_problem(drawing, declared) or expansion_problem(drawing, declared, costs)


def _attribute_problem(elements: list[etree._Element]) -> str | None:
    for element in elements:
        for name, value in element.attrib.items():
            bound = MAX_PATH if name in PATH_DATA else MAX_ATTRIBUTE
            if len(value) > bound:
                return (
                    f"has a {_name(name)!r} of {len(value):,} characters (line {element.sourceline}), more than"
                    f" the {bound:,} it may have"
                )
    return None


def _name(name: str) -> str:
    return "xlink:" + name[len(XLINK) :] if name.startswith(XLINK) else name


def reference_problem(drawing: Drawing) -> str | None:
    """Return the first reference a drawing makes to anything but its own parts (by '#id'), with its line."""
    for line, reference in references(drawing):
        if reference == UNREADABLE:
            return (
                f"has a url() that CSS cannot read (line {line}); a drawing may refer only to its own parts,"
                " as url(#id)"
            )
        if reference.startswith("#") and '"' in reference:  # WeasyPrint looks parts up in an XPath of "…"
            return f"refers to {reference!r} (line {line}), a name with a double quote, which cannot be looked up"
        if reference and not reference.startswith("#"):
            shown = reference if len(reference) <= 60 else reference[:60] + "…"
            return f"refers to {shown!r} (line {line}); a drawing may refer only to its own parts"
    return None


def references(drawing: Drawing) -> Iterator[tuple[int, str]]:
    """Every address a drawing refers to, with its line: links (href), and url(), src() or @import, however
    spelt, in attributes, style attributes and <style> elements."""
    for element in drawing.elements:
        for name, value in element.attrib.items():
            if name in HREFS:
                yield line_of(element), value.strip()
            elif name == "style" or "(" in value:  # a url() needs its parenthesis, whatever escapes spell it
                tokens = (
                    tinycss2.parse_blocks_contents(value)
                    if name == "style"
                    else tinycss2.parse_component_value_list(value)
                )
                yield from ((line_of(element), address) for _line, address in _css_addresses(tokens))
    for element, rules in drawing.stylesheets:
        yield from ((line_of(element) + line - 1, address) for line, address in _css_addresses(rules))


def _css_addresses(nodes) -> Iterator[tuple[int, str]]:
    """The addresses in parsed CSS, with their line in it: url tokens, url() and src() with a string, @import."""
    for node in nodes:
        if node.type == "url":
            yield node.source_line, node.value.strip()
        elif node.type == "error" and node.kind == "bad-url":  # quotes or spaces inside: read by no one the same way
            yield node.source_line, UNREADABLE
        elif node.type == "function" and node.lower_name in ("url", "src"):
            yield from ((token.source_line, token.value.strip()) for token in node.arguments if token.type == "string")
        elif node.type == "at-rule" and node.lower_at_keyword == "import":
            yield from ((token.source_line, token.value.strip()) for token in node.prelude if token.type == "string")
        for part in ("prelude", "content", "arguments", "value"):  # rules, blocks, functions, declarations
            inner = getattr(node, part, None)
            if isinstance(inner, list):
                yield from _css_addresses(inner)


def _content_problem(drawing: Drawing) -> str | None:
    """Return the first part of the drawing WeasyPrint would leave out or draw otherwise than it shows."""
    for element in drawing.elements:
        name, line = local(element), element.sourceline
        if name in NOT_PRINTED:
            return f"{NOT_PRINTED[name]} (line {line})"
        parent = element.getparent()
        if name.startswith("fe") and name not in FILTER_EFFECTS and parent is not None and local(parent) == "filter":
            return (
                f"applies a filter effect that would be left out of print (<{name}>, line {line}); remove it"
                " or draw what it does"
            )
        if element.get("spreadMethod", "pad").strip() != "pad":
            return (
                f"has a gradient that repeats (spreadMethod {element.get('spreadMethod')!r}, line {line}), which"
                " the engine draws in a time no bound limits; use spreadMethod 'pad'"
            )
    for element, rules in drawing.stylesheets:
        for rule in rules:
            if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
                return (
                    f"declares a font (@font-face, line {line_of(element) + rule.source_line - 1}); text in a"
                    f" drawing may use only the bulletin's fonts, {' and '.join(map(repr, FONTS))}"
                )
    return None


def _line_of(text: str, fragment: str) -> int:
    return text.count("\n", 0, max(text.find(fragment), 0)) + 1
