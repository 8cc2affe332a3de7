"""What a drawing draws, worked out as WeasyPrint would draw it: the text it sets, and every element it draws
once its references are expanded (`drawings` calls this after its own checks, and takes from here what
WeasyPrint's SVG code does with elements and styles, as constants).

The styles of each element are cascaded as WeasyPrint cascades them (`Node.cascade`):
attributes inherited from the parent (a few are not), overridden by the rules of the
drawing's `<style>` elements matched with cssselect2, then by the style attribute, important
declarations last; the `font` shorthand sets the family. A `<use>` draws a copy of what it
names that inherits from the `<use>`; a pattern is drawn for every shape it fills or strokes,
a marker at every vertex of its shape, a mask and a clipping path for every element that has
them. Drawing stops being counted as soon as it passes a bound, so that working it out is
itself bounded. Text is set in the first family its font-family names, which must be one of
the bulletin's, and every character of it must be one their font files show (`coverage`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import cssselect2
import tinycss2
from lxml import etree

from .coverage import INVISIBLE, covered_characters, describe_character
from .fonts import find_typefaces

MAX_DRAWN = 10_000  # elements drawn once references are expanded, each letter of text counting as one
MAX_DEPTH = 100  # elements nested, references expanded: WeasyPrint draws each level with a call of its own
MAX_LOOKUP_WORK = 3_000_000  # parts looked up by id × elements: each look-up searches the whole drawing
FONTS = ("Bulletin Serif", "Bulletin Sans")  # the families a drawing's text may use (fonts.TYPEFACES)
SVG, XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
LINKS = ("href", XLINK + "href")  # the links WeasyPrint follows (`Node.get_href`)
TEXTS = ("text", "tspan", "a")  # elements whose text WeasyPrint draws (`drawings` refuses textPath and tref)
SHAPES = ("circle", "ellipse", "line", "path", "polyline", "polygon", "rect")  # filled and stroked
MARKED = ("line", "path", "polyline", "polygon")  # shapes that carry markers at their vertices
# Elements whose children WeasyPrint draws only through a reference (`weasyprint.svg.DEF_TYPES`).
DEFINITIONS = ("clipPath", "filter", "image", "marker", "mask", "path", "pattern", "symbol")
# What a child does not inherit from its parent (`weasyprint.svg.NOT_INHERITED_ATTRIBUTES`, those used here).
NOT_INHERITED = ("clip-path", "filter", "mask", "style", "id") + LINKS
PAINTS = ("fill", "stroke")  # properties that may name a pattern
MARKERS = ("marker-start", "marker-mid", "marker-end")
PARTS = ("mask", "clip-path")  # drawn once for each element that names them
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)")
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
        plain, marked = _declarations(element.get("style", ""))
        for declarations in ([rule[-1] for rule in normal.match(wrapper)] + [plain]
                             + [rule[-1] for rule in important.match(wrapper)] + [marked]):
            own.update(declarations)
        font = own.pop("font", "").split(maxsplit=1)
        if len(font) == 2:
            own["font-family"] = font[1]
        styles[element] = own
    return styles


def _declarations(css: str | list) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The normal and the important declarations of a block, as WeasyPrint reads them."""
    plain, marked = [], []
    for declaration in tinycss2.parse_blocks_contents(css):
        if declaration.type == "declaration" and not declaration.name.startswith("-"):
            (marked if declaration.important else plain).append(
                (declaration.lower_name, tinycss2.serialize(declaration.value).strip()))
    return plain, marked


def inherit(parent: Styles, own: Styles) -> Styles:
    """Return an element's styles: what it declares, and what it inherits from its parent's."""
    return {name: value for name, value in parent.items() if name not in NOT_INHERITED} | own


def drawn_problem(drawing: Drawing) -> str | None:
    """Return the first problem with what the drawing draws: its text (`text_problem`), then what its references
    expand to (`expansion_problem`)."""
    declared = cascade(drawing)
    return text_problem(drawing, declared) or expansion_problem(drawing, declared)


