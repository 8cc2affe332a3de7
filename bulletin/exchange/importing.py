"""`build.py import`: a translator's file back into the language file, each finished text confirmed.

A text is taken when every unit of it (every paragraph of a body) is translated and not fuzzy, and shows
the source text the issue has now: then its translation is written into the language file
(`splicing`), confirmed against that source. A text with a fuzzy or empty unit is left as it was, whole:
half a body never looks finished. A unit whose source text changed since the export, or whose place the
issue no longer has, is not taken, and is reported.

Nothing is written unless all of it is right: the new language file is read back as the build reads it,
and every problem a taken text has (a Markdown picture, a bad character, a text too long) is given at
the line of the translator's file where the translation is, as a problem the YAML would have.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ..content.limits import text_problems
from ..content.schema import Checker
from ..content.sources import Translation, read_confirmations, read_translation, source_hash, source_text
from ..content.texts import TextField, language_file, read_texts
from ..content.validation import reference_problems, typographic_queries
from ..language.segments import joined, segments
from ..util.atomic import write_atomically
from ..util.errors import BuildError, ContentError, Mark, Problem, UsageError, display_path
from ..util.files import read_file
from ..util.worddiff import word_diff
from .pofiles import read_po_file
from .splicing import SpliceError, splice
from .units import Exchanged, Returned, Unit, units_of
from .xlifffiles import read_xliff_file

MAX_EXCHANGE_BYTES = 50_000_000  # a translator's file; an issue's comes to some 200 kB


@dataclass(frozen=True)
class Imported:
    """What `import_texts` did."""

    path: Path  # the language file
    taken: list[tuple[TextField, int]]  # each text written, with the line of its (first) unit in the file
    unchanged: int  # texts the file gives as the language file already has them, confirmed
    left: int  # texts left as they were: a unit of them fuzzy or empty
    skipped: list[Problem]  # units not taken: their source changed, or their place is gone
    warnings: list[Problem]  # what a proofreader would query in the texts taken


def import_texts(folder: Path, path: Path) -> Imported:
    """Write the finished translations of the translator's file at `path` into the issue in `folder`."""
    exchanged = read_exchange_file(path)
    if exchanged.issue is not None and exchanged.issue != folder.name:
        raise UsageError(f"{display_path(path)} holds the texts of {exchanged.issue}, not of {folder.name}")
    if not exchanged.language:
        raise UsageError(
            f"{display_path(path)} does not say which language it is in (a PO file's Language header, an XLIFF"
            " file's target-language)"
        )
    read = read_translation(folder, exchanged.language)
    units = units_of(folder, read.texts, exchanged.language, read.source_language)
    given = {unit.key: unit for unit in exchanged.units}
    known = {unit.key for unit in units}
    skipped = [
        Problem(Mark(path, unit.line, 1), f"{unit.key}: the issue has no text at this place (renamed or removed?)")
        for unit in exchanged.units
        if unit.key not in known
    ]
    values: dict[TextField, tuple[str, list[Returned]]] = {}
    unchanged = left = 0
    for item, own in _by_field(units).items():
        returned = [given[unit.key] for unit in own if unit.key in given]
        if not returned:
            continue
        if changed := [(unit, back) for unit, back in zip(own, returned) if _differs(unit.source, back.source)]:
            skipped += [_changed(path, unit, back) for unit, back in changed]
        elif len(returned) < len(own):
            skipped.append(Problem(Mark(path, returned[0].line, 1), f"{item.name}: {_missing(own, given)}"))
        elif any(back.fuzzy or not back.target.strip() for back in returned):
            left += 1
        else:
            value = _value(item, read, [back.target for back in returned], whole=own[0].key == item.name)
            if value == item.value and item.confirmed == source_hash(_source(read, item)):
                unchanged += 1
            else:
                values[item] = (value, returned)
    target = language_file(folder, exchanged.language)
    warnings = _write(folder, read, exchanged, values) if values else []
    return Imported(
        target,
        [(item, _first_change(item, back)) for item, (_, back) in values.items()],
        unchanged,
        left,
        skipped,
        warnings,
    )


