"""Confirming translations against the current source texts: `build.py confirm`.

Confirming writes the current source hash (see `sources`) into the `!source-<hash>` tag before
each text named. It edits the language file as text, touching only the tags, so that the
translator's layout, comments and line endings stay as they were; the file is read back
afterwards and restored if the tags did not come out as meant. It then records the source texts
confirmed against in the language's confirmations (`sources.Confirmations`), so that a text that
goes stale later can say what changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..content.schema import Checker
from ..content.sources import Confirmations, read_confirmations, read_translation, source_hash, source_text
from ..content.texts import TextField, Texts, language_file
from ..content.validation import read_issue
from ..util.atomic import write_atomically
from ..util.errors import BuildError, Refused, UsageError, display_path

# What may stand before a text's value: its anchor and its source tag, in either order.
_PROPERTIES = re.compile(r"(?:(?P<anchor>&[^\s,\[\]{}]+)[ \t]+|!source-[0-9a-f]{8}[ \t]+)*")


@dataclass(frozen=True)
class Confirmed:
    """What `confirm` did."""

    path: Path  # the language file
    changed: list[TextField]  # texts whose tag was written or updated
    unchanged: int  # texts already confirmed against the current source


def confirm(folder: Path, language: str, names: tuple[str, ...], force: bool = False) -> Confirmed:
    """Confirm the translations of `language` named by `names` (all of them when empty)
    against the current source texts, writing their source hashes into the language file. A stale text whose
    translation is the one last confirmed (its source changed, it did not) is confirmed only with `force`."""
    read = read_translation(folder, language)
    texts, source_language = read.texts, read.source_language
    files = (language_file(folder, language), language_file(folder, source_language))
    chosen = _choose(texts.of(language), names)
    sources = {item: source_text(texts, item, source_language) for item in chosen}
    if unsourced := [item.name for item, source in sources.items() if source is None]:
        raise UsageError(
            f"no {source_language} text to confirm against for {', '.join(unsourced)};"
            f" the {source_language} text must be written first"
        )
    hashes = {item: source_hash(source) for item, source in sources.items() if source is not None}
    changed = [item for item in chosen if item.confirmed != hashes[item]]
    store = read_confirmations(folder, language)
    if not force:
        _refuse_unchanged(store, [item for item in changed if item.confirmed], language)
    path = files[0]
    if changed:
        with path.open(encoding="utf-8", newline="") as file:  # newline="": keep the file's own line endings
            original = file.read()
        _replace(path, _with_tags(original, {item: hashes[item] for item in changed}))
        _, reread = read_issue(folder, Checker(open_pictures=False))
        wanted = {item.key: hashes[item] for item in changed}
        if reread is None or {item.key: item.confirmed for item in reread.of(language) if item.key in wanted} != wanted:
            _replace(path, original)
            raise BuildError(
                f"{display_path(path)}: could not write the source hashes where the texts are; the file is unchanged"
            )
    _record(store, folder, language, texts, chosen, sources, source_language)
    return Confirmed(path, changed, len(chosen) - len(changed))


def _refuse_unchanged(store: Confirmations, stale: list[TextField], language: str) -> None:
    """Refuse to confirm stale texts whose translation has not changed since it was last confirmed: their source
    changed, and a confirmation should follow a look at the change (`status` shows it)."""
    unchanged = [
        item.name
        for item in stale
        if item.value is not None and store.confirmed.get(item.name, {}).get("translation") == source_hash(item.value)
    ]
    if unchanged:
        raise Refused(
            f"the translation of {', '.join(unchanged)} is unchanged since it was last confirmed, though the source"
            f" text changed (build.py status shows how); update it, or give --force if the {language} text"
            " still says what the source says"
        )


def _record(
    store: Confirmations,
    folder: Path,
    language: str,
    texts: Texts,
    chosen: list[TextField],
    sources: dict,
    source_language: str,
) -> None:
    """Record in the language's confirmations the source text of each text confirmed, and of each text already
    confirmed against the current source but not yet recorded; after the language file, so that a failure in
    between loses nothing the tags say."""
    before = store.text()
    for item in texts.of(language):
        if item.value is None or item.name in store.confirmed:
            continue
        if (source := source_text(texts, item, source_language)) is not None and item.confirmed == source_hash(source):
            store.record(item, source)
    for item in chosen:
        store.record(item, sources[item])
    if store.text() != before or not store.path.exists():
        store.save(language_file(folder, language).stat().st_mode & 0o666)


def _choose(fields: list[TextField], names: tuple[str, ...]) -> list[TextField]:
    """The written texts among `fields` that `names` select: a field, an entry, or a group."""
    written = [item for item in fields if item.value is not None]
    if not names:
        return written
    chosen: list[TextField] = []
    unknown: list[str] = []
    for name in names:
        prefix = tuple(name.split("."))
        matching = [item for item in written if item.key[: len(prefix)] == prefix]
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
        properties = _PROPERTIES.match(rest)
        assert properties is not None, "all of the pattern is optional"
        anchor = f"{properties['anchor']} " if properties["anchor"] else ""
        lines[index] = line[:column] + anchor + f"!source-{hashes[item]} " + rest[properties.end() :]
    return "".join(lines)


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` in one step, keeping its permissions, so that a failure leaves the old file whole."""
    write_atomically(path, text.encode("utf-8"), mode=path.stat().st_mode & 0o777)
