"""What is wrong in a catalog that reads: what gettext's `msgfmt --check` refuses, and what the templates
could not print.

The templates format every interface string with `%` (Jinja2's new-style gettext does, with or without
arguments), so every translation is read as a Python format string against its msgid: a placeholder
the msgid does not have, one of the msgid's left out, another conversion (`%(number)d` for
`%(number)s`), a width, precision or flag the msgid's placeholder does not have (`%(value)2000000s`
pads the text with two million spaces, which the layout takes minutes on; `%(value).0s` prints
nothing of it), an unnamed one (`%s`) or a `%` that starts none is a problem. A plural form may leave
out the number only when it is chosen for one number alone (English "one article"), as msgfmt allows.
A translation begins and ends with a line break only where its msgid does, and holds no character
no text may hold nor a letter with too many marks (`characters`). The header declares UTF-8 (catalogs
are read and compiled as UTF-8) and the plural forms of the language as Babel counts them.

Where msgfmt is more lenient it is because it does not render: it checks `%` only in entries flagged
python-format and accepts any charset it can convert; the build would fail or print the wrong thing.
Fuzzy and obsolete entries are not checked, since they are never compiled; whether every template
string is translated is `catalogs.read_catalog`'s. Each problem is at its line of the .po file: the
msgstr, or the header field. This module reads no file.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import get_close_matches
from gettext import c2py
from pathlib import Path
from typing import NamedTuple

import polib
from babel import Locale
from babel.messages.catalog import PYTHON_FORMAT
from babel.messages.plurals import get_plural
from markupsafe import Markup, escape

from ..util.errors import Mark, Problem
from .characters import REFUSED, describe_character, refusal, stacked_marks, too_many_marks

SAMPLE_NUMBERS = range(1000)  # the numbers a plural rule is tried on, as msgfmt tries its own range
UTF8 = ("utf-8", "utf8")  # the charsets a header may declare, in lower case
_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def catalog_faults(catalog: polib.POFile, text: str, path: Path, language: str) -> list[Problem]:
    """Return what msgfmt --check would refuse in the catalog, and what the templates could not format."""
    rows = text.splitlines()  # as polib numbers its lines
    first_entry = min((entry_line(entry) for entry in catalog), default=len(rows) + 1)
    header = _header_rows(rows[:first_entry])
    faults = _charset_faults(catalog, path, header)
    count, choices, plural_faults = _plural_rule(catalog, language, path, header)
    faults += plural_faults
    for entry in catalog:
        if entry.obsolete or entry.fuzzy or not entry.msgid:
            continue
        lines = msgstr_lines(rows, entry_line(entry))
        label = f'interface string "{entry.msgid}"'
        if not entry.msgid_plural:
            if entry.msgstr:
                faults += [
                    Problem(Mark(path, _line_of(rows, lines, "msgstr"), 1), f"{label}: {message}")
                    for message in _translation_faults(entry.msgid, (entry.msgid,), entry.msgstr, True)
                ]
            continue
        if len(entry.msgstr_plural) > count:
            faults.append(
                Problem(
                    Mark(path, _line_of(rows, lines, f"msgstr[{count}]"), 1),
                    f"{label} has {len(entry.msgstr_plural)} plural forms; the header's"
                    f" Plural-Forms has nplurals={count}",
                )
            )
        for form, translation in sorted(entry.msgstr_plural.items()):
            if not translation:  # an empty form is an untranslated entry, which catalogs.read_catalog tells
                continue
            strict = choices is None or choices.count(form) > 1
            faults += [
                Problem(
                    Mark(path, _line_of(rows, lines, f"msgstr[{form}]"), 1), f"{label}, plural form {form}: {message}"
                )
                for message in _translation_faults(entry.msgid, (entry.msgid, entry.msgid_plural), translation, strict)
            ]
    return faults


def plural_count(catalog: polib.POFile, language: str) -> int:
    """Return how many plural forms the catalog's header declares; Babel's count for the language without one."""
    declared = _NPLURALS.search(catalog.metadata.get("Plural-Forms", ""))
    return int(declared.group(1)) if declared else get_plural(language).num_plurals


def entry_line(entry: polib.POEntry) -> int:
    """Return the 1-based line an entry starts on: polib numbers each entry it reads (1 for one it did not)."""
    return entry.linenum if entry.linenum is not None else 1


def msgstr_lines(rows: list[str], first: int) -> list[int]:
    """The 0-based numbers of the lines holding an entry's msgstr (its plural forms, its continued lines),
    the entry starting on the 1-based line `first`."""
    number = max(first - 1, 0)
    while number < len(rows) and not rows[number].startswith("msgstr"):
        number += 1
    spans = []
    while number < len(rows) and rows[number].startswith(("msgstr", '"')):
        spans.append(number)
        number += 1
    return spans


def _line_of(rows: list[str], lines: list[int], keyword: str) -> int:
    """The 1-based line among `lines` where `keyword` (msgstr, msgstr[1]) begins; the first of them if none."""
    found = [number for number in lines if rows[number].split(" ", 1)[0] == keyword]
    return (found or lines or [0])[0] + 1


def _header_rows(rows: list[str]) -> dict[str, int]:
    """The 1-based line of each header field, by lower-case name; the header's own first line as ''."""
    fields = {"": next((number for number, row in enumerate(rows, 1) if row.startswith('msgid ""')), 1)}
    for number, row in enumerate(rows, 1):
        if match := re.match(r'"([A-Za-z-]+):', row):
            fields.setdefault(match.group(1).lower(), number)
    return fields


