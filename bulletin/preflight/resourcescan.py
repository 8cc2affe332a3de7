"""Resource scan for the preflight: whether each print page lists only what it paints, and is transparent
only where it paints something transparent.

A RIP decides whether to flatten a page from what the page declares: a transparency group, a
graphics state with a soft mask or an opacity, a drawing with a group of its own. A page that
lists such resources without painting them is flattened all the same, its text turned into a
picture; Ghostscript's PDF/X-1a conversion does the same. This scan reads each page's content
stream for the names it paints with (fonts, graphics states, pictures and drawings, shadings,
patterns, colour spaces) and compares them with the resources the page lists.

- a page that lists resources it never names: a warning, with the names;
- a page declaring transparency (a group, or a translucent or masked resource it lists) that
  paints nothing translucent: an error, since the page would be flattened for nothing.

This module only reads the PDF; `checks` decides what the findings mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf

from .findings import Expectation, Finding, failed, listed, passed

NAMING = {  # operator -> the resource category its first name operand is in
    "Tf": "/Font",
    "gs": "/ExtGState",
    "Do": "/XObject",
    "sh": "/Shading",
    "cs": "/ColorSpace",
    "CS": "/ColorSpace",
}


def check_resources(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Compare what every page lists with what it paints, and its transparency with what is translucent."""
    findings, transparent_pages = [], 0
    for number, page in enumerate(pdf.pages, 1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        named, faded = _named(page.obj, resources)
        unused = {
            f"{category[1:]} {name}": _entry(resources, category, name)
            for category in set(NAMING.values()) | {"/Pattern"}
            for name in _entry(resources, category) or ()
            if name not in named.get(category, set())
        }
        translucent_unused = sorted(name for name, resource in unused.items() if _translucent(resource))
        if translucent_unused:
            findings.append(
                failed(
                    path,
                    "resources",
                    f"page {number} lists translucent or masked resources it never paints with, which a RIP takes"
                    f" for transparency: {listed(translucent_unused, ', ')}",
                    number,
                )
            )
        elif unused:
            findings.append(
                Finding(
                    path.name,
                    "resources",
                    "warning",
                    f"page {number} lists unused {listed(sorted(unused), ', ')}",
                    number,
                )
            )
        painted = [_entry(resources, category, name) for category, names in named.items() for name in names]
        translucent = any(_translucent(resource) for resource in painted)
        declared = "/Group" in page.obj
        grouped = [  # a drawing painted at an opacity needs its group to be composited as one
            resource
            for name in named.get("/XObject", set()) - faded
            if isinstance(resource := _entry(resources, "/XObject", name), pikepdf.Stream)
            and "/Group" in resource
            and not _translucent(resource)
        ]
        if grouped:
            findings.append(
                failed(
                    path,
                    "resources",
                    f"page {number} paints {len(grouped)} opaque drawing(s) with a transparency group of their own:"
                    " a RIP would flatten them",
                    number,
                )
            )
        transparent_pages += translucent
        if declared and not translucent:
            findings.append(
                failed(
                    path,
                    "resources",
                    f"page {number} has a transparency group but paints nothing translucent: a RIP would flatten it",
                    number,
                )
            )
    if findings:
        return findings
    return [
        passed(
            path,
            "resources",
            f"each page lists only what it paints; {transparent_pages} of {len(pdf.pages)} use transparency",
        )
    ]


def _entry(resources: Any, category: str, name: str | None = None) -> Any:
    """Return a category of `resources` (a dictionary), or one entry of it; None where there is none."""
    entries = resources.get(category) if isinstance(resources, pikepdf.Dictionary) else None
    if name is None or not isinstance(entries, pikepdf.Dictionary):
        return entries if isinstance(entries, pikepdf.Dictionary) else None
    return entries.get(name)


def _named(stream: pikepdf.Object, resources: Any) -> tuple[dict[str, set[str]], set[str]]:
    """Return the resource names a content stream paints with, by category, and the XObjects it paints while a
    graphics state with an opacity, a soft mask or a blend mode is in force."""
    named: dict[str, set[str]] = {}
    faded: set[str] = set()
    translucent, saved = False, []
    for instruction in pikepdf.parse_content_stream(stream):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator, operands = str(instruction.operator), instruction.operands
        if operator in NAMING and operands and isinstance(operands[0], pikepdf.Name):
            named.setdefault(NAMING[operator], set()).add(str(operands[0]))
        elif operator in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
            named.setdefault("/Pattern", set()).add(str(operands[-1]))
        if operator == "q":
            saved.append(translucent)
        elif operator == "Q" and saved:
            translucent = saved.pop()
        elif operator == "gs" and operands:
            state = _entry(resources, "/ExtGState", str(operands[0]))
            if isinstance(state, pikepdf.Dictionary) and any(key in state for key in ("/CA", "/ca", "/SMask", "/BM")):
                translucent = _translucent(state)
        elif operator == "Do" and operands and translucent:
            faded.add(str(operands[0]))
    return named, faded


def _translucent(resource: object, depth: int = 0) -> bool:
    """Return whether a graphics state or an XObject paints anything translucent, masked or blended."""
    if not isinstance(resource, pikepdf.Dictionary | pikepdf.Stream) or depth > 8:
        return False
    if any(float(resource.get(key, 1)) < 1 for key in ("/CA", "/ca")):
        return True
    if resource.get("/SMask") not in (None, pikepdf.Name("/None")):
        return True
    if resource.get("/BM") not in (None, pikepdf.Name.Normal, pikepdf.Name.Compatible):
        return True
    if resource.get("/Subtype") == "/Form":
        inner = resource.get("/Resources")
        return any(
            _translucent(_entry(inner, category, name), depth + 1)
            for category, names in _named(resource, inner)[0].items()
            for name in names
        )
    return False
