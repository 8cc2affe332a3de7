"""Which translations are behind their source: source hashes and the state of each translation.

Each translated text carries, in a YAML tag right before it, a short hash of the
source-language text it was last confirmed against:

    title: !source-1a2b3c4d "Vagif mausoleum in Shusha reopens after restoration"

When the source text changes (or is no longer there), its hash no longer matches and the
translation is *stale*; a translation with no tag has never been confirmed. After updating a
translation, the translator confirms it (`confirmation`, `build.py confirm`), which writes
the current source hash into the tag. The hash ignores how the source text is wrapped and
whether its letters are stored composed or decomposed: only its words and paragraph breaks count.

A hash cannot give the old text back, so confirming also records, in the issue folder's hidden
`.<language>.confirmed.json` (the confirmations of that language), each source text by its hash:

    {"format": 1, "sources": {"1a2b3c4d": "<the source text as it was confirmed>"},
     "confirmed": {"articles.x.title": {"source": "1a2b3c4d", "translation": "5e6f7a8b"}}}

With it a stale translation can say what changed in its source since (`previous_source`). The
tag stays the truth: a recorded text is used only if its hash is the one the tag carries. The
file starts with a dot, so it is no input of the PDFs: confirming changes no edition.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..util.atomic import write_atomically
from ..util.errors import ContentError, UsageError
from ..util.files import read_file
from ..util.worddiff import word_diff
from .loading import normalized
from .schema import Checker
from .texts import TextField, Texts, language_file
from .validation import read_issue

FRESH, STALE, UNCONFIRMED = "confirmed", "stale", "unconfirmed"  # the states of a translated text


def source_hash(text: str) -> str:
    """The short hash of a source text: its words and paragraph breaks, not its line wrapping nor its Unicode form."""
    paragraphs = (" ".join(paragraph.split()) for paragraph in re.split(r"\n[ \t]*\n", normalized(text).strip()))
    # A lone surrogate (from a \ud800 escape) cannot be encoded; validation refuses it, status still lists it.
    return hashlib.sha256("\n\n".join(paragraphs).encode("utf-8", "surrogatepass")).hexdigest()[:8]


def source_text(texts: Texts, item: TextField, source_language: str) -> str | None:
    """The source-language text that `item` translates, if there is one."""
    return texts.slot(item.key).get(source_language)


def freshness(texts: Texts, item: TextField, source_language: str) -> str | None:
    """Whether a translated text is confirmed against the current source text, stale or unconfirmed;
    None for a source-language text or a gap, and when the source text is missing or cannot be read: that
    is the source file's problem, reported there, and says nothing of the translations."""
    if item.language == source_language or item.value is None:
        return None
    source = source_text(texts, item, source_language)
    if source is None:
        return None
    if item.confirmed is None:
        return UNCONFIRMED
    return FRESH if item.confirmed == source_hash(source) else STALE


def outdated(texts: Texts, fields: list[TextField], source_language: str) -> list[tuple[TextField, str]]:
    """The translations among `fields` that are stale or unconfirmed, each with its state."""
    states = ((item, freshness(texts, item, source_language)) for item in fields)
    return [(item, state) for item, state in states if state in (STALE, UNCONFIRMED)]


CONFIRMATIONS_FORMAT = 1
MAX_CONFIRMATIONS = 20_000_000  # bytes; an issue's texts take some 100 kB


@dataclass
class Confirmations:
    """What a language's translations were confirmed against: each source text by its hash, and for each text
    confirmed, the hashes of its source and of the translation as it was then."""

    path: Path  # the issue folder's .<language>.confirmed.json
    sources: dict[str, str] = field(default_factory=dict)  # source hash -> the source text
    confirmed: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> {"source": …, "translation": …}

    def record(self, item: TextField, source: str) -> None:
        """Record that `item`, as it is now, is confirmed against `source`."""
        self.sources[source_hash(source)] = source
        if item.value is not None:
            self.confirmed[item.name] = {"source": source_hash(source), "translation": source_hash(item.value)}

    def save(self, mode: int) -> None:
        """Write the file whole (with the permissions `mode`), or leave it as it was."""
        write_atomically(self.path, self.text().encode("utf-8"), mode=mode)

    def text(self) -> str:
        """The file's content: sorted, one entry to a line, so that a change is one line in a diff."""
        lines = [f'{{"format": {CONFIRMATIONS_FORMAT},', ' "sources": {']
        lines += _entries(self.sources) + [" },", ' "confirmed": {']
        lines += _entries(self.confirmed) + [" }", "}"]
        return "\n".join(lines) + "\n"


