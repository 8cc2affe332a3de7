"""Which translations are behind their source: source hashes, and confirming a translation.

Each translated text carries, in a YAML tag right before it, a short hash of the
source-language text it was last confirmed against:

    title: !source-1a2b3c4d "Vagif mausoleum in Shusha reopens after restoration"

When the source text changes, its hash no longer matches and the translation is *stale*; a
translation with no tag has never been confirmed. After updating a translation, the
translator confirms it (`build.py confirm`), which writes the current source hash into the
tag. The hash ignores how the source text is wrapped: only its words and paragraph breaks
count. Confirming edits the language file as text, touching only the tags, so that the
translator's layout and comments stay as they were.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from functools import reduce
from operator import getitem
from pathlib import Path

from .errors import BuildError, ContentError, UsageError, display_path
from .schema import Checker
from .texts import TextField, Texts, language_file
from .validation import read_issue

FRESH, STALE, UNCONFIRMED = "confirmed", "stale", "unconfirmed"  # the states of a translated text
_TAG_AT_START = re.compile(r"!source-[0-9a-f]{8}[ \t]*")


def source_hash(text: str) -> str:
    """The short hash of a source text: its words and paragraph breaks, not its line wrapping."""
    paragraphs = (" ".join(paragraph.split()) for paragraph in re.split(r"\n[ \t]*\n", text.strip()))
    return hashlib.sha256("\n\n".join(paragraphs).encode("utf-8")).hexdigest()[:8]


def source_text(texts: Texts, item: TextField, source_language: str) -> str | None:
    """The source-language text that `item` translates, if there is one."""
    return reduce(getitem, item.key, texts.values).get(source_language)


def freshness(texts: Texts, item: TextField, source_language: str) -> str | None:
    """Whether a translated text is confirmed against the current source text, stale or unconfirmed;
    None for a source-language text, a gap, or a text whose source is missing."""
    source = source_text(texts, item, source_language)
    if item.language == source_language or item.value is None or source is None:
        return None
    if item.confirmed is None:
        return UNCONFIRMED
    return FRESH if item.confirmed == source_hash(source) else STALE


@dataclass(frozen=True)
class Confirmed:
    """What `confirm` did."""

    path: Path  # the language file
    changed: list[TextField]  # texts whose tag was written or updated
    unchanged: int  # texts already confirmed against the current source


def confirm(folder: Path, language: str, names: tuple[str, ...]) -> Confirmed:
    """Confirm the translations of `language` named by `names` (all of them when empty)
    against the current source texts, writing their source hashes into the language file."""
    checker = Checker()
    facts, texts = read_issue(folder, checker)
    if facts is None or any(problem.mark.path == language_file(folder, language) for problem in checker.problems):
        raise ContentError([problem for problem in checker.problems
                            if facts is None or problem.mark.path == language_file(folder, language)])
    source_language = facts["source_language"]
    if language not in facts["languages"] or language == source_language:
        raise UsageError(f"{language!r} is not a translated language of {folder.name}"
                         f" (those are {', '.join(code for code in facts['languages'] if code != source_language)})")
    chosen = _choose(texts.of(language), names)
    changed, unchanged = [], 0
    for item in chosen:
        source = source_text(texts, item, source_language)
        if source is None:
            continue
        if item.confirmed == source_hash(source):
            unchanged += 1
        else:
            changed.append(item)
    path = language_file(folder, language)
    if changed:
        hashes = {item.key: source_hash(source_text(texts, item, source_language)) for item in changed}
        original = path.read_text(encoding="utf-8")
        _replace(path, _with_tags(original, {item: hashes[item.key] for item in changed}))
        _, reread = read_issue(folder, Checker())
        if {item.key: item.confirmed for item in reread.of(language) if item.key in hashes} != hashes:
            _replace(path, original)
            raise BuildError(f"{display_path(path)}: could not write the source hashes; the file is unchanged")
    return Confirmed(path, changed, unchanged)


def _choose(fields: list[TextField], names: tuple[str, ...]) -> list[TextField]:
    """The written texts among `fields` that `names` select: a field, an entry, or a group."""
    written = [item for item in fields if item.value is not None]
    if not names:
        return written
    chosen, unknown = [], []
    for name in names:
        prefix = tuple(name.split("."))
        matching = [item for item in written if item.key[:len(prefix)] == prefix]
        if not matching:
            unknown.append(name)
        chosen.extend(item for item in matching if item not in chosen)
    if unknown:
        examples = ", ".join(item.name for item in written[:3])
        raise UsageError(f"no written text named {', '.join(unknown)} (names look like {examples})")
    return chosen


def _with_tags(text: str, hashes: dict[TextField, str]) -> str:
    """Return the file `text` with `!source-<hash>` before each text's value, replacing the tag it had."""
    lines = text.splitlines(keepends=True)
    # From the end backwards, so that an edit never moves a place still to be edited.
    for item in sorted(hashes, key=lambda field: (field.mark.line, field.mark.column), reverse=True):
        index, column = item.mark.line - 1, item.mark.column - 1
        line = lines[index]
        rest = line[column:]
        old = _TAG_AT_START.match(rest)
        lines[index] = line[:column] + f"!source-{hashes[item]} " + (rest[old.end():] if old else rest)
    return "".join(lines)


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` in one step, so that a failure leaves the old file whole."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise

