"""Finishing of the screen edition's pages: content painted in the order of the structure tree.

A reader that follows the page (reflow, text selection, some screen readers) meets content in
the order it is painted; the structure tree gives the order it is read in. WeasyPrint paints a
list's markers after all the text of their page (CSS puts them on a layer of their own), so on a
page with a list the two orders differ.

Each marked-content sequence painted out of the tree's order is moved to just before the
sequence that follows it in the tree, when the move cannot change what the page shows:

- the sequence is wrapped in its own q … Q and uses only text and colour operators;
- the transformation and clipping in force are the same where it was and where it goes;
- every setting in force where it goes (a colour, a graphics state, a font, a text spacing) is
  one it sets itself or one in force where it was, which is given again inside its q: nothing
  of its new place leaks into it;
- nothing but text is painted between the two places, so that it covers or is covered by
  nothing new (text does not overlap text on these pages).

A sequence that cannot be moved so stays where it was, and the preflight
(`preflight.structurescan`) names its page. The tests render pages before and after and find
no pixel changed.
"""

from __future__ import annotations

from bisect import bisect_left

import pikepdf

from ..util.pdftext import SHOWS
from ..util.pdftree import Marked, marked_sequences, reading_orders

# What a movable sequence may hold: text, colours and the graphics state's dictionary, nothing that draws
# with the state it found.
MOVABLE = frozenset(
    "q Q BDC BMC EMC gs rg g k cs sc scn RG G K CS SC SCN BT ET Tm Td TD T* Tf TJ Tj ' \" Tc Tw Tz TL Ts Tr".split()
)
# What a page's state carries from one sequence to the next, besides its placement.
SETTINGS = frozenset("gs rg g k cs sc scn RG G K CS SC SCN w J j M d ri i Tf Tc Tw Tz TL Ts Tr".split())
PATH = frozenset("m l c v y h re".split())
PAINTS = frozenset("f F f* B B* b b* S s Do sh BI EI".split())  # what paints other than text


def state_before(instructions: list, index: int) -> tuple[bytes, dict[str, list]]:
    """Return the graphics state in force before instruction `index`: its placement (the transformations and
    clipping paths, as the instructions that made them) and the other settings (colours, the graphics state's
    dictionaries, line and text settings), as the last instruction of each kind that set them, in their order."""
    levels: list[list] = [[]]  # per q level: (kind, instruction) in the order given
    path: list = []
    for operands, operator in instructions[:index]:
        name = str(operator)
        if name == "q":
            levels.append([])
        elif name == "Q" and len(levels) > 1:
            levels.pop()
        elif name in PATH:
            path.append((operands, operator))
        elif name in ("W", "W*"):
            levels[-1].append(("clip", [*path, (operands, operator), ([], pikepdf.Operator("n"))]))
        elif name == "cm" or name in SETTINGS:
            kind = "cm" if name == "cm" else _kind(operands, operator)
            levels[-1].append((kind, [(operands, operator)]))
        if name not in PATH and name not in ("W", "W*"):
            path = []
    placed: list = []
    settings: dict[str, list] = {}
    for level in levels:
        for kind, made in level:
            if kind in ("cm", "clip"):
                placed += made
            else:
                settings.pop(kind, None)
                settings[kind] = made  # the last of its kind, in the place of its last setting
    return pikepdf.unparse_content_stream(placed), settings


def _kind(operands: list, operator: object) -> str:
    """What a setting sets: its operator, and for a graphics state's dictionary, which one."""
    return f"gs {operands[0]}" if str(operator) == "gs" else str(operator)


def _own_settings(instructions: list, sequence: Marked) -> set[str]:
    """The settings a sequence makes before it first shows text: no setting of its place reaches what it paints."""
    own = set()
    for operands, operator in instructions[sequence.start : sequence.end + 1]:
        if str(operator) in SHOWS:
            break
        if str(operator) in SETTINGS:
            own.add(_kind(operands, operator))
    return own


