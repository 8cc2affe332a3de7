"""A drawing's styles and text, worked out as WeasyPrint works them out (`drawings` calls this after its own checks,
and takes from here what WeasyPrint's SVG code does with elements and styles, as constants).

The styles of each element are cascaded as WeasyPrint cascades them (`Node.cascade`):
attributes inherited from the parent (not those WeasyPrint keeps to the element), overridden
by the rules of the drawing's `<style>` elements matched with cssselect2, then by the style
attribute, important declarations last; the `font` shorthand sets the family. Text is set in
the first family its font-family names, which must be one of the bulletin's, whatever its case
(font names are matched without it): every character of it must be one their font files show
(`coverage`). What the drawing draws once its references are expanded is `expansion`'s.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import cssselect2
import tinycss2
from lxml import etree

from ...language.fonts import find_typefaces
from ..coverage import INVISIBLE, covered_characters, describe_character

FONTS = ("Bulletin Serif", "Bulletin Sans")  # the families a drawing's text may use (fonts.TYPEFACES)
SVG, XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
LINKS = ("href", XLINK + "href")  # the links WeasyPrint follows (`Node.get_href`)
TEXTS = ("text", "tspan", "a")  # elements whose text WeasyPrint draws (`drawings` refuses textPath and tref)
SHAPES = ("circle", "ellipse", "line", "path", "polyline", "polygon", "rect")  # filled and stroked
# What a child does not inherit from its parent (`weasyprint.svg.NOT_INHERITED_ATTRIBUTES`).
NOT_INHERITED = frozenset(
    {
        "clip",
        "clip-path",
        "filter",
        "height",
        "id",
        "mask",
        "opacity",
        "overflow",
        "rotate",
        "stop-color",
        "stop-opacity",
        "style",
        "transform",
        "transform-origin",
        "viewBox",
        "width",
        "x",
        "y",
        "dx",
        "dy",
        *LINKS,
    }
)
Styles = dict[str, str]


@dataclass(frozen=True)
class Drawing:
    """A parsed SVG drawing."""

    root: etree._Element
    elements: list[etree._Element]  # every element, in document order (no comments or instructions)
    stylesheets: list[tuple[etree._Element, list]]  # each <style> element with its parsed rules


def local(element: etree._Element) -> str:
    """The element's name without its namespace, as WeasyPrint reads it."""
    return etree.QName(element).localname


def line_of(element: etree._Element) -> int:
    """The line the element starts on: lxml numbers every element it parses (0 for one it did not)."""
    return element.sourceline or 0


def cascade(drawing: Drawing) -> dict[etree._Element, Styles]:
    """Return each element's declared styles: its attributes, overridden by the matching style rules and its
    style attribute in WeasyPrint's order, with the `font` shorthand read (not inherited ones)."""
    normal, important = cssselect2.Matcher(), cssselect2.Matcher()
    for element, rules in drawing.stylesheets:
        if element.tag != SVG + "style" or element.get("type", "text/css") != "text/css":
            continue  # WeasyPrint reads no other (`weasyprint/svg/css.py`)
        for rule in rules:
            if rule.type != "qualified-rule":
                continue
            plain, marked = _declarations(rule.content)
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                break  # as WeasyPrint does: the stylesheet's later rules are not applied either
            for selector in selectors:
                if selector.pseudo_element is None and not selector.never_matches:
                    for matcher, declarations in ((normal, plain), (important, marked)):
                        if declarations:
                            matcher.add_selector(selector, declarations)
    styles = {}
    for wrapper in cssselect2.ElementWrapper.from_xml_root(drawing.root).iter_subtree():
        element = wrapper.etree_element
        own = dict(element.attrib)
        plain, marked = style_declarations(element.get("style", ""))
        for declarations in (
            [rule[-1] for rule in normal.match(wrapper)]
            + [plain]
            + [rule[-1] for rule in important.match(wrapper)]
            + [marked]
        ):
            own.update(declarations)
        font = own.pop("font", "").split(maxsplit=1)
        if len(font) == 2:
            own["font-family"] = font[1]
        styles[element] = own
    return styles


@lru_cache(maxsize=1024)
def style_declarations(css: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the normal and the important declarations of a style attribute, as WeasyPrint reads them (read once
    for each text: drawings repeat theirs)."""
    return _declarations(css)


def _declarations(css: str | list) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The normal and the important declarations of a block, as WeasyPrint reads them."""
    plain: list[tuple[str, str]] = []
    marked: list[tuple[str, str]] = []
    for declaration in tinycss2.parse_blocks_contents(css):
        if declaration.type == "declaration" and not declaration.name.startswith("-"):
            (marked if declaration.important else plain).append(
                (declaration.lower_name, tinycss2.serialize(declaration.value).strip())
            )
    return plain, marked


def inherit(parent: Styles, own: Styles) -> Styles:
    """Return an element's styles: what it declares, and what it inherits from its parent's."""
    return {name: value for name, value in parent.items() if name not in NOT_INHERITED} | own


def text_problem(drawing: Drawing, declared: dict[etree._Element, Styles]) -> str | None:
    """Return the first text of the drawing set in a font other than the bulletin's or with a character its fonts
    cannot show, with its line."""
    covered = None
    for text, line, styles in _texts(drawing.root, declared):
        if styles.get("display") == "none" or not text.strip():
            continue
        if "font-family" not in styles:
            return (
                f"has text in no font-family (line {line}), which would be set in the system's font; set"
                f" font-family to {' or '.join(map(repr, FONTS))}"
            )
        # The first family is the one drawn, as WeasyPrint passes it on (quotes stripped, then spaces): every
        # character is one the bulletin's fonts show, so no later family is ever used.
        family = styles["font-family"].split(",")[0].strip("\"'").strip()
        if family.casefold() not in {font.casefold() for font in FONTS}:
            return (
                f"sets text in {family!r} (line {line}); text in a drawing may use only the bulletin's fonts,"
                f" {' and '.join(map(repr, FONTS))}"
            )
        covered = covered or covered_characters(find_typefaces().files.values())
        for index, char in enumerate(text):
            if char not in covered and char not in INVISIBLE and not char.isspace():
                where = line + text.count("\n", 0, index)
                return (
                    f"has a character the bulletin's fonts cannot show in its text (line {where}):"
                    f" {describe_character(char)}; replace it or remove it"
                )
    return None


def _texts(root: etree._Element, declared: dict[etree._Element, Styles]) -> Iterator[tuple[str, int, Styles]]:
    """Every text the drawing sets: each text element's own and the text after the elements within it, with
    its line and the styles it is set in."""
    stack: list[tuple[etree._Element, Styles, bool]] = [(root, {}, False)]
    while stack:
        element, parent, within = stack.pop()
        styles = inherit(parent, declared.get(element, {}))
        setting = local(element) in TEXTS
        if setting and element.text:
            yield element.text, line_of(element), styles
        if within and element.tail:  # drawn as a span of its parent's text (WeasyPrint: text_children)
            written = "".join(element.itertext())
            yield element.tail, line_of(element) + written.count("\n"), parent
        stack += [(child, styles, within or setting) for child in reversed(element) if isinstance(child.tag, str)]
