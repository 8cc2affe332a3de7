"""One edition's print file made in turn by our print stage and by WeasyPrint alone, timed.

    one_edition.py ISSUE LANGUAGE OUTPUT [REPEATS]

Set-up, untimed: the issue validated, its catalog compiled, its pictures found prepared in
OUTPUT's cache (the benchmark's build made them). Then, REPEATS times (3 by default), in
alternating order within this one process, so that both meet the same machine:

- ours: what a worker does for the edition before its preflight: render the HTML (templates
  and the typographic pass), lay it out, check its make-up and pictures, finish and write the PDF;
- alone: WeasyPrint lays out the same HTML with the same stylesheets and writes the PDF.

Prints {"ours": seconds, "alone": seconds} as its last line: the quickest of each.
"""

from __future__ import annotations

import gc
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bulletin.content.examination import validate_issue
from bulletin.language.fonts import find_typefaces
from bulletin.language.localization import load_catalogs
from bulletin.model import Edition
from bulletin.printing.colours import load_profile
from bulletin.printing.editions import check_resolution
from bulletin.printing.pdf import ConfinedFetcher, lay_out, print_pdf, readable_files
from bulletin.printing.placing import prepare_pictures
from bulletin.printing.rendering import render_edition
from bulletin.printing.settings import VARIANTS, load_settings
from bulletin.project import PROJECT, PYPROJECT, TEMPLATES
from bulletin.util.fingerprints import read_inputs
from bulletin.util.workers import Workers

VARIANT = "print"


def main(folder: Path, language: str, output: Path, repeats: int) -> dict[str, float]:
    settings = load_settings(PYPROJECT)
    issue = validate_issue(folder, False)
    edition = Edition(issue, language)
    translations = load_catalogs((language,))[language]
    typefaces = find_typefaces()
    with Workers(1) as workers:  # finds them in the cache; lays out the pictures' places once, which warms up
        pictures = prepare_pictures(
            issue,
            {VARIANT},
            settings,
            typefaces,
            load_profile(settings.profile),
            read_inputs(folder, PROJECT),
            output / ".cache" / "pictures",
            workers,
        )[VARIANT]
    spare_pages = settings.multiple(VARIANT) - 1
    html = render_edition(edition, TEMPLATES, translations, spare_pages)

    def ours(target: Path) -> None:
        printed = print_pdf(
            render_edition(edition, TEMPLATES, translations, spare_pages),
            TEMPLATES,
            folder,
            typefaces,
            target,
            VARIANT,
            settings,
            pictures,
        )
        check_resolution(printed, settings)

    def alone(target: Path) -> None:
        fetcher = ConfinedFetcher((TEMPLATES, folder) + readable_files(typefaces, settings), pictures, folder)
        document = lay_out(html, TEMPLATES, fetcher, typefaces, VARIANT, settings)  # HTML(...).render(...)
        document.write_pdf(target, pdf_variant=VARIANTS[VARIANT].pdf_variant, pdf_identifier=target.stem.encode())

    times: dict[str, list[float]] = {"ours": [], "alone": []}
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch, edition.pdf_name(VARIANT))
        for repeat in range(repeats):
            for name, make in sorted({"ours": ours, "alone": alone}.items(), reverse=bool(repeat % 2)):
                gc.collect()  # the last document's cycles freed before, not during, the next
                started = time.perf_counter()
                make(target)
                times[name].append(time.perf_counter() - started)
    return {name: min(values) for name, values in times.items()}


if __name__ == "__main__":
    print(
        json.dumps(
            main(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 3)
        )
    )
