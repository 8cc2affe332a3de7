"""Finishing of the screen edition's structure tree: the parts of one element that pages and columns split, joined.

WeasyPrint writes the structure tree page by page, an element for each box it laid out. An article on two pages
is two Art elements; each column of its text a Div; a paragraph that goes on in the next column or on the next
page two P elements. A screen reader that moves by article or by paragraph counts each twice, and a paragraph's
second part starts in the middle of a sentence.

While WeasyPrint writes the tree, `engine.sources_numbered` gives each element the number of the HTML element
it was made for. Here, in reading order, an element is joined into the one just before it among its parent's
elements when both have the same place: the same numbers and types on the way down from the root (so an
anonymous box inside its element's own box, which has that element's number too, keeps a place of its own). The
first takes the other's kids after its own, and the other leaves its parent. Elements positioned out of the flow
(a draft mark, on every page) are passed over when looking back, and never joined. The numbers are then removed.

Left as they are, with all they hold: tables and their parts (a table's header row is repeated on each page it
spans, and would be read twice), figures, links (each part of a link has its own annotation, and `linktags` would
take two lines' annotations for one), the NonStruct wrappers a figure group or a chart is found by (`tagging`),
and any element that holds marked content or an annotation itself rather than in elements of its own (its
content would need the parent tree changed; WeasyPrint gives text a Span of its own).
"""

from __future__ import annotations

import pikepdf

from ..util.pdftree import element_kids, kids_of, structure_elements
from .engine import OUT_OF_FLOW, SOURCE_KEY

KEPT_APART = frozenset(("/Table", "/THead", "/TBody", "/TFoot", "/TR", "/TH", "/TD", "/Figure", "/Link", "/NonStruct"))
NUMBER = pikepdf.Name("/" + SOURCE_KEY)


def join_fragments(pdf: pikepdf.Pdf) -> int:
    """Join the parts of each element that pages and columns split, as the module says; return how many parts
    were joined into another."""
    root = pdf.Root.get("/StructTreeRoot")
    joined = 0
    if root is not None:
        places: dict[tuple, tuple] = {}  # each element's place, by its object
        for element in structure_elements(root.get("/K")):
            parent = element.get("/P")
            above = places.get(parent.objgen, ()) if isinstance(parent, pikepdf.Dictionary) else ()
            places[element.objgen] = place = (*above, _mark(element))
            before = _before(element)
            if before is not None and places.get(before.objgen) == place and _joinable(element):
                _join(before, element)
                joined += 1
    for owner in pdf.objects:
        if isinstance(owner, pikepdf.Dictionary) and NUMBER in owner:
            del owner[NUMBER]
    return joined


def _mark(element: pikepdf.Dictionary) -> tuple:
    """An element's step on the way down from the root: its HTML element's number and its type, or itself alone."""
    number, kind = element.get(NUMBER), str(element.get("/S"))
    if number is None or int(number) == OUT_OF_FLOW or kind in KEPT_APART or not element.is_indirect:
        return ("apart", id(element) if not element.is_indirect else element.objgen)
    return (int(number), kind)


def _joinable(element: pikepdf.Dictionary) -> bool:
    """Whether all an element holds is elements (no marked content, no annotation of its own)."""
    kids = kids_of(element)
    return len(element_kids(element)) == len(kids) and all(isinstance(kid, pikepdf.Dictionary) for kid in kids)


def _before(element: pikepdf.Dictionary) -> pikepdf.Dictionary | None:
    """The element just before `element` among its parent's, passing over those positioned out of the flow."""
    parent = element.get("/P")
    if not isinstance(parent, pikepdf.Dictionary):
        return None
    siblings = element_kids(parent)
    at = next((index for index, kid in enumerate(siblings) if kid.objgen == element.objgen), 0)
    for sibling in reversed(siblings[:at]):
        if sibling.get(NUMBER) != OUT_OF_FLOW:
            return sibling
    return None


def _join(target: pikepdf.Dictionary, part: pikepdf.Dictionary) -> None:
    """Give `target` the kids of `part` (elements all), after its own, and take `part` out of its parent."""
    kids = element_kids(part)
    for kid in kids:
        kid.P = target
    target.K = pikepdf.Array([*kids_of(target), *kids])
    parent = part.P
    parent.K = pikepdf.Array(
        [kid for kid in kids_of(parent) if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen == part.objgen)]
    )
