"""Finishing of the screen edition's structure tree: the parts of one element that pages and columns split, joined.

WeasyPrint writes the structure tree page by page, an element for each box it laid out. An article on two pages
is two Art elements; each column of its text a Div; a paragraph that goes on in the next column or on the next
page two P elements. A screen reader that moves by article or by paragraph counts each twice, and a paragraph's
second part starts in the middle of a sentence.

While WeasyPrint writes the tree, `engine.sources_numbered` gives each element the number of the HTML element
it was made for. Here, in reading order, an element is joined into the first one that has the same place: the
same numbers and types on the way down from the root (so an anonymous box inside its element's own box, which
has that element's number too, keeps a place of its own). The first takes the other's kids after its own, and
the other leaves its parent. The kids keep their order; marked content from another page is referred to with its
page (an /MCR), and the parent tree and the annotations say who owns it now. The numbers are then removed.

Left as they are, with all they hold: tables and their parts (a table's header row is repeated on each page it
spans, and would be read twice), figures, links (each part of a link has its own annotation, and
`linktags` would take two lines' annotations for one), and the NonStruct wrappers a figure group or a chart is
found by (`tagging`).
"""

from __future__ import annotations

import pikepdf

from ..util.pdftree import PdfObject, kids_of, structure_elements
from .engine import SOURCE_KEY

KEPT_APART = frozenset(("/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD", "/Figure", "/Link", "/NonStruct"))
NUMBER = pikepdf.Name("/" + SOURCE_KEY)


def join_fragments(pdf: pikepdf.Pdf) -> int:
    """Join the parts of each element that pages and columns split, as the module says; return how many parts
    were joined into another."""
    root = pdf.Root.get("/StructTreeRoot")
    joined = 0
    if root is not None:
        owners = _owners(pdf, root)
        places: dict[tuple, tuple] = {}  # an element's place, by its object
        first: dict[tuple, pikepdf.Dictionary] = {}
        for element in structure_elements(root.get("/K")):
            parent = element.get("/P")
            above = places.get(parent.objgen, ()) if isinstance(parent, pikepdf.Dictionary) else ()
            number, kind = element.get(NUMBER), str(element.get("/S"))
            mark = ("apart", element.objgen) if number is None or kind in KEPT_APART else (int(number), kind)
            places[element.objgen] = place = (*above, mark)
            if place in first and element.is_indirect:
                _join(first[place], element, owners)
                joined += 1
            else:
                first[place] = element
    for owner in pdf.objects:
        if isinstance(owner, pikepdf.Dictionary) and NUMBER in owner:
            del owner[NUMBER]
    return joined


def _join(target: pikepdf.Dictionary, part: pikepdf.Dictionary, owners: dict) -> None:
    """Give `target` the kids of `part`, after its own, and take `part` out of its parent."""
    shown_on: PdfObject = part.get("/Pg")
    kids = kids_of(target)
    for kid in kids_of(part):
        if isinstance(kid, int):
            owners.get(shown_on.objgen if shown_on is not None else None, {})[int(kid)] = target
            same_page = shown_on is not None and shown_on.objgen == target.get("/Pg", pikepdf.Dictionary()).objgen
            kid = kid if same_page else pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=shown_on, MCID=int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            page = kid.get("/Pg", shown_on)
            kid.Pg = page
            owners.get(page.objgen, {})[int(kid.MCID)] = target
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            annotation = kid.get("/Obj")
            if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                owners.get("annotations", {})[int(annotation.StructParent)] = target
        elif isinstance(kid, pikepdf.Dictionary):
            kid.P = target
        kids.append(kid)
    target.K = pikepdf.Array(kids)
    parent = part.get("/P")
    if isinstance(parent, pikepdf.Dictionary):
        parent.K = pikepdf.Array(
            [kid for kid in kids_of(parent) if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == part.objgen)]
        )


def _owners(pdf: pikepdf.Pdf, root: PdfObject) -> dict:
    """The parent tree as owners to set: each page's array of marked-content owners by the page's object, and
    under "annotations" a setter of the owner of an annotation by its /StructParent."""
    numbers: PdfObject = root.get("/ParentTree", pikepdf.Dictionary()).get("/Nums", pikepdf.Array())
    by_key = {int(numbers[index]): index + 1 for index in range(0, len(numbers) - 1, 2)}
    owners: dict = {
        page.obj.objgen: _Owned(numbers[by_key[int(page.obj.StructParents)]])
        for page in pdf.pages
        if "/StructParents" in page.obj and int(page.obj.StructParents) in by_key
    }
    owners["annotations"] = _Annotations(numbers, by_key)
    return owners


class _Owned:
    """A page's array of marked-content owners, set by MCID."""

    def __init__(self, array: PdfObject):
        self.array = array

    def __setitem__(self, mcid: int, owner: pikepdf.Dictionary) -> None:
        if isinstance(self.array, pikepdf.Array) and 0 <= mcid < len(self.array):
            self.array[mcid] = owner


class _Annotations:
    """The owners of annotations in the parent tree, set by their /StructParent."""

    def __init__(self, numbers: PdfObject, by_key: dict[int, int]):
        self.numbers, self.by_key = numbers, by_key

    def __setitem__(self, key: int, owner: pikepdf.Dictionary) -> None:
        if key in self.by_key:
            self.numbers[self.by_key[key]] = owner
