"""Type scan for the preflight: the inks small type is printed in, as a prepress operator queries them.

Every run of text a print page shows (its own content and each drawing's, with the drawing's
matrix) is read with the size it is printed at and the colour it is filled with, and queried
when a press would print it badly:

- **small type in many inks:** under 12 pt in more than two inks; four plates never register
  to the tenth of a millimetre, and a letter 8 pt high shows coloured fringes;
- **thin reversed type:** white (no ink) under 9 pt, or under 12 pt and not bold, cut out of the
  inks around it, fills in when the inks spread;
- **white type set to overprint:** it is left out on press, which prints no white: an error;
- **knocked-out black:** type in solid black that does not overprint (overprint on, mode 1): the
  tint beneath is cut out in the shape of every letter, and a slight misregister leaves white
  edges.

Each is a warning with the page, the size, the inks and where the first such run sits, from the
trim's top left corner. This module only reads the PDF; `checks` decides what the findings mean.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pikepdf

from ..util.matrices import IDENTITY, Matrix, matrix, times
from ..util.pdftree import PdfObject
from .findings import Expectation, Finding, passed, plural

SMALL = 12.0  # pt: type under this is small
REVERSED_LEAST = 9.0  # pt: reversed type under this is too thin even when bold
MOST_INKS = 2  # small type in more inks than this is queried
VANISHING = "white type set to overprint, which leaves it out on press"  # an error, not a query
SIZE_TOLERANCE = 0.05  # pt: sizes set in fractions of the page (vw) come out a hundredth of a point short
SHOWS = frozenset({"Tj", "TJ", "'", '"'})
BOLD = ("bold", "black", "heavy", "semibold", "demi")  # words of a bold face's PostScript name
MM_PER_PT = 25.4 / 72


@dataclass(frozen=True)
class Run:
    """One run of text as printed: its size, its inks, and whether it is bold and overprints."""

    page: int  # counted from 1
    size: float  # the printed height of the type, in points
    inks: tuple[float, float, float, float]  # C, M, Y, K from 0 to 1; the colour as printed
    bold: bool  # the font is a bold face
    overprint: bool  # the fill overprints in mode 1
    origin: tuple[float, float]  # where the run starts, in the page's own units


@dataclass(frozen=True)
class _State:
    """The graphics state a content stream has set, at one level of q/Q."""

    matrix: Matrix = IDENTITY
    inks: tuple[float, float, float, float] | None = (0.0, 0.0, 0.0, 1.0)  # None: not a CMYK colour
    space: str = "/DeviceGray"
    overprint: bool = False
    mode: int = 0  # overprint mode
    font: str = ""
    size: float = 0.0
    bold: bool = False
    invisible: bool = False  # text render mode 3: not painted


def text_runs(pdf: pikepdf.Pdf) -> Iterator[Run]:
    """Yield every run of text the print pages show, with the state it is shown in."""
    for number, page in enumerate(pdf.pages, 1):
        yield from _runs(number, page.obj, page.obj.get("/Resources"), _State(), set())


def _runs(number: int, owner: pikepdf.Object, given: PdfObject, state: _State, seen: set) -> Iterator[Run]:
    resources: PdfObject = given if isinstance(given, pikepdf.Dictionary) else pikepdf.Dictionary()
    stack: list[_State] = []
    text: Matrix = IDENTITY
    line: Matrix = IDENTITY
    leading = 0.0
    for instruction in pikepdf.parse_content_stream(owner):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator, operands = str(instruction.operator), list(instruction.operands)
        if operator == "q":
            stack.append(state)
        elif operator == "Q" and stack:
            state = stack.pop()
        elif operator == "cm" and len(operands) == 6:
            state = replace(state, matrix=times(matrix(operands), state.matrix))
        elif operator == "BT":
            text = line = IDENTITY
        elif operator == "Tm" and len(operands) == 6:
            text = line = matrix(operands)
        elif operator in ("Td", "TD") and len(operands) == 2:
            x, y = _numbers(operands)
            leading = -y if operator == "TD" else leading
            text = line = times((1, 0, 0, 1, x, y), line)
        elif operator == "TL" and operands:
            leading = float(operands[0])
        elif operator in ("T*", "'", '"'):
            text = line = times((1, 0, 0, 1, 0, -leading), line)
        elif operator == "Tf" and len(operands) == 2:
            font = resources.get("/Font", {}).get(str(operands[0]))
            state = replace(state, font=str(operands[0]), size=float(operands[1]), bold=_bold(font))
        elif operator == "Tr" and operands:
            state = replace(state, invisible=int(operands[0]) in (3, 7))
        elif operator in ("cs", "g", "k", "rg", "sc", "scn"):
            state = _filled(state, operator, operands, resources)
        elif operator == "gs" and operands:
            state = _graphics(state, resources.get("/ExtGState", {}).get(str(operands[0])))
        elif operator == "Do" and operands:
            form = resources.get("/XObject", {}).get(str(operands[0]))
            if isinstance(form, pikepdf.Stream) and form.get("/Subtype") == "/Form" and form.objgen not in seen:
                inner = matrix(form.get("/Matrix", list(IDENTITY)))
                drawn = replace(state, matrix=times(inner, state.matrix))
                yield from _runs(number, form, form.get("/Resources", resources), drawn, seen | {form.objgen})
        if operator in SHOWS and not state.invisible and state.inks is not None and state.size:
            placed = times(text, state.matrix)
            size = abs(state.size) * math.hypot(placed[2], placed[3])
            yield Run(number, size, state.inks, state.bold, state.overprint and state.mode == 1, placed[4:6])


def _filled(state: _State, operator: str, operands: list, resources: PdfObject) -> _State:
    """Follow a fill colour operator."""
    values = _numbers(operands) if all(isinstance(value, (int, float, Decimal)) for value in operands) else ()
    if operator == "cs":
        space = str(operands[0]) if operands else ""
        named = resources.get("/ColorSpace", {}).get(space)
        if isinstance(named, pikepdf.Array) and named and named[0] == "/ICCBased" and int(named[1].get("/N", 0)) == 4:
            space = "/DeviceCMYK"  # the output intent's space, whatever profile the file names
        elif isinstance(named, pikepdf.Array) and named and named[0] == "/Separation":
            space = "/All" if named[1] == "/All" else "/Separation"
        start = {"/DeviceCMYK": (0.0, 0.0, 0.0, 1.0), "/DeviceGray": (0.0, 0.0, 0.0, 1.0)}.get(space)
        return replace(state, space=space, inks=start if space != "/All" else (1.0, 1.0, 1.0, 1.0))
    if operator == "k" and len(values) == 4:
        return replace(state, space="/DeviceCMYK", inks=(values[0], values[1], values[2], values[3]))
    if operator == "g" and len(values) == 1:
        return replace(state, space="/DeviceGray", inks=(0.0, 0.0, 0.0, 1 - values[0]))
    if operator == "rg":
        return replace(state, space="/DeviceRGB", inks=None)  # not a print colour: the colour check tells it
    if state.space == "/DeviceCMYK" and len(values) == 4:
        return replace(state, inks=(values[0], values[1], values[2], values[3]))
    if state.space == "/DeviceGray" and len(values) == 1:
        return replace(state, inks=(0.0, 0.0, 0.0, 1 - values[0]))
    if state.space == "/Separation" and len(values) == 1:
        return replace(state, inks=(0.0, 0.0, 0.0, values[0]))  # one ink: counted as one
    return replace(state, inks=None if state.space not in ("/All",) else state.inks)


def _graphics(state: _State, graphics: object) -> _State:
    """Follow the overprint of an ExtGState (op defaults to OP, as PDF says)."""
    if not isinstance(graphics, pikepdf.Dictionary):
        return state
    overprint = graphics.get("/op", graphics.get("/OP"))
    mode = graphics.get("/OPM")
    return replace(
        state,
        overprint=bool(overprint) if overprint is not None else state.overprint,
        mode=int(mode) if mode is not None else state.mode,
    )


def _bold(font: object) -> bool:
    name = str(font.get("/BaseFont", "")) if isinstance(font, pikepdf.Dictionary) else ""
    return any(word in name.lower() for word in BOLD)


def _numbers(operands: PdfObject) -> tuple[float, ...]:
    return tuple(float(value) for value in operands)


def type_queries(runs: Iterator[Run]) -> dict[tuple[int, str], list[Run]]:
    """Return the runs a prepress operator would query, by page and by what is wrong with them."""
    queries: dict[tuple[int, str], list[Run]] = {}
    for run in runs:
        inks = sum(1 for ink in run.inks if ink > 0.001)
        if run.size < SMALL - SIZE_TOLERANCE and inks > MOST_INKS:
            queries.setdefault((run.page, f"type under {SMALL:g} pt in {inks} inks"), []).append(run)
        if inks == 0 and run.size < REVERSED_LEAST - SIZE_TOLERANCE:
            queries.setdefault((run.page, f"reversed (white) type under {REVERSED_LEAST:g} pt"), []).append(run)
        elif inks == 0 and run.size < SMALL - SIZE_TOLERANCE and not run.bold:
            queries.setdefault((run.page, f"reversed (white) type under {SMALL:g} pt not bold"), []).append(run)
        if inks == 0 and run.overprint:
            queries.setdefault((run.page, VANISHING), []).append(run)
        if run.inks == (0.0, 0.0, 0.0, 1.0) and not run.overprint:
            queries.setdefault((run.page, "solid black type that knocks out what lies beneath"), []).append(run)
    return queries


def check_type(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Query small type in many inks, thin reversed type and black type that knocks out."""
    queries = type_queries(text_runs(pdf))
    if not queries:
        return [passed(path, "type", f"type under {SMALL:g} pt in {MOST_INKS} inks at most, solid black overprinting")]
    findings = []
    for (page, problem), runs in sorted(queries.items()):
        first = runs[0]
        box = [float(value) for value in pdf.pages[page - 1].obj.get("/TrimBox", pdf.pages[page - 1].obj.MediaBox)]
        left, top = (first.origin[0] - box[0]) * MM_PER_PT, (box[3] - first.origin[1]) * MM_PER_PT
        inks = " ".join(f"{name}{value * 100:.0f}" for name, value in zip("CMYK", first.inks, strict=True) if value)
        findings.append(
            Finding(
                path.name,
                "type",
                "error" if problem == VANISHING else "warning",
                f"page {page}: {problem}: {plural(len(runs), 'run')} of text, the first {first.size:.1f} pt in"
                f" {inks or 'no ink'} at {left:.0f} mm from the left, {top:.0f} mm from the top",
                page,
            )
        )
    return findings
