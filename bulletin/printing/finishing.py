"""Finishing of a laid-out edition: reproducible metadata, link descriptions, boxes and crop marks, font subsets
named by their glyphs.

WeasyPrint's PDF/X-4 metadata carries a random XMP DocumentID; here it is derived from
the file's name, so that unchanged input gives identical bytes and a new version of an
edition keeps its document identity. The dates come from the issue (dcterms in the
HTML head), never from the clock; so does the ISSN of the file's medium, which the XMP gives
as PRISM's prism:issn (print) or prism:eIssn (online).

WeasyPrint describes each link of a tagged PDF by its target (an element id such as
'vagif-mausoleum', the same in every language); the screen edition's links are described
by their own text instead, as PDF/UA asks.

The print file keeps its bookmarks but loses its link annotations (the contents page and
web addresses): they do nothing on paper, and a printing bureau's preflight rejects
annotations in the printable area.

WeasyPrint paints the whole bleed but puts the BleedBox at most 10 points outside the
trim; for a wider bleed this stage moves the BleedBox out to the bleed's edge.

Crop marks are drawn by this stage, not by WeasyPrint's `marks: crop`, because WeasyPrint
draws them in RGB black inside the bleed; a press wants them in the registration colour
(every ink), outside the bleed, on a media box made larger for them. TrimBox and
BleedBox stay where they were.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO

import pikepdf
from weasyprint.document import Document

from ..util.pdftext import mark_as_artifacts
from ..util.pdftree import page_owners, structure_elements
from . import engine
from .engine import ReproducibleMetadata
from .fragments import join_fragments
from .lineends import mark_line_ends
from .paintorder import paint_in_reading_order
from .prepress import prepare_pages
from .settings import MM_TO_PT, OutputCondition
from .tagging import tag_to_the_letter

MARK_LENGTH_MM = 5.0  # crop marks start at the edge of the bleed and are this long
MARGIN_MM = 1.0  # paper left beyond the marks' ends
MARK_WIDTH_PT = 0.25  # hairline


def fix_metadata(document: Document, document_name: str) -> None:
    """Make the document's XMP metadata depend on its name and content only."""
    document.metadata = ReproducibleMetadata(document_name, **vars(document.metadata))


def link_labels(document: Document) -> dict[str, str]:
    """Return the text a reader sees on each link, by the link's target (an anchor or a URL)."""
    labels: dict[str, str] = {}
    for page in document.pages:
        # The box tree (`engine`) is where a link's element and target meet.
        for box in engine.page_boxes(page):
            target, element = engine.link_of(box), engine.element_of(box)
            if target and element is not None and element.tag == "a":
                text = " ".join("".join(element.itertext()).split())
                if text:
                    labels.setdefault(target, text)
    return labels


def _rewrite(pdf: bytes | BinaryIO, change: Callable[[pikepdf.Pdf], None], output: BinaryIO | None = None) -> bytes:
    """Open `pdf` (its bytes, or a file), let `change` edit it, and save it again reproducibly into `output`,
    or else return its bytes. Read from a file and saved to a file, no copy of the PDF is held in memory."""
    with pikepdf.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as document:
        change(document)
        buffer = io.BytesIO()  # unused when the PDF goes to `output`
        document.save(output or buffer, deterministic_id=True, compress_streams=True)
    return b"" if output else buffer.getvalue()


