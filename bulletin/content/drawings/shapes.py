"""Shapes: lengths, transforms and the boxes that a drawing's shapes cover, read as WeasyPrint reads them.

WeasyPrint reads a length as a number with a unit or a percentage (`weasyprint.svg.utils.size`),
a transform as a list of functions, each made a matrix (`utils.transform`), and draws each
shape from its attributes. Here the same values are read for `drawnvalues` to check and
`expansion` to place what is drawn: a box is always large enough to hold what it stands for
(the control points of a curve hold it; an arc is held by its radii around its ends), so that
a shape is never taken for lying outside the drawing when it does not. Nothing here decides
what is wrong.
"""

from __future__ import annotations

import math
import re

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f: x' = a x + c y + e, y' = b x + d y + f
Box = tuple[float, float, float, float]  # left, top, right, bottom
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
FONT_SIZE = 16.0  # px: what an em is taken to be (WeasyPrint starts from 12pt)
DEFAULT_VIEWPORT = (300.0, 150.0)  # the size of a drawing that says none, as a browser gives it
# Elements that fit a viewBox into a size of their own, and the attributes that give it.
VIEWPORTS = {"svg": ("width", "height"), "symbol": ("width", "height"), "marker": ("markerWidth", "markerHeight")}
NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
NUMBERS = re.compile(NUMBER)
LENGTH = re.compile(rf"\s*({NUMBER})\s*(%|[a-zA-Z]*)\s*")
UNITS = {
    "": 1.0,
    "px": 1.0,
    "pt": 4 / 3,
    "pc": 16.0,
    "in": 96.0,
    "cm": 96 / 2.54,
    "mm": 96 / 25.4,
    "q": 96 / 101.6,
    "em": FONT_SIZE,
    "rem": FONT_SIZE,
    "ex": FONT_SIZE / 2,
}
ANGLES = {"": 1.0, "deg": 1.0, "rad": 180 / math.pi, "grad": 0.9, "turn": 360.0}  # to degrees
# Transform function -> the numbers of arguments it takes (those WeasyPrint reads: `weasyprint.svg.utils.transform`).
FUNCTIONS = {
    "matrix": (6,),
    "translate": (1, 2),
    "translateX": (1,),
    "translateY": (1,),
    "scale": (1, 2),
    "scaleX": (1,),
    "scaleY": (1,),
    "rotate": (1, 3),
    "skew": (1, 2),
    "skewX": (1,),
    "skewY": (1,),
}
FUNCTION = re.compile(r"\s*([A-Za-z]+)\s*\(([^()]*)\)\s*,?")
ARGUMENT = re.compile(rf"[\s,]*({NUMBER}(?:%|[a-zA-Z]*))")
PATH_COMMAND = re.compile(r"[MmZzLlHhVvCcSsQqTtAa]")
PATH_ARGUMENTS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def length(value: str | None, reference: float = 0.0) -> float | None:
    """Return the length a value gives in pixels (percentages of `reference`), 0 for none, None when it is not one."""
    if value is None or not value.strip():
        return 0.0
    match = LENGTH.fullmatch(value)
    if not match or (match[2] != "%" and match[2].lower() not in UNITS):
        return None
    number = float(match[1])
    return number * reference / 100 if match[2] == "%" else number * UNITS[match[2].lower()]


def numbers(value: str | None) -> list[float]:
    """Return the numbers written in a value, in order."""
    return [float(number) for number in NUMBERS.findall(value or "")]


def transform_matrix(value: str) -> Matrix | None:
    """Return the matrix of a transform list, or None when a browser could not read it (a function it does not know, the
    wrong number of arguments, anything else in between)."""
    matrix, position = IDENTITY, 0
    value = value.strip()
    for match in FUNCTION.finditer(value):
        if match.start() != position or match[1] not in FUNCTIONS:
            return None
        position = match.end()
        arguments = ARGUMENT.findall(match[2])
        if len(arguments) not in FUNCTIONS[match[1]] or ARGUMENT.sub("", match[2]).strip(" \t\n\r,"):
            return None
        step = _function(match[1], arguments)
        if step is None:
            return None
        matrix = multiply(matrix, step)
    return matrix if position == len(value) else None


def every(values: list[float | None]) -> list[float] | None:
    """The values, or None when one of them could not be read."""
    read = [value for value in values if value is not None]
    return read if len(read) == len(values) else None


