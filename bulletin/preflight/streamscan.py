"""Content scan for the preflight: what the content streams of a PDF hold that readers cannot draw.

WeasyPrint writes the numbers of a drawing as Python formats them: a number that is not one
as `nan` or `inf`, a huge one with all its hundreds of digits. qpdf takes such a file for
whole, while Ghostscript and poppler stop at every such operator, and a RIP may refuse the
file. Validation refuses the drawings that would do it (`drawnvalues`); this scan reads back
what was written, every content stream a page paints (its own, each form's, each tiling
pattern's, each soft mask's, each annotation's appearance), with qpdf's tokenizer (pikepdf):
an operator that is not PDF's, a null where an operand goes, or a number beyond what a PDF
reader holds (PDF 1.7, annex C) is a problem; and so is a tiling pattern whose tiles are so
small beside the page that a reader would draw millions of them. `preflight` decides what
the findings mean; this module only finds them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pikepdf

from ..util.pdftree import PdfObject

# Every operator of a content stream (ISO 32000-1, annex A).
OPERATORS = frozenset(
    """b B b* B* BDC BI BMC BT BX c cm CS cs d d0 d1 Do DP EI EMC ET EX f F f* G g gs h i ID j J K k
    l m M MP n q Q re RG rg ri s S SC sc SCN scn sh T* Tc Td TD Tf Tj TJ TL Tm Tr Ts Tw Tz v w W W* y ' \"""".split()
)
MAX_INTEGER = 2**31 - 1  # the largest integer a PDF reader need hold; WeasyPrint writes whole reals as integers
MAX_REAL = 3.403e38  # the largest real
MIN_TILE = 0.05  # points: a tiling pattern's least step on the page (a 300-unit drawing's 1/1,000th is about 0.5)
LISTED = 5  # problems told for one page
# The operators that paint with a resource, and the resources' kinds.
USES = {"Do": "/XObject", "scn": "/Pattern", "SCN": "/Pattern", "gs": "/ExtGState"}
KINDS = {"/XObject": "form", "/Pattern": "pattern", "/ExtGState": "soft mask"}


def stream_problems(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """Return what in the PDF's content streams readers cannot draw: (the first page that paints it, what)."""
    found: list[tuple[int, str]] = []
    seen: set[tuple[int, int]] = set()  # the streams read, by object number and generation
    for number, page in enumerate(pdf.pages, 1):
        streams: list[tuple[PdfObject, str]] = [(page.obj, f"page {number}")] + [
            (annotation.AP.N, f"an annotation's appearance on page {number}")
            for annotation in page.obj.get("/Annots", pikepdf.Array())
            if isinstance(annotation, pikepdf.Dictionary)
            and isinstance(annotation.get("/AP", pikepdf.Dictionary()).get("/N"), pikepdf.Stream)
        ]
        for stream, name in streams:
            found += [(number, problem) for problem in _scan(stream, _resources(page.obj), seen, name)]
    return found


def _resources(owner: PdfObject) -> PdfObject:
    node = owner
    while isinstance(node, pikepdf.Dictionary):  # a page's /Resources may be inherited from the page tree
        if "/Resources" in node:
            return node.Resources
        node = node.get("/Parent")
    return pikepdf.Dictionary()


def _scan(stream: PdfObject, resources: PdfObject, seen: set[tuple[int, int]], name: str) -> list[str]:
    """What a content stream, and those it paints with (forms, tiling patterns, soft masks), hold that readers cannot
    draw, each stream once and each problem once with how often it comes."""
    problems: Counter = Counter()
    if isinstance(stream, pikepdf.Stream) and stream.get("/PatternType") == 1:
        problems.update(_tile_problems(stream))
    used = []  # (resource category, name) of what the stream paints with
    try:
        instructions = pikepdf.parse_content_stream(stream)
    except pikepdf.PdfError as err:
        instructions, problems[f"cannot be read ({err})"] = [], 1
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator not in OPERATORS:
            problems[f"{_shown(operator)} is not a PDF operator (a number written as {_shown(operator)}?)"] += 1
            continue
        bad = next((operand for operand in _flat(operands) if not _readable(operand)), "")
        if bad != "":
            problems[
                f"operator {operator} has {'null' if bad is None else _shown(str(bad))} as an operand, which"
                " no reader can draw"
            ] += 1
        if operands and isinstance(operands[-1], pikepdf.Name) and operator in USES:
            used.append((USES[operator], str(operands[-1])))
    told = [f"{name}: {problem}" + (f" ({times} times)" if times > 1 else "") for problem, times in problems.items()]
    for category, key in used:
        target = resources.get(category, pikepdf.Dictionary()).get(key)
        if category == "/ExtGState":
            target = target.get("/SMask") if isinstance(target, pikepdf.Dictionary) else None
            target = target.get("/G") if isinstance(target, pikepdf.Dictionary) else None
        if category == "/XObject" and isinstance(target, pikepdf.Stream) and target.get("/Subtype") != "/Form":
            continue  # an image: data, not content
        if isinstance(target, pikepdf.Stream) and target.objgen not in seen:
            seen.add(target.objgen)
            told += _scan(target, target.get("/Resources", resources), seen, f"{KINDS[category]} {key[1:]} on {name}")
    return told[:LISTED] + (["and more"] if len(told) > LISTED else [])


def _tile_problems(pattern: pikepdf.Stream) -> list[str]:
    matrix = [float(value) for value in pattern.get("/Matrix", [1, 0, 0, 1, 0, 0])]
    a, b, c, d = matrix[:4]
    scale = min(math.hypot(a, b), math.hypot(c, d))
    steps = [abs(float(pattern.get(key, 0))) * scale for key in ("/XStep", "/YStep")]
    if min(steps) < MIN_TILE:
        return [f"tiles of {steps[0]:.2g} × {steps[1]:.2g} pt, too small for a reader to draw them all"]
    return []


def _flat(operands) -> Iterator[object]:
    for operand in operands:
        if isinstance(operand, pikepdf.Array):
            yield from _flat(operand)
        else:
            yield operand


def _readable(operand: object) -> bool:
    """Whether an operand is one a reader takes: not null, and a number within the PDF's limits."""
    if operand is None or (isinstance(operand, pikepdf.Object) and operand._type_code == pikepdf.ObjectType.null):
        return False
    if isinstance(operand, bool):
        return True
    if isinstance(operand, int):
        return abs(operand) <= MAX_INTEGER
    if isinstance(operand, (Decimal, float)):
        return math.isfinite(operand) and -MAX_REAL <= operand <= MAX_REAL
    return True


def _shown(text: str) -> str:
    return repr(text if len(text) <= 24 else f"{text[:12]}…({len(text)} characters)")
