"""Preflight stage: read every PDF a build wrote back and check it as a prepress operator would.

Each check looks at one aspect of one PDF (syntax, content streams readers can draw, page
boxes, PDF/X or PDF/UA conformance, fonts, page count, image resolution, pictures that came out
blank or as their alternative text, colour, cover text, the ISSN of the file's medium) and returns
`Finding`s; a check that finds nothing wrong returns one "pass" finding, so the report
shows what was checked. The rule for severities: an *error* is what the printing bureau
or an accessibility audit would reject, so the file must not be delivered; a *warning*
is worth a look before delivery but may be accepted (a photo between the warning and the
minimum resolution, CMYK colour in the screen edition). A check that cannot run (a
damaged file, a missing tool) is an error of that check, never a traceback. The checks of a
standard's marks (PDF/X, PDF/UA) are in `standards`, and run from here. This module only
reads PDFs (the findings module writes the report); it changes no PDF and decides nothing
itself.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pikepdf

from .accessibility import check_accessibility
from .colourscan import find_colour
from .findings import Expectation, Finding, failed, listed, pages_named, passed, plural
from .picturescan import blank_images, unshown_figures
from .resourcescan import check_resources
from .rip import check_rip
from .standards import check_pdfx, check_tagging
from .streamscan import stream_problems
from .structurescan import check_structure
from .textscan import check_issn, check_text
from .tools import run_tool, scrub
from .typescan import check_type

# What a signed screen PDF is checked against again: the checks run then (`recheck_signed`) read none of it.
SIGNED = Expectation("screen", "", "", "", (), (0.0, 0.0), 0.0, 1, 0.0, 0.0, None)
TOLERANCE = 0.05  # points by which a page box may differ from its expected place


def preflight_pdf(path: Path, expected: Expectation) -> list[Finding]:
    """Run every check that applies to the variant; return all findings (at least one per check)."""
    try:
        pdf = pikepdf.open(path)
    except Exception as err:  # noqa: BLE001 - whatever makes the file unreadable is a finding
        return [
            *_guarded("qpdf", path, partial(_qpdf, path)),
            Finding(path.name, "open", "error", f"cannot be opened as a PDF: {scrub(str(err), path)}"),
        ]
    with pdf:
        findings: list[Finding] = []
        for name, check in CHECKS.items():
            if ONLY_FOR.get(name, expected.variant) != expected.variant:
                continue
            if name == "rip" and any(found.check == "content" and found.page is not None for found in findings):
                # A page whose stream no reader can draw (a number beyond reach, tiles of a millionth of the page)
                # may keep Ghostscript drawing for minutes; the file is refused already, with the pages named.
                findings.append(failed(path, "rip", "not rendered: its content streams hold what a RIP cannot draw"))
                continue
            findings += _guarded(name, path, partial(check, path, pdf, expected))
        return findings


def recheck_signed(path: Path) -> list[Finding]:
    """Check a screen PDF again once signed, as the reader gets it: the structure and outloud's checks, which
    neither depend on what the edition was expected to be (the signature's field is tagged in the update that
    signs it). Return the errors."""
    with pikepdf.open(path) as pdf:
        found = [
            finding
            for name in ("structure", "outloud")
            for finding in _guarded(name, path, partial(CHECKS[name], path, pdf, SIGNED))
        ]
    return [finding for finding in found if finding.severity == "error"]


def _guarded(name: str, path: Path, run: Callable[[], list[Finding]]) -> list[Finding]:
    """Run one check, turning whatever it raises into an error of that check."""
    try:
        return run()
    except subprocess.TimeoutExpired as err:
        return [Finding(path.name, name, "error", f"{err.cmd[0]} took longer than {err.timeout:g} s")]
    except Exception as err:  # noqa: BLE001 - a damaged file gives a finding, it does not stop the build
        return [Finding(path.name, name, "error", f"the check could not run: {scrub(str(err), path) or repr(err)}")]


def check_qpdf(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check the file's syntax and every stream with qpdf."""
    return _qpdf(path)


def _qpdf(path: Path) -> list[Finding]:
    # What `qpdf --check` does first, written out: read every object and decode every stream into nothing.
    # Photographs (DCT) are left to Ghostscript's render of every page (`rip`), which decodes each of them and
    # says so of one it cannot: qpdf 11's --check decodes them too and then compresses each again, which took
    # most of the preflight's time and told nothing the render does not (a damaged JPEG it only warns about,
    # exit status 0). The content streams, which --check then parses, the content check parses with qpdf's
    # own tokenizer.
    result = run_tool("qpdf", "--decode-level=generalized", "--stream-data=uncompress", str(path), os.devnull)
    lines = [scrub(line, path) for line in (result.stdout + result.stderr).splitlines()]
    if result.returncode == 0:
        return [passed(path, "qpdf", "qpdf read every object and decoded every stream but the photographs'")]
    if result.returncode == 3:
        warnings = [line for line in lines if "WARNING" in line] or lines
        return [failed(path, "qpdf", f"qpdf warnings: {listed(warnings, '; ')}")]
    lines = [line for line in lines if line.startswith(("WARNING", "ERROR", "qpdf:"))] or lines
    return [failed(path, "qpdf", f"qpdf cannot read it (exit {result.returncode}): {listed(lines, '; ')}")]