def text_problem(drawing: Drawing, declared: dict[etree._Element, Styles]) -> str | None:
    """Return the first text of the drawing set in a font other than the bulletin's or with a character its fonts
    cannot show, with its line."""
    covered = None
    for text, line, styles in _texts(drawing.root, declared):
        if styles.get("display") == "none" or not text.strip():
            continue
        if "font-family" not in styles:
            return (f"has text in no font-family (line {line}), which would be set in the system's font; set"
                    f" font-family to {' or '.join(map(repr, FONTS))}")
        # The first family is the one drawn, as WeasyPrint passes it on (quotes stripped, then spaces): every
        # character is one the bulletin's fonts show, so no later family is ever used.
        family = styles["font-family"].split(",")[0].strip("\"'").strip()
        if family not in FONTS:
            return (f"sets text in {family!r} (line {line}); text in a drawing may use only the bulletin's fonts,"
                    f" {' and '.join(map(repr, FONTS))}")
        covered = covered or covered_characters(find_typefaces().files.values())
        for index, char in enumerate(text):
            if char not in covered and char not in INVISIBLE and not char.isspace():
                where = line + text.count("\n", 0, index)
                return (f"has a character the bulletin's fonts cannot show in its text (line {where}):"
                        f" {describe_character(char)}; replace it or remove it")
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
            yield element.text, element.sourceline, styles
        if within and element.tail:  # drawn as a span of its parent's text (WeasyPrint: text_children)
            written = "".join(element.itertext())
            yield element.tail, element.sourceline + written.count("\n"), parent
        stack += [(child, styles, within or setting) for child in reversed(element) if isinstance(child.tag, str)]


class _Bound(Exception):
    """Drawing went past a bound: what was drawn, where (the element's line is told after it), and why it is
    too much."""

    def __init__(self, what: str, element: etree._Element, why: str):
        super().__init__(f"{what} (line {element.sourceline}){why}")


def expansion_problem(drawing: Drawing, declared: dict[etree._Element, Styles]) -> str | None:
    """Return what makes the drawing draw too much once its references are expanded, or loop, with the line of
    the element whose references do it."""
    walk = _Walk(drawing, declared)
    try:
        walk.draw(drawing.root, {}, ())
    except _Bound as bound:
        return str(bound)
    if not walk.marks:
        return "draws nothing: it has no shape or text that is drawn; replace it with the drawing meant"
    allowed = MAX_LOOKUP_WORK // len(drawing.elements)
    if walk.lookups > allowed:
        return (f"looks up its parts by id {walk.lookups:,} times, counting each time a pattern is drawn; a drawing of"
                f" {len(drawing.elements):,} elements may look up at most {allowed:,} (each look-up searches the"
                " whole drawing)")
    return None