def _charset_faults(catalog: polib.POFile, path: Path, header: dict[str, int]) -> list[Problem]:
    """The catalog is read and compiled as UTF-8, so its header must say so: a .mo file that claims
    another charset is decoded with it when the build loads it."""
    content_type = catalog.metadata.get("Content-Type")
    if content_type is None:
        return [
            Problem(
                Mark(path, header[""], 1),
                'the header has no Content-Type; add the line "Content-Type: text/plain; charset=UTF-8\\n"',
            )
        ]
    charset = re.search(r"charset=([^\s;]+)", content_type)
    if charset and charset.group(1).lower() in UTF8:
        return []
    return [
        Problem(
            Mark(path, header.get("content-type", header[""]), 1),
            f'the header\'s Content-Type is "{content_type}", but catalogs are read as UTF-8: make it'
            ' "text/plain; charset=UTF-8", with the file saved as UTF-8',
        )
    ]


def _plural_rule(
    catalog: polib.POFile, language: str, path: Path, header: dict[str, int]
) -> tuple[int, list[int] | None, list[Problem]]:
    """How many plural forms the header declares and the form its rule picks for each of SAMPLE_NUMBERS, as
    the build will use them (None when the rule cannot be read), with what is wrong with them for the
    language (Babel's rule)."""
    expected = get_plural(language)
    wanted = f'"Plural-Forms: {expected}\\n"'
    name = Locale.parse(language).english_name
    mark = Mark(path, header.get("plural-forms", header[""]), 1)
    declared = catalog.metadata.get("Plural-Forms")
    if declared is None:
        if not any(entry.msgid_plural for entry in catalog if not entry.obsolete):
            return expected.num_plurals, None, []
        return (
            expected.num_plurals,
            None,
            [
                Problem(
                    mark,
                    f"the header has no Plural-Forms, which a catalog with"
                    f" plural entries needs; for {name} add the line {wanted}",
                )
            ],
        )
    count = _NPLURALS.search(declared)
    expression = re.search(r"plural\s*=\s*([^;]+)", declared)
    nplurals = int(count.group(1)) if count else expected.num_plurals
    try:
        rule = c2py(expression.group(1)) if count and expression else None
        choices = [rule(number) for number in SAMPLE_NUMBERS] if rule else None
    except (ValueError, SyntaxError, RecursionError, ArithmeticError):  # unreadable, or a division by zero
        choices = None
    if choices is None:
        return nplurals, None, [Problem(mark, f"the header's Plural-Forms cannot be read; for {name} it is {wanted}")]
    if nplurals != expected.num_plurals:
        return (
            nplurals,
            choices,
            [
                Problem(
                    mark,
                    f"the header's Plural-Forms has nplurals={nplurals}, but {name}"
                    f" has {expected.num_plurals} plural forms; make it {wanted}",
                )
            ],
        )
    rule = c2py(expected.plural_expr)
    for number, form in zip(SAMPLE_NUMBERS, choices):
        if form != rule(number):
            return (
                nplurals,
                choices,
                [
                    Problem(
                        mark,
                        f"the header's plural rule chooses form {form} for {number},"
                        f" where {name} uses form {rule(number)}; make it {wanted}",
                    )
                ],
            )
    return nplurals, choices, []


