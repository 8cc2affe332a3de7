"""A RIP's view of a print file: every page rendered by Ghostscript, and the ink it lays down measured.

A printing bureau's RIP renders each page to the plates. Ghostscript does the same here, once
for all pages, into CMYK pictures at a low resolution (`RESOLUTION`), as the press would lay
the inks down: overprint as the file sets it (solid black over a tint adds to it), the page cut
to its bleed (the crop marks, in every ink, are not printed on the sheet's live area).

- **rip**: anything Ghostscript says while it renders (a warning, an error, a repaired
  damage) is an error of the file: a RIP that needs to repair a file may repair it otherwise.
- **ink**: the total area coverage, the sum of the four inks, is measured at every pixel (a third
  of a millimetre: a thin rule or a stroke of 8-point type is a pixel wide at least), and a page
  with more than `MIN_AREA` square millimetres over the printing condition's ink limit fails,
  named with its area, its heaviest ink and where it lies from the trimmed page's top left
  corner, in millimetres. A few pixels over the limit, less than that, are where one colour's
  edge meets another's, not an area a press lays ink on.

This module only reads the PDF, with a tool that did not write it; `checks` runs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image, ImageMath

from ..util.pam import CmykPages
from .findings import Expectation, Finding, failed, listed, passed, plural

RESOLUTION = 72  # pixels per inch: a pixel is a third of a millimetre, far below any area of ink that matters
MIN_AREA = 1.0  # square millimetres over the ink limit that fail a page
TOLERANCE = 1.0  # % over the limit a pixel may show: eight-bit inks round each by up to 0.2 %
TIMEOUT = 20  # seconds Ghostscript may take for a file, besides PAGE_TIME for each page
PAGE_TIME = 2  # seconds for a page, which takes a twentieth of one
MM_PER_PIXEL = 25.4 / RESOLUTION
LISTED = 5  # pages over the limit named in a finding


@dataclass(frozen=True)
class Coverage:
    """The heaviest ink of one page."""

    page: int  # counted from 1
    percent: float  # the highest total area coverage of a pixel, in %
    over_mm2: float  # the area over the limit, in square millimetres
    place_mm: tuple[float, float]  # where that area starts (or else the heaviest ink): from the trim's left and top


def check_rip(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Render every page with Ghostscript; fail on anything it says and on ink beyond the condition's limit."""
    coverages, said, status = _render(path, pdf, expected.ink_limit)
    if status or said or len(coverages) != len(pdf.pages):
        told = said or [f"exit status {status}" if status else f"rendered {len(coverages)} of {len(pdf.pages)} pages"]
        findings = [failed(path, "rip", f"Ghostscript: {listed(told, '; ')}")]
    else:
        findings = [passed(path, "rip", f"Ghostscript rendered {plural(len(pdf.pages), 'page')} without a word")]
    return findings + _ink_findings(path, coverages, expected.ink_limit)


def _render(path: Path, pdf: pikepdf.Pdf, limit: float) -> tuple[list[Coverage], list[str], int]:
    """Render `path` page by page into CMYK pictures read from a pipe; return each page's heaviest ink, what
    Ghostscript said (its banner and progress aside) and its exit status."""
    # The bleed box: the sheet's printed area; the marks outside are not ink on the product.
    pages = CmykPages(path, RESOLUTION, "-dUseBleedBox", TIMEOUT + PAGE_TIME * len(pdf.pages))
    coverages = [_coverage(number, picture, pdf, limit) for number, picture in enumerate(pages, 1)]
    if pages.stalled:
        raise RuntimeError(f"Ghostscript did not finish rendering within {pages.allowed:g} s: a RIP would stall too")
    return coverages, [line.replace(str(path), path.name) for line in pages.said], pages.status


def _coverage(number: int, image: Image.Image, pdf: pikepdf.Pdf, limit: float) -> Coverage:
    """Measure the heaviest ink of one rendered page, and its area over `limit` (in %)."""
    cyan, magenta, yellow, black = image.split()
    total = ImageMath.lambda_eval(
        lambda ink: ink["c"] + ink["m"] + ink["y"] + ink["k"], c=cyan, m=magenta, y=yellow, k=black
    )
    _low, high = total.getextrema()
    assert isinstance(high, (int, float))
    threshold = (limit + TOLERANCE) * 255 / 100 if limit else high
    over = ImageMath.lambda_eval(lambda ink: (ink["total"] > threshold) * 255, total=total).convert("L")
    count = over.histogram()[255] if limit else 0
    heaviest = ImageMath.lambda_eval(lambda ink: (ink["total"] >= high) * 255, total=total).convert("L")
    corner = (over.getbbox() if count else None) or heaviest.getbbox() or (0, 0, 1, 1)
    # Where that is, from the trim's top left corner: the picture starts at the bleed box.
    page = pdf.pages[number - 1].obj if number <= len(pdf.pages) else pdf.pages[-1].obj
    bleed = [float(value) for value in page.get("/BleedBox", page.MediaBox)]
    trim = [float(value) for value in page.get("/TrimBox", page.MediaBox)]
    left = corner[0] * MM_PER_PIXEL - (trim[0] - bleed[0]) * 25.4 / 72
    top = corner[1] * MM_PER_PIXEL - (bleed[3] - trim[3]) * 25.4 / 72
    return Coverage(number, high * 100 / 255, count * MM_PER_PIXEL**2, (left, top))


def _ink_findings(path: Path, coverages: list[Coverage], limit: float) -> list[Finding]:
    heaviest = max(coverages, key=lambda coverage: coverage.percent, default=None)
    if heaviest is None:
        return []
    if not limit:
        return [passed(path, "ink", f"at most {heaviest.percent:.0f} % ink (page {heaviest.page}); no limit set")]
    over = [coverage for coverage in coverages if coverage.over_mm2 >= MIN_AREA]
    if not over:
        within = f"at most {heaviest.percent:.0f} % ink (page {heaviest.page}), within {limit:g} %"
        edges = sum(coverage.over_mm2 for coverage in coverages)
        told = f"; {edges:.1f} mm² over it in all, at the edges of colours" if edges else ""
        return [passed(path, "ink", within + told)]
    named = [
        f"page {coverage.page}: {coverage.over_mm2:.0f} mm² over it, up to {coverage.percent:.0f} %, starting"
        f" {coverage.place_mm[0]:.0f} mm from the left, {coverage.place_mm[1]:.0f} mm from the top"
        for coverage in sorted(over, key=lambda coverage: -coverage.over_mm2)[:LISTED]
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