def _function(name: str, arguments: list[str]) -> Matrix | None:
    if name in ("rotate", "skew", "skewX", "skewY"):
        angles = every([_angle(argument) for argument in arguments[: 1 if name == "rotate" else 2]])
        lengths = every([length(argument) for argument in arguments[1:]] if name == "rotate" else [])
    else:
        angles, lengths = [], every([length(argument) for argument in arguments])
    if angles is None or lengths is None:
        return None
    if name == "matrix":
        a, b, c, d, e, f = lengths  # FUNCTIONS gives matrix() six arguments
        return (a, b, c, d, e, f)
    if name.startswith("translate"):
        x, y = (
            (lengths + [0.0])[:2]
            if name == "translate"
            else (lengths[0], 0.0)
            if name == "translateX"
            else (0.0, lengths[0])
        )
        return (1.0, 0.0, 0.0, 1.0, x, y)
    if name.startswith("scale"):
        x, y = (
            (lengths + lengths)[:2] if name == "scale" else (lengths[0], 1.0) if name == "scaleX" else (1.0, lengths[0])
        )
        return (x, 0.0, 0.0, y, 0.0, 0.0)
    if name == "rotate":
        turn = math.radians(angles[0])
        rotation = (math.cos(turn), math.sin(turn), -math.sin(turn), math.cos(turn), 0.0, 0.0)
        if len(lengths) == 2:  # about a point
            x, y = lengths
            return multiply((1.0, 0.0, 0.0, 1.0, x, y), multiply(rotation, (1.0, 0.0, 0.0, 1.0, -x, -y)))
        return rotation
    if name == "skewY":
        return (1.0, math.tan(math.radians(angles[0])), 0.0, 1.0, 0.0, 0.0)
    sideways = (1.0, 0.0, math.tan(math.radians(angles[0])), 1.0, 0.0, 0.0)
    return (
        multiply((1.0, math.tan(math.radians(angles[1])), 0.0, 1.0, 0.0, 0.0), sideways)
        if len(angles) == 2
        else sideways
    )


def _angle(value: str) -> float | None:
    match = LENGTH.fullmatch(value)
    if not match or match[2].lower() not in ANGLES:
        return None
    return float(match[1]) * ANGLES[match[2].lower()]


def multiply(outer: Matrix, inner: Matrix) -> Matrix:
    """Return the matrix that applies `inner`, then `outer`."""
    a, b, c, d, e, f = outer
    p, q, r, s, t, u = inner
    return (a * p + c * q, b * p + d * q, a * r + c * s, b * r + d * s, a * t + c * u + e, b * t + d * u + f)


def smaller_scale(matrix: Matrix) -> float:
    """Return how much the matrix shrinks a length in the direction it shrinks it most (its smaller singular value)."""
    a, b, c, d = matrix[:4]
    squares, determinant = a * a + b * b + c * c + d * d, abs(a * d - b * c)
    larger = math.sqrt(squares / 2 + math.sqrt(max(squares * squares / 4 - determinant * determinant, 0.0)))
    return determinant / larger if larger else 0.0


def map_box(matrix: Matrix, box: Box) -> Box:
    """Return the box that holds `box` once the matrix has moved it."""
    a, b, c, d, e, f = matrix
    left, top, right, bottom = box
    xs = [a * x + c * y + e for x in (left, right) for y in (top, bottom)]
    ys = [b * x + d * y + f for x in (left, right) for y in (top, bottom)]
    return min(xs), min(ys), max(xs), max(ys)


def overlap(first: Box, second: Box) -> Box | None:
    """Return the part two boxes share, or None when they share no area (touching edges share none)."""
    left, top = max(first[0], second[0]), max(first[1], second[1])
    right, bottom = min(first[2], second[2]), min(first[3], second[3])
    return (left, top, right, bottom) if left < right and top < bottom else None


def grow(box: Box, by: float) -> Box:
    """Return the box made larger by `by` on every side."""
    return box[0] - by, box[1] - by, box[2] + by, box[3] + by


