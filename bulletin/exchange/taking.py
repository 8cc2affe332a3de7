"""Which texts of a translator's file an import takes, and why it leaves the others.

A text is taken when every unit of it is in the file, translated and not fuzzy, shows the source text
the issue has now, and brings a translation over the one the language file had when the file was made
(each unit says which: its fingerprint, `units.BASE`). Otherwise:

- a unit whose place the issue does not have, or whose source text is not the issue's (changed since,
  or edited in the file), is *skipped*, and said, when it brings a translation the issue does not have;
- a text whose translation changed in the language file since the export is left as the language file has
  it (the file's would undo the change), and said when the file changes it too: neither is lost;
- a text with a unit fuzzy, empty or not in the file is *left* as it was, whole;
- a translation that would break the text's structure (a blank line that makes two paragraphs of one)
  is a problem at the file's line; one that types a list marker again, or leaves out a link's address
  of the source, a warning there.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..content.sources import Translation, source_hash, source_text
from ..content.texts import MARKDOWN_FIELDS, TextField
from ..language.segments import joined, segments
from ..util.errors import Mark, Problem
from ..util.worddiff import word_diff
from .units import Exchanged, Returned, Unit, fingerprint, words_of

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")
_LINK = re.compile(r"\]\(\s*<?([^\s)>]+)|<((?:https?|mailto):[^\s>]+)>")  # a Markdown link's address, or an autolink


@dataclass
class Taken:
    """What an import takes of a file, and what it says about the rest."""

    values: dict[TextField, tuple[str, list[Returned]]] = field(default_factory=dict)  # new value, all its units
    kept: set[TextField] = field(default_factory=set)  # of those, the ones written but not confirmed (see _kept)
    unchanged: int = 0  # texts the file gives as the language file has them, confirmed
    left: int = 0  # texts left as they were: a unit fuzzy, empty or not in the file
    absent: int = 0  # units of the issue the file does not have
    skipped: list[Problem] = field(default_factory=list)  # translations not taken, each at its line
    problems: list[Problem] = field(default_factory=list)  # what stops the import
    warnings: list[Problem] = field(default_factory=list)  # what is taken, but worth a look


def take(exchanged: Exchanged, units: list[Unit], read: Translation) -> Taken:
    """Decide, text by text, what of `exchanged` to write into the language file that `units` were read from."""
    path, taken = exchanged.path, Taken()
    given = _given(exchanged, taken)
    known = {unit.key for unit in units}
    texts = {unit.field.name: unit.field.value or "" for unit in units}
    for back in exchanged.units:
        if back.key in known or not back.target.strip():
            continue
        name = field_of(back.key, texts)
        if name is None:
            said = "the issue has no text at this place (renamed or removed?)"
        elif holds(texts[name], back.target):
            continue  # cut otherwise now, and the language file has it already: imported before
        else:
            said = "the text at this place is cut into paragraphs otherwise since this file was made; export again"
        taken.skipped.append(Problem(Mark(path, back.line, 1), f"{back.key}: {said}; the translation was not taken"))
    covered = {field_of(back.key, texts) for back in exchanged.units}  # texts the file has, cut as it was then
    if missing := [unit.key for unit in units if unit.key not in given and unit.field.name not in covered]:
        such = ", ".join(missing[:3]) + (", …" if len(missing) > 3 else "")
        taken.absent = len(missing)
        taken.warnings.append(
            Problem(
                Mark(path, 1, 1),
                f"{len(missing)} unit(s) of the issue are not in this file ({such}); their texts were left as they"
                " are: export again to have them all",
            )
        )
    for item, own in _by_field(units).items():
        returned = [given.get(unit.key) for unit in own]
        if all(back is None for back in returned):
            continue
        _take_field(item, own, returned, read, taken, path)
    return taken


def field_of(key: str, texts: dict[str, str]) -> str | None:
    """The text a unit's place is of (the place itself, or the text it is a paragraph of), if the issue has it."""
    if key in texts:
        return key
    name, _, number = key.rpartition(".")
    return name if number.isdigit() and name in texts else None


