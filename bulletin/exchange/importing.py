"""`build.py import`: a translator's file back into the language file, each finished text confirmed.

Which texts are taken is `taking`'s: those whose units are all translated, not fuzzy, and show the
source text the issue has now, unless the language file changed under them since the export. Their
translations are written into the language file (`splicing`), confirmed against that source.

Nothing is written unless all of it is right: the new language file is read back as the build reads it,
and every problem a taken text has (a Markdown picture, a bad character, a text too long) is given at
the line of the translator's file where the translation is, as a problem the YAML would have.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..content.limits import text_problems
from ..content.schema import Checker
from ..content.sources import Translation, read_confirmations, read_translation, source_hash
from ..content.texts import TextField, language_file, read_texts
from ..content.validation import reference_problems, typographic_queries
from ..language.segments import segments
from ..util.atomic import write_atomically
from ..util.errors import BuildError, ContentError, Mark, Problem, UsageError, display_path
from .reading import read_exchange_file
from .splicing import SpliceError, splice
from .taking import source_of, take
from .units import Returned, units_of


@dataclass(frozen=True)
class Imported:
    """What `import_texts` did."""

    path: Path  # the language file
    taken: list[tuple[TextField, int]]  # each text written, with the line of its (first) unit in the file
    unchanged: int  # texts the file gives as the language file already has them, confirmed
    left: int  # texts left as they were: a unit of them fuzzy or empty
    skipped: list[Problem]  # units not taken: their source changed, or their place is gone
    warnings: list[Problem]  # what a proofreader would query in the texts taken
    # Bodies written with the file's finished paragraphs but not confirmed (others changed in the source since).
    kept: list[tuple[TextField, int]] = field(default_factory=list)
    absent: int = 0  # units of the issue the file does not have


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
    # A tool may write the language as a locale (ru-RU, ru_RU): the bulletin's languages are the language alone.
    language = re.split(r"[-_@.]", exchanged.language.strip())[0].lower()
    read = read_translation(folder, language)
    taken = take(exchanged, units_of(folder, read.texts, language, read.source_language), read)
    if taken.problems:  # nothing is written
        raise ContentError(taken.problems)
    warnings = _write(folder, read, exchanged.path, language, taken.values, taken.kept) if taken.values else []
    return Imported(
        language_file(folder, language),
        [(item, _first_change(item, *taken.values[item])) for item in taken.values if item not in taken.kept],
        taken.unchanged,
        taken.left,
        taken.skipped,
        taken.warnings + warnings,
        [(item, _first_change(item, *taken.values[item])) for item in taken.values if item in taken.kept],
        taken.absent,
    )


def _first_change(item: TextField, value: str, back: list[Returned]) -> int:
    """The line of the file where the unit of the first paragraph that `value` changes in `item` is."""
    old, new = (segments(text) if text and len(back) > 1 else None for text in (item.value, value))
    if old is None or new is None or not len(old.texts) == len(new.texts) == len(back):
        return back[0].line
    return next((unit.line for unit, was, now in zip(back, old.texts, new.texts) if was != now), back[0].line)


def _write(
    folder: Path,
    read: Translation,
    path: Path,
    language: str,
    values: dict[TextField, tuple[str, list[Returned]]],
    kept: set[TextField],
) -> list[Problem]:
    """Write `values` (taken from the file at `path`) into the language file, confirmed, after reading the result
    back; ContentError (and nothing written) when a text has a problem. Returns the proofreader's queries in the
    texts taken."""
    target = language_file(folder, language)
    with target.open(encoding="utf-8", newline="") as file:  # newline="": keep the file's own line endings
        original = file.read()
    # Confirmed against the current source; a text kept unconfirmed keeps the tag it had.
    hashes = {item: item.confirmed if item in kept else source_hash(source_of(read, item)) for item in values}
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
    mapped = _Lines(path, target, values, fields)
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
        if item not in kept:
            store.record(replace(item, value=value), source_of(read, item))
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
        found = checker.problems + texts.strays  # (an entry under an unknown id is a stray of a translated file)
        problems = [problem for problem in found if problem.mark.path.name == f"{language}.yaml"]
        return fields, problems + text_problems(chosen) + reference_problems(chosen), typographic_queries(chosen)


class _Lines:
    """Places problems of the new language file at the lines of the translator's file where the texts are."""

    def __init__(self, path: Path, target: Path, values: dict[TextField, tuple[str, list[Returned]]], fields: dict):
        self.path = path
        self.target = target  # the language file, which problems elsewhere than in the texts taken name
        self.starts = sorted((item.mark.line, key) for key, item in fields.items())
        self.units = {item.key: (value, back) for item, (value, back) in values.items()}
        # Where a problem the language file cannot place within a text goes: the text's first changed unit, the
        # likeliest to hold what is new (as a character written as an escape, which no line shows as it is).
        self.first = {item.key: _first_change(item, value, back) for item, (value, back) in values.items()}
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
        return Problem(Mark(self.path, self._line(key, value, back, problem.mark.line), 1), problem.message)

    def _line(self, key: tuple[str, ...], value: str, back: list[Returned], line: int) -> int:
        """The line of the unit of the paragraph of `value` that the language file's `line` holds."""
        cut = segments(value) if len(back) > 1 else None
        inside = line - self.fields[key].mark.line - 1  # the block's lines start after its `|` line
        for index, (first, end) in enumerate(cut.spans if cut is not None and len(cut.spans) == len(back) else ()):
            if first <= inside < end:
                return back[index].line
        return self.first[key]