def points_box(values: list[float]) -> Box | None:
    """Return the box of a list of x, y pairs, or None when there is no pair."""
    xs, ys = values[0 : len(values) - len(values) % 2 : 2], values[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs and ys else None


def shape_box(name: str, styles: dict[str, str], viewport: tuple[float, float]) -> Box | None:
    """Return the box a shape covers in its own space, before it is stroked; None when it draws nothing (no size, no
    points), or cannot be read (then a caller takes it to draw anywhere)."""
    width, height = viewport
    diagonal = math.hypot(width, height) / math.sqrt(2)

    def get(key: str, reference: float) -> float:
        found = length(styles.get(key), reference)
        return math.nan if found is None else found

    if name == "rect":
        x, y, w, h = get("x", width), get("y", height), get("width", width), get("height", height)
        return (x, y, x + w, y + h) if w > 0 and h > 0 else _unread(x, y, w, h)
    if name in ("circle", "ellipse"):
        rx = get("r", diagonal) if name == "circle" else get("rx", width)
        ry = rx if name == "circle" else get("ry", height)
        x, y = get("cx", width), get("cy", height)
        return (x - abs(rx), y - abs(ry), x + abs(rx), y + abs(ry)) if rx and ry else _unread(x, y, rx, ry)
    if name == "line":
        x1, y1, x2, y2 = get("x1", width), get("y1", height), get("x2", width), get("y2", height)
        return (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    if name in ("polyline", "polygon"):
        return points_box(numbers(styles.get("points")))
    if name == "path":
        return path_box(styles.get("d", ""))
    return None


def _unread(*values: float) -> Box | None:
    """None for a shape of no size; a box holding every point for one whose values could not be read."""
    return (-math.inf, -math.inf, math.inf, math.inf) if any(math.isnan(value) for value in values) else None


def path_box(data: str) -> Box | None:
    """Return the box that holds a path: its points and control points, each arc within its radii around its ends."""
    xs, ys = [], []
    x = y = start_x = start_y = 0.0
    commands = list(PATH_COMMAND.finditer(data))
    for index, command in enumerate(commands):
        end = commands[index + 1].start() if index + 1 < len(commands) else len(data)
        values = numbers(data[command.end() : end])
        letter, relative = command[0].lower(), command[0].islower()
        count = PATH_ARGUMENTS[letter]
        if letter == "z":
            x, y = start_x, start_y
            continue
        for group in range(0, len(values) - count + 1, count):
            part = values[group : group + count]
            if letter == "h":
                x = part[0] + (x if relative else 0)
            elif letter == "v":
                y = part[0] + (y if relative else 0)
            elif letter == "a":
                radius = abs(part[0]) + abs(part[1])
                new_x, new_y = part[5] + (x if relative else 0), part[6] + (y if relative else 0)
                radius = 2 * max(radius, math.hypot(new_x - x, new_y - y))
                xs += [x - radius, x + radius]
                ys += [y - radius, y + radius]
                x, y = new_x, new_y
            else:
                for pair in range(0, count, 2):
                    xs.append(part[pair] + (x if relative else 0))
                    ys.append(part[pair + 1] + (y if relative else 0))
                x, y = xs[-1], ys[-1]
            xs.append(x)
            ys.append(y)
            if letter == "m" and group == 0:
                start_x, start_y = x, y
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def drawing_viewport(root: dict[str, str]) -> tuple[tuple[float, float], Box | None]:
    """Return the size of the drawing's space, and the part of it that shows: its viewBox, widened on both sides
    where its width and height give the drawing other proportions (a browser centres the viewBox then), or its
    width and height; None where it gives neither."""
    box = numbers(root.get("viewBox"))
    width, height = length(root.get("width")), length(root.get("height"))
    sized = (width, height) if width is not None and height is not None and width > 0 and height > 0 else None
    if len(box) != 4:
        return (sized, (0.0, 0.0, *sized)) if sized else (DEFAULT_VIEWPORT, None)
    left, top, across, down = box
    if sized and root.get("preserveAspectRatio", "").split()[:1] != ["none"]:
        width, height = sized
        scale = min(width / across, height / down)
        extra_x, extra_y = width / scale - across, height / scale - down
        return (across, down), (left - extra_x, top - extra_y, left + across + extra_x, top + down + extra_y)
    return (across, down), (left, top, left + across, top + down)


def viewport_matrix(own: dict[str, str], sized: dict[str, str], name: str) -> Matrix:
    """Return what an inner <svg>, a symbol or a marker does to what it draws: moves it by its x and y (not a
    marker's, placed at its vertex), and fits its viewBox into its size, keeping its proportions unless told not
    to."""
    moved = IDENTITY if name == "marker" else translation(own)
    box = numbers(own.get("viewBox"))
    width, height = (length(sized.get(key, "3" if name == "marker" else None)) for key in VIEWPORTS[name])
    if len(box) != 4 or not width or not height or box[2] <= 0 or box[3] <= 0:
        return moved
    across, down = width / box[2], height / box[3]
    if own.get("preserveAspectRatio", "").split()[:1] != ["none"]:
        across = down = min(across, down)
    return multiply(moved, (across, 0.0, 0.0, down, -box[0] * across, -box[1] * down))


def translation(styles: dict[str, str]) -> Matrix:
    """Return the move a <use> or an inner <svg> makes by its x and y."""
    return (1.0, 0.0, 0.0, 1.0, length(styles.get("x")) or 0.0, length(styles.get("y")) or 0.0)


def alpha(value: str | None) -> float:
    """Read an opacity as WeasyPrint reads it (`alpha_value`): a number or a percentage, between 0 and 1."""
    value = (value or "1").strip()
    try:
        number = float(value[:-1]) / 100 if value.endswith("%") else float(value)
    except ValueError:
        return 1.0
    return min(1.0, max(0.0, number))