def holds(text: str, translation: str) -> bool:
    """Whether `text` has `translation` in it, whatever the line breaks."""
    return words_of(translation) in words_of(text)


def _given(exchanged: Exchanged, taken: Taken) -> dict[str, Returned]:
    """The file's units by place; a place given twice is a problem, at both lines."""
    lines: dict[str, list[int]] = defaultdict(list)
    for back in exchanged.units:
        lines[back.key].append(back.line)
    for key, found in lines.items():
        if len(found) > 1:
            said = ", ".join(str(line) for line in found)
            taken.problems.append(
                Problem(Mark(exchanged.path, found[1], 1), f"{key}: this place is given twice (lines {said})")
            )
    return {back.key: back for back in exchanged.units}


def _take_field(item: TextField, own: list[Unit], returned: list, read: Translation, taken: Taken, path: Path) -> None:
    if any(back is None for back in returned):
        taken.left += 1  # part of it is not in the file: said once for the whole file
        return
    pairs: list[tuple[Unit, Returned]] = list(zip(own, returned))
    # (A source compared by its words: a tool may have wrapped it otherwise.)
    if changed := [(unit, back) for unit, back in pairs if words_of(unit.source) != words_of(back.source)]:
        # Said only where the file brings a translation the issue does not have: that is work not taken.
        taken.skipped += [_changed(path, unit, back) for unit, back in changed if _brings(unit, back)]
        if (kept := _kept(item, own, pairs, changed, read, path)) is not None:
            taken.values[item], taken.kept = kept, taken.kept | {item}
        return
    if any(back.fuzzy or not back.target.strip() for _, back in pairs):
        taken.left += 1
        return
    # Where the language file changed since the export and the file says otherwise, taking the file's translation
    # would undo that change: the text is left, and said where the file changed it too (work of both sides).
    if moved := [(unit, back) for unit, back in pairs if back.base not in (None, unit.base) and _brings(unit, back)]:
        if worked := [back for _, back in moved if fingerprint(back.target) != back.base]:
            taken.skipped.append(_conflict(path, item, worked[0]))
        taken.left += 1
        return
    taken.problems += [problem for unit, back in pairs if (problem := _structure(item, own, unit, back, path))]
    taken.warnings += [
        Problem(Mark(path, back.line, 1), f"{unit.key}: {_MARKED}") for unit, back in pairs if _marked(unit, back)
    ]
    taken.warnings += [
        Problem(Mark(path, back.line, 1), f"{unit.key}: a line break in this text prints as a space; remove it?")
        for unit, back in pairs
        if item.key[-1] not in MARKDOWN_FIELDS and "\n" in back.target.strip() and "\n" not in unit.source.strip()
    ]
    taken.warnings += [
        Problem(Mark(path, back.line, 1), f"{unit.key}: the source links to {address}, and the translation does not")
        for unit, back in pairs
        if item.key[-1] in MARKDOWN_FIELDS
        for address in _addresses(unit.source)
        if address not in back.target
    ]
    value = _value(item, read, [back.target for _, back in pairs], whole=own[0].key == item.name)
    if value == item.value and item.confirmed == source_hash(source_of(read, item)):
        taken.unchanged += 1
    else:
        taken.values[item] = (value, [back for _, back in pairs])


def _kept(
    item: TextField,
    own: list[Unit],
    pairs: list[tuple[Unit, Returned]],
    changed: list[tuple[Unit, Returned]],
    read: Translation,
    path: Path,
) -> tuple[str, list[Returned]] | None:
    """Of a body some of whose paragraphs changed in the source since the export, the text with the file's
    finished paragraphs of the others in place, so that the translator's work on them is not lost: written, but
    not confirmed, as the paragraphs that changed still wait for their translation. None when there is nothing to
    keep (one text whole, no translation yet, nothing finished, or nothing new)."""
    if len(own) == 1 or not all(unit.target for unit in own):
        return None
    moved = {unit.key for unit, _ in changed}
    targets = [
        back.target
        if unit.key not in moved
        and not back.fuzzy
        and back.target.strip()
        and back.base in (None, unit.base)
        and _structure(item, own, unit, back, path) is None
        else unit.target
        for unit, back in pairs
    ]
    value = _value(item, read, targets, whole=False)
    return None if value == item.value else (value, [back for _, back in pairs])


