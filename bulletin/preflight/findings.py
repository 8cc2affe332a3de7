"""The preflight's findings: one result each, counted and written as the JSON report.

Kept apart from the checks, which need the PDF libraries, so that a delivery's report can be
read back (by the manifest, by a scheduled run deciding whether there is anything to do)
without loading them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..util.atomic import write_atomically

SEVERITIES = ("pass", "warning", "error")  # from best to worst
# The checks in the order of the report's columns: those of the PDF (preflight.CHECKS), the page make-up's
# (made during layout), what WeasyPrint warned about ("render"), and "open" for a file that cannot be read at all.
COLUMNS = (
    "qpdf",
    "content",
    "boxes",
    "pdfx",
    "tagging",
    "structure",
    "outloud",
    "fonts",
    "pages",
    "images",
    "pictures",
    "colour",
    "text",
    "issn",
    "resources",
    "rip",
    "ink",
    "type",
    "makeup",
    "render",
    "open",
)


@dataclass(frozen=True)
class Expectation:
    """What one PDF must be, taken from the edition and the settings that made it."""

    variant: str  # "print" or "screen"
    language: str  # BCP 47 tag expected in the catalog's /Lang, e.g. "az" or "en-GB"
    title: str  # the bulletin's title as printed on the cover in this language
    period: str  # the period as printed on the cover, e.g. "July–December 2022"
    families: tuple[str, ...]  # font families allowed, as PDF base-font prefixes, e.g. ("Bulletin-Serif",)
    trim: tuple[float, float]  # trim width and height in PDF points
    bleed: float  # bleed on every side in points (0 for screen)
    page_multiple: int  # the page count must be a multiple of this (1 = any)
    warn_ppi: float  # an image below this effective resolution gets a warning (print)
    min_ppi: float  # an image below this is an error (print)
    max_ppi: float | None  # screen: images must not exceed this (a 5 % tolerance), None = no limit
    standard: str = "PDF/X-4"  # print: "PDF/X-4", or "PDF/X-1a:2001" when the bureau asks for it
    condition: str = ""  # print: the output intent's OutputConditionIdentifier, e.g. "FOGRA39"
    ink_limit: float = 0.0  # print: total ink at most, in %; 0 = not measured against a limit
    issn: str = ""  # the ISSN of the file's medium, which its text and its XMP give; "": none is checked
    issn_property: str = ""  # the PRISM property of the XMP that gives it: "issn" (print) or "eIssn" (online)
    other_issn: str = ""  # the other medium's ISSN, which the file may give only as its ISSN-L


@dataclass(frozen=True)
class Finding:
    """One result of the preflight."""

    file: str  # the PDF's file name (name only, no folder)
    check: str  # the check's name: a key of CHECKS, or "open" when the file cannot be read at all
    severity: str  # "error", "warning" or "pass"
    message: str  # what was found, in plain words
    page: int | None = None  # 1-based page, when the finding is about one page


def count(findings: list[Finding], severity: str) -> int:
    """Return how many of the findings have `severity`."""
    return sum(1 for finding in findings if finding.severity == severity)


def write_report(findings: list[Finding], target: Path) -> None:
    """Write the findings to `target` as JSON grouped per file, with counts of errors and warnings."""
    files: dict[str, list[Finding]] = {}
    for finding in findings:
        files.setdefault(finding.file, []).append(finding)
    report = {
        "errors": count(findings, "error"),
        "warnings": count(findings, "warning"),
        "files": {
            name: {
                "errors": count(group, "error"),
                "warnings": count(group, "warning"),
                "findings": [
                    {key: value for key, value in asdict(finding).items() if key != "file"} for finding in group
                ],
            }
            for name, group in files.items()
        },
    }
    text = json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    write_atomically(target, text.encode("utf-8"))


def format_table(findings: list[Finding]) -> str:
    """Return a short table for the terminal: a row per file, a column per check, then every problem."""
    files: dict[str, dict[str, str]] = {}
    for finding in findings:
        row = files.setdefault(finding.file, {})
        row[finding.check] = max(row.get(finding.check, "pass"), finding.severity, key=SEVERITIES.index)
    checks = [check for check in COLUMNS if any(check in row for row in files.values())]
    marks = {"pass": "ok", "warning": "warn", "error": "ERROR"}
    width = max([len(name) for name in files] + [4])
    widths = {check: max(len(check), 7) for check in checks}
    lines = [f"{'file':<{width}}  " + "  ".join(f"{check:<{widths[check]}}" for check in checks)]
    lines += [
        f"{name:<{width}}  " + "  ".join(f"{marks.get(row.get(check, ''), '-'):<{widths[check]}}" for check in checks)
        for name, row in files.items()
    ]
    lines += [
        f"{finding.severity}: {finding.file}: {finding.check}: {finding.message}"
        for finding in findings
        if finding.severity != "pass"
    ]
    lines.append(
        f"{plural(count(findings, 'error'), 'error')}, {plural(count(findings, 'warning'), 'warning')}"
        f" in {plural(len(files), 'file')}"
    )
    return "\n".join(lines) + "\n"


def plural(number: int, word: str) -> str:
    """`number` `word`s, in English: \"1 error\", \"2 errors\"."""
    return f"{number} {word}{'' if number == 1 else 's'}"


LISTED = 5  # pages or lines named in one message before "and N more"


def pages_named(pages: list[int]) -> str:
    """Name pages in a message: "page 3", or "pages 1, 2, 5 and 4 more"."""
    return ("page " if len(pages) == 1 else "pages ") + listed([str(page) for page in pages], ", ")


def listed(items: list[str], separator: str) -> str:
    """Join the first few of `items`, then say how many more there are."""
    return separator.join(items[:LISTED]) + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


def passed(path: Path, check: str, message: str) -> Finding:
    """A check of the PDF at `path` that found nothing wrong: what it checked."""
    return Finding(path.name, check, "pass", message)


def failed(path: Path, check: str, message: str, page: int | None = None) -> Finding:
    """An error a check found in the PDF at `path`, on a page or in the whole file."""
    return Finding(path.name, check, "error", message, page)
