"""The screen edition's structure tree read to the letter: what the finishing stage sets right
(`printing.tagging`, `printing.paintorder`), checked on the file as written.

- every annotation carries the Print flag and is neither Hidden nor NoView (ISO 14289-1 7.18.1);
- every list item has a body (LBody);
- no link is inside another (each would be an annotation of its own, a stop of its own);
- no structure element is empty: each holds content, another element or an alternative text;
- every page paints its tagged content in the order the structure tree reads it;
- every Caption is inside the Figure, Table or list it captions, or beside its Figure in a Div;
- every table has header cells, each of which says whether it heads its row or its column (/Scope);
- a drawn figure that holds a table (the key figures' chart) has an alternative text that gives
  every label and every number its table shows;
- no line ends with the hyphen the layout adds to a word it divides (U+2011, `printing.lineends`) as MuPDF
  reads the text: each is read as the soft hyphen it is, so that the word is read whole.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pikepdf
import pymupdf
from outloud.model import Document

from ..language.typography import ADDED_HYPHEN
from ..util.pdftree import (
    PdfObject,
    element_kids,
    holds_nothing,
    kids_of,
    marked_sequences,
    reading_orders,
    structure_elements,
)
from .findings import Expectation, Finding, failed, pages_named, passed, plural

PRINT, HIDDEN, NO_VIEW = 4, 2, 32  # annotation flags (ISO 32000-1, 12.5.3)
CAPTIONED = ("/Figure", "/Table", "/L")
SCOPES = ("/Row", "/Column", "/Both")
NUMBER = re.compile(r"\d+(?:[\s\u00a0\u202f.,]\d+)*")


def check_structure(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check the structure tree and the annotations as the module says; one error per kind of fault."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return [failed(path, "structure", "no structure tree to check")]
    numbers = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
    elements = structure_elements(root)
    findings = []
    hidden = [
        number
        for number, page in enumerate(pdf.pages, 1)
        if any(_hidden(annotation) for annotation in page.obj.get("/Annots", pikepdf.Array()))
    ]
    if hidden:
        findings.append(failed(path, "structure", f"annotations without the Print flag on {pages_named(hidden)}"))
    empty = [element for element in elements if holds_nothing(element)]
    if empty:
        kinds = sorted({str(element.get("/S"))[1:] for element in empty})
        findings.append(
            failed(path, "structure", f"{plural(len(empty), 'empty structure element')} ({', '.join(kinds)})")
        )
    orders = reading_orders(root)
    scrambled = [
        number for number, page in enumerate(pdf.pages, 1) if not _painted_in_reading_order(root, page, orders)
    ]
    if scrambled:
        findings.append(
            failed(path, "structure", f"content painted out of the structure tree's order on {pages_named(scrambled)}")
        )
    loose = [element for element in elements if element.get("/S") == "/Caption" and not _captions(element)]
    if loose:
        findings.append(
            failed(
                path,
                "structure",
                f"{plural(len(loose), 'caption')} neither in nor beside the Figure or Table it captions",
            )
        )
    bodiless = [element for element in elements if element.get("/S") == "/LI" and not _has_body(element)]
    if bodiless:
        findings.append(failed(path, "structure", f"{plural(len(bodiless), 'list item')} without a body (LBody)"))
    nested = [element for element in elements if element.get("/S") == "/Link" and _parent_is_link(element)]
    if nested:
        findings.append(failed(path, "structure", f"{plural(len(nested), 'link')} inside another link"))
    tables = [element for element in elements if element.get("/S") == "/Table"]
    for problem in _table_problems(tables):
        findings.append(failed(path, "structure", problem))
    for page, problem in _chart_problems(path, elements, numbers):
        findings.append(failed(path, "structure", problem, page))
    divided = _hard_divisions(path)
    if divided:
        findings.append(
            failed(
                path,
                "structure",
                f"{plural(sum(divided.values()), 'word')} divided at a line's end read with a hard hyphen, not a soft"
                f" one, on {pages_named(sorted(divided))}",
            )
        )
    if findings:
        return findings
    return [
        passed(
            path,
            "structure",
            f"{plural(len(elements), 'structure element')}, none empty; {plural(len(tables), 'table')} with scoped "
            "headers; captions in their figures; every page painted in reading order; annotations printable; divided"
            " words read whole",
        )
    ]


def _hard_divisions(path: Path) -> dict[int, int]:
    """By page, how many of its lines end with the hyphen the layout adds, after a letter, in the text MuPDF reads
    (which takes each /ActualText for what it replaces)."""
    divided = {}
    with pymupdf.open(path) as document:
        for number, page in enumerate(document, 1):
            lines = [line.rstrip() for line in page.get_text().splitlines()]
            count = sum(1 for line in lines if line.endswith(ADDED_HYPHEN) and line[-2:-1].isalpha())
            if count:
                divided[number] = count
    return divided


def _hidden(annotation: object) -> bool:
    if not isinstance(annotation, pikepdf.Dictionary):
        return False
    flags = int(annotation.get("/F", 0))
    return not flags & PRINT or bool(flags & (HIDDEN | NO_VIEW))


def _has_body(item: pikepdf.Dictionary) -> bool:
    return any(kid.get("/S") == "/LBody" for kid in element_kids(item))


def _parent_is_link(element: pikepdf.Dictionary) -> bool:
    parent = element.get("/P")
    return isinstance(parent, pikepdf.Dictionary) and parent.get("/S") == "/Link"


def _captions(caption: pikepdf.Dictionary) -> bool:
    """Whether a Caption is inside the Figure, Table or list it captions, or beside its one Figure in a Div."""
    parent = caption.get("/P")
    if not isinstance(parent, pikepdf.Dictionary):
        return False
    if parent.get("/S") in CAPTIONED:
        return True
    held = [str(kid.get("/S")) for kid in element_kids(parent)]
    return parent.get("/S") == "/Div" and sorted(held) == ["/Caption", "/Figure"]


def _painted_in_reading_order(root: PdfObject, page: pikepdf.Page, orders: dict | None = None) -> bool:
    """Whether the page paints its marked content in the order the structure tree reads it (`orders`: every page's
    reading order, read once for all pages)."""
    read = (orders if orders is not None else reading_orders(root)).get(page.obj.objgen, [])
    painted = [sequence.mcid for sequence in marked_sequences(list(pikepdf.parse_content_stream(page)))]
    wanted = set(read)
    shown = set(painted)
    return [mcid for mcid in painted if mcid in wanted] == [mcid for mcid in read if mcid in shown]


def _table_problems(tables: list[pikepdf.Dictionary]) -> list[str]:
    headless, unscoped = 0, 0
    for table in tables:
        headers = [cell for cell in structure_elements(table.get("/K")) if cell.get("/S") == "/TH"]
        headless += not headers
        unscoped += sum(1 for cell in headers if _scope(cell) not in SCOPES)
    problems = []
    if headless:
        problems.append(f"{plural(headless, 'table')} without header cells")
    if unscoped:
        problems.append(f"{plural(unscoped, 'header cell')} without /Scope")
    return problems


def _scope(cell: pikepdf.Dictionary) -> str:
    attributes = cell.get("/A")
    for owned in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(owned, pikepdf.Dictionary) and owned.get("/O") == "/Table" and "/Scope" in owned:
            return str(owned.Scope)
    return ""


def _chart_problems(path: Path, elements: list, numbers: dict) -> list[tuple[int | None, str]]:
    """Each drawn figure holding a table whose alternative text leaves out a number its cells show."""
    charts = [
        element
        for element in elements
        if element.get("/S") == "/Figure" and any(kid.get("/S") == "/Table" for kid in element_kids(element))
    ]
    if not charts:
        return []
    problems = []
    document = Document(str(path))
    try:
        for chart in charts:
            page = numbers.get(chart.get("/Pg", pikepdf.Dictionary()).objgen) if "/Pg" in chart else None
            cells = [cell for cell in structure_elements(chart.get("/K")) if cell.get("/S") in ("/TH", "/TD")]
            alt = _spaced(str(chart.get("/Alt", "")))
            texts = _cell_texts(document, page, cells)
            # Every number the cells show, as often as they show it; every label (a header cell) word for word.
            given = Counter(_spaced(number) for number in NUMBER.findall(alt))
            shown = Counter(_spaced(number) for text in texts for number in NUMBER.findall(text))
            missing = list((shown - given).elements()) + [
                _spaced(text)
                for cell, text in zip(cells, texts, strict=True)
                if cell.get("/S") == "/TH" and _spaced(text) not in alt
            ]
            if not alt or missing:
                problems.append(
                    (page, f"the chart's alternative text does not give {', '.join(missing) or 'its numbers'}")
                )
    finally:
        document.close()
    return problems


def _cell_texts(document: Document, page: int | None, cells: list) -> list[str]:
    """The text each of `cells` paints, read by outloud's content parser (which gives each run its MCID)."""
    if page is None:
        return []
    runs = document.content(page - 1).runs
    texts = []
    for cell in cells:
        kids = [cell, *structure_elements(cell.get("/K"))]
        mcids = {int(kid) for element in kids for kid in kids_of(element) if isinstance(kid, int)}
        texts.append(" ".join(run.text for run in runs if run.mcid in mcids))
    return texts


def _spaced(text: str) -> str:
    return " ".join(text.split())  # str.split() takes no-break and narrow no-break spaces for spaces
