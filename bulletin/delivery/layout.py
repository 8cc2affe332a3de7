"""Layout report: the pages each part of an issue takes in each language, side by side.

The editions of an issue are meant to run in step: the same section on the same pages in
all four languages, so that the contents, the page count and the bureau's imposition agree.
A translation that runs long pushes its section onto an extra page. This stage tabulates,
per language, the pages each part takes (from the print stage's measurement of each PDF,
or from the manifest for an edition kept from the previous delivery), lists the faults of
make-up found in each edition, writes both into the delivery as layout.txt and warns about
every part whose page count differs between languages, naming it. It changes no layout.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from ..printing.settings import VARIANTS
from ..util.atomic import write_atomically

if TYPE_CHECKING:  # the print stage loads the rendering engine, which reading a manifest must not
    from ..printing.jobs import Printed

LAYOUT = "layout.txt"  # the report's name in the delivery folder
VARIANT_ORDER = tuple(VARIANTS)  # print first: the variant whose layout stands for a language when it has both
_PART_FIELDS = {"id": str, "title": str, "first_page": int, "pages": int}  # a part as the manifest records it

LOG = logging.getLogger("bulletin")


@dataclass(frozen=True)
class EditionLayout:
    """How one language's edition came out of layout."""

    parts: list[dict]  # each part (id, title, first_page, pages), in page order
    faults: list[str]  # the faults of make-up found in it, as `page N: …`


def layout_entry(printed: Printed) -> dict:
    """Return what a PDF's manifest entry records of its layout: its parts and its faults of make-up."""
    return {"parts": [asdict(part) for part in printed.parts], "makeup": [str(fault) for fault in printed.faults]}


def editions_layout(entries: list[dict]) -> dict[str, EditionLayout]:
    """Return each language's layout from manifest-style entries (`language`, `variant`, `parts`, `makeup`),
    the print variant's where there is one; entries without a readable layout (older or damaged) are left out."""
    layout: dict[str, EditionLayout] = {}
    for variant in VARIANT_ORDER:
        for entry in entries:
            parts, faults = entry.get("parts"), entry.get("makeup", [])
            if (
                entry.get("variant") == variant
                and isinstance(entry.get("language"), str)
                and _valid(parts)
                and isinstance(faults, list)
                and all(isinstance(fault, str) for fault in faults)
            ):
                layout.setdefault(entry["language"], EditionLayout(parts, faults))
    return layout


def _valid(parts: object) -> TypeGuard[list[dict]]:
    return isinstance(parts, list) and all(
        isinstance(part, dict) and all(isinstance(part.get(name), kind) for name, kind in _PART_FIELDS.items())
        for part in parts
    )


def out_of_step(layout: dict[str, EditionLayout]) -> list[str]:
    """Return a warning for each part that takes a different number of pages in some languages."""
    warnings = []
    for part_id, title in _part_names(layout).items():
        pages = {language: part["pages"] for language, edition in layout.items() if (part := _part(edition, part_id))}
        counts = set(pages.values())
        if len(counts) < 2:
            continue
        usual = max(counts, key=lambda count: (list(pages.values()).count(count), -count))
        differing = ", ".join(f"{count} in {language}" for language, count in pages.items() if count != usual)
        keeping = ", ".join(language for language, count in pages.items() if count == usual)
        warnings.append(
            f"“{title}” ({part_id}) takes {differing} but {usual} in {keeping}: the editions are"
            " out of step from there on; shorten the text or the pictures of the longer edition"
        )
    return warnings


def format_layout(layout: dict[str, EditionLayout], kept: Collection[str] = frozenset()) -> str:
    """Return the table of pages per part (rows) and language (columns), each as `pages (p. first page)`."""
    names = _part_names(layout)
    width = max([len("part")] + [len(title) for title in names.values()])
    header = [f"{language}{'*' if language in kept else ''}" for language in layout]
    lines = [f"{'part':<{width}}  " + "  ".join(f"{name:>11}" for name in header)]
    for part_id, title in names.items():
        cells = [
            f"{part['pages']} (p. {part['first_page']})" if (part := _part(edition, part_id)) else "—"
            for edition in layout.values()
        ]
        lines.append(f"{title:<{width}}  " + "  ".join(f"{cell:>11}" for cell in cells))
    totals = [sum(part["pages"] for part in edition.parts) for edition in layout.values()]
    lines.append(f"{'pages in parts':<{width}}  " + "  ".join(f"{total:>11}" for total in totals))
    if kept:
        lines.append("* kept from the previous delivery: laid out from the content of that build")
    return "\n".join(lines) + "\n"


def write_layout_report(
    folder: Path, layout: dict[str, EditionLayout], languages: tuple[str, ...], kept: Collection[str] = frozenset()
) -> Path:
    """Write layout.txt into the delivery `folder`, log its table and warn about parts out of step."""
    # In the order of languages, whatever order the editions were printed in: the report's
    # titles and the order of its warnings must not depend on it.
    layout = {language: layout[language] for language in languages if language in layout}
    table = format_layout(layout, kept)
    warnings = out_of_step(layout)
    faults = [f"{language}: {fault}" for language, edition in layout.items() for fault in edition.faults]
    text = (
        "Pages each part of the issue takes, by edition: the number of pages, and the page it starts on.\n\n"
        + table
        + "".join(f"\nwarning: {warning}" for warning in warnings)
        + ("\n\nFaults of make-up:\n" + "\n".join(faults) if faults else "\n\nNo faults of make-up.")
        + "\n"
    )
    target = folder / LAYOUT
    write_atomically(target, text.encode("utf-8"))
    for line in table.splitlines():
        LOG.info("%s", line)
    for warning in warnings:
        LOG.warning("warning: %s", warning)
    return target


def _part_names(layout: dict[str, EditionLayout]) -> dict[str, str]:
    """Return every part's id and title, in page order, titled as the first language that has it."""
    names: dict[str, str] = {}
    for edition in layout.values():
        for part in edition.parts:
            names.setdefault(part["id"], part["title"])
    return names


def _part(edition: EditionLayout, part_id: str) -> dict | None:
    return next((part for part in edition.parts if part["id"] == part_id), None)
