"""A tagged PDF's structure tree, walked: the finishing stage prunes it and the preflight reads it.

pikepdf gives the tree as nested dictionaries and arrays, with marked-content and object
references as leaves and the same element reachable more than once; this walks it without
recursion, each element once.
"""

from __future__ import annotations

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
    """Return every structure element below `element` in a structure tree, each once."""
    found, seen, todo = [], set(), [element]
    while todo:
        item = todo.pop()
        if isinstance(item, pikepdf.Array):
            todo.extend(item)
        elif isinstance(item, pikepdf.Dictionary) and item.get("/Type") not in ("/MCR", "/OBJR"):
            key = item.objgen if item.is_indirect else id(item)
            if key not in seen:
                seen.add(key)
                found.append(item)
                todo.append(item.get("/K"))
    return found
