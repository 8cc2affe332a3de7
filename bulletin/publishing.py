"""The whole path of an issue, from its YAML files to one PDF per language.

    validate -> localize -> render HTML -> print PDF

`publish_issue` makes one call per stage and is the place to read first. Content is
validated for every language before anything is rendered, and every catalog is checked
before the first PDF is laid out, so that a build either fails early with every problem
listed or renders everything; each PDF is written atomically once it is complete.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildError, UsageError, display_path
from .localization import load_translations
from .model import Edition, period_of
from .printing import find_typefaces, print_pdf
from .rendering import render_edition
from .validation import validate_issue

PROJECT = Path(__file__).resolve().parent.parent  # the repository's top folder
TEMPLATES = PROJECT / "templates"
TRANSLATIONS = PROJECT / "translations"
EXTRACTION_CONFIG = PROJECT / "babel.cfg"  # where pybabel and the build find the template strings
ISSUES = PROJECT / "issues"
OUTPUT = PROJECT / "output"

LOG = logging.getLogger("bulletin")


@dataclass(frozen=True)
class Printed:
    """One PDF written by a build."""

    edition: Edition  # what was printed
    path: Path  # where the PDF is
    pages: int  # how many pages it has


def publish_issue(folder: Path, languages: tuple[str, ...] | None = None,
                  output_root: Path = OUTPUT) -> list[Printed]:
    """Validate the issue in `folder` and print the PDF of each requested language."""
    issue = validate_issue(folder)
    languages = select_languages(issue.languages, languages)
    typefaces = find_typefaces()
    translations = load_catalogs(languages)
    printed = []
    for language in languages:
        started = time.monotonic()
        edition = Edition(issue, language)
        html = render_edition(edition, TEMPLATES, translations[language])
        target = output_root / issue.period.name / f"{edition.name}.pdf"
        pages = print_pdf(html, TEMPLATES, (issue.folder, TEMPLATES), typefaces, target)
        LOG.info("%s: %d pages, %s (%.1f s)", language, pages, display_path(target), time.monotonic() - started)
        printed.append(Printed(edition, target, pages))
    return printed


def select_languages(available: tuple[str, ...], wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the requested languages in the order asked for, or all in the issue's order."""
    if not wanted:
        return available
    unknown = [language for language in wanted if language not in available]
    if unknown:
        raise UsageError(f"--lang {','.join(unknown)}: not a language of this issue"
                         f" (it has {', '.join(available)})")
    return tuple(dict.fromkeys(wanted))


def load_catalogs(languages: tuple[str, ...]) -> dict:
    """Compile the catalog of every language, reporting all incomplete ones at once."""
    translations, failures = {}, []
    for language in languages:
        try:
            translations[language] = load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG)
        except BuildError as err:
            failures.append(str(err))
    if failures:
        raise BuildError("\n".join(failures))
    return translations


def newest_issue(root: Path = ISSUES) -> Path:
    """Return the folder of the most recent issue under `root`."""
    folders = [path for path in root.iterdir() if path.is_dir() and period_of(path.name)] if root.is_dir() else []
    if not folders:
        raise UsageError(f"no issue folder (<YYYY>-H<1|2>) under {root}")
    return max(folders, key=lambda path: period_of(path.name).start)
