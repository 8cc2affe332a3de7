"""WeasyPrint's private parts, in one room: every use of what is not its public API.

WeasyPrint is pinned (70.0, in pyproject.toml and constraints.txt). Its public API lays out a
document and gives its pages, with their size, anchors and links, and writes the PDF. It does
not say where each box ended up, and four jobs of the print stage need exactly that:

- the resolution of each placed photograph, and the size of the slot a photograph is prepared
  for (`makeup.measure_pictures`, `pdf.measure_slots`): a replaced box's final size, its
  `object-fit` and its image's pixels;
- pictures that came out as their alternative text (`makeup.picture_pages`): the <img> element
  of an inline box where a replaced box was expected;
- the make-up check (`makeup.check_makeup`): lines, their extent, their text, columns, and the
  block that holds them;
- the descriptions of links (`finishing.link_labels`): the element and target of a link box.

So the box tree is read here and nowhere else, through the functions below; the others see
boxes only as values to hand back to them. Used, and to be checked first on an upgrade:

- `Page._page_box`, the root of a laid-out page's boxes (a private attribute), and
  `Box.descendants(placeholders=True)`, which includes absolutely positioned boxes;
- `weasyprint.formatting_structure.boxes`: `Box`, `LineBox`, `TextBox`, `MarginBox`,
  `ReplacedBox`, and these of their attributes: `element`, `element_tag`, `children`,
  `is_column`, `position_x`, `margin_width()`, `content_box_x()`, `width`, `height`, `text`,
  `link`, `replacement` and `style` (`object_fit`, `text_align_all`);
- `weasyprint.images.RasterImage`, with `width` and `height` in pixels;
- `weasyprint.pdf.metadata.DocumentMetadata.generate_rdf_metadata`, overridden so that the
  XMP DocumentID depends on the document's name and not on chance (`ReproducibleMetadata`).

tests/test_architecture.py holds every other module to WeasyPrint's public names.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import Box, LineBox, MarginBox, ReplacedBox, TextBox
from weasyprint.images import RasterImage
from weasyprint.pdf.metadata import DocumentMetadata

DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


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


def link_of(box: Box) -> str | None:
    """Return the target of a link box: an anchor of the document or a URL; None for another box."""
    link = getattr(box, "link", None)
    if not link:
        return None
    _kind, (_scope, target) = link  # ('url', ('internal' or 'external', anchor or URL))
    return target


class ReproducibleMetadata(DocumentMetadata):
    """Document metadata whose XMP DocumentID is fixed by the document's name."""

    def __init__(self, document_name: str, **attributes):
        super().__init__(**attributes)
        self.document_id = f"xmp.did:{uuid.uuid5(uuid.NAMESPACE_URL, 'since-the-victory:' + document_name)}"

    def generate_rdf_metadata(self, variant, version, conformance):
        """Return WeasyPrint's RDF metadata with the fixed DocumentID in place of a random one."""
        rdf = super().generate_rdf_metadata(variant, version, conformance)
        return DOCUMENT_ID.sub(self.document_id.encode(), rdf)
