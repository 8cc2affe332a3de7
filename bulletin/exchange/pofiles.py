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
from ..language.catalogs import parse_catalog
from ..util.errors import ContentError, Mark, Problem
from .units import FUZZY, Exchanged, Returned, Unit

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
                comment=unit.note,
                occurrences=[(f"{language}.yaml", str(unit.field.mark.line))],
                flags=["fuzzy"] if fuzzy else [],
                previous_msgid=unit.previous.strip("\n") if fuzzy and unit.previous else None,
            )
        )
    return str(catalog)


def read_po_file(path: Path, text: str) -> Exchanged:
    """The units of the PO file at `path`, whose content is `text`; ContentError, at its line, when polib cannot
    read it or a place is given twice."""
    try:
        catalog = parse_catalog(text)
    except (OSError, ValueError) as err:  # polib's words for a syntax error and for an entry given twice
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
            )
        )
    metadata = catalog.metadata
    return Exchanged(path, metadata.get("X-Bulletin-Issue"), metadata.get("Language"), units)
