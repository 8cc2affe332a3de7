"""Typed reading of YAML trees: each getter checks one field and records what is wrong.

Used by `validation`, which knows what an issue must contain; this module only knows how
to say, with the file, line and column, that a field is missing, has the wrong type or
holds a value YAML read differently from what the editor meant (`no` as false, `1.10`
as a number, an unquoted date where text is expected).
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias, TypeVar

from ..language.characters import describe_character
from ..util.errors import Problem
from .loading import Spot, YamlList, YamlMap

IDENTIFIER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # ids: lowercase words joined by hyphens (whole value)
MAX_IDENTIFIER = 60  # characters of an id: it names an anchor and a line of the translators' files

_Read = TypeVar("_Read")  # what a reader gives
# A reader of one kind of value (`text`, `day`, `number`...): the value, where it is written, how a problem
# names it; it reports what is wrong and returns None.
Reader: TypeAlias = Callable[["Checker", object, Spot, str], _Read | None]

_KIND_NAMES = {
    bool: "a yes/no value",
    int: "a whole number",
    float: "a number",
    str: "text",
    datetime.date: "a date",
    datetime.datetime: "a date and time",
    YamlMap: "a mapping of fields",
    YamlList: "a list",
    type(None): "nothing (an empty value)",
}


def describe(value: object) -> str:
    """Name the kind of a YAML value the way an editor would."""
    return _KIND_NAMES.get(type(value), type(value).__name__)


@dataclass
class Checker:
    """Collects problems while fields are read."""

    problems: list[Problem] = field(default_factory=list)  # everything found so far
    # Per mapping (by id()), the fields written misspelt in it: the missing field a typo was meant for is
    # not reported a second time as missing.
    misspelt: dict[int, set[str]] = field(default_factory=dict)
    # Whether a picture is opened to check that it can be printed, or only found: the translators' commands,
    # which read the texts alone, need not decode every photograph of the issue.
    open_pictures: bool = True

    def report(self, spot: Spot, message: str) -> None:
        """Record a problem at `spot`."""
        self.problems.append(Problem(spot.mark, message))

    def mapping(self, value: object, spot: Spot, what: str) -> YamlMap | None:
        """Return `value` if it is a mapping, else report and return None."""
        if isinstance(value, YamlMap):
            return value
        self.report(spot, f"{what}: expected a mapping of fields, found {describe(value)}")
        return None

    def sequence(self, value: object, spot: Spot, what: str) -> YamlList | None:
        """Return `value` if it is a list, else report and return None."""
        if isinstance(value, YamlList):
            return value
        self.report(spot, f"{what}: expected a list, found {describe(value)}")
        return None

    def known_fields(self, node: YamlMap, allowed: tuple[str, ...], what: str) -> None:
        """Report fields of `node` that are not among `allowed` (typos, mostly), with the nearest allowed name."""
        for key in node:
            if key in allowed:
                continue
            meant = nearest(str(key), [name for name in allowed if name not in node])
            if meant is not None:
                self.misspelt.setdefault(id(node), set()).add(meant)
            self.report(
                node.key_spots[key],
                f"{what}: unknown field '{key}'"
                + (f" (did you mean '{meant}'?)" if meant else "")
                + f"; expected one of: {', '.join(allowed)}",
            )

    def absent(self, node: YamlMap, key: str, what: str) -> None:
        """Report that the field `key` of `node` is missing, unless a misspelling of it was reported."""
        if key not in self.misspelt.get(id(node), ()):
            self.report(node.spot, f"{what}: '{key}' is missing")

    def mapping_field(self, node: YamlMap, key: str, what: str, required: bool = True) -> YamlMap | None:
        """Return the mapping `node[key]`; report when it is absent (if required) or not a mapping."""
        if key not in node:
            if required:
                self.absent(node, key, what)
            return None
        return self.mapping(node[key], node.value_spots[key], f"{what}: '{key}'")

    def list_field(self, node: YamlMap, key: str, what: str) -> YamlList | None:
        """Return the list `node[key]`; report when it is absent or not a list."""
        if key not in node:
            self.absent(node, key, what)
            return None
        return self.sequence(node[key], node.value_spots[key], f"{what}: '{key}'")

    def get(self, node: YamlMap, key: str, what: str, kind: Reader[_Read], required: bool = True) -> _Read | None:
        """Read `node[key]` checked by `kind` (one of the readers below); None if wrong or absent."""
        if key not in node:
            if required:
                self.absent(node, key, what)
            return None
        return kind(self, node[key], node.value_spots[key], f"{what}: '{key}'")


def text(checker: Checker, value: object, spot: Spot, what: str) -> str | None:
    """Read non-empty text; explain values that YAML 1.1 turned into something else."""
    if isinstance(value, str):
        if value.strip():
            return value
        checker.report(spot, f"{what} is empty; expected text")
        return None
    if value is None:
        checker.report(spot, f"{what} is empty; expected text")
        return None
    hint = ""
    if spot.raw is not None and not spot.quoted:
        hint = (
            f" (YAML reads the unquoted {spot.raw!r} as {describe(value)};"
            f' write "{spot.raw}" in quotes if it is meant as text)'
        )
    checker.report(spot, f"{what}: expected text, found {describe(value)}{hint}")
    return None


def nearest(name: str, names: list[str]) -> str | None:
    """The one of `names` that `name` is most likely a typo of, if any is close."""
    found = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.75)
    return found[0] if found else None


def odd_character(name: str) -> str | None:
    """Name the first character of `name` that no id may hold (a look-alike letter, an invisible space), if any."""
    found = re.search(r"[^a-z0-9-]", name)
    return describe_character(found[0]) if found else None


def identifier(checker: Checker, value: object, spot: Spot, what: str) -> str | None:
    """Read an id: lowercase letters, digits and single hyphens, the whole value (no line break after it)."""
    found = text(checker, value, spot, what)
    if found is not None and not IDENTIFIER.fullmatch(found):
        odd = odd_character(found)
        checker.report(
            spot,
            f"{what}: {found!r} is not a valid id"
            + (f": it holds {odd}, which no id has" if odd else "")
            + "; expected lowercase letters, digits and hyphens, such as 'vagif-poetry-days'",
        )
        return None
    if found is not None and len(found) > MAX_IDENTIFIER:
        checker.report(spot, f"{what}: the id is {len(found)} characters long; an id has at most {MAX_IDENTIFIER}")
        return None
    return found


def day(checker: Checker, value: object, spot: Spot, what: str) -> datetime.date | None:
    """Read a calendar date written as YYYY-MM-DD."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and (written := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", value.strip())):
        year, month, number = (int(part) for part in written.groups())
        checker.report(spot, f"{what}: {_not_a_date(written[0], year, month, number, spot)}")
        return None
    checker.report(
        spot,
        f"{what}: expected a date written as YYYY-MM-DD, found {describe(value)}"
        + (f" {spot.raw!r}" if spot.raw else ""),
    )
    return None


