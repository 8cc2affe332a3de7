"""WeasyPrint's private parts, in one room: every use of what is not its public API.

WeasyPrint is pinned (70.0, in pyproject.toml and constraints.txt). Its public API lays out a
document and gives its pages, with their size, anchors and links, and writes the PDF. It does
not say where each box ended up, and five jobs of the print stage need exactly that:

- the resolution of each placed photograph, and the size of the slot a photograph is prepared
  for (`makeup.measure_pictures`, `pdf.measure_slots`): a replaced box's final size, its
  `object-fit` and its image's pixels;
- pictures that came out as their alternative text (`makeup.picture_pages`): the <img> element
  of an inline box where a replaced box was expected;
- the make-up check (`makeup.check_makeup`): lines, their extent, their text, columns, and the
  block that holds them;
- the proof reader's checks (`proofing.check_proof`): the extra width justification gave each word
  space and the width of the font's own space, which only Pango knows; where lines, columns and
  running heads end up and how far their boxes reach; and the order in which WeasyPrint paints a
  page's boxes, which only its stacking contexts tell;
- the descriptions of links (`finishing.link_labels`): the element and target of a link box;
- the fragments of one element that pages and columns split (`fragments`): which HTML element
  each structure element WeasyPrint writes was made for.

So the box tree is read here and nowhere else, through the functions below; the others see
boxes only as values to hand back to them. Used, and to be checked first on an upgrade:

- `Page._page_box`, the root of a laid-out page's boxes (a private attribute), and
  `Box.descendants(placeholders=True)`, which includes absolutely positioned boxes;
- `weasyprint.formatting_structure.boxes`: `Box`, `LineBox`, `TextBox`, `MarginBox`,
  `ReplacedBox`, and these of their attributes: `element`, `element_tag`, `children`,
  `is_column`, `position_x`, `position_y`, `margin_width()`, `content_box_x()`,
  `content_box_y()`, `width`, `height`, `text`, `link`, `replacement`, `background` (None when
  nothing is painted), `justification_spacing` (the width layout added to each space of a
  justified line's text) and `style` (`object_fit`, `text_align_all`, `word_spacing`, `position`);
- `weasyprint.text.line_break.Layout` and `line_size`, to measure a space in a text's font;
- `weasyprint.stacking.StackingContext`, the paint order of a page's boxes, read the way
  `weasyprint.draw.draw_stacking_context` paints it;
- `weasyprint.images.RasterImage`, with `width` and `height` in pixels;
- `weasyprint.pdf.tags._build_box_tree(box, …)`, the generator that makes the structure elements
  of a box and its children (calling itself by that name) and yields those it links to its parent,
  each a `pydyf.Dictionary`; and `AbsolutePlaceholder._box`, the box a placeholder stands for;
- `weasyprint.pdf.metadata.DocumentMetadata.generate_rdf_metadata`, overridden so that the
  XMP DocumentID depends on the document's name and not on chance, and so that the PRISM
  properties the HTML head gives (`<meta name="prism.issn">`, which WeasyPrint keeps among its
  `custom` metadata, lowercased, and writes nowhere) are written into the XMP
  (`ReproducibleMetadata`).

tests/test_architecture.py holds every other module to WeasyPrint's public names.
"""

from __future__ import annotations

import re
import threading
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import Box, LineBox, MarginBox, ReplacedBox, TextBox
from weasyprint.images import RasterImage
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.stacking import StackingContext
from weasyprint.text.line_break import Layout, line_size

DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PRISM = "http://prismstandard.org/namespaces/basic/3.0/"  # PRISM Basic Metadata 3.0, which defines issn and eIssn
PRISM_PROPERTIES = ("issn", "eIssn")  # the PRISM properties a document's head may give, as <meta name="prism.issn">
register_namespace("prism", PRISM)
NBSP = "\u00a0"  # a no-break space, which justification widens like a space
SOURCE_KEY = "BulletinSource"  # the number of an element's HTML element, while the structure tree is written
OUT_OF_FLOW = -1  # the number of an element made for a box positioned out of the flow
_NUMBERING = threading.Lock()
_SPACES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # font configuration -> font -> width of a space


def page_boxes(page: Page, placeholders: bool = True) -> Iterator[Box]:
    """Yield every box of a laid-out page; with `placeholders`, absolutely and fixed positioned ones too."""
    return page._page_box.descendants(placeholders=placeholders)


