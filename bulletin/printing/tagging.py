"""Finishing of the screen edition's structure tree, to the letter of PDF/UA-1 (ISO 14289-1).

WeasyPrint tags what HTML says; what HTML cannot say is set right here, in the tree it wrote:

- a link's nested Link elements (its generated leader and page number) join it, with one
  annotation, and its leader dots become artifacts (`linktags`);
- every link annotation carries the Print flag (7.18.1: an annotation readers should get is
  not hidden from any of them), and none is Hidden or NoView;
- a `<figure>` with one picture and its caption becomes a Div that holds the Figure and, beside
  it, its Caption (WeasyPrint leaves both under a NonStruct, the picture maybe inside the
  NonStruct of its line). Not the Caption inside the Figure: the Figure's alternative text
  stands for the element and all it holds (ISO 32000-1 14.9.3), so a screen reader that reads
  it would never read the caption, its date or its credit;
- a `<figure>` that holds a table (the key figures' chart) becomes a Figure whose alternative
  text gives every bar's label and number, from its `data-alt` (`figure_alts`);
- a list item that holds a quotation or a list and no text of its own gets the LBody that
  WeasyPrint left out;
- a header cell says what it heads (/Scope), which WeasyPrint leaves out: as the HTML's scope
  said, read back from the data cells' /Headers that WeasyPrint writes from it;
- a structure element with no content, no children and no alternative (an empty span that
  only draws a bar) is taken out of the tree.

The preflight (`preflight.structurescan`) checks each of these on the finished file.
"""

from __future__ import annotations

import pikepdf
from weasyprint.document import Document

from ..util.errors import BuildError
from ..util.pdftree import (
    PdfObject,
    element_kids,
    holds_nothing,
    in_reading_order,
    kids_of,
    page_owners,
    structure_elements,
)
from . import engine
from .linktags import join_nested_links

PRINT, HIDDEN, NO_VIEW = 4, 2, 32  # annotation flags (ISO 32000-1, 12.5.3)


def figure_alts(document: Document) -> list[str]:
    """Return the alternative text of each drawn figure (a `<figure data-alt>`), in the order of the document: once
    for each page it is on, as a figure broken across pages is a figure on each (each with the whole text)."""
    alts: dict[tuple[int, int], str] = {}
    for number, page in enumerate(document.pages):
        for box in engine.page_boxes(page):
            element = engine.element_of(box)
            if element is not None and element.tag == "figure" and element.get("data-alt"):
                alts.setdefault((number, id(element)), " ".join(str(element.get("data-alt")).split()))
    return list(alts.values())


def tag_to_the_letter(pdf: pikepdf.Pdf, alts: list[str]) -> None:
    """Set the structure tree and the annotations of a screen edition right, as the module says."""
    for page in pdf.pages:
        for annotation in page.obj.get(pikepdf.Name.Annots, pikepdf.Array()):
            flags = int(annotation.get(pikepdf.Name.F, 0))
            annotation.F = (flags | PRINT) & ~HIDDEN & ~NO_VIEW
    root = pdf.Root.get(pikepdf.Name.StructTreeRoot)
    if root is None:
        return
    owners = _parent_tree(pdf, root)
    join_nested_links(pdf, root, owners)
    unused = list(alts)
    for element in in_reading_order(root):
        kids = element_kids(element)
        if element.get(pikepdf.Name.S) != pikepdf.Name.NonStruct:
            if element.get(pikepdf.Name.S) == pikepdf.Name.Table:
                _scope_headers(element)
            elif element.get(pikepdf.Name.S) == pikepdf.Name.LI:
                _give_body(pdf, element, owners)
            continue
        kinds = [str(kid.get(pikepdf.Name.S)) for kid in kids]
        if len(kids) == len(kids_of(element)) == 2 and "/Caption" in kinds and (picture := _picture(kids)) is not None:
            _group_figure(element, picture, kids[kinds.index("/Caption")])
        elif kinds == ["/Table"] and len(kids_of(element)) == 1:
            if not unused:
                raise BuildError(
                    f"{len(alts)} drawn figure(s) (a chart's <figure data-alt>) were laid out, but the structure tree"
                    " holds more: a figure holding a table without data-alt in the templates?"
                )
            element.S, element.Alt = pikepdf.Name.Figure, pikepdf.String(unused.pop(0))
    if unused:
        raise BuildError(
            f"{len(unused)} of the {len(alts)} drawn figures (a chart's <figure data-alt>, once per page it is on)"
            " were not found in the structure tree as a figure holding a table"
        )
    _prune_empty(root)


