"""Page make-up after layout: the page-count rule, and the resolution of every placed picture.

A saddle-stitched bulletin has a page count that is a multiple of 4. The templates put
spare blank pages just before the back cover; once the edition is laid out, this stage
keeps as many of them as the rule needs and drops the others, so that the padding is
always before the back cover and never changes a page number that the contents cite.

A photograph's effective resolution is its pixels divided by the inches it covers on the
page, which only layout knows; this stage measures it on the laid-out pages. It does not
change pictures: resampling is the printing stage's job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import ReplacedBox
from weasyprint.images import RasterImage

from .errors import BuildError

SPARE_PAGE = "spare-page-"  # id prefix of the templates' spare blank pages
CSS_PX_PER_INCH = 96


def keep_pages(document: Document, multiple: int) -> Document:
    """Keep just enough spare pages for a page count that is a multiple of `multiple`."""
    spare = [index for index, page in enumerate(document.pages)
             if any(anchor.startswith(SPARE_PAGE) for anchor in page.anchors)]
    needed = -(len(document.pages) - len(spare)) % multiple
    if needed > len(spare):
        raise BuildError(f"the templates give {len(spare)} spare page(s) before the back cover;"
                         f" {needed} are needed for a multiple of {multiple}")
    dropped = set(spare[needed:])
    return document.copy([page for index, page in enumerate(document.pages) if index not in dropped])


@dataclass(frozen=True)
class Placement:
    """A photograph as placed on a page."""

    source: Path  # the picture's file
    page: int  # 1-based page number
    pixels: tuple[int, int]  # the picture's width and height in pixels
    size_mm: tuple[float, float]  # the width and height it covers on the page
    ppi: float  # its effective resolution, the lower of the two directions


def measure_pictures(document: Document, locate: Callable[[str], Path | None] = lambda url: None
                     ) -> list[Placement]:
    """Return every raster picture on the laid-out pages with its effective resolution.

    `locate` turns a picture's URL into its file (the printing stage's fetcher knows how).
    """
    placements = []
    for number, page in enumerate(document.pages, start=1):
        # WeasyPrint keeps the box tree of a page in a private attribute; it is the only
        # place where a replaced box's final size is known.
        # placeholders=True: absolutely and fixed positioned boxes are measured too.
        for box in page._page_box.descendants(placeholders=True):
            if isinstance(box, ReplacedBox) and isinstance(box.replacement, RasterImage):
                placements.append(_placement(box, number, locate))
    return placements


def _placement(box: ReplacedBox, page: int, locate: Callable[[str], Path | None]) -> Placement:
    image = box.replacement
    width, height = _drawn_size(box, image)
    size_mm = (width / CSS_PX_PER_INCH * 25.4, height / CSS_PX_PER_INCH * 25.4)
    ppi = min(image.width / (width / CSS_PX_PER_INCH), image.height / (height / CSS_PX_PER_INCH))
    source = box.element.get("src", "") if box.element is not None else ""
    parts = urlsplit(source)
    path = locate(source) or (Path(unquote(parts.path)) if parts.scheme == "file" else Path(source))
    return Placement(path, page, (image.width, image.height), size_mm, ppi)


def _drawn_size(box: ReplacedBox, image: RasterImage) -> tuple[float, float]:
    """Return the size, in CSS pixels, at which `image` is painted in `box` (object-fit)."""
    fit = box.style["object_fit"]
    if fit == "fill" or not image.width or not image.height:
        return max(box.width, 1e-6), max(box.height, 1e-6)
    if fit == "none":
        return float(image.width), float(image.height)
    scales = (box.width / image.width, box.height / image.height)
    scale = max(scales) if fit == "cover" else min(scales)
    if fit == "scale-down":
        scale = min(scale, 1.0)
    return image.width * scale, image.height * scale