def _entries(mapping: dict) -> list[str]:
    items = sorted(mapping.items())
    return [
        f"  {json.dumps(key, ensure_ascii=False)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
        + ("," if index < len(items) - 1 else "")
        for index, (key, value) in enumerate(items)
    ]


def confirmations_file(folder: Path, language: str) -> Path:
    """Where the confirmations of `language` are kept in an issue folder."""
    return folder / f".{language}.confirmed.json"


def read_confirmations(folder: Path, language: str) -> Confirmations:
    """The confirmations of `language`; none when the file is absent, unreadable or not what this module writes
    (then a stale text only says that it is stale, as before the file was kept)."""
    path = confirmations_file(folder, language)
    try:
        data = json.loads(read_file(path, MAX_CONFIRMATIONS)[:MAX_CONFIRMATIONS].decode("utf-8"))
    except (OSError, ValueError):
        return Confirmations(path)
    if not isinstance(data, dict) or data.get("format") != CONFIRMATIONS_FORMAT:
        return Confirmations(path)
    sources, confirmed = (part if isinstance(part := data.get(name), dict) else {} for name in ("sources", "confirmed"))
    return Confirmations(
        path,
        {key: text for key, text in sources.items() if isinstance(text, str) and source_hash(text) == key},
        {
            name: entry
            for name, entry in confirmed.items()
            if isinstance(entry, dict) and all(isinstance(entry.get(part), str) for part in ("source", "translation"))
        },
    )


def previous_source(confirmations: Confirmations, item: TextField) -> str | None:
    """The source text `item` was confirmed against, if it was recorded."""
    return confirmations.sources.get(item.confirmed) if item.confirmed else None


def source_changes(
    folder: Path, texts: Texts, behind: list[tuple[TextField, str]], source_language: str
) -> dict[TextField, str]:
    """For each stale translation among `behind` whose confirmed-against source text was recorded, what changed
    in the source since, word by word."""
    stores: dict[str, Confirmations] = {}
    changes = {}
    for item, state in behind:
        if state != STALE:
            continue
        if item.language not in stores:
            stores[item.language] = read_confirmations(folder, item.language)
        previous, current = previous_source(stores[item.language], item), source_text(texts, item, source_language)
        if previous is not None and current is not None:
            changes[item] = word_diff(previous, current)
    return changes


@dataclass(frozen=True)
class Translation:
    """An issue read for work on one of its translations."""

    texts: Texts  # every text of every language
    source_language: str
    facts: dict  # issue.yaml's checked facts


def read_translation(folder: Path, language: str) -> Translation:
    """Read the issue in `folder` for work on its translation into `language`: its texts, source language and facts;
    ContentError when the language's file or the source language's cannot be read cleanly, UsageError when
    `language` is not one the issue is translated into."""
    checker = Checker(open_pictures=False)  # the texts are the work: the pictures are the build's to check
    facts, texts = read_issue(folder, checker)
    if facts is None or texts is None or facts["source_language"] is None:
        raise ContentError(checker.problems)
    source_language = facts["source_language"]
    if language not in facts["languages"] or language == source_language:
        raise UsageError(
            f"{language!r} is not a translated language of {folder.name}"
            f" (those are {', '.join(code for code in facts['languages'] if code != source_language)})"
        )
    # Both files must read cleanly: the one worked on, and the one whose texts it translates.
    files = (language_file(folder, language), language_file(folder, source_language))
    if blocking := [problem for problem in checker.problems if problem.mark.path in files]:
        raise ContentError(blocking)
    return Translation(texts, source_language, facts)
