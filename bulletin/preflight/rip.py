"""A RIP's view of a print file: every page rendered by Ghostscript, and the ink it lays down measured.

A printing bureau's RIP renders each page to the plates. Ghostscript does the same here, once
for all pages, into CMYK pictures at a low resolution (`RESOLUTION`), as the press would lay
the inks down: overprint as the file sets it (solid black over a tint adds to it), the page cut
to its bleed (the crop marks, in every ink, are not printed on the sheet's live area).

- **rip**: anything Ghostscript says while it renders (a warning, an error, a repaired
  damage) is an error of the file: a RIP that needs to repair a file may repair it otherwise.
- **ink**: the total area coverage, the sum of the four inks, is averaged over each square
  millimetre or so of a page (`CELL` pixels a side), and no cell may pass the printing
  condition's ink limit. A cell over it is named by its page and its place from the trimmed
  page's top left corner, in millimetres.

This module only reads the PDF, with a tool that did not write it; `checks` runs it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, ImageMath

from ..util.pam import read_pam
from .findings import Expectation, Finding, failed, listed, passed, plural

RESOLUTION = 72  # pixels per inch: a pixel is a third of a millimetre, far below any area of ink that matters
CELL = 3  # pixels a side of the square over which ink is averaged: about a millimetre at RESOLUTION
TOLERANCE = 1.0  # % over the limit a cell may show: eight-bit inks round each by up to 0.2 %
TIMEOUT = 20  # seconds Ghostscript may take for a file, besides PAGE_TIME for each page
PAGE_TIME = 2  # seconds for a page, which takes a twentieth of one
MM_PER_PIXEL = 25.4 / RESOLUTION
LISTED = 5  # pages over the limit named in a finding
# What Ghostscript says on every run: its banner and its progress. Anything else is a message about the file.
SAID_ALWAYS = re.compile(
    r"\s*$|GPL Ghostscript \d[\d.]* \(|Copyright \(C\) \d{4} Artifex|This software is supplied under|"
    r"see the file COPYING for details|Processing pages \d+ through \d+\.$|Page \d+$"
)


@dataclass(frozen=True)
class Coverage:
    """The heaviest ink of one page."""

    page: int  # counted from 1
    percent: float  # the highest total area coverage of a cell, in %
    place_mm: tuple[float, float]  # where that cell is: from the trim's left and top edges


def check_rip(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Render every page with Ghostscript; fail on anything it says and on ink beyond the condition's limit."""
    coverages, said, status = _render(path, pdf)
    if status or said or len(coverages) != len(pdf.pages):
        told = said or [f"exit status {status}" if status else f"rendered {len(coverages)} of {len(pdf.pages)} pages"]
        findings = [failed(path, "rip", f"Ghostscript: {listed(told, '; ')}")]
    else:
        findings = [passed(path, "rip", f"Ghostscript rendered {plural(len(pdf.pages), 'page')} without a word")]
    return findings + _ink_findings(path, coverages, expected.ink_limit)


def _render(path: Path, pdf: pikepdf.Pdf) -> tuple[list[Coverage], list[str], int]:
    """Render `path` page by page into CMYK pictures read from a pipe; return each page's heaviest ink, what
    Ghostscript said (its banner and progress aside) and its exit status."""
    command = [
        "gs",
        "-dSAFER",
        "-dBATCH",
        "-dNOPAUSE",  # and not -q, which silences its warnings too
        "-sDEVICE=pamcmyk32",  # CMYK, eight bits an ink: what the plates get, overprint included
        f"-r{RESOLUTION}",
        "-dMaxBitmap=400000000",  # a page in one band: rendered in bands, it takes four times as long
        "-dUseBleedBox",  # the sheet's printed area: the marks outside are not ink on the product
        "-sstdout=%stderr",  # what it says goes to stderr, so that stdout holds the pictures only
        "-sOutputFile=-",
        str(path),
    ]
    coverages: list[Coverage] = []
    limit = TIMEOUT + PAGE_TIME * len(pdf.pages)
    with tempfile.TemporaryFile() as messages:
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=messages)
        except FileNotFoundError as err:
            raise RuntimeError("gs is not installed (Debian package ghostscript)") from err
        assert process.stdout is not None
        watchdog = threading.Timer(limit, process.kill)  # a page that never ends would block the reading
        watchdog.start()
        try:
            while (picture := read_pam(process.stdout)) is not None:
                coverages.append(_coverage(len(coverages) + 1, picture, pdf))
            status = process.wait()
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
        if status < 0:
            raise RuntimeError(f"Ghostscript did not finish rendering within {limit} s: a RIP would stall too")
        messages.seek(0)
        lines = messages.read().decode("utf-8", "replace").splitlines()
    said = [line.strip().replace(str(path), path.name) for line in lines if not SAID_ALWAYS.match(line)]
    return coverages, said, status


def _coverage(number: int, image: Image.Image, pdf: pikepdf.Pdf) -> Coverage:
    """Measure the heaviest cell of ink on one rendered page."""
    width, height = image.size
    cells = image.reduce(CELL) if min(width, height) >= CELL else image  # the mean of each cell, per ink
    cyan, magenta, yellow, black = cells.split()
    total = ImageMath.lambda_eval(
        lambda ink: ink["c"] + ink["m"] + ink["y"] + ink["k"], c=cyan, m=magenta, y=yellow, k=black
    )
    _low, high = total.getextrema()
    assert isinstance(high, (int, float))
    at_most = ImageMath.lambda_eval(lambda ink: ink["total"] >= high, total=total)
    heaviest = at_most.convert("L").getbbox() or (0, 0, 1, 1)
    # Where that cell is, from the trim's top left corner: the picture starts at the bleed box.
    page = pdf.pages[number - 1].obj if number <= len(pdf.pages) else pdf.pages[-1].obj
    bleed = [float(value) for value in page.get("/BleedBox", page.MediaBox)]
    trim = [float(value) for value in page.get("/TrimBox", page.MediaBox)]
    left = heaviest[0] * CELL * MM_PER_PIXEL - (trim[0] - bleed[0]) * 25.4 / 72
    top = heaviest[1] * CELL * MM_PER_PIXEL - (bleed[3] - trim[3]) * 25.4 / 72
    return Coverage(number, high * 100 / 255, (left, top))


def _ink_findings(path: Path, coverages: list[Coverage], limit: float) -> list[Finding]:
    heaviest = max(coverages, key=lambda coverage: coverage.percent, default=None)
    if heaviest is None:
        return []
    if not limit:
        return [passed(path, "ink", f"at most {heaviest.percent:.0f} % ink (page {heaviest.page}); no limit set")]
    over = [coverage for coverage in coverages if coverage.percent > limit + TOLERANCE]
    if not over:
        return [passed(path, "ink", f"at most {heaviest.percent:.0f} % ink (page {heaviest.page}), within {limit:g} %")]
    named = [
        f"page {coverage.page}: {coverage.percent:.0f} % at {coverage.place_mm[0]:.0f} mm from the left,"
        f" {coverage.place_mm[1]:.0f} mm from the top"
        for coverage in sorted(over, key=lambda coverage: -coverage.percent)[:LISTED]
    ]
    more = f"; and {plural(len(over) - LISTED, 'page')} more" if len(over) > LISTED else ""
    return [
        failed(
            path,
            "ink",
            f"ink over the printing condition's {limit:g} % limit on {plural(len(over), 'page')}:"
            f" {'; '.join(named)}{more}",
        )
    ]