def _picture(kids: list[pikepdf.Dictionary]) -> pikepdf.Dictionary | None:
    """The Figure beside a caption, itself or inside wrappers of one kid each (an inline picture's line)."""
    for kid in kids:
        while kid.get(pikepdf.Name.S) == pikepdf.Name.NonStruct and len(kids_of(kid)) == 1 and element_kids(kid):
            kid = element_kids(kid)[0]
        if kid.get(pikepdf.Name.S) == pikepdf.Name.Figure:
            return kid
    return None


def _parent_tree(pdf: pikepdf.Pdf, root: PdfObject) -> dict[int, PdfObject]:
    """Return each page's array of marked-content owners (the parent tree), by the page's object number."""
    owners = page_owners(pdf, root)
    if owners is None:
        raise BuildError(
            "the screen PDF's structure tree has no parent tree in one list (/ParentTree /Nums), as WeasyPrint"
            " writes it; its tags cannot be finished"
        )
    return owners


def _group_figure(group: pikepdf.Dictionary, picture: pikepdf.Dictionary, caption: pikepdf.Dictionary) -> None:
    """Make `group` a Div holding the picture's Figure (taken out of the wrappers of its line) and its Caption."""
    kids = element_kids(group)
    group.S = pikepdf.Name.Div
    group.K = pikepdf.Array([picture, caption] if kids.index(caption) else [caption, picture])
    picture.P = group


def _give_body(pdf: pikepdf.Pdf, item: pikepdf.Dictionary, owners: dict) -> None:
    """Put what a list item holds besides its label into an LBody, when WeasyPrint gave it none (an item that
    holds a quotation or a list, and no text of its own)."""
    kids = kids_of(item)
    labels = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and kid.get(pikepdf.Name.S) == "/Lbl"]
    rest = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.get(pikepdf.Name.S) == "/Lbl")]
    if not rest or any(isinstance(kid, pikepdf.Dictionary) and kid.get(pikepdf.Name.S) == "/LBody" for kid in kids):
        return
    body = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item, K=pikepdf.Array(rest))
    )
    if pikepdf.Name.Pg in item:
        body.Pg = item.Pg
    for kid in rest:
        if isinstance(kid, pikepdf.Dictionary) and pikepdf.Name.S in kid:
            kid.P = body
        elif isinstance(kid, int) and pikepdf.Name.Pg in item and item.Pg.objgen[0] in owners:
            owners[item.Pg.objgen[0]][kid] = body
    item.K = pikepdf.Array([*labels, body])


def _scope_headers(table: pikepdf.Dictionary) -> None:
    """Give each header cell of a table its /Scope, as the HTML's scope gave it: WeasyPrint names a row's headers
    (scope="row") in the /Headers of that row's data cells, and a column's in those of the cells below. A header
    no data cell names heads a column when its row holds headers only, else its row."""
    rows = [row for row in in_reading_order(table) if row.get(pikepdf.Name.S) == pikepdf.Name.TR]
    row_of = {cell.objgen: index for index, row in enumerate(rows) for cell in element_kids(row)}
    cells = [cell for row in rows for cell in element_kids(row)]
    headers = {str(cell.ID): cell for cell in cells if cell.get(pikepdf.Name.S) == pikepdf.Name.TH and "/ID" in cell}
    heads: dict[str, set[str]] = {}
    for cell in cells:
        attributes = cell.get(pikepdf.Name.A)
        named: PdfObject = (
            attributes.get(pikepdf.Name.Headers, []) if isinstance(attributes, pikepdf.Dictionary) else []
        )
        for key in map(str, named):
            if key in headers:
                same_row = row_of.get(headers[key].objgen) == row_of.get(cell.objgen)
                heads.setdefault(key, set()).add("/Row" if same_row else "/Column")
    for row in rows:
        kinds = [cell.get(pikepdf.Name.S) for cell in element_kids(row)]
        for cell in element_kids(row):
            if cell.get(pikepdf.Name.S) != pikepdf.Name.TH:
                continue
            found = heads.get(str(cell.get(pikepdf.Name.ID, "")), set())
            scope = (
                "/Both"
                if len(found) == 2
                else found.pop()
                if found
                else "/Column"
                if set(kinds) == {pikepdf.Name.TH}
                else "/Row"
            )
            attributes = cell.get(pikepdf.Name.A)
            if not isinstance(attributes, pikepdf.Dictionary):
                cell.A = attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            attributes.Scope = pikepdf.Name(scope)


def _prune_empty(root: PdfObject) -> None:
    """Take out of the tree every element that holds no content, no element and no alternative, deepest first."""
    for element in reversed(structure_elements(root)):
        kids = kids_of(element)
        kept = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and holds_nothing(kid))]
        if len(kept) != len(kids):
            element.K = pikepdf.Array(kept)