def _translation_faults(msgid: str, sources: tuple[str, ...], translation: str, strict: bool) -> list[str]:
    """What is wrong with one translation of `msgid` (its plural too, among `sources`): placeholders the
    templates could not fill, and line breaks at either end that the msgid does not have. `strict`: the
    translation must use every placeholder (a plural form used for one number alone need not)."""
    shapes = {name: (spec, conversion) for source in sources for name, spec, conversion in _placeholders(source).named}
    known = {name: spec + conversion for name, (spec, conversion) in shapes.items()}  # as the msgid writes them
    found = _placeholders(translation)
    used = {name for name, _spec, _conversion in found.named} | set(found.cut)
    left_out = [name for name in known if name not in used]
    faults = [f"%({name}) has no conversion; write %({name}){known.get(name, 's')}" for name in found.cut]
    for name, spec, conversion in found.named:
        if name in known and conversion != shapes[name][1]:
            faults.append(f"%({name}){spec}{conversion} should be %({name}){known[name]}, as in the msgid")
        elif name in known and spec != shapes[name][0]:
            faults.append(
                f"%({name}){spec}{conversion} has a width, precision or flag that the msgid's"
                f" %({name}){known[name]} does not, which pads the text with spaces or cuts it;"
                f" write %({name}){known[name]}"
            )
        elif name not in known:
            guess = get_close_matches(name, left_out, 1)
            left_out = [other for other in left_out if other not in guess]  # one mistake, said once
            faults.append(
                f"%({name}){spec}{conversion} is not a placeholder of the msgid; "
                + (
                    f"did you mean %({guess[0]}){known[guess[0]]}?"
                    if guess
                    else f"it has {_listing(known)}"
                    if known
                    else "it has none"
                )
            )
    faults += [
        f'"{placeholder}" reads as a placeholder without a name: write "%%" for a percent sign'
        + (f", or a placeholder of the msgid: {_listing(known)}" if known else "")
        for placeholder in found.unnamed
    ]
    if found.stray:  # the templates format every interface string, placeholders or not
        faults.append('a "%" that starts no placeholder: write "%%" for a percent sign')
    # Characters no text may hold, as in the texts (`characters`): the glyph check leaves them to this one.
    faults += [
        f"character {describe_character(char)} {refusal(char)}" for char in dict.fromkeys(REFUSED.findall(translation))
    ]
    composed = unicodedata.normalize("NFC", translation)  # the marks counted as in the texts
    faults += [too_many_marks(composed, index, count) for index, count in stacked_marks(composed)][:1]
    if strict and not found.unnamed:
        faults += [f"%({name}){known[name]} of the msgid is missing from the translation" for name in left_out]
    if not faults:
        try:  # what Jinja2 does with it, given text for each placeholder as the templates give
            Markup(escape(translation)) % {name: "1" for name in known}
        except (ValueError, TypeError, KeyError) as err:
            faults.append(f"cannot be formatted: {err}")
    for end, test in (("begins", str.startswith), ("ends", str.endswith)):
        if test(translation, "\n") != test(msgid, "\n"):
            faults.append(
                f"the translation {end} with a line break and the msgid does not"
                if test(translation, "\n")
                else f"the msgid {end} with a line break and the translation does not"
            )
    return faults


class _Placeholders(NamedTuple):
    """The placeholders of a format string, as Python's % reads them."""

    named: list[tuple[str, str, str]]  # name, width and precision (with flags) and conversion of each %(name)s
    unnamed: list[str]  # each %s, %d... as written
    cut: list[str]  # the name of each %(name) that no conversion follows
    stray: bool  # a % that starts nothing at all


def _placeholders(text: str) -> _Placeholders:
    found = _Placeholders([], [], [], False)
    covered: set[int] = set()
    for match in PYTHON_FORMAT.finditer(text):
        covered.update(range(match.start(), match.end()))
        name, spec, conversion = match.groups()
        if name is not None:
            found.named.append((name, spec, conversion))
        elif conversion != "%":
            found.unnamed.append(match.group(0))
    for index in (index for index, char in enumerate(text) if char == "%" and index not in covered):
        if cut := re.match(r"%\((\w*)\)", text[index:]):
            found.cut.append(cut.group(1))
        else:
            found = found._replace(stray=True)
    return found


def _listing(placeholders: dict[str, str]) -> str:
    return ", ".join(f"%({name}){written}" for name, written in placeholders.items())
