"""The screen edition judged by an independent checker: outloud, for PDF/UA-1 and WCAG 2.2.

outloud (pinned in pyproject.toml) did not write the file and knows nothing of how it was made.
Every error and every warning it reports is an error of the build, unless it is one of the
findings listed in EXPLAINED: a finding that does not apply to this bulletin, with the clause of
ISO 14289-1 that says why. Each is excused only where its reason holds, on the lines it names
(each read again and compared with what the page marks as pagination), and the documentation for
developers (docs/developers/accessibility.md) lists them.

Its info-level findings (a hint, such as an alternative text that repeats its caption) are not
counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import outloud
import pikepdf
from outloud.findings import Finding as Found
from outloud.model import Document

from ..util.pdftext import pagination_text
from .findings import Expectation, Finding, failed, passed, plural


@dataclass(frozen=True)
class Explained:
    """A rule of outloud's whose findings may not apply, and the test that says when they do not."""

    rule: str
    reason: str
    applies: Callable[[Path, Found], bool]  # False when the finding is the case the reason covers


def _running_head(path: Path, found: Found) -> bool:
    """Whether a line of a "prose marked as artifact" finding is not its page's running head: each line it names
    must show text that the page shows in its pagination artifacts (/Artifact /Pagination), and nothing else."""
    if found.page is None or not found.boxes:
        return True
    document = Document(str(path))
    try:
        lines = document.content(found.page - 1).lines
        named = [line for line in lines if any(_same_place(line.bbox, box) for box in found.boxes)]
        pagination = _squeezed(pagination_text(document.pdf.pages[found.page - 1]))
    finally:
        document.close()
    if len(named) < len(found.boxes):
        return True  # a line the finding names and this reading does not find: not excused
    return not all(_squeezed(line.text) and _squeezed(line.text) in pagination for line in named)


def _same_place(bbox: tuple, box: dict) -> bool:
    """Whether outloud's line box and a finding's box (rounded to a tenth of a point) are the same."""
    return all(abs(float(value) - box[key]) <= 0.11 for value, key in zip(bbox, ("x0", "y0", "x1", "y1")))


def _squeezed(text: str) -> str:
    return "".join(text.split())


EXPLAINED = (
    Explained(
        "TAG-002",
        "a running head is pagination, which ISO 14289-1 clause 7.8 (Matterhorn checkpoint 18) asks to be an "
        "artifact; the checker reads it as prose because, on a page whose section has no other page, its words "
        "do not recur on three pages",
        _running_head,
    ),
)


def check_accessibility(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Run outloud on the screen PDF: an error for each of its errors and of its warnings not explained."""
    result = outloud.check(str(path))
    if result.error:
        return [failed(path, "outloud", f"outloud could not read the file: {result.error}")]
    findings, excused = [], 0
    for found in result.sorted_findings():
        if found.severity not in ("error", "warning"):
            continue
        reason = next((item for item in EXPLAINED if item.rule == found.rule), None)
        if reason is not None and not reason.applies(path, found):
            excused += found.count
            continue
        evidence = f" ({found.evidence})" if found.evidence else ""
        findings.append(
            failed(path, "outloud", f"{found.rule} {found.severity}: {found.message}{evidence}", found.page)
        )
    if findings:
        return findings
    said = f", {plural(excused, 'finding')} explained in the documentation" if excused else ""
    return [passed(path, "outloud", f"outloud {outloud.__version__}: no error, no warning{said}")]