def tag_subsets(document: pikepdf.Pdf) -> None:
    """Give each embedded font subset a tag made from its own glyphs.

    WeasyPrint tags a subset from the font it is cut from, so the Azerbaijani and the Russian
    editions' different subsets of Noto Sans share one name (BOSTXI+Bulletin-Sans): a RIP or an
    imposition that keeps fonts by name from one file to the next would print the other's glyphs.
    """
    for font in document.objects:
        if not isinstance(font, pikepdf.Dictionary) or font.get(pikepdf.Name.Type) != pikepdf.Name.Font:
            continue
        descendants = font.get(pikepdf.Name.DescendantFonts)
        described = descendants[0] if isinstance(descendants, pikepdf.Array) and len(descendants) else font
        descriptor = described.get(pikepdf.Name.FontDescriptor)
        if not isinstance(descriptor, pikepdf.Dictionary):
            continue
        program = next(
            (descriptor[key] for key in ("/FontFile2", "/FontFile3", "/FontFile") if key in descriptor), None
        )
        name = str(font.get(pikepdf.Name.BaseFont, ""))
        if not isinstance(program, pikepdf.Stream) or name[7:8] != "+":
            continue  # not a subset (a subset's name is six capitals and a plus sign)
        digest = int.from_bytes(hashlib.sha256(program.read_raw_bytes()).digest()[:8], "big")
        tag = "".join(chr(ord("A") + digest // 26**place % 26) for place in range(6))
        renamed = pikepdf.Name(f"/{tag}{name[7:]}")
        for owner, key in ((font, "/BaseFont"), (described, "/BaseFont"), (descriptor, "/FontName")):
            if key in owner:
                owner[key] = renamed


def finish_screen(
    pdf: bytes | BinaryIO, labels: dict[str, str], alts: list[str], output: BinaryIO | None = None
) -> bytes:
    """Describe every link by its text, not by its target's id; make pagination an artifact; join the parts of an
    element that pages and columns split (`fragments`); set the structure tree right (`tagging`); paint each page
    in its order (`paintorder`); give lines' ends their reading: a soft hyphen, or a space (`lineends`)."""

    def change(document: pikepdf.Pdf) -> None:
        tag_subsets(document)
        for page in document.pages:
            for annotation in page.obj.get(pikepdf.Name.Annots, pikepdf.Array()):
                if annotation.get(pikepdf.Name.Subtype) != pikepdf.Name.Link:
                    continue
                action = annotation.get(pikepdf.Name.A)
                target = annotation.get(pikepdf.Name.Dest) or (action.get(pikepdf.Name.URI) if action else None)
                if target is not None and str(target) in labels:
                    annotation.Contents = pikepdf.String(labels[str(target)])
        _mark_pagination_as_artifacts(document)
        join_fragments(document)
        tag_to_the_letter(document, alts)
        paint_in_reading_order(document)
        mark_line_ends(document)

    return _rewrite(pdf, change, output)


def _mark_pagination_as_artifacts(document: pikepdf.Pdf) -> None:
    """Turn the running heads and page numbers into artifacts, which screen readers skip.

    WeasyPrint tags the text of page margin boxes with structure elements that it leaves out
    of the structure tree, so it is neither real content nor an artifact. Such marked
    content is found through the parent tree and marked /Artifact /Pagination instead.
    """
    root = document.Root.get(pikepdf.Name.StructTreeRoot)
    owners = page_owners(document, root) if root is not None else None
    if owners is None:
        return
    reachable = {element.objgen for element in structure_elements(root) if element.is_indirect}
    for page in document.pages:
        elements = owners.get(page.obj.objgen[0])
        if not isinstance(elements, pikepdf.Array):
            continue
        outside = {
            mcid
            for mcid, element in enumerate(elements)
            if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
        }
        if outside:
            mark_as_artifacts(document, page, outside, pikepdf.Dictionary(Type=pikepdf.Name.Pagination))
            for mcid in outside:
                elements[mcid] = None  # a PDF null: no structure element owns it


def finish_print(
    pdf: bytes | BinaryIO,
    bleed: float,
    crop_marks: bool,
    condition: OutputCondition,
    output: BinaryIO | None = None,
) -> bytes:
    """Remove link annotations, give every page a BleedBox as wide as the bleed and only its own resources
    (`prepress`), add crop marks if asked."""

    def change(document: pikepdf.Pdf) -> None:
        tag_subsets(document)
        prepare_pages(document, condition)
        # The registration colour (every ink at the tint given), once for all pages.
        registration = (
            document.make_indirect(
                pikepdf.Array(
                    [
                        pikepdf.Name.Separation,
                        pikepdf.Name.All,
                        pikepdf.Name.DeviceCMYK,
                        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1),
                    ]
                )
            )
            if crop_marks
            else None
        )
        for page in document.pages:
            if "/Annots" in page.obj:  # links mean nothing on paper, and PDF/X wants no annotations
                del page.obj.Annots
            trim = [float(value) for value in page.obj.TrimBox]
            page.obj.BleedBox = pikepdf.Array([trim[0] - bleed, trim[1] - bleed, trim[2] + bleed, trim[3] + bleed])
            if registration is not None:
                _add_crop_marks(document, page, trim, bleed, registration)

    return _rewrite(pdf, change, output)


def _add_crop_marks(
    document: pikepdf.Pdf, page: pikepdf.Page, trim: list[float], bleed: float, registration: pikepdf.Object
) -> None:
    """Enlarge the page's media box and draw crop marks at its trim box, outside the bleed, in registration colour."""
    slug = bleed + (MARK_LENGTH_MM + MARGIN_MM) * MM_TO_PT
    page.obj.MediaBox = pikepdf.Array([trim[0] - slug, trim[1] - slug, trim[2] + slug, trim[3] + slug])
    resources = page.obj.get(pikepdf.Name.Resources)
    if resources is not None and not resources.is_indirect:
        page.obj.Resources = document.make_indirect(resources)
    colour_spaces = page.obj.Resources.get(pikepdf.Name.ColorSpace)
    if colour_spaces is None:
        page.obj.Resources.ColorSpace = colour_spaces = pikepdf.Dictionary()
    colour_spaces.Registration = registration
    # WeasyPrint leaves its page transformation in force; wrap its content so the marks are
    # drawn in the page's own coordinates.
    page.contents_add(document.make_stream(b"q\n"), prepend=True)
    left, bottom, right, top = trim
    page.contents_add(document.make_stream(b"\nQ\n" + _marks(left, bottom, right, top, bleed)), prepend=False)


def _marks(left: float, bottom: float, right: float, top: float, offset: float) -> bytes:
    """Return the content stream of the eight crop marks around a trim box, starting `offset` outside it."""
    length = MARK_LENGTH_MM * MM_TO_PT
    lines = []
    for x, y, out_x, out_y in ((left, bottom, -1, -1), (right, bottom, 1, -1), (left, top, -1, 1), (right, top, 1, 1)):
        lines.append((x + out_x * offset, y, x + out_x * (offset + length), y))  # along the trim's edge
        lines.append((x, y + out_y * offset, x, y + out_y * (offset + length)))
    path = " ".join(f"{x1:.3f} {y1:.3f} m {x2:.3f} {y2:.3f} l" for x1, y1, x2, y2 in lines)
    return f"q /Registration CS 1 SCN {MARK_WIDTH_PT} w 0 J {path} S Q".encode()
