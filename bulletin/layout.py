"""Layout report: the pages each part of an issue takes in each language, side by side.

The editions of an issue are meant to run in step: the same section on the same pages in
all four languages, so that the contents, the page count and the bureau's imposition agree.
A translation that runs long pushes its section onto an extra page. This stage tabulates,
per language, the pages each part takes (from the print stage's measurement of each PDF,
or from the manifest for a file kept from the previous delivery), writes the table into
the delivery as layout.txt and warns about every part whose page count differs between
languages, naming it. It does not change the layout.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .delivery import write_atomically

if TYPE_CHECKING:  # the make-up stage loads the rendering engine, which reading a manifest must not
    from .makeup import Part

LAYOUT = "layout.txt"  # the report's name in the delivery folder
VARIANT_ORDER = ("print", "screen")  # the variant whose layout stands for a language when it has both

LOG = logging.getLogger("bulletin")


def parts_entry(parts: list[Part]) -> list[dict]:
    """Return the parts of a PDF as its manifest entry records them."""
    return [asdict(part) for part in parts]


def editions_layout(entries: list[dict]) -> dict[str, list[dict]]:
    """Return each language's parts from manifest-style entries (`language`, `variant`, `parts`), print first."""
    layout: dict[str, list[dict]] = {}
    for variant in VARIANT_ORDER:
        for entry in entries:
            if entry.get("variant") == variant and isinstance(entry.get("language"), str) and _valid(entry.get("parts")):
                layout.setdefault(entry["language"], entry["parts"])
    return layout


def _valid(parts: object) -> bool:
    """Tell whether `parts` is a list of parts as `parts_entry` writes them (a kept manifest may be older or damaged)."""
    fields = {"id": str, "title": str, "first_page": int, "pages": int}
    return isinstance(parts, list) and all(
        isinstance(part, dict) and all(isinstance(part.get(name), kind) for name, kind in fields.items())
        for part in parts)


def out_of_step(layout: dict[str, list[dict]]) -> list[str]:
    """Return a warning for each part that takes a different number of pages in some languages."""
    warnings = []
    for part_id, title in _part_names(layout).items():
        pages = {language: _pages(parts, part_id) for language, parts in layout.items()}
        counts = {count for count in pages.values() if count is not None}
        if len(counts) < 2:
            continue
        usual = max(counts, key=lambda count: (sum(found == count for found in pages.values()), -count))
        differing = ", ".join(f"{count} in {language}" for language, count in pages.items()
                              if count is not None and count != usual)
        keeping = ", ".join(language for language, count in pages.items() if count == usual)
        warnings.append(f"“{title}” ({part_id}) takes {differing} but {usual} in {keeping}: the editions are"
                        " out of step from there on; shorten the text or the pictures of the longer edition")
    return warnings


def format_layout(layout: dict[str, list[dict]], languages: tuple[str, ...]) -> str:
    """Return the table of pages per part (rows) and language (columns), with each part's first page."""
    languages = tuple(language for language in languages if language in layout)
    names = _part_names(layout)
    width = max([len("part")] + [len(title) for title in names.values()])
    lines = [f"{'part':<{width}}  " + "  ".join(f"{language:>9}" for language in languages)]
    for part_id, title in names.items():
        cells = []
        for language in languages:
            part = next((part for part in layout[language] if part.get("id") == part_id), None)
            cells.append(f"{'—':>9}" if part is None else f"{part['pages']:>3} p. {part['first_page']:>2}"
                         .rjust(9))
        lines.append(f"{title:<{width}}  " + "  ".join(cells))
    totals = [sum(part["pages"] for part in layout[language]) for language in languages]
    lines.append(f"{'pages in parts':<{width}}  " + "  ".join(f"{total:>9}" for total in totals))
    return "\n".join(lines) + "\n"


def write_layout_report(folder: Path, layout: dict[str, list[dict]], languages: tuple[str, ...]) -> Path:
    """Write layout.txt into the delivery `folder`, log its table and warn about parts out of step."""
    # In the order of languages, whatever order the editions were printed in: the report's
    # titles and the order of its warnings must not depend on it.
    layout = {language: layout[language] for language in languages if language in layout}
    table = format_layout(layout, languages)
    warnings = out_of_step(layout)
    text = ("Pages each part of the issue takes, by edition (“p.” gives the page it starts on).\n\n" + table
            + "".join(f"\nwarning: {warning}" for warning in warnings) + ("\n" if warnings else ""))
    target = folder / LAYOUT
    write_atomically(target, text.encode("utf-8"))
    for line in table.splitlines():
        LOG.info("%s", line)
    for warning in warnings:
        LOG.warning("%s", warning)
    return target


def _part_names(layout: dict[str, list[dict]]) -> dict[str, str]:
    """Return every part's id and title, in page order, titled as the first language that has it."""
    names: dict[str, str] = {}
    for parts in layout.values():
        for part in parts:
            names.setdefault(part["id"], part["title"])
    return names


def _pages(parts: list[dict], part_id: str) -> int | None:
    return next((part["pages"] for part in parts if part.get("id") == part_id), None)