def _not_a_date(written: str, year: int, month: int, number: int, spot: Spot) -> str:
    """Why text with the shape of a date is not read as one: no such day (2022-02-31), or written otherwise."""
    if not 1 <= month <= 12:
        return f"{written} is not a day of the calendar: there is no month {month}"
    if year < 1:
        return f"{written} is not a day of the calendar: there is no year 0"
    if not 1 <= number <= calendar.monthrange(year, month)[1]:
        return (
            f"{written} is not a day of the calendar:"
            f" {datetime.date(year, month, 1):%B %Y} has {calendar.monthrange(year, month)[1]} days"
        )
    as_date = f"{year:04}-{month:02}-{number:02}"
    if spot.quoted:
        return f"{written} is in quotes, so it is text; write the date without quotes: {as_date}"
    return f"{written}: write a date with two digits for its month and day: {as_date}"


MAX_NUMBER = 10**15  # no figure of the bulletin comes near; beyond it, numbers cannot be printed exactly


def _odd_number(value: int | float, spot: Spot) -> str | None:
    """What is wrong with a number as YAML read it: written in a way YAML 1.1 reads as another number (base 60,
    octal, hexadecimal), not finite, or too large to print; None when it is what it looks like."""
    raw = (spot.raw or "").strip().replace("_", "")
    if ":" in raw:
        return f"YAML reads {spot.raw!r} as the base-60 number {value}; write the number in plain digits"
    if re.fullmatch(r"[-+]?0[0-7]+|[-+]?0[xXbB][0-9a-fA-F]+", raw):
        return f"YAML reads {spot.raw!r} as {value}; write the number without a leading 0 (or 0x, 0b)"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{spot.raw!r} is not a finite number"
    if abs(value) >= MAX_NUMBER:
        return f"{spot.raw!r} is too large for a figure of the bulletin (at most 15 digits)"
    return None


def whole_number(checker: Checker, value: object, spot: Spot, what: str) -> int | None:
    """Read a positive whole number."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value if _as_it_looks(checker, value, spot, what) else None
    _not_a_number(checker, value, spot, what, "a positive whole number")
    return None


def number(checker: Checker, value: object, spot: Spot, what: str) -> float | None:
    """Read a number, whole or decimal."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value if _as_it_looks(checker, value, spot, what) else None
    _not_a_number(checker, value, spot, what, "a number")
    return None


def _as_it_looks(checker: Checker, value: int | float, spot: Spot, what: str) -> bool:
    """Whether `value` is the number it looks like (`_odd_number`); report it when it is not."""
    if problem := _odd_number(value, spot):
        checker.report(spot, f"{what}: {problem}")
        return False
    return True


def _not_a_number(checker: Checker, value: object, spot: Spot, what: str, expected: str) -> None:
    """Report that `value` is not the `expected` number."""
    checker.report(
        spot, f"{what}: expected {expected}, found {describe(value)}" + (f" {spot.raw!r}" if spot.raw else "")
    )


def unique(checker: Checker, seen: dict[str, Spot], key: str | None, spot: Spot, what: str) -> bool:
    """Record `key` in `seen`; report and return False when it was there already."""
    if key is None:
        return False
    if key in seen:
        checker.report(spot, f"duplicate {what} '{key}' (first used at line {seen[key].mark.line})")
        return False
    seen[key] = spot
    return True
