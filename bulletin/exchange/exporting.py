"""`build.py export`: the texts of an issue in one language, as a file for the translator's tool (PO or XLIFF)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..content.sources import read_translation
from ..util.errors import BulletinError, Refused, UsageError, display_path
from .memory import Memory
from .pofiles import po_file
from .reading import read_exchange_file
from .taking import field_of, holds
from .units import Unit, fingerprint, units_of
from .xlifffiles import xliff_file


@dataclass(frozen=True)
class Export:
    """What `export_texts` made."""

    text: str  # the file's content
    units: list[Unit]

    def counts(self) -> Counter:
        """How many units are in each state."""
        return Counter(unit.state for unit in self.units)

    def words(self) -> Counter:
        """How many words of source text the units in each state hold: what a translation agency quotes by."""
        found: Counter = Counter()
        for unit in self.units:
            found[unit.state] += len(unit.source.split())
        return found


FORMATS = {"po": "po", "xliff": "xlf"}  # the formats, and the ending of their files' names
SUFFIXES = {".po": "po", ".pot": "po", ".xlf": "xliff", ".xliff": "xliff"}  # the format a file's name says


def format_for(given: str | None, output: Path | None) -> str:
    """The format to write: the one given, else the one the output's name says, else PO; UsageError when the two
    disagree (an .xlf file holding PO would open in no tool)."""
    named = SUFFIXES.get(output.suffix.lower()) if output else None
    if given and named and given != named:
        raise UsageError(f"--output {output} names a {named} file, but --format is {given}")
    return given or named or "po"


def unimported(path: Path, export: Export) -> tuple[list[str], list[str]]:
    """What writing over the file at `path` (an earlier export, translated since) would lose: the places whose
    translation it has and the issue does not, and those it has at places the issue no longer has, or cuts into
    paragraphs otherwise now. UsageError when it is no file of texts at all."""
    try:
        earlier = read_exchange_file(path)
    except BulletinError as err:
        raise Refused(
            f"{display_path(path)} exists and is no file of texts that export made ({err}); give --force to write"
            " over it, or another --output"
        ) from None
    now = {unit.key: unit.base for unit in export.units}
    texts = {unit.field.name: unit.field.value or "" for unit in export.units}
    lost, moved = [], []
    for back in earlier.units:
        if not back.target.strip():
            continue
        if back.key in now:
            if fingerprint(back.target) != now[back.key]:
                lost.append(back.key)
        elif (name := field_of(back.key, texts)) is None or not holds(texts[name], back.target):
            moved.append(back.key)
    return lost, moved


def export_texts(folder: Path, language: str, form: str = "po", now: datetime | None = None) -> Export:
    """The texts of the issue in `folder` in `language`, as a file of translation units in the format `form`."""
    read = read_translation(folder, language)
    memory = Memory(folder, language, read.source_language)
    units = units_of(folder, read.texts, language, read.source_language, memory)
    if form == "xliff":
        return Export(xliff_file(units, folder.name, language, read.source_language), units)
    return Export(po_file(units, folder.name, language, read.source_language, now), units)
