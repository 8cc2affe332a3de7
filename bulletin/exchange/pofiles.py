"""Translation units as a gettext PO file, the format Poedit, Lokalize, Weblate, OmegaT, memoQ and Trados read.

Each unit is an entry: its place as `msgctxt`, the source text as `msgid`, the translation as
`msgstr` (empty when there is none), what the text is as a comment for translators (`#.`), the
language file as its reference (`#:`), and, when it is fuzzy, the flag `#, fuzzy` with the source
text it was confirmed against as the previous msgid (`#| msgid`), which tools show as what changed.
The file is written with polib; `msgfmt --check` accepts it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import polib
from babel.messages.plurals import get_plural

from ..language.catalog_checks import entry_line, msgstr_lines
from ..util.errors import ContentError, Mark, Problem
from .units import BASE, BASE_NOTE, FUZZY, Exchanged, Returned, Unit

WIDTH = 79  # gettext's own wrapping


def po_file(units: list[Unit], issue: str, language: str, source_language: str, now: datetime | None = None) -> str:
    """The PO file of `units`, the texts of `issue` in `language` translated from `source_language`."""
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M%z")
    catalog = polib.POFile(wrapwidth=WIDTH)
    catalog.header = (
        f'Texts of the issue {issue} of "Since the Victory", {source_language} to {language}.\n'
        f"Translate each msgstr; then: build.py import {issue} THIS-FILE"
    )
    catalog.metadata = {
        "Project-Id-Version": f"Since the Victory {issue}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": stamp,
        "Last-Translator": "",
        "Language-Team": language,
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": get_plural(language).plural_forms,
        "X-Bulletin-Issue": issue,
        "X-Source-Language": source_language,
    }
    for unit in units:
        fuzzy = unit.state == FUZZY
        catalog.append(
            polib.POEntry(
                msgctxt=unit.key,
                # Both ends without line breaks: msgfmt wants msgid and msgstr to begin and end alike.
                msgid=unit.source.strip("\n"),
                msgstr=unit.target.strip("\n"),
                comment=f"{unit.note}\n{BASE_NOTE}{unit.base}",
                # Where the text is; of one not written yet, the file alone (its mark is the place that lacks it).
                occurrences=[(f"{language}.yaml", "" if unit.field.gap else str(unit.field.mark.line))],
                flags=["fuzzy"] if fuzzy else [],
                previous_msgid=unit.previous.strip("\n") if fuzzy and unit.previous else None,
            )
        )
    return str(catalog)


def read_po_file(path: Path, text: str) -> Exchanged:
    """The units of the PO file at `path`, whose content is `text`; ContentError, at its line, when polib cannot
    read it or a place is given twice."""
    try:
        # An entry given twice is told by the import, at both its lines. (A text that names a file would be read
        # from there by polib: a PO file's text always has a line break.)
        catalog = polib.pofile(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except (OSError, ValueError) as err:  # polib's word for a syntax error
        said = " ".join(str(err).split())
        found = re.search(r"line (\d+)", said)
        raise ContentError(
            [Problem(Mark(path, int(found[1]) if found else 1, 1), f"cannot read the PO file: {said}")]
        ) from None
    rows = text.splitlines()
    units = []
    for entry in catalog:
        if entry.obsolete or entry.msgctxt is None:
            continue
        lines = msgstr_lines(rows, entry_line(entry))
        units.append(
            Returned(
                entry.msgctxt,
                entry.msgid,
                entry.msgstr,
                "fuzzy" in entry.flags,
                lines[0] + 1 if lines else entry_line(entry),
                found[1] if (found := BASE.search(entry.comment or "")) else None,
            )
        )
    metadata = catalog.metadata
    return Exchanged(path, metadata.get("X-Bulletin-Issue"), metadata.get("Language"), units)
