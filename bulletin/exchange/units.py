"""An issue's texts in one language as translation units: what a translator's tool shows, one by one.

Each text the language file holds (or should hold) becomes a unit keyed by its place
(`articles.vagif-mausoleum.title`), with the source-language text, the translation as it is, a note
saying what the text is, and its state:

- translated: confirmed against the current source text;
- fuzzy: stale (with the source text it was confirmed against, when recorded) or never confirmed;
- empty: not translated yet.

A Markdown text (a body, the about page) becomes a unit per paragraph and list item
(`articles.x.body.2`), so that a tool's memory matches paragraph by paragraph, when the translation
has as many as the source (or none yet); then, of a stale text, only the paragraphs whose source
changed are fuzzy, each with its previous source paragraph. Otherwise it is one unit, whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..content.sources import (
    FRESH,
    STALE,
    Confirmations,
    freshness,
    previous_source,
    read_confirmations,
    source_text,
)
from ..content.texts import MARKDOWN_FIELDS, TextField, Texts
from ..language.segments import segments
from .memory import Memory, Suggestion

TRANSLATED, FUZZY, EMPTY = "translated", "fuzzy", "empty"

# What each kind of text is, by the last part of its place (or its group), for the translator's note.
NOTES = {
    "title": "a title: one line, no full stop at its end",
    "lead": "an article's lead: one or two sentences in plain text, under its title",
    "body": "a paragraph of an article's body (Markdown): keep *emphasis* and [links](…) as the source has them",
    "about": "a paragraph of the about page (Markdown): keep *emphasis* and [links](…) as the source has them",
    "caption": "a picture's caption, printed under it",
    "credit": "a picture's credit line: who took or owns it",
    "alt": "a picture's alt text: what it shows, for readers who cannot see it (the screen edition)",
    "publisher": "the publisher's name, in the imprint",
    "cover_alt": "the cover picture's alt text: what it shows, for readers who cannot see it",
    "chronology": "an event of the chronology: one sentence, after its date",
    "figures": "the label of a key figure, printed under its number: a few words",
    "charts": "a chart's title",
}
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Unit:
    """One text, or one paragraph of a text, to translate."""

    key: str  # its place: the field's name, and the paragraph's number after a dot
    source: str  # the source-language text
    target: str  # the translation, "" when there is none
    state: str  # TRANSLATED, FUZZY or EMPTY
    previous: str | None  # of a stale unit, the source text it was confirmed against, when recorded
    note: str  # what the text is, for the translator
    field: TextField  # the field it is, or is a paragraph of
    suggestion: Suggestion | None = None  # of a text not translated yet, what the memory suggests (its target)


def units_of(
    folder: Path, texts: Texts, language: str, source_language: str, memory: Memory | None = None
) -> list[Unit]:
    """Every unit of `language`, in the order of its file: a unit for each text that has a source text; with a
    `memory`, an empty unit whose source text it remembers is fuzzy, with the translation it suggests."""
    record = read_confirmations(folder, language)
    found: list[Unit] = []
    for item in texts.of(language):
        source = source_text(texts, item, source_language)
        if source is None or not source.strip():
            continue
        units = _units(item, source, freshness(texts, item, source_language), record)
        if memory is None:
            found += units
            continue
        # The paragraphs of a body translated under the id it had before, or each unit as the memory has it.
        whole = memory.renamed_paragraphs(source, len(units)) if len(units) > 1 else None
        found += [
            _suggested(unit, memory, source_language, whole[index] if whole else None)
            for index, unit in enumerate(units)
        ]
    return found


def _suggested(unit: Unit, memory: Memory, source_language: str, given: Suggestion | None = None) -> Unit:
    """`unit`, when it is empty and `memory` remembers its source text (or `given`, its paragraph of a renamed
    text), fuzzy with the translation remembered."""
    if unit.state != EMPTY or (found := memory.suggest(unit.source.strip("\n")) or given) is None:
        return unit
    said = (
        f"; suggested: the translation of {found.place} in {found.issue}, whose {source_language} text is {found.match}"
    )
    return replace(unit, target=found.translation, state=FUZZY, note=unit.note + said, suggestion=found)


def _units(item: TextField, source: str, state: str | None, record: Confirmations) -> list[Unit]:
    note = NOTES.get(item.key[-1]) or NOTES.get(item.key[0], "a text of the issue")
    unit_state = EMPTY if item.value is None else TRANSLATED if state == FRESH else FUZZY
    previous = previous_source(record, item) if state == STALE else None
    target = item.value or ""
    if item.key[-1] in MARKDOWN_FIELDS:
        cut = segments(source)
        done = segments(target) if target else None
        if cut is not None and len(cut.texts) > 1 and (not target or (done and len(done.texts) == len(cut.texts))):
            before = segments(previous) if previous is not None else None
            lined_up = before is not None and len(before.texts) == len(cut.texts)
            units = []
            for index, paragraph in enumerate(cut.texts):
                was = before.texts[index] if before is not None and lined_up else None
                same = was is not None and _SPACE.sub(" ", was).strip() == _SPACE.sub(" ", paragraph).strip()
                units.append(
                    Unit(
                        f"{item.name}.{index + 1}",
                        paragraph,
                        done.texts[index] if done else "",
                        TRANSLATED if unit_state == FUZZY and same else unit_state,
                        None if same else was,
                        f"{note}; paragraph {index + 1} of {len(cut.texts)}",
                        item,
                    )
                )
            return units
    return [Unit(item.name, source, target, unit_state, previous, note, item)]


@dataclass(frozen=True)
class Returned:
    """A unit as a translator's file gives it back."""

    key: str  # its place
    source: str  # the source text the file shows
    target: str  # the translation, "" when there is none
    fuzzy: bool  # marked as needing review (fuzzy, or a state short of translated)
    line: int  # the line of the file where its translation is


@dataclass(frozen=True)
class Exchanged:
    """A translator's file: whose texts it holds, and its units."""

    path: Path
    issue: str | None  # the issue it was exported from, as its header says
    language: str | None  # the language it translates into
    units: list[Returned]