def _first_change(item: TextField, back: list[Returned]) -> int:
    """The line of the file where the first unit of `item` that changes its text is."""
    done = segments(item.value) if item.value and len(back) > 1 else None
    now = list(done.texts) if done is not None and len(done.texts) == len(back) else [None] * len(back)
    return next((unit.line for unit, old in zip(back, now) if unit.target != old), back[0].line)


def read_exchange_file(path: Path) -> Exchanged:
    """The translator's file at `path`, read within bounds."""
    try:
        data = read_file(path, MAX_EXCHANGE_BYTES)
    except OSError as err:
        raise UsageError(f"cannot read {display_path(path)}: {err.strerror or err}") from err
    if len(data) > MAX_EXCHANGE_BYTES:
        raise UsageError(f"{display_path(path)} is larger than {MAX_EXCHANGE_BYTES} bytes; it is no file of texts")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ContentError([Problem(Mark(path, line, 1), "is not UTF-8 text; save it as UTF-8")]) from None
    if text.lstrip("\ufeff \t\r\n").startswith("<"):  # XML: an XLIFF file, whatever its name
        return read_xliff_file(path, text)
    return read_po_file(path, text)


def _by_field(units: list[Unit]) -> dict[TextField, list[Unit]]:
    grouped: dict[TextField, list[Unit]] = {}
    for unit in units:
        grouped.setdefault(unit.field, []).append(unit)
    return grouped


def _differs(current: str, shown: str) -> bool:
    """Whether the source text a file shows is another text than the current one (not only wrapped otherwise)."""
    return " ".join(current.split()) != " ".join(shown.split())


def _changed(path: Path, unit: Unit, back: Returned) -> Problem:
    return Problem(
        Mark(path, back.line, 1),
        f"{unit.key}: the source text changed since this file was made, so the translation was not taken;"
        f" export again to see it: {word_diff(back.source, unit.source) or 'its paragraphs'}",
    )


def _missing(own: list[Unit], given: dict[str, Returned]) -> str:
    absent = [unit.key.rsplit(".", 1)[-1] for unit in own if unit.key not in given]
    return f"paragraph(s) {', '.join(absent)} of {len(own)} are not in the file, so none of it was taken"


def _source(read: Translation, item: TextField) -> str:
    source = source_text(read.texts, item, read.source_language)
    assert source is not None, "a unit is made only of a text with a source"
    return source


def _value(item: TextField, read: Translation, targets: list[str], whole: bool) -> str:
    """The text the translated units make: paragraphs put back into the translation's Markdown blocks (or, of a
    new translation, the source text's), a whole text given the line breaks at its end the old one had."""
    source = _source(read, item)
    if whole:
        model = item.value if item.value is not None else source
        text = targets[0].strip("\n")
        return text + model[len(model.rstrip("\n")) :]
    cut = segments(item.value) if item.value else None
    if cut is None or len(cut.texts) != len(targets):
        cut = segments(source)
    assert cut is not None and len(cut.texts) == len(targets), "units are made of the source text's paragraphs"
    return joined(cut, targets)