def _by_field(units: list[Unit]) -> dict[TextField, list[Unit]]:
    grouped: dict[TextField, list[Unit]] = {}
    for unit in units:
        grouped.setdefault(unit.field, []).append(unit)
    return grouped


def _brings(unit: Unit, back: Returned) -> bool:
    """Whether the file gives this unit a translation other than the one the language file has."""
    return bool(back.target.strip()) and fingerprint(back.target) != unit.base


def _changed(path: Path, unit: Unit, back: Returned) -> Problem:
    return Problem(
        Mark(path, back.line, 1),
        f"{unit.key}: the source text in this file is not the issue's (it changed since the file was made, or was"
        " edited in the file), so the translation was not taken; export again to translate what it says now:"
        f" {word_diff(back.source, unit.source) or 'its paragraphs changed'}",
    )


def _conflict(path: Path, item: TextField, back: Returned) -> Problem:
    return Problem(
        Mark(path, back.line, 1),
        f"{item.name}: {item.mark.path.name} changed this text since the file was made, and the file changes it too;"
        " the file's translation was not taken, so that neither is lost: compare the two, then export again",
    )


def _structure(item: TextField, own: list[Unit], unit: Unit, back: Returned, path: Path) -> Problem | None:
    """A translation that would change the text's structure: a blank line in a paragraph, or in a one-line text."""
    if not _BLANK_LINE.search(back.target.strip()):
        return None
    if len(own) > 1:
        why = "which would make two paragraphs of one; keep one paragraph to an entry"
    elif item.key[-1] in MARKDOWN_FIELDS:
        return None  # a whole body has its paragraphs
    else:
        why = "which this text cannot have (it is one paragraph); remove it"
    return Problem(Mark(path, back.line, 1), f"{unit.key}: the translation holds a blank line, {why}")


_MARKED = "the translation begins with a list marker, though the item has its own: it would be a list within the item"


def _marked(unit: Unit, back: Returned) -> bool:
    """Whether a list item's translation begins with a marker of its own (typed again by the translator)."""
    return unit.list_item and bool(_LIST_MARKER.match(back.target.lstrip()))


def _addresses(text: str) -> list[str]:
    """The addresses a Markdown text links to."""
    return [found[1] or found[2] for found in _LINK.finditer(text)]


def source_of(read: Translation, item: TextField) -> str:
    """The source text of `item`, which every text that has units has."""
    source = source_text(read.texts, item, read.source_language)
    assert source is not None, "a unit is made only of a text with a source"
    return source


def _value(item: TextField, read: Translation, targets: list[str], whole: bool) -> str:
    """The text the translated units make: paragraphs put back into the translation's Markdown blocks (or, of a
    new translation, the source text's), a whole text given the line breaks at its end the old one had."""
    source = source_of(read, item)
    # Blanks a tool leaves at a translation's ends, or at its lines' ends, are no one's meaning; in Markdown they
    # would even start a code block or end a line early.
    targets = [
        "\n".join(line.rstrip(" \t") for line in target.strip("\n").split("\n")).strip(" \t") for target in targets
    ]
    if whole:
        model = item.value if item.value is not None else source
        return targets[0] + model[len(model.rstrip("\n")) :]
    cut = segments(item.value) if item.value else None
    if cut is None or len(cut.texts) != len(targets):
        cut = segments(source)
    assert cut is not None and len(cut.texts) == len(targets), "units are made of the source text's paragraphs"
    return joined(cut, targets)
