"""The print stage's jobs and what they give back, as plain records.

A job is sent to a worker process and its result comes back pickled (`workers`). Both are
defined here, apart from the rendering engine, so that the build which sends and receives
them never loads WeasyPrint itself: that takes half a second, spent while both cores could
be laying out. `inworker` loads the engine where the job runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..language.fonts import Typefaces
from ..language.localization import PortableTranslations
from ..model import Edition
from ..preflight.findings import Finding
from .settings import PrintSettings


@dataclass(frozen=True)
class Job:
    """One PDF to make: an edition in one variant."""

    edition: Edition
    variant: str  # "print" or "screen"
    settings: PrintSettings
    typefaces: Typefaces
    translations: PortableTranslations  # the edition's interface strings
    pictures: dict[Path, Path]  # each picture -> the file prepared for this variant
    target: Path  # where the PDF goes
    draft: bool = False
    makeup: bool = True  # tell the faults of make-up: the first variant built of the edition does

    def __str__(self) -> str:
        return f"{self.edition.language} {self.variant}"


@dataclass(frozen=True)
class Made:
    """A PDF made by a job, with what its preflight found."""

    printed: Printed
    findings: list[Finding]
    steps: dict[str, float] = field(default_factory=dict)  # step -> seconds: render, print, preflight


@dataclass(frozen=True)
class Printed:
    """One PDF written by the print stage."""

    path: Path  # where it was written
    variant: str  # "print" or "screen"
    pages: int  # its page count
    pictures: list[Placement]  # print: the photographs on its pages, with their resolution (screen: none)
    parts: list[Part]  # the parts of the edition (covers, front matter, sections…) with the pages each takes
    faults: list[Fault]  # faults of page make-up: widows, orphans, stranded headings, loose lines…
    unshown: list[tuple[int, Path]] = field(default_factory=list)  # pictures shown as their alt text: page, file
    engine: tuple[str, ...] = ()  # what WeasyPrint warned about while laying out and writing the PDF
    shown: list[tuple[int, Path]] = field(default_factory=list)  # the pictures drawn: page, file


@dataclass(frozen=True)
class Placement:
    """A photograph as placed on a page."""

    source: Path  # the picture's file
    page: int  # 1-based page number
    pixels: tuple[int, int]  # the picture's width and height in pixels
    size_mm: tuple[float, float]  # the width and height it covers on the page
    ppi: float  # its effective resolution, the lower of the two directions


@dataclass(frozen=True)
class Part:
    """One part of a laid-out edition and the pages it takes."""

    id: str  # the anchor that starts it: cover, imprint, section-<id>, key-figures…
    title: str  # what an editor calls it: "Front cover", or the section's title in the edition's language
    first_page: int  # 1-based number of its first page
    pages: int  # how many pages it takes (spare blank pages are nobody's)


@dataclass(frozen=True)
class Fault:
    """A fault of page make-up, as a make-up editor would mark it on a proof."""

    page: int  # 1-based number of the page it is on
    kind: str  # orphan, widow, stranded heading, split figure, overfull line, short line, or one of `proofing`'s
    message: str  # what is wrong, quoting the start of the text concerned

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}"


@dataclass(frozen=True)
class SlotProbe:
    """The places of an issue's pictures, to be measured in one variant before the editions are laid out."""

    variant: str
    settings: PrintSettings
    typefaces: Typefaces
    slots: tuple[tuple[str, tuple[int, int]], ...]  # per picture: its slot (see SLOTS) and its size in pixels