def check_content(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check that every content stream holds only what readers draw, as read by qpdf's tokenizer and by poppler."""
    findings = [failed(path, "content", message, page) for page, message in stream_problems(pdf)]
    # pdftotext reads every operator of every page, and tells on stderr what it could not read.
    errors = Counter(
        re.sub(r"^(Syntax \w+) \(\d+\)", r"\1", line)
        for line in run_tool("pdftotext", "-enc", "UTF-8", str(path), "-").stderr.splitlines()
        if "Error" in line
    )
    if errors:
        told = [line + (f" ({times} times)" if times > 1 else "") for line, times in errors.items()]
        findings.append(failed(path, "content", f"poppler cannot read it cleanly: {listed(told, '; ')}"))
    return findings or [passed(path, "content", "every content stream holds only what readers draw")]


def check_boxes(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check every page's TrimBox, BleedBox and MediaBox against the trim size and the bleed."""
    problems: dict[str, list[int]] = {}
    (width, height), bleed = expected.trim, expected.bleed
    for number, page in enumerate(pdf.pages, 1):
        trim, bleed_box = _box(page.obj.get("/TrimBox")), _box(page.obj.get("/BleedBox"))
        if trim is None:
            problems.setdefault("no TrimBox", []).append(number)
            continue
        size = (trim[2] - trim[0], trim[3] - trim[1])
        if abs(size[0] - width) > TOLERANCE or abs(size[1] - height) > TOLERANCE:
            problems.setdefault(
                f"TrimBox is {size[0]:.2f} × {size[1]:.2f} pt, not {width:.2f} × {height:.2f} pt", []
            ).append(number)
        if bleed_box is None and bleed == 0:
            bleed_box = trim  # a PDF without bleed need not say so
        if bleed_box is None:
            problems.setdefault("no BleedBox", []).append(number)
            continue
        margins = (trim[0] - bleed_box[0], trim[1] - bleed_box[1], bleed_box[2] - trim[2], bleed_box[3] - trim[3])
        if any(abs(margin - bleed) > TOLERANCE for margin in margins):
            found = (
                f"{margins[0]:.2f}"
                if max(margins) - min(margins) <= TOLERANCE
                else ", ".join(f"{margin:.2f}" for margin in margins) + " (left, bottom, right, top)"
            )
            problems.setdefault(f"BleedBox extends {found} pt beyond the TrimBox instead of {bleed:.2f} pt", []).append(
                number
            )
        media = _box(page.mediabox)
        if (
            media is None
            or any(media[index] > bleed_box[index] + TOLERANCE for index in (0, 1))
            or any(media[index] < bleed_box[index] - TOLERANCE for index in (2, 3))
        ):
            problems.setdefault("MediaBox does not contain the BleedBox", []).append(number)
    if not problems:
        return [
            passed(
                path,
                "boxes",
                f"{plural(len(pdf.pages), 'page')} trimmed to {width:.2f} × {height:.2f} pt with {bleed:.2f} pt bleed",
            )
        ]
    return [
        failed(path, "boxes", f"{problem} on {pages_named(pages)}", pages[0]) for problem, pages in problems.items()
    ]


def _box(value: object) -> tuple[float, float, float, float] | None:
    """Return a box as (left, bottom, right, top), whichever corners it was written with."""
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    x0, y0, x1, y1 = (float(number) for number in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def check_fonts(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check with pdffonts that every font is embedded and of an allowed family."""
    # A row is: name, type (one or more words), encoding, emb, sub, uni, object number, generation.
    rows = [
        line.split() for line in run_tool("pdffonts", str(path), check=True).stdout.splitlines()[2:] if line.strip()
    ]
    allowed = tuple(_squeeze(family) for family in expected.families)
    problems = []
    for row in rows:
        name = row[0].split("+", 1)[1] if row[0][6:7] == "+" else row[0]
        if row[-5] != "yes":
            problems.append(f"font {name} is not embedded")
        if not _squeeze(name).startswith(allowed):
            problems.append(f"font {name} is not one of {', '.join(expected.families)}")
    if problems:
        return [failed(path, "fonts", problem) for problem in dict.fromkeys(problems)]
    return [passed(path, "fonts", f"{plural(len(rows), 'font')}, all embedded, of {', '.join(expected.families)}")]


def _squeeze(name: str) -> str:
    """Return a font name without case, spaces, hyphens and underscores, which PDF writers vary."""
    return "".join(character for character in name.casefold() if character not in " -_")


def check_pages(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check that the page count is a multiple of what the binding needs."""
    pages, multiple = len(pdf.pages), max(expected.page_multiple, 1)
    if pages == 0 or pages % multiple:
        return [failed(path, "pages", f"{plural(pages, 'page')}, not a multiple of {multiple}")]
    return [passed(path, "pages", plural(pages, "page") + (f", a multiple of {multiple}" if multiple > 1 else ""))]


def check_images(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check the effective resolution of every placed image, as pdfimages reports it."""
    lines = run_tool("pdfimages", "-list", str(path), check=True).stdout.splitlines()
    header, images, findings = (lines[0].split() if lines else []), [], []
    for line in lines[2:]:
        cells = dict(zip(header, line.split()))
        if cells.get("type") == "image":  # a mask's resolution says nothing about the photo's sharpness
            images.append(
                (
                    int(cells["page"]),
                    f"{cells['width']} × {cells['height']} px",
                    min(float(cells["x-ppi"]), float(cells["y-ppi"])),
                )
            )
    for page, size, ppi in images:
        placed = f"image of {size} at {ppi:.0f} ppi on page {page}"
        if expected.variant == "print" and ppi < expected.min_ppi:
            findings.append(failed(path, "images", f"{placed}, below the minimum of {expected.min_ppi:.0f} ppi", page))
        elif expected.variant == "print" and ppi < expected.warn_ppi:
            findings.append(
                Finding(path.name, "images", "warning", f"{placed}, below {expected.warn_ppi:.0f} ppi", page)
            )
        elif expected.variant == "screen" and expected.max_ppi and ppi > expected.max_ppi * 1.05:
            findings.append(
                failed(
                    path,
                    "images",
                    f"{placed}, above {expected.max_ppi:.0f} ppi: images of the screen edition must be downsampled",
                    page,
                )
            )
    if findings or not images:
        return findings or [passed(path, "images", "no images")]
    ppis = [ppi for _page, _size, ppi in images]
    return [passed(path, "images", f"{plural(len(images), 'image')}, {min(ppis):.0f} to {max(ppis):.0f} ppi")]


def check_pictures(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check that no picture came out blank, or (in a tagged PDF) as its alternative text."""
    problems: list[tuple[int | None, str]] = []  # (the page, or None for a Figure that names none; what)
    problems += [
        (page, f"an image of {size} came out blank (all one colour) on page {page}") for page, size in blank_images(pdf)
    ]
    if expected.variant == "screen":
        problems += [(page, f"{what} on page {page}") for page, what in unshown_figures(pdf)]
    return [failed(path, PICTURES, message, page) for page, message in problems] or [
        passed(
            path, PICTURES, "every picture paints something" if expected.variant == "screen" else "no image is blank"
        )
    ]


def check_colour(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check that print uses no RGB colour, and warn where screen uses CMYK, down to every form and image."""
    problems = find_colour(pdf, "rgb" if expected.variant == "print" else "cmyk")
    if expected.variant == "print":
        return [
            failed(path, "colour", f"{problem} on {pages_named(pages)}", pages[0])
            for problem, pages in problems.items()
        ] or [passed(path, "colour", "no RGB colour")]
    return [
        Finding(
            path.name,
            "colour",
            "warning",
            f"{problem} on {pages_named(pages)}: the screen edition should be sRGB",
            pages[0],
        )
        for problem, pages in problems.items()
    ] or [passed(path, "colour", "no CMYK colour")]


CHECKS: dict[str, Callable[[Path, pikepdf.Pdf, Expectation], list[Finding]]] = {
    "qpdf": check_qpdf,
    "content": check_content,
    "boxes": check_boxes,
    "pdfx": check_pdfx,
    "tagging": check_tagging,
    "structure": check_structure,
    "outloud": check_accessibility,
    "fonts": check_fonts,
    "pages": check_pages,
    "images": check_images,
    "pictures": check_pictures,
    "colour": check_colour,
    "text": check_text,
    "issn": check_issn,
    "resources": check_resources,
    "rip": check_rip,
    "type": check_type,
}
ONLY_FOR = {
    "pdfx": "print",
    "tagging": "screen",
    "structure": "screen",
    "outloud": "screen",
    "resources": "print",
    "rip": "print",
    "type": "print",
}  # checks that apply to one variant; the others apply to both
MAKEUP = "makeup"  # the findings of the make-up check, made during layout (makeup.check_makeup), not from the PDF
PICTURES = "pictures"  # also the pictures that layout found shown as their alternative text (`editions`)
RENDER = "render"  # what WeasyPrint warned about while making the PDF (`editions`), not from the PDF