def _paints(instructions: list, first: int, last: int) -> bool:
    """Whether anything but text is painted from instruction `first` to `last` (excluded)."""
    return any(str(operator) in PAINTS for _, operator in instructions[first:last])


def movable(instructions: list, sequence: Marked) -> bool:
    """Whether the sequence keeps its look anywhere its placement and settings are the same (see the module)."""
    names = [str(operator) for _, operator in instructions[sequence.start : sequence.end + 1]]
    return names[0] == "q" and all(name in MOVABLE for name in names)


def paint_in_reading_order(pdf: pikepdf.Pdf) -> None:
    """Move each page's sequences painted out of the tree's order where the module says they may go."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    orders = reading_orders(root)
    for page in pdf.pages:
        order = {mcid: rank for rank, mcid in enumerate(orders.get(page.obj.objgen, []))}
        instructions = list(pikepdf.parse_content_stream(page))
        painted = [sequence for sequence in marked_sequences(instructions) if sequence.mcid in order]
        if [order[sequence.mcid] for sequence in painted] == sorted(order[sequence.mcid] for sequence in painted):
            continue
        kept = _in_order(painted, order, {s.mcid for s in painted if not movable(instructions, s)})
        fixed = sorted((order[sequence.mcid], sequence) for sequence in kept)
        ranks = [rank for rank, _ in fixed]
        moves: dict[int, list] = {}
        gone: set[int] = set()
        for sequence in sorted((s for s in painted if s not in kept), key=lambda s: order[s.mcid]):
            following = bisect_left(ranks, order[sequence.mcid])
            if following == len(fixed) or not movable(instructions, sequence):
                continue  # nothing read after it on the page (it may stay last), or it may not move
            target = fixed[following][1].start
            (here, settings), (there, found) = (
                state_before(instructions, sequence.start),
                state_before(instructions, target),
            )
            between = (target, sequence.start) if target < sequence.start else (sequence.end + 1, target)
            if (
                here == there
                and set(found) <= set(settings) | _own_settings(instructions, sequence)
                and not _paints(instructions, *between)
            ):
                # The settings it found, given again inside its own q, so that it paints as it did.
                group = instructions[sequence.start : sequence.end + 1]
                given = [made for group_made in settings.values() for made in group_made]
                moves.setdefault(target, []).append([group[0], *given, *group[1:]])
                gone.update(range(sequence.start, sequence.end + 1))
        if moves:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(_moved(instructions, moves, gone)))


def _in_order(painted: list[Marked], order: dict[int, int], fixed: set[int]) -> list[Marked]:
    """The sequences that stay: a run of them, in paint order, whose tree order rises, weighing most those that
    cannot move (`fixed`, by MCID) and then as many of the others as it can (a Fenwick tree of best runs)."""
    size = len(order) + 1
    tree: list[tuple[int, int]] = [(0, -1)] * (size + 1)  # (weight, index in `painted`) of the best run below a rank
    before: list[int] = []
    for index, sequence in enumerate(painted):
        rank, best, position = order[sequence.mcid] + 1, (0, -1), order[sequence.mcid]
        while position > 0:
            best, position = max(best, tree[position]), position & (position - 1)
        before.append(best[1])
        weight = best[0] + (len(painted) + 1 if sequence.mcid in fixed else 1)
        while rank <= size:
            tree[rank], rank = max(tree[rank], (weight, index)), rank + (rank & -rank)
    best, position = (0, -1), size
    while position > 0:
        best, position = max(best, tree[position]), position & (position - 1)
    chain, index = [], best[1]
    while index >= 0:
        chain.append(painted[index])
        index = before[index]
    return chain[::-1]


def _moved(instructions: list, moves: dict[int, list], gone: set[int]) -> list:
    """The page's instructions without those at `gone`, and with the moved groups put before their targets."""
    result = []
    for index, instruction in enumerate(instructions):
        for group in moves.get(index, []):
            result.extend(group)
        if index not in gone:
            result.append(instruction)
    return result