def page_blocks(page: Page) -> list[Box]:
    """Return the boxes directly on a page but its margin boxes (running heads, page numbers)."""
    return [child for child in page._page_box.children if isinstance(child, Box) and not isinstance(child, MarginBox)]


def element_of(box: Box) -> Element | None:
    """Return the HTML element a box was made for; None for an anonymous box."""
    return box.element


def tag_of(box: Box) -> str | None:
    """Return the tag of a box's element, with `::marker` or `::before` for a pseudo-element's box."""
    return box.element_tag


def is_picture(box: Box) -> bool:
    """Tell whether a box is a replaced one: a picture drawn, not its alternative text."""
    return isinstance(box, ReplacedBox)


def raster_pixels(box: Box) -> tuple[int, int] | None:
    """Return the pixel size of the raster image a box draws, or None for a drawing or another box."""
    if isinstance(box, ReplacedBox) and isinstance(box.replacement, RasterImage):
        return box.replacement.width, box.replacement.height
    return None


def box_size(box: Box) -> tuple[float, float]:
    """Return the size of a box's content, in CSS pixels."""
    return box.width, box.height


def object_fit(box: Box) -> str:
    """Return how a replaced box fits its picture (CSS `object-fit`)."""
    return box.style["object_fit"]


def block_children(box: Box) -> list[Box]:
    """Return a box's child boxes, leaving out the placeholders of absolutely positioned ones."""
    return [child for child in box.children if isinstance(child, Box)]


def is_column(box: Box) -> bool:
    """Tell whether a box is one of the anonymous column boxes of a multi-column block."""
    return box.is_column


def lines_of(box: Box) -> list[Box]:
    """Return the line boxes of a block of text; none for another box."""
    return [child for child in box.children if isinstance(child, LineBox)]


def measure_of(box: Box) -> tuple[float, float]:
    """Return where a block's content starts and ends across the page, in CSS pixels."""
    return box.content_box_x(), box.content_box_x() + box.width


def justified(box: Box) -> bool:
    """Tell whether a block's lines are justified."""
    return box.style["text_align_all"] == "justify"


def line_extent(line: Box) -> tuple[float, float] | None:
    """Return where the content of a line starts and ends across the page, or None for an empty line."""
    if not line.children:
        return None
    return (
        min(child.position_x for child in line.children),
        max(child.position_x + child.margin_width() for child in line.children),
    )


def line_text(line: Box) -> str:
    """Return the text set in a line."""
    return "".join(box.text for box in line.descendants() if isinstance(box, TextBox))


def line_tags(line: Box) -> Iterator[str | None]:
    """Yield the tag of every box in a line (a `br`, a picture's `img`)."""
    return (part.element_tag for part in line.descendants())


def line_has_picture(line: Box) -> bool:
    """Tell whether a picture is drawn in a line."""
    return any(isinstance(child, ReplacedBox) for child in line.descendants())


def line_area(line: Box) -> tuple[float, float, float, float] | None:
    """Return the left, top, right and bottom of a line's content on the page, or None for an empty line."""
    extent = line_extent(line)
    if extent is None:
        return None
    return extent[0], line.position_y, extent[1], line.position_y + line.height


def content_area(box: Box) -> tuple[float, float, float, float]:
    """Return the left, top, right and bottom of a box's content (a page's, a column's, a running head's)."""
    return box.content_box_x(), box.content_box_y(), box.content_box_x() + box.width, box.content_box_y() + box.height


def page_area(page: Page) -> tuple[float, float, float, float]:
    """Return the left, top, right and bottom of the area a page's text is set in, inside its margins."""
    return content_area(page._page_box)


def margin_boxes(page: Page) -> list[Box]:
    """Return a page's margin boxes that hold something: its running heads and page numbers."""
    return [child for child in page._page_box.children if isinstance(child, MarginBox) and child.children]


def word_spaces(line: Box) -> Iterator[tuple[float, float]]:
    """Yield, for each text of a line that has word spaces, the width of a space in its font (with the
    style's word-spacing) and the width justification added to each of them.

    WeasyPrint justifies a line by giving every space (and no-break space) of it the same extra width,
    recorded on each of its text boxes; the space's own width is the font's, measured with Pango.
    """
    for box in line.descendants():
        if isinstance(box, TextBox) and (" " in box.text or NBSP in box.text):
            yield _space_width(box.style) + box.style["word_spacing"], box.justification_spacing


