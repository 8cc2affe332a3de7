"""A tagged PDF's structure tree, walked: the finishing stage prunes it and the preflight reads it.

pikepdf gives the tree as nested dictionaries and arrays, with marked-content and object
references as leaves and the same element reachable more than once; this walks it without
recursion, each element once. It also gives the two orders of a page's tagged content: the
order the tree reads it in (`reading_orders`) and the order the page paints it in
(`marked_sequences`), which the finishing stage makes agree and the preflight compares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

import pikepdf

# A PDF object as pikepdf gives it, read as it comes. Its Python type follows its type in the file,
# which a damaged file may get wrong anywhere: the readers check with isinstance where they must
# know, look entries up with `{}` for a missing dictionary, and let pikepdf's own error (a finding
# of the preflight) say what else is wrong. pikepdf's types cannot say that: they would have every
# value narrowed first, which changes what a damaged file is told, and refuse as a key the name an
# operator gives, which pikepdf takes.
PdfObject: TypeAlias = Any


def structure_elements(element: object) -> list[pikepdf.Dictionary]:
    """Return every structure element from `element` down (itself, when it is one), each once, in the order the
    tree reads them: depth first, each element's kids in order."""
    found, seen, todo = [], set(), [element]
    while todo:
        item = todo.pop()
        if isinstance(item, pikepdf.Array):
            todo.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") not in ("/MCR", "/OBJR"):
            key = item.objgen if item.is_indirect else id(item)
            if key not in seen:
                seen.add(key)
                found.append(item)
                todo.append(item.get("/K"))
    return found


def in_reading_order(root: object) -> list[pikepdf.Dictionary]:
    """Return every structure element below `root` (a tree's root or an element, not itself), in reading order."""
    return structure_elements(root.get("/K") if isinstance(root, pikepdf.Dictionary) else root)


def kids_of(element: object) -> list:
    """Return an element's kids as a list (its /K holds one kid, an array of them, or nothing)."""
    kids = element.get("/K") if isinstance(element, pikepdf.Dictionary) else None
    return [] if kids is None else list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def element_kids(element: object) -> list[pikepdf.Dictionary]:
    """Return the structure elements among an element's kids (not its marked content or object references)."""
    return [
        kid
        for kid in kids_of(element)
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR")
    ]


def page_owners(pdf: pikepdf.Pdf, root: PdfObject) -> dict[int, PdfObject] | None:
    """Return each page's array of marked-content owners in the parent tree (the structure element of each MCID),
    by the page's object number; None when the parent tree is not one list (/ParentTree /Nums), as WeasyPrint
    writes it."""
    parents = root.get("/ParentTree")
    if not isinstance(parents, pikepdf.Dictionary) or not isinstance(parents.get("/Nums"), pikepdf.Array):
        return None
    numbers: PdfObject = parents.Nums
    by_key = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers) - 1, 2)}
    return {
        page.obj.objgen[0]: by_key[int(page.obj.StructParents)]
        for page in pdf.pages
        if "/StructParents" in page.obj and int(page.obj.StructParents) in by_key
    }


def holds_nothing(element: pikepdf.Dictionary) -> bool:
    """Whether a structure element holds no content, no element and no alternative: an empty one. A table's cell
    is never empty so: it keeps its place in its row and column."""
    if element.get("/Type") in ("/MCR", "/OBJR") or element.get("/S") in (None, "/TD", "/TH"):
        return False
    kids = element.get("/K")
    if isinstance(kids, pikepdf.Array) and len(kids) or kids is not None and not isinstance(kids, pikepdf.Array):
        return False
    return not any(key in element for key in ("/Alt", "/ActualText", "/E"))


@dataclass
class Marked:
    """A marked-content sequence of a page, as the span of instructions that may move with it."""

    mcid: int
    start: int  # the first instruction (an enclosing q, or the BDC)
    end: int  # the last (the matching Q, or the EMC), included


def reading_orders(root: PdfObject) -> dict[tuple[int, int], list[int]]:
    """Return the MCIDs of every page in the order of the structure tree (depth first, kids in order), by the
    page's object, in one walk of the tree."""
    orders: dict[tuple[int, int], list[int]] = {}
    seen: set[tuple[int, int]] = set()
    todo: list[tuple[Any, Any]] = [(root.get("/K"), None)]
    while todo:
        item, on_page = todo.pop()
        if isinstance(item, pikepdf.Array):
            todo.extend((kid, on_page) for kid in reversed(list(item)))
        elif isinstance(item, int):
            if on_page is not None:
                orders.setdefault(on_page.objgen, []).append(int(item))
        elif isinstance(item, pikepdf.Dictionary):
            if item.get("/Type") == "/MCR":
                owner = item.get("/Pg", on_page)
                if owner is not None and "/Stm" not in item:
                    orders.setdefault(owner.objgen, []).append(int(item.MCID))
            elif item.get("/Type") != "/OBJR" and (not item.is_indirect or item.objgen not in seen):
                if item.is_indirect:
                    seen.add(item.objgen)
                todo.append((item.get("/K"), item.get("/Pg", on_page)))
    return orders


def marked_sequences(instructions: list) -> list[Marked]:
    """Return the page's top-level marked-content sequences with an MCID, in the order they are painted."""
    found, depth, open_at, mcid = [], 0, None, None
    for index, (operands, operator) in enumerate(instructions):
        name = str(operator)
        if name in ("BDC", "BMC"):
            if depth == 0 and name == "BDC" and (mcid := _mcid(operands)) is not None:
                open_at = index
            depth += 1
        elif name == "EMC" and depth:
            depth -= 1
            if depth == 0 and open_at is not None and mcid is not None:
                start, end = open_at, index
                while (
                    start > 0
                    and end + 1 < len(instructions)
                    and str(instructions[start - 1][1]) == "q"
                    and str(instructions[end + 1][1]) == "Q"
                ):
                    start, end = start - 1, end + 1
                found.append(Marked(mcid, start, end))
                open_at = None
    return found


def _mcid(operands: Any) -> int | None:
    properties = operands[1] if len(operands) == 2 else None
    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
        return int(properties.MCID)
    return None
