"""Expansion: what a drawing draws once its references are expanded, counted and placed as WeasyPrint draws it.

A `<use>` draws a copy of what it names, which inherits from the `<use>` and whose style
rules WeasyPrint matches anew; a pattern is drawn for every shape it fills or strokes, a marker
at every vertex of its shape, a mask and a clipping path for every element that has them.
Drawing stops being counted as soon as it passes a bound, so that working it out is itself
bounded. Each element is placed too: its transforms, its opacity and the clipping paths over
it are followed down to every shape and text, so that a drawing whose every shape is
transparent, hidden, unpainted, of no size, clipped away or outside its viewBox is refused as
drawing nothing, as surely as one with no shape at all; and where it is drawn decides what
readers can draw: a pattern whose tiles, or a dash array whose dashes, are tiny beside the
drawing makes a PDF reader draw billions of them, or the PDF round them to nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from lxml import etree

from .drawn import LINKS, SHAPES, TEXTS, Drawing, Styles, inherit, local
from .shapes import (
    IDENTITY,
    VIEWPORTS,
    Box,
    Matrix,
    alpha,
    drawing_viewport,
    every,
    grow,
    length,
    map_box,
    multiply,
    numbers,
    overlap,
    shape_box,
    smaller_scale,
    transform_matrix,
    translation,
    viewport_matrix,
)
from .stylerules import MAX_MATCHING
from .values import read_colour

MAX_DRAWN = 10_000  # elements drawn once references are expanded, each letter of text counting as one
MAX_DEPTH = 100  # elements nested, references expanded: WeasyPrint draws each level with a call of its own
MAX_LOOKUP_WORK = 3_000_000  # parts looked up by id × elements: each look-up searches the whole drawing
MAX_TILES_ACROSS = 1_000  # a pattern's tiles across the drawing (or across a shape, in its own units)
MAX_DASHES_ACROSS = 10_000  # dashes and gaps of their least length across the drawing
MARKED = ("line", "path", "polyline", "polygon")  # shapes that carry markers at their vertices
# Elements whose children WeasyPrint draws only through a reference (`weasyprint.svg.DEF_TYPES`).
DEFINITIONS = ("clipPath", "filter", "image", "marker", "mask", "path", "pattern", "symbol")
PAINTS = ("fill", "stroke")  # properties that may name a pattern
MARKERS = ("marker-start", "marker-mid", "marker-end")
PARTS = ("mask", "clip-path")  # drawn once for each element that names them
MAX_SCALE = 1e12  # the most that transforms nested in one another may enlarge (or shrink) what they draw


@dataclass(frozen=True)
class Place:
    """Where an element is drawn, and whether what it draws can show there."""

    ctm: Matrix  # from the element's space to the drawing's
    clip: Box | None  # the part of the drawing's space it can show in, None where that is not known
    clipped_by: str = "its viewBox"  # what makes that part
    veil: str | None = None  # why nothing within can show (transparent, clipped away), with the line that says so
    counts: bool = True  # whether its shapes show by themselves: not in a clipping path, a mask or a pattern


class Bound(Exception):
    """Drawing went past a bound: what was drawn, where (the element's line is told after it), and why it is
    too much."""

    def __init__(self, what: str, element: etree._Element, why: str):
        super().__init__(f"{what} (line {element.sourceline}){why}")


def expansion_problem(
    drawing: Drawing, declared: dict[etree._Element, Styles], costs: dict[etree._Element, int]
) -> str | None:
    """Return what makes the drawing draw too much once its references are expanded, loop, draw what readers
    cannot, or show nothing, with the line of the element that does it."""
    walk = Walk(drawing, declared, costs)
    try:
        walk.draw(drawing.root, {}, (), walk.start)
    except Bound as bound:
        return str(bound)
    if not walk.shapes:
        return "draws nothing: it has no shape or text that is drawn; replace it with the drawing meant"
    if not walk.shown:
        return f"draws nothing that shows: what it draws is {walk.unshown}; replace it with the drawing meant"
    allowed = MAX_LOOKUP_WORK // len(drawing.elements)
    if walk.lookups > allowed:
        return (
            f"looks up its parts by id {walk.lookups:,} times, counting each time a pattern is drawn; a drawing of"
            f" {len(drawing.elements):,} elements may look up at most {allowed:,} (each look-up searches the"
            " whole drawing)"
        )
    return None


class Walk:
    """Counts and places what WeasyPrint draws, element by element, as `draw_node` would draw it."""

    def __init__(self, drawing: Drawing, declared: dict[etree._Element, Styles], costs: dict[etree._Element, int]):
        self.declared, self.costs = declared, costs
        self.ids: dict[str, etree._Element] = {}
        for element in drawing.elements:  # WeasyPrint finds the first element with an id
            if (own := element.get("id")) is not None:
                self.ids.setdefault(own, element)
        self.context = self._context(drawing.root)
        self.drawn = self.lookups = self.matching = 0
        self.shapes = self.shown = 0  # shapes and texts drawn, and those of them that show
        self.unshown = ""  # why the first shape that does not show does not
        self.scopes: list[set[str]] = [set()]  # the ids looked up in the drawing, and in each pattern being drawn
        self.patterns: dict[etree._Element, int] = {}  # patterns sized to each shape, and how often they are drawn
        self.viewport, clip = drawing_viewport(declared.get(drawing.root, {}))
        self.start = Place(IDENTITY, clip)

    def _context(self, root: etree._Element) -> dict[etree._Element, Styles]:
        """Each element's styles where it stands in the document (what a pattern, marker or mask is drawn with)."""
        context: dict[etree._Element, Styles] = {}
        stack: list[tuple[etree._Element, Styles]] = [(root, {})]
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

    def draw(
        self,
        element: etree._Element,
        inherited: Styles,
        path: tuple[etree._Element, ...],
        place: Place,
        group: bool = False,
    ) -> None:
        """Count and place `element` drawn with `inherited` styles inside the elements of `path`, and all it draws;
        a `group` (a pattern, marker, mask, clipping path or symbol drawn where it is named) draws its children."""
        if element in path:
            raise Bound(
                f"draws {_named(element)} within itself",
                path[-1],
                "; a part may not refer to itself, directly or through others",
            )
        if len(path) >= MAX_DEPTH:
            raise Bound(f"nests elements more than {MAX_DEPTH} deep", element, " once its references are expanded")
        own = self.declared.get(element, {})
        styles, name = inherit(inherited, own), local(element)
        if styles.get("display") == "none":
            return
        letters = sum(map(len, _own_text(element))) if name in TEXTS else 0
        self.drawn += 1 + letters
        self.matching += self.costs.get(element, 0)
        if self.drawn > MAX_DRAWN:
            raise Bound(
                f"draws more than {MAX_DRAWN:,} elements",
                _outermost(path, element),
                " once its <use> elements, patterns, markers, masks and clipping paths are expanded, each"
                " letter of text counting as one",
            )
        if self.matching > MAX_MATCHING:
            raise Bound(
                f"matches its style rules more than {MAX_MATCHING:,} times",
                _outermost(path, element),
                " once the copies its <use> elements draw are matched anew; write simpler selectors",
            )
        place = self._enter(element, own, styles, path, place)
        path += (element,)
        if name == "defs":
            return
        if name in SHAPES or (name in TEXTS and "".join(_own_text(element)).strip()):
            self._mark(element, name, styles, place, path)
        self.target(styles.get("filter"))  # looked up; its effects draw nothing (and are checked by `drawings`)
        for part in PARTS:
            if (drawn := self.target(styles.get(part))) is not None:
                self.draw(drawn, self.context[drawn], path, replace(place, counts=False), group=True)
        used = next((styles[link] for link in LINKS if link in styles), None) if name == "use" else None
        if (copy := self.target(used)) is not None:  # a <use> that names an element
            moved = multiply(place.ctm, translation(own))
            self.draw(copy, styles, path, replace(place, ctm=moved), group=local(copy) == "symbol")
        if name in SHAPES or name in TEXTS:
            self._patterns(element, styles, place, path)
        if name in MARKED:
            self._markers(element, styles, place, path)
        if group or name not in DEFINITIONS:
            for child in element:
                if isinstance(child.tag, str):
                    self.draw(child, styles, path, place)

    def _enter(
        self, element: etree._Element, own: Styles, styles: Styles, path: tuple[etree._Element, ...], place: Place
    ) -> Place:
        """The place of what `element` draws: moved by its transform, made transparent by its opacity, cut by its
        clipping path."""
        matrix = transform_matrix(own.get("transform", "")) or IDENTITY
        if local(element) in VIEWPORTS and path:  # a drawing within the drawing, or a marker: its own viewport
            sized = path[-1] if local(element) == "symbol" else element  # a symbol takes the size of its <use>
            matrix = multiply(matrix, viewport_matrix(own, self.declared.get(sized, {}), local(element)))
        place = replace(place, ctm=multiply(place.ctm, matrix))
        largest, least = max(map(abs, place.ctm[:4])), smaller_scale(place.ctm)
        if not largest <= MAX_SCALE or not least >= 1 / MAX_SCALE:
            raise Bound(
                "nests transforms that scale what it draws beyond what a PDF holds",
                element,
                f": by {least:.2g} to {largest:.2g}, where the bound is 1/{MAX_SCALE:.0e} to {MAX_SCALE:.0e};"
                " draw it at the size it is shown",
            )
        if place.veil is None and alpha(own.get("opacity")) == 0:
            place = replace(
                place, veil=f"made transparent (opacity {own['opacity'].strip()}, line {element.sourceline})"
            )
        clip = self.target(styles.get("clip-path"))
        if clip is not None and local(clip) == "clipPath" and place.veil is None:
            box = self._clip_box(clip, element)
            if box is None:
                place = replace(place, veil=f"clipped away by a clipping path of no size (line {element.sourceline})")
            elif isinstance(box, tuple) and clip.get("clipPathUnits") != "objectBoundingBox":  # not 'unknown'
                box = map_box(place.ctm, box)
                place = replace(
                    place,
                    clip=overlap(place.clip, box) or (0, 0, 0, 0) if place.clip else box,
                    clipped_by="its clipping path",
                )
        return place

    def _clip_box(self, clip: etree._Element, element: etree._Element) -> Box | None | str:
        """The box a clipping path lets show, in the space of the element it clips; None when it lets nothing
        show, 'unknown' when that cannot be told here."""
        boxes = []
        for child in clip:
            if not isinstance(child.tag, str):
                continue
            styles = self.context.get(child, {})
            if styles.get("display") == "none":
                continue
            name = local(child)
            if name not in SHAPES:
                return "unknown"
            box = shape_box(name, styles, self.viewport)
            if box is not None and not all(map(math.isfinite, box)):
                return "unknown"
            if box is not None and name != "line":
                boxes.append(map_box(transform_matrix(styles.get("transform", "")) or IDENTITY, box))
        if not boxes:
            return None
        return (
            min(box[0] for box in boxes),
            min(box[1] for box in boxes),
            max(box[2] for box in boxes),
            max(box[3] for box in boxes),
        )

    def _mark(
        self, element: etree._Element, name: str, styles: Styles, place: Place, path: tuple[etree._Element, ...]
    ) -> None:
        """Count a shape or text drawn, and whether it shows; check the dashes of its stroke."""
        if not place.counts:
            return
        self.shapes += 1
        fill, stroke = self._paint(styles, "fill", name), self._paint(styles, "stroke", name)
        width = length(styles.get("stroke-width", "1"), self._diagonal()) or 0.0
        stroked = stroke and width > 0
        if stroked:
            self._dashes(element, styles, place)
        reason = place.veil
        if reason is None and styles.get("visibility") == "hidden":
            setter = next(
                (item for item in reversed(path) if self.declared.get(item, {}).get("visibility") == "hidden"), element
            )
            reason = f"hidden (visibility hidden, line {setter.sourceline})"
        if reason is None and not fill and not stroked:
            unpainted = all(
                styles.get(paint, "black" if paint == "fill" else "none").strip() == "none" for paint in PAINTS
            ) or (name == "line" and styles.get("stroke", "none") == "none")
            reason = (
                f"neither filled nor stroked (line {element.sourceline})"
                if unpainted
                else f"painted in transparent colours or with no stroke width (line {element.sourceline})"
            )
        box = self._box(element, name, styles) if reason is None else None
        if reason is None and box is None:
            reason = f"of no size (line {element.sourceline})"
        elif (
            reason is None
            and box is not None
            and place.clip is not None
            and all(map(math.isfinite, place.ctm + box))
            and overlap(map_box(place.ctm, grow(box, width if stroked else 0.0)), place.clip) is None
        ):
            reason = f"wholly outside {place.clipped_by} (line {element.sourceline})"
        if reason is None:
            self.shown += 1
        elif not self.unshown:
            self.unshown = reason

    def _paint(self, styles: Styles, paint: str, name: str) -> bool:
        """Whether a shape's fill or stroke paints: a colour that is not transparent, or a gradient or pattern."""
        value = styles.get(paint, "black" if paint == "fill" else "none").strip()
        if value == "none" or (paint == "fill" and name == "line"):
            return False
        if alpha(styles.get(f"{paint}-opacity")) == 0:
            return False
        if value.startswith("url("):
            server = self.target(value)
            if server is not None and local(server) in ("linearGradient", "radialGradient", "pattern"):
                return True
            value = value.split(")", 1)[1].strip() or "none"
        colour = read_colour(value if value != "currentColor" else styles.get("color", "black"))
        return value != "none" and not (colour is not None and not isinstance(colour, str) and colour.alpha == 0)

    def _box(self, element: etree._Element, name: str, styles: Styles) -> Box | None:
        """The box a shape or text covers in its own space (see `shapes.shape_box`), a text's guessed generously
        from its place, its length and its font size."""
        if name in SHAPES:
            return shape_box(name, styles, self.viewport)
        if "x" not in styles and "y" not in styles or name != "text":
            return (-math.inf, -math.inf, math.inf, math.inf)  # placed where the text before it ends
        size = length(styles.get("font-size", "16"), 16.0) or 16.0
        letters = len("".join(element.itertext()))
        shifts = sum(
            abs(value)
            for item in element.iter(etree.Element)
            for key in ("dx", "dy")
            for value in numbers(item.get(key))
        )
        x, y = (numbers(styles.get("x")) or [0.0])[0], (numbers(styles.get("y")) or [0.0])[0]
        return grow((x - letters * size, y - 2 * size, x + letters * size, y + size), shifts)

    def _dashes(self, element: etree._Element, styles: Styles, place: Place) -> None:
        written = styles.get("stroke-dasharray", "").replace(",", " ").split()
        dashes = every([length(value, self._diagonal()) for value in written if value != "none"])  # None: not lengths
        if not dashes or any(dash < 0 for dash in dashes) or not any(dashes):
            return  # no dashes: drawn as a line, by browsers too
        shortest = min(dash for dash in dashes if dash > 0) * smaller_scale(place.ctm)
        least = max(self.viewport) / MAX_DASHES_ACROSS
        if shortest < least:
            raise Bound(
                f"strokes with dashes or gaps too short, stroke-dasharray {_shown(styles['stroke-dasharray'])}",
                element,
                f": {shortest:.2g} long in a drawing {max(self.viewport):g} wide; a dash or gap may be"
                f" no shorter than 1/{MAX_DASHES_ACROSS:,} of the drawing, or the PDF rounds it to"
                " nothing",
            )

    def _patterns(
        self, element: etree._Element, styles: Styles, place: Place, path: tuple[etree._Element, ...]
    ) -> None:
        """Draw the patterns a shape or text is filled or stroked with, checking their tiles."""
        for paint in PAINTS:
            pattern = self.target(styles.get(paint))
            if pattern is None or local(pattern) != "pattern":
                continue
            if pattern not in path:  # else drawing it says it draws itself
                self._tiles(pattern, element, place)
            self.scopes.append(set())  # WeasyPrint draws a pattern as a drawing of its own
            transform = transform_matrix(_pattern_attributes(pattern, self).get("patternTransform", "")) or IDENTITY
            inside = Place(multiply(place.ctm, transform), None, counts=False)
            self.draw(pattern, self.context[pattern], path, inside, group=True)
            self.scopes.pop()

    def _tiles(self, pattern: etree._Element, element: etree._Element, place: Place) -> None:
        """Refuse a pattern whose tiles have no size or are too small for a reader to draw them all, or that is sized
        to each shape it fills and fills more than one (WeasyPrint sizes it for the first only)."""
        own = _pattern_attributes(pattern, self)
        on_shape = own.get("patternUnits", "objectBoundingBox").strip() != "userSpaceOnUse"
        width, height = (length(own.get(side, "1" if on_shape else "0"), 1.0) or 0.0 for side in ("width", "height"))
        named = f"the pattern {_named(pattern)}"
        if width <= 0 or height <= 0:
            raise Bound(
                f"fills a shape with {named}",
                element,
                ", which has no size; a browser paints nothing with it: give the pattern a width and a height",
            )
        if on_shape:
            self.patterns[pattern] = self.patterns.get(pattern, 0) + 1
            if self.patterns[pattern] > 1:
                raise Bound(
                    f"fills a second shape with {named}",
                    element,
                    ", which is sized to each shape it fills (patternUnits objectBoundingBox, the default);"
                    " the print would size it for the first shape only: give it patternUnits"
                    " 'userSpaceOnUse', or make one pattern for each shape",
                )
            scale = smaller_scale(transform_matrix(own.get("patternTransform", "")) or IDENTITY)
            tiles, least = min(width, height) * scale, 1 / MAX_TILES_ACROSS
            size = f"{width * scale:.2g} × {height * scale:.2g} of the shape"
        else:
            transform = transform_matrix(own.get("patternTransform", "")) or IDENTITY
            scale = smaller_scale(multiply(place.ctm, transform))
            tiles, least = min(width, height) * scale, max(self.viewport) / MAX_TILES_ACROSS
            size = f"{width * scale:.2g} × {height * scale:.2g} in a drawing {max(self.viewport):g} wide"
        if tiles < least:
            raise Bound(
                f"fills a shape with {named}",
                element,
                f", whose tiles are too small: {size}; a tile may be no smaller than 1/{MAX_TILES_ACROSS:,} of"
                " the drawing (or of the shape, in its units), or PDF readers draw millions of them",
            )

    def _markers(self, element: etree._Element, styles: Styles, place: Place, path: tuple[etree._Element, ...]) -> None:
        """Count the markers of a shape: one at its start and end, one at every vertex between."""
        vertices = (
            2 if local(element) == "line" else len(numbers(element.get("d") or element.get("points") or "")) // 2 + 1
        )
        width = length(styles.get("stroke-width", "1"), self._diagonal()) or 1.0
        for position, times in zip(MARKERS, (1, max(vertices - 2, 0), 1)):
            marker = self.target(styles.get(position, styles.get("marker")))
            if marker is None or local(marker) != "marker" or not times:
                continue
            scale = 1.0 if marker.get("markerUnits") == "userSpaceOnUse" else width
            inside = Place(
                multiply(place.ctm, (scale, 0.0, 0.0, scale, 0.0, 0.0)), None, veil=place.veil, counts=place.counts
            )
            before = self.drawn
            self.draw(marker, self.context[marker], path, inside, group=True)
            self.drawn += (self.drawn - before) * (times - 1)
            if self.drawn > MAX_DRAWN:
                raise Bound(
                    f"draws more than {MAX_DRAWN:,} elements", element, " once its markers are drawn at every vertex"
                )

    def _diagonal(self) -> float:
        return math.hypot(*self.viewport) / math.sqrt(2)


def _pattern_attributes(pattern: etree._Element, walk: Walk) -> dict[str, str]:
    """A pattern's attributes, with those it takes from the patterns it names by href (as WeasyPrint inherits them)."""
    found: dict[str, str] = {}
    seen = set()
    current: etree._Element | None = pattern
    while current is not None and current not in seen and local(current) == "pattern":
        seen.add(current)
        found = dict(current.attrib) | found
        current = walk.ids.get(next((named for link in LINKS if (named := current.get(link))), "").strip()[1:])
    return found


def _own_text(element: etree._Element) -> list[str]:
    """The text a text element sets itself: its own, and what follows each element within it."""
    return [element.text or ""] + [child.tail or "" for child in element]


def _shown(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _named(element: etree._Element) -> str:
    return f"'#{element.get('id')}'" if element.get("id") else f"<{local(element)}>"


def _outermost(path: tuple[etree._Element, ...], element: etree._Element) -> etree._Element:
    """The element through which the drawing starts drawing what is not in its own tree: where a reader looks."""
    for parent, child in zip(path, path[1:] + (element,)):
        if child.getparent() is not parent:
            return parent
    return element
