"""`build.py export`: the texts of an issue in one language, as a file for the translator's tool (PO or XLIFF)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..content.sources import read_translation
from .memory import Memory
from .pofiles import po_file
from .units import Unit, units_of
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


def export_texts(folder: Path, language: str, form: str = "po", now: datetime | None = None) -> Export:
    """The texts of the issue in `folder` in `language`, as a file of translation units in the format `form`."""
    read = read_translation(folder, language)
    memory = Memory(folder, language, read.source_language)
    units = units_of(folder, read.texts, language, read.source_language, memory)
    if form == "xliff":
        return Export(xliff_file(units, folder.name, language, read.source_language), units)
    return Export(po_file(units, folder.name, language, read.source_language, now), units)