class _Walk:
    """Counts what WeasyPrint draws, element by element, as `draw_node` would draw it."""

    def __init__(self, drawing: Drawing, declared: dict[etree._Element, Styles]):
        self.declared = declared
        self.ids: dict[str, etree._Element] = {}
        for element in drawing.elements:  # WeasyPrint finds the first element with an id
            self.ids.setdefault(element.get("id"), element)
        self.context = self._context(drawing.root)
        self.drawn = 0
        self.marks = 0  # shapes and texts drawn: a drawing without any shows nothing
        self.lookups = 0
        self.scopes: list[set[str]] = [set()]  # the ids looked up in the drawing, and in each pattern being drawn

    def _context(self, root: etree._Element) -> dict[etree._Element, Styles]:
        """Each element's styles where it stands in the document (what a pattern, marker or mask is drawn with)."""
        context, stack = {}, [(root, {})]
        while stack:
            element, parent = stack.pop()
            context[element] = inherit(parent, self.declared.get(element, {}))
            stack += [(child, context[element]) for child in element if isinstance(child.tag, str)]
        return context

    def target(self, reference: str | None) -> etree._Element | None:
        """The element a url(#id) or '#id' names, counting the look-up as WeasyPrint makes it."""
        reference = (reference or "").strip()
        if reference[:4].lower() == "url(":
            reference = reference[4:].split(")", 1)[0].strip().strip("\"'")
        if not reference.startswith("#"):
            return None
        name = reference[1:]
        if name not in self.scopes[-1]:
            self.scopes[-1].add(name)
            self.lookups += 1
        return self.ids.get(name)

    def draw(self, element: etree._Element, inherited: Styles, path: tuple[etree._Element, ...],
             group: bool = False) -> None:
        """Count `element` drawn with `inherited` styles inside the elements of `path`, and all it draws; a
        `group` (a pattern, marker, mask, clipping path or symbol drawn where it is named) draws its children."""
        if element in path:
            raise _Bound(f"draws {_named(element)} within itself", path[-1],
                         "; a part may not refer to itself, directly or through others")
        if len(path) >= MAX_DEPTH:
            raise _Bound(f"nests elements more than {MAX_DEPTH} deep", element, " once its references are expanded")
        styles, name = inherit(inherited, self.declared.get(element, {})), local(element)
        if styles.get("display") == "none":
            return
        letters = len(element.text or "") + sum(len(child.tail or "") for child in element) if name in TEXTS else 0
        self.drawn += 1 + letters
        self.marks += name in SHAPES or bool(letters)
        if self.drawn > MAX_DRAWN:
            raise _Bound(f"draws more than {MAX_DRAWN:,} elements", _outermost(path, element),
                         " once its <use> elements, patterns, markers, masks and clipping paths are expanded, each"
                         " letter of text counting as one")
        path += (element,)
        if name == "defs":
            return
        self.target(styles.get("filter"))  # looked up; its effects draw nothing (and are checked by `drawings`)
        for part in PARTS:
            if (drawn := self.target(styles.get(part))) is not None:
                self.draw(drawn, self.context[drawn], path, group=True)
        if name == "use":
            if (copy := self.target(next((styles[link] for link in LINKS if link in styles), None))) is not None:
                self.draw(copy, styles, path, group=local(copy) == "symbol")
        if name in SHAPES or name in TEXTS:
            for paint in PAINTS:
                if (pattern := self.target(styles.get(paint))) is not None and local(pattern) == "pattern":
                    self.scopes.append(set())  # WeasyPrint draws a pattern as a drawing of its own
                    self.draw(pattern, self.context[pattern], path, group=True)
                    self.scopes.pop()
        if name in MARKED:
            self._markers(element, styles, path)
        if group or name not in DEFINITIONS:
            for child in element:
                if isinstance(child.tag, str):
                    self.draw(child, styles, path)

    def _markers(self, element: etree._Element, styles: Styles, path: tuple[etree._Element, ...]) -> None:
        """Count the markers of a shape: one at its start and end, one at every vertex between."""
        vertices = 2 if local(element) == "line" else \
            len(NUMBER.findall(element.get("d") or element.get("points") or "")) // 2 + 1
        for position, times in zip(MARKERS, (1, max(vertices - 2, 0), 1)):
            marker = self.target(styles.get(position, styles.get("marker")))
            if marker is None or local(marker) != "marker" or not times:
                continue
            before = self.drawn
            self.draw(marker, self.context[marker], path, group=True)
            self.drawn += (self.drawn - before) * (times - 1)
            if self.drawn > MAX_DRAWN:
                raise _Bound(f"draws more than {MAX_DRAWN:,} elements", element,
                             " once its markers are drawn at every vertex")


def _named(element: etree._Element) -> str:
    return f"'#{element.get('id')}'" if element.get("id") else f"<{local(element)}>"


def _outermost(path: tuple[etree._Element, ...], element: etree._Element) -> etree._Element:
    """The element through which the drawing starts drawing what is not in its own tree: where a reader looks."""
    for parent, child in zip(path, path[1:] + (element,)):
        if child.getparent() is not parent:
            return parent
    return element
