"""The text a reader of a PDF sees, read back by poppler: the cover's title and period, and the ISSN of the file's
medium in its text and its XMP (`issnscan`)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pikepdf

from ..util.pdftree import PdfObject
from .findings import Expectation, Finding, failed, passed
from .issnscan import issn_problems
from .standards import X1A, xmp_properties
from .tools import run_tool


def check_text(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check that the cover's text has the bulletin's title and the issue's period."""
    if expected.standard == X1A and not _fonts_of(pdf.pages[0]):
        return [
            Finding(
                path.name,
                "text",
                "warning",
                "the cover was flattened into a picture (PDF/X-1a): its title and period cannot be read back",
                1,
            )
        ]
    cover = run_tool("pdftotext", "-f", "1", "-l", "1", "-layout", "-enc", "UTF-8", str(path), "-", check=True).stdout
    # A word hyphenated at a line end ("Zəfər-" / "dən") is also tried joined again.
    texts = (_normal(cover), _normal(cover, dehyphenate=True))
    missing = [
        what for what in ("title", "period") if not any(_normal(getattr(expected, what)) in text for text in texts)
    ]
    if missing:
        wanted = " and the ".join(f"{what} {_normal(getattr(expected, what))!r}" for what in missing)
        return [failed(path, "text", f"the cover (page 1) lacks the {wanted}; its text begins {texts[0][:80]!r}", 1)]
    return [passed(path, "text", "the cover has the title and the period")]


def check_issn(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check that the text and the XMP give the ISSN of the file's medium, and not the other medium's."""
    if not expected.issn:
        return [passed(path, "issn", "no ISSN expected")]
    text = run_tool("pdftotext", "-layout", "-enc", "UTF-8", str(path), "-", check=True).stdout
    xmp = None if expected.standard == X1A else xmp_properties(pdf)  # PDF 1.3 has no XMP
    problems = issn_problems(text.split("\f"), xmp, expected)
    if problems:
        return [failed(path, "issn", message, page) for page, message in problems]
    return [
        passed(
            path,
            "issn",
            f"ISSN {expected.issn} in the text"
            + (f" and as XMP prism:{expected.issn_property}" if xmp is not None else " (PDF/X-1a carries no XMP)"),
        )
    ]


def _fonts_of(page: pikepdf.Page) -> list[object]:
    resources: PdfObject = page.obj.get("/Resources", {})
    return list(resources.get("/Font", {}).keys())


def _normal(text: str, dehyphenate: bool = False) -> str:
    """Return text in NFC without soft hyphens, every run of spaces (no-break, thin too) as one space; with
    `dehyphenate`, a line that ends with a hyphen (hard, soft, or the layout's U+2011) joined to the next."""
    text = unicodedata.normalize("NFC", text)
    if dehyphenate:
        lines = [line.strip() for line in text.split("\n")]
        text = "".join(
            line[:-1] if line.endswith(("-", "\u2010", "\u2011", "\u00ad")) else line + " " for line in lines
        )
    return " ".join(text.replace("\u00ad", "").split())  # str.split() takes U+00A0, U+2009 and U+202F for spaces
