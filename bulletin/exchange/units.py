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

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..content.sources import (
    FRESH,
    STALE,
    UNCONFIRMED,
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
NONE = "none"  # the fingerprint of no translation
# How a file says which translation the language file had when it was exported, so that an import can tell a
# translation changed in the file from one changed in the language file since.
BASE_NOTE = "translation as exported: "
BASE = re.compile(r"translation as exported: ([0-9a-f]{8}|none)")

# What each kind of text is, by the last part of its place (or its group), for the translator's note.
NOTES = {
    "title": "a title: one line, no full stop at its end",
    "lead": "an article's lead: one or two sentences in plain text, under its title",
    "body": "an article's body (Markdown): keep *emphasis* and [links](…) as the source has them",
    "about": "the about page (Markdown): keep *emphasis* and [links](…) as the source has them",
    "caption": "a picture's caption, printed under it",
    "credit": "a picture's credit line: who took or owns it",
    "alt": "a picture's alt text: what it shows, for readers who cannot see it (the screen edition)",
    "publisher": "the publisher's name, in the imprint",
    "cover_alt": "the cover picture's alt text: what it shows, for readers who cannot see it",
    "chronology": "an event of the chronology: one sentence, after its date",
    "figures": "the label of a key figure, printed under its number: a few words",
    "charts": "a chart's title",
}
_MARKER = re.compile(r"^(?:>\s*)*(?:[-*+]|\d{1,9}[.)])(?:\s|$)")  # a list item's marker, inside quotes or not


@dataclass(frozen=True)
class Unit:
    """One text, or one paragraph of a text, to translate."""

    key: str  # its place: the field's name, and the paragraph's number after a dot
    source: str  # the source-language text
    target: str  # the translation, "" when there is none
    state: str  # TRANSLATED, FUZZY or EMPTY
    previous: str | None  # of a stale unit, the source text it was confirmed against, when recorded
    note: str  # what the text is, for the translator (and why it is fuzzy)
    field: TextField  # the field it is, or is a paragraph of
    suggestion: Suggestion | None = None  # of a text not translated yet, what the memory suggests (its target)
    base: str = NONE  # the fingerprint of the translation the language file has (`fingerprint`), as exported
    list_item: bool = False  # a list item of a Markdown text, whose marker stays in the language file


def words_of(text: str) -> str:
    """A text's words, a space between each two: the text whatever its wrapping."""
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """A short hash of a translation's words: the same for the same words, whatever their line breaks."""
    if not text.strip():
        return NONE
    return hashlib.sha256(words_of(text).encode("utf-8", "surrogatepass")).hexdigest()[:8]


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
        units = [
            replace(unit, base=fingerprint(unit.target))
            for unit in _units(item, source, freshness(texts, item, source_language), record, source_language)
        ]
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


def _units(item: TextField, source: str, state: str | None, record: Confirmations, source_language: str) -> list[Unit]:
    note = NOTES.get(item.key[-1]) or NOTES.get(item.key[0], "a text of the issue")
    unit_state = EMPTY if item.value is None else TRANSLATED if state == FRESH else FUZZY
    previous = previous_source(record, item) if state == STALE else None
    why = {
        STALE: f"; fuzzy: the {source_language} text changed since this translation was confirmed",
        UNCONFIRMED: f"; fuzzy: this translation was never confirmed against the {source_language} text",
    }.get(state or "", "")
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
                same = was is not None and words_of(was) == words_of(paragraph)
                fuzzy = unit_state == FUZZY and not same
                what = "list item" if _MARKER.match(cut.prefixes[index][0].strip()) else "paragraph"
                said = f"; {what} {index + 1} of {len(cut.texts)}" + (
                    ": write its text only, the file keeps its marker" if what == "list item" else ""
                )
                units.append(
                    Unit(
                        f"{item.name}.{index + 1}",
                        paragraph,
                        done.texts[index] if done else "",
                        FUZZY if fuzzy else TRANSLATED if unit_state == FUZZY else unit_state,
                        None if same else was,
                        note + said + (why if fuzzy else ""),
                        item,
                        list_item=what == "list item",
                    )
                )
            return units
        if cut is not None and len(cut.texts) > 1:
            note += "; whole, as its paragraphs do not line up with the source's: keep the blank lines between them"
    return [Unit(item.name, source, target, unit_state, previous, note + why, item)]


@dataclass(frozen=True)
class Returned:
    """A unit as a translator's file gives it back."""

    key: str  # its place
    source: str  # the source text the file shows
    target: str  # the translation, "" when there is none
    fuzzy: bool  # marked as needing review (fuzzy, or a state short of translated)
    line: int  # the line of the file where its translation is
    base: str | None = None  # the fingerprint of the language file's translation when exported, if the file says


@dataclass(frozen=True)
class Exchanged:
    """A translator's file: whose texts it holds, and its units."""

    path: Path
    issue: str | None  # the issue it was exported from, as its header says
    language: str | None  # the language it translates into
    units: list[Returned]