def _write(
    folder: Path, read: Translation, exchanged: Exchanged, values: dict[TextField, tuple[str, list[Returned]]]
) -> list[Problem]:
    """Write `values` into the language file, confirmed, after reading the result back; ContentError (and nothing
    written) when a text has a problem. Returns the proofreader's queries in the texts taken."""
    language = exchanged.language
    assert language is not None
    target = language_file(folder, language)
    with target.open(encoding="utf-8", newline="") as file:  # newline="": keep the file's own line endings
        original = file.read()
    hashes = {item: source_hash(_source(read, item)) for item in values}
    order = [item.key for item in read.texts.of(language)]
    try:
        candidate = splice(original, {item.key: (value, hashes[item]) for item, (value, _) in values.items()}, order)
    except SpliceError as err:
        place, why = err.args
        item = next((item for item in values if item.name == place), None)
        raise ContentError(
            [Problem(item.mark if item else Mark(target, 1, 1), f"{place or target.name} {why}")]
        ) from None
    fields, problems, queries = _read_back(folder, read, language, candidate, {item.key for item in values})
    mapped = _Lines(exchanged.path, target, values, fields)
    if blocking := [found for problem in problems if (found := mapped.problem(problem)) is not None]:
        raise ContentError(blocking)
    expected = {item.key: (value, hashes[item]) for item, (value, _) in values.items()}
    for item in read.texts.of(language):
        now = fields.get(item.key)
        wanted = expected.get(item.key, (item.value, item.confirmed))
        if now is None and item.value is None and item.key not in expected:
            continue
        if now is None or (now.value, now.confirmed) != wanted:
            raise BuildError(
                f"{display_path(target)}: could not write {item.name} as the file gives it; the file is unchanged"
            )
    mode = target.stat().st_mode & 0o777
    write_atomically(target, candidate.encode("utf-8"), mode=mode)
    store = read_confirmations(folder, language)
    for item, (value, _) in values.items():
        store.record(replace(item, value=value), _source(read, item))
    store.save(mode & 0o666)
    return [found for query in queries if (found := mapped.problem(query, always=True))]


def _read_back(
    folder: Path, read: Translation, language: str, candidate: str, taken: set[tuple[str, ...]]
) -> tuple[dict[tuple[str, ...], TextField], list[Problem], list[Problem]]:
    """The fields of `language` as the build would read the language file `candidate`, its problems and those of
    the texts `taken`, and what a proofreader would query in them (all found while the file is there to place
    them in)."""
    with tempfile.TemporaryDirectory(prefix=".import-") as scratch:
        place = Path(scratch)
        shutil.copyfile(language_file(folder, read.source_language), language_file(place, read.source_language))
        language_file(place, language).write_text(candidate, encoding="utf-8", newline="")
        checker = Checker()
        texts = read_texts(place, {**read.facts, "languages": (read.source_language, language)}, checker)
        fields = {item.key: item for item in texts.of(language) if item.value is not None}
        chosen = [item for key, item in fields.items() if key in taken]
        problems = [problem for problem in checker.problems if problem.mark.path.name == f"{language}.yaml"]
        return fields, problems + text_problems(chosen) + reference_problems(chosen), typographic_queries(chosen)


class _Lines:
    """Places problems of the new language file at the lines of the translator's file where the texts are."""

    def __init__(self, path: Path, target: Path, values: dict[TextField, tuple[str, list[Returned]]], fields: dict):
        self.path = path
        self.target = target  # the language file, which problems elsewhere than in the texts taken name
        self.starts = sorted((item.mark.line, key) for key, item in fields.items())
        self.units = {item.key: (value, back) for item, (value, back) in values.items()}
        self.fields = fields

    def problem(self, problem: Problem, always: bool = False) -> Problem | None:
        """`problem` at the translator's file's line; None for one in a text not taken (unless `always`: then at
        the language file's line)."""
        before = [key for line, key in self.starts if line <= problem.mark.line]
        key = before[-1] if before else None
        if key not in self.units:
            at = Mark(self.target, problem.mark.line, problem.mark.column)
            return Problem(at, problem.message) if always or key is None else None
        value, back = self.units[key]
        return Problem(Mark(self.path, self._unit(key, value, back, problem.mark.line).line, 1), problem.message)

    def _unit(self, key: tuple[str, ...], value: str, back: list[Returned], line: int) -> Returned:
        """The unit of the paragraph of `value` that the file's `line` holds (the text's first unit if not one)."""
        cut = segments(value) if len(back) > 1 else None
        if cut is None:
            return back[0]
        inside = line - self.fields[key].mark.line - 1  # the block's lines start after its `|` line
        for index, (first, end) in enumerate(cut.spans):
            if first <= inside < end:
                return back[index]
        return back[0]
