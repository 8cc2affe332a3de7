"""Prepress of a print file: what a press and a RIP need of each page, beyond what WeasyPrint writes.

- **Each page lists only the resources it uses.** WeasyPrint gives every page (and every
  drawing) one resource dictionary holding the whole edition's fonts, pictures and graphics
  states, among them the soft masks and opacities of the few drawings that use them. A
  preflight, or a RIP that flattens transparency, then takes every page for a transparent one
  and turns it into a picture, text included. Here each content stream gets a dictionary of the
  names it paints with, and no more.
- **Transparency is declared where it is used, and only there.** A drawing (form XObject) keeps
  its transparency group only if something in it is translucent, blends or is masked; a page
  that paints such a thing gets a page group blending in CMYK, and no other page has one.
- **Solid black overprints.** Text and rules in 100 % black are printed over the inks beneath
  them instead of cutting them out of a tint box or a photograph, so that a slight misregister
  of the plates leaves no white edge around the letters. Set by the graphics state (overprint
  with mode 1), for black only; white and every other colour knock out as drawn.
- **The output intent names a registered printing condition** (`conditions`), with the
  registry, not the profile's own description.

It changes no mark on the page: only how each page says what it paints. The preflight checks
the outcome independently.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pikepdf

from .settings import OutputCondition

# A content stream as (operands, operator), which pikepdf writes back as read; the operands are pikepdf's own
# list, which its types do not call a collection.
Instructions = list[tuple[Any, pikepdf.Operator]]
BLACK = (0.0, 0.0, 0.0, 1.0)  # solid black ink alone, as DeviceCMYK
# Resource categories, by the operator that names one and the place of the name among its operands.
NAMED_BY = {"Tf": ("/Font", 0), "gs": ("/ExtGState", 0), "Do": ("/XObject", 0), "sh": ("/Shading", 0)}
TRANSLUCENCY = ("/CA", "/ca", "/SMask", "/BM")  # what a graphics state sets to paint translucent, or opaque again
PATH_BUILDING = frozenset({"m", "l", "c", "v", "y", "h", "re", "W", "W*"})  # a path, and its clipping
FILLING = frozenset({"f", "F", "f*", "B", "B*", "b", "b*"})
STROKING = frozenset({"S", "s", "B", "B*", "b", "b*"})
PAINTING = FILLING | STROKING | {"n"}
SHOWING = frozenset({"Tj", "TJ", "'", '"'})
COLOURING = frozenset({"cs", "CS", "sc", "scn", "SC", "SCN", "k", "K", "g", "G", "rg", "RG"})
RULE = 3.0  # points: a filled rectangle at most this thick is a rule, which overprints in solid black
DEVICE_SPACES = frozenset({"/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern"})
# The graphics states this stage adds, by name: overprint of the fill (op) or the stroke (OP).
OVERPRINT: dict[str, dict[str, bool | int]] = {
    "/BulletinFillOverprint": {"/op": True, "/OPM": 1},
    "/BulletinFillKnockout": {"/op": False},
    "/BulletinStrokeOverprint": {"/OP": True, "/OPM": 1},
    "/BulletinStrokeKnockout": {"/OP": False},
}


def prepare_pages(document: pikepdf.Pdf, condition: OutputCondition) -> None:
    """Give every page and drawing its own resources, declare transparency where used, overprint black, and
    name the printing condition in the output intent."""
    states = {
        name: document.make_indirect(pikepdf.Dictionary({"/Type": pikepdf.Name.ExtGState, **state}))
        for name, state in OVERPRINT.items()
    }
    press = _Press(document, states)
    for page in document.pages:
        transparent = _prepare_stream(press, page.obj, page.obj.get(pikepdf.Name.Resources))
        if transparent:
            page.obj.Group = pikepdf.Dictionary(
                Type=pikepdf.Name.Group, S=pikepdf.Name.Transparency, CS=pikepdf.Name.DeviceCMYK
            )
        elif pikepdf.Name.Group in page.obj:
            del page.obj.Group
    for key, drawing in press.opaque.items():
        if key not in press.painted_translucent and pikepdf.Name.Group in drawing:
            del drawing.Group  # an opaque drawing painted opaque needs no group, and a RIP would take it for one
    name_condition(document, condition)


def name_condition(document: pikepdf.Pdf, condition: OutputCondition) -> None:
    """Write the printing condition into the PDF/X output intent, as a RIP and a preflight read it, with the
    condition's profile as it is: WeasyPrint embeds LittleCMS's rewriting of it, twice as large and not the
    same bytes as the file a bureau would compare it with."""
    for intent in document.Root.get(pikepdf.Name.OutputIntents, pikepdf.Array()):
        if intent.get(pikepdf.Name.S) != pikepdf.Name.GTS_PDFX:
            continue
        intent.DestOutputProfile = document.make_stream(condition.profile.read_bytes(), N=4)
        intent.OutputConditionIdentifier = pikepdf.String(condition.identifier)
        intent.Info = pikepdf.String(f"{condition.identifier}: {condition.condition}".rstrip(": "))
        named = {pikepdf.Name.RegistryName: condition.registry, pikepdf.Name.OutputCondition: condition.condition}
        for key, value in named.items():
            if value:
                intent[key] = pikepdf.String(value)
            elif key in intent:
                del intent[key]


@dataclass
class _Press:
    """What the preparation of one document keeps from page to page."""

    document: pikepdf.Pdf
    states: Mapping[str, pikepdf.Object]  # the overprint graphics states, added to the document once
    done: dict[tuple[int, int], bool] = field(default_factory=dict)  # each drawing once: whether it is transparent
    opaque: dict[tuple[int, int], pikepdf.Object] = field(default_factory=dict)  # drawings opaque inside
    painted_translucent: set[tuple[int, int]] = field(default_factory=set)  # drawings painted at an opacity


@dataclass
class _State:
    """What a content stream has set, at one level of q/Q."""

    fill_space: str = "/DeviceGray"
    stroke_space: str = "/DeviceGray"
    fill_black: bool = False  # the fill colour is solid black in DeviceCMYK
    stroke_black: bool = False
    fill_overprint: bool = False  # as the graphics states of this stage set it
    stroke_overprint: bool = False
    scale: float = 1.0  # how much the current matrix enlarges a length
    text_mode: int = 0  # text rendering mode: 0 fill, 1 stroke, 2 both, 3 neither (and with clipping, 4 to 7)
    translucent: bool = False  # an opacity, a soft mask or a blend mode is in force


@dataclass
class _Used:
    """The resources a content stream names, by category."""

    names: dict[str, set[str]] = field(default_factory=dict)
    keep_all: set[str] = field(default_factory=set)  # categories named where this stage does not look (inline images)
    painted_translucent: set[str] = field(default_factory=set)  # XObjects painted while something is translucent

    def add(self, category: str, name: object) -> None:
        if isinstance(name, pikepdf.Name):
            self.names.setdefault(category, set()).add(str(name))


def _prepare_stream(press: _Press, owner: pikepdf.Object, resources: pikepdf.Object | None) -> bool:
    """Overprint black in the content of `owner` (a page or a form), give it only the resources it names, and
    return whether it paints anything transparent."""
    if not isinstance(resources, pikepdf.Dictionary):
        resources = pikepdf.Dictionary()
    used = _Used()
    instructions = _overprinted(owner, used, resources)
    if any(name in OVERPRINT for name in used.names.get("/ExtGState", ())):
        graphics = resources.get(pikepdf.Name.ExtGState)
        merged = pikepdf.Dictionary(dict(graphics.items()) if isinstance(graphics, pikepdf.Dictionary) else {})
        for name in used.names["/ExtGState"] & set(OVERPRINT):
            merged[name] = press.states[name]
        resources = pikepdf.Dictionary(dict(resources.items()) | {"/ExtGState": merged})
    data = pikepdf.unparse_content_stream(instructions)
    if isinstance(owner, pikepdf.Stream):
        owner.write(data)
    else:
        owner.Contents = press.document.make_stream(data)
    own = pikepdf.Dictionary()
    for category, value in resources.items():
        if category in used.keep_all or not isinstance(value, pikepdf.Dictionary):
            own[category] = value
            continue
        names = used.names.get(category, set())
        kept = pikepdf.Dictionary({name: entry for name, entry in value.items() if name in names})
        if len(kept):
            own[category] = kept
    owner.Resources = own
    return _transparent(press, own, used)


def _overprinted(owner: pikepdf.Object, used: _Used, resources: pikepdf.Dictionary) -> Instructions:
    """Return the instructions of `owner`'s content with the overprint of solid black type and rules set, noting
    every resource they name in `used`, and the drawings they paint while something is translucent.

    The overprint is set just before what it is for is painted: type shown, a rule (a path of thin rectangles)
    filled, a line stroked; anything else, a photograph or a black area of a drawing, knocks out as drawn. A
    path is held until its painting operator, since no graphics state may be set while it is built."""
    instructions: Instructions = []
    path: Instructions = []  # the path being built, and whether it is only thin rectangles so far
    stack, state = [], _State()
    for instruction in pikepdf.parse_content_stream(owner):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            used.keep_all.add("/ColorSpace")  # an inline image may name a colour space; seldom, and kept whole
            instructions += _overprint_for(state, used, fill=False, stroke=state.stroke_overprint)
            instructions.append(instruction)  # type: ignore[arg-type]
            continue
        operands, operator = instruction.operands, str(instruction.operator)
        _note_resources(used, operator, operands)
        if operator in PATH_BUILDING:
            path.append((operands, instruction.operator))
            continue
        if operator in PAINTING:
            rule = bool(path) and all(
                _thin_rectangle(state, item) for item in path if str(item[1]) in ("re", "W", "W*")
            )
            rule = rule and all(str(item[1]) in ("re", "W", "W*") for item in path)
            fills, strokes = operator in FILLING, operator in STROKING
            instructions += _overprint_for(
                state,
                used,
                fill=state.fill_overprint if not fills else state.fill_black and rule,
                stroke=state.stroke_overprint if not strokes else state.stroke_black,
            )
            instructions += path
            path = []
        elif operator in SHOWING:
            fills, strokes = state.text_mode in (0, 2, 4, 6), state.text_mode in (1, 2, 5, 6)
            instructions += _overprint_for(
                state,
                used,
                fill=state.fill_black if fills else state.fill_overprint,
                stroke=state.stroke_black if strokes else state.stroke_overprint,
            )
        elif operator in ("Do", "sh"):  # a picture, a drawing or a shading: as drawn
            instructions += _overprint_for(state, used, fill=False, stroke=False)
        instructions.append((operands, instruction.operator))
        if operator == "gs" and operands:
            graphics = resources.get(pikepdf.Name.ExtGState, pikepdf.Dictionary()).get(str(operands[0]))
            if isinstance(graphics, pikepdf.Dictionary) and any(key in graphics for key in TRANSLUCENCY):
                state.translucent = _translucent_state(graphics)
        elif operator == "Do" and operands and state.translucent:
            used.painted_translucent.add(str(operands[0]))
        elif operator == "q":
            stack.append(_State(**vars(state)))
        elif operator == "Q" and stack:
            state = stack.pop()
        elif operator == "cm" and len(operands) == 6:
            a, b, c, d = (float(value) for value in operands[:4])
            state.scale *= math.sqrt(abs(a * d - b * c))
        elif operator == "Tr" and operands:
            state.text_mode = int(operands[0])
        elif operator in COLOURING:
            _set_colour(state, operator, operands)
    return instructions + path


def _note_resources(used: _Used, operator: str, operands: Any) -> None:
    """Note the resource an operator names."""
    if operator in NAMED_BY:
        category, index = NAMED_BY[operator]
        if len(operands) > index:
            used.add(category, operands[index])
    elif operator in ("cs", "CS") and operands and str(operands[0]) not in DEVICE_SPACES:
        used.add("/ColorSpace", operands[0])
    elif operator in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
        used.add("/Pattern", operands[-1])
    elif operator in ("BDC", "DP") and len(operands) == 2:
        used.add("/Properties", operands[1])


def _thin_rectangle(state: _State, item: tuple[Any, pikepdf.Operator]) -> bool:
    """Return whether a path item is a rectangle at most RULE points across (clipping counts as nothing; any other
    line or curve makes the path something else than a rule)."""
    operands, operator = item
    if str(operator) in ("W", "W*"):
        return True
    if str(operator) != "re":
        return False
    width, height = (abs(float(value)) * state.scale for value in operands[2:4])
    return min(width, height) <= RULE


def _overprint_for(state: _State, used: _Used, fill: bool, stroke: bool) -> Instructions:
    """Return the graphics states to set for the overprint of fill and stroke wanted, following `state`."""
    wanted: Instructions = []
    for now, name, on, off in (
        (fill, "fill_overprint", "/BulletinFillOverprint", "/BulletinFillKnockout"),
        (stroke, "stroke_overprint", "/BulletinStrokeOverprint", "/BulletinStrokeKnockout"),
    ):
        if now != getattr(state, name):
            setattr(state, name, now)
            used.add("/ExtGState", pikepdf.Name(on if now else off))
            wanted.append(([pikepdf.Name(on if now else off)], pikepdf.Operator("gs")))
    return wanted


def _set_colour(state: _State, operator: str, operands: Any) -> None:
    """Follow a colour operator in `state`: whether the fill or the stroke colour is solid black."""
    fill = operator.islower()
    if operator in ("cs", "CS"):
        setattr(state, "fill_space" if fill else "stroke_space", str(operands[0]) if operands else "")
        black = False
    else:
        device = {"k": "/DeviceCMYK", "g": "/DeviceGray", "rg": "/DeviceRGB"}.get(operator.lower())
        if device:
            setattr(state, "fill_space" if fill else "stroke_space", device)
        space = state.fill_space if fill else state.stroke_space
        values = [float(value) for value in operands if isinstance(value, (int, float, Decimal))]
        black = space == "/DeviceCMYK" and tuple(values) == BLACK
    setattr(state, "fill_black" if fill else "stroke_black", black)


def _translucent_state(state: pikepdf.Dictionary) -> bool:
    """Return whether a graphics state paints at an opacity, through a soft mask, or blending."""
    mask, blend = state.get(pikepdf.Name.SMask), state.get(pikepdf.Name.BM)
    if mask is not None and mask != pikepdf.Name("/None"):
        return True
    if any(float(state.get(key, 1)) < 1 for key in (pikepdf.Name.CA, pikepdf.Name.ca)):
        return True
    modes = list(blend) if isinstance(blend, pikepdf.Array) else [] if blend is None else [blend]
    return any(mode not in (pikepdf.Name.Normal, pikepdf.Name.Compatible) for mode in modes)


def _transparent(press: _Press, resources: pikepdf.Dictionary, used: _Used) -> bool:
    """Return whether content with `resources` paints anything transparent; prepare the drawings it paints."""
    graphics = resources.get(pikepdf.Name.ExtGState, pikepdf.Dictionary())
    transparent = any(_translucent_state(state) for state in graphics.values() if isinstance(state, pikepdf.Dictionary))
    for name, xobject in resources.get(pikepdf.Name.XObject, pikepdf.Dictionary()).items():
        if xobject.get(pikepdf.Name.Subtype) == pikepdf.Name.Image:
            if pikepdf.Name.SMask in xobject or int(xobject.get(pikepdf.Name.SMaskInData, 0)):
                transparent = True
            continue
        if name in used.painted_translucent:
            press.painted_translucent.add(xobject.objgen)
        if xobject.objgen not in press.done:
            press.done[xobject.objgen] = False  # a drawing that paints itself is not followed twice
            inner = _prepare_stream(press, xobject, xobject.get(pikepdf.Name.Resources))
            press.done[xobject.objgen] = inner
            if not inner:
                press.opaque[xobject.objgen] = xobject
        transparent = transparent or press.done[xobject.objgen]
    return transparent