def painted_boxes(page: Page) -> Iterator[Box]:
    """Yield a page's boxes in the order WeasyPrint paints them: what comes later is painted over what
    came before.

    As `draw.draw_stacking_context` does, a stacking context paints its own box, then its child contexts
    of negative z-index, then its blocks, floats and inline content, then its child contexts of z-index 0
    (positioned boxes, in the order of the document) and of positive z-index. The boxes are copies, as
    the stacking contexts hold them: they tell their element and style, not which box they were.
    """
    return _painted(StackingContext.from_page(page._page_box))


def paints_background(box: Box) -> bool:
    """Tell whether a box paints a background of its own: a colour that is not transparent, or an image."""
    return getattr(box, "background", None) is not None


def _painted(context: StackingContext) -> Iterator[Box]:
    """Yield the boxes of a stacking context in paint order (`painted_boxes`)."""
    yield context.box
    for child in context.negative_z_contexts:
        yield from _painted(child)
    yield from (box for box in context.box.descendants() if box is not context.box)
    for child in context.float_contexts:
        yield from _painted(child)
    for child in context.zero_z_contexts + context.positive_z_contexts:
        yield from _painted(child)


def _space_width(style) -> float:
    """Return the width of a space in a text's font, without the spacing justification adds."""
    # Measured once per font of a document: a laid-out edition has tens of thousands of text boxes and a
    # handful of fonts. Kept by the document's font configuration, and forgotten with it.
    widths = _SPACES.setdefault(style.font_config, {})
    key = tuple(style["font_family"]) + tuple(
        style[name] for name in ("font_size", "font_weight", "font_style", "font_stretch", "letter_spacing")
    )
    if key not in widths:
        layout = Layout(style)
        layout.set_text(" ")
        line, _ = layout.get_first_line()
        widths[key] = line_size(line, style)[0]
    return widths[key]


def link_of(box: Box) -> str | None:
    """Return the target of a link box: an anchor of the document or a URL; None for another box."""
    link = getattr(box, "link", None)
    if not link:
        return None
    _kind, (_scope, target) = link  # ('url', ('internal' or 'external', anchor or URL))
    return target


@contextmanager
def sources_numbered() -> Iterator[None]:
    """While the block writes a tagged PDF, give each structure element WeasyPrint makes for a box the number of the
    HTML element the box was laid out from (`SOURCE_KEY`): the same number for every fragment of it that a page or a
    column split off, one number for each element; `OUT_OF_FLOW` for a box positioned out of the flow (absolute,
    fixed: a draft mark on every page), which splits nothing. The finishing stage joins the fragments by it
    (`fragments`). One block at a time in a process: WeasyPrint's function is replaced for all of it."""
    with _NUMBERING:
        build = tags._build_box_tree
        numbers: dict[int, int] = {}
        held: list[Element] = []  # the HTML elements numbered, held so that no other takes the identity of one

        def numbered(box: Box, *rest: object) -> Iterator[dict]:
            laid = box._box if isinstance(box, AbsolutePlaceholder) else box
            placed = laid.style["position"] in ("absolute", "fixed")  # a fixed box is laid again on each page
            source = laid.element
            for element in build(box, *rest):  # what it yields it made for this box, or for a child, numbered then
                if SOURCE_KEY not in element and source is not None:
                    if id(source) not in numbers:
                        numbers[id(source)] = len(numbers)
                        held.append(source)
                    element[SOURCE_KEY] = OUT_OF_FLOW if placed else numbers[id(source)]
                yield element

        tags._build_box_tree = numbered
        try:
            yield
        finally:
            tags._build_box_tree = build


class ReproducibleMetadata(DocumentMetadata):
    """Document metadata whose XMP DocumentID is fixed by the document's name, with the PRISM properties of its
    head."""

    def __init__(self, document_name: str, **attributes):
        super().__init__(**attributes)
        self.document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'since-the-victory:' + document_name)}"
        given = {f"prism.{name.lower()}": name for name in PRISM_PROPERTIES}  # WeasyPrint lowercases <meta> names
        self.prism = {given[key]: value for key, value in sorted(self.custom.items()) if key in given}

    def generate_rdf_metadata(self, variant, version, conformance):
        """Return WeasyPrint's RDF metadata with the fixed DocumentID in place of a random one, and a description of
        the document's PRISM properties."""
        rdf = DOCUMENT_ID.sub(self.document_id.encode(), super().generate_rdf_metadata(variant, version, conformance))
        if not self.prism:
            return rdf
        tree = fromstring(rdf)
        description = SubElement(tree, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
        for name, value in self.prism.items():
            SubElement(description, f"{{{PRISM}}}{name}").text = value
        return tostring(tree, encoding="utf-8")
