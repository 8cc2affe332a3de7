"""What is wrong with an issue: the one judgment that `validate`, the scheduled run's readiness check
and the build all make, so that they can never disagree.

`examine_issue` reads every file of the issue (`validation`, `texts`), and returns, sorted, every
problem that stops a build: the content's own (types, ids, dates, pictures), texts missing in a
language that must have them, what the Markdown texts point to that the bulletin refuses, the
interface catalogs (`catalogs`), and every character the fonts cannot show (`coverage`). Beside
them, what is only worth a warning: translations stale or never confirmed (`sources`), and what a
proofreader would query in the typography. `validate_issue` is the build's way in: it raises the
problems as one `ContentError`, or logs the warnings and returns the `Issue` model. Nothing here
renders or writes.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..language.catalogs import catalog_problems, read_catalog_state
from ..language.extraction import template_strings
from ..language.fonts import find_typefaces
from ..model import Issue
from ..project import EXTRACTION_CONFIG, TRANSLATIONS
from ..util.errors import ContentError, Problem
from .coverage import check_coverage
from .limits import text_problems
from .schema import Checker
from .sources import STALE, UNCONFIRMED, outdated, source_changes
from .texts import TextField, Texts
from .validation import assemble, read_issue, reference_problems, stand_in, typographic_queries

LOG = logging.getLogger("bulletin")


@dataclass(frozen=True)
class Examination:
    """What was found in an issue: what stops a build, and what is only worth a look."""

    problems: list[Problem]  # what stops the build (a draft build, for an examination of a draft), sorted
    # Typographic queries, and in a draft the translations under ids renamed since, sorted (each stale or
    # unconfirmed text is in `outdated`).
    warnings: list[Problem]
    hint: str | None = None  # what the editor can do beyond fixing the problems (build a draft)
    facts: dict | None = None  # issue.yaml's checked facts; None when it cannot be read
    texts: Texts | None = None  # every text of every language, as read
    outdated: list[tuple[TextField, str]] = field(default_factory=list)  # translations stale or unconfirmed
    changes: dict[TextField, str] = field(default_factory=dict)  # what changed in a stale one's source, if recorded

    def outdated_warnings(self) -> list[Problem]:
        """Each stale or unconfirmed translation as a warning at its place."""
        source = self.facts["source_language"] if self.facts else None
        return sorted(
            Problem(
                item.mark,
                f"{item.label} is stale: the {source} text is not the one this translation was confirmed against"
                + (f"; it changed: {self.changes[item]}" if self.changes.get(item) else "")
                if state == STALE
                else f"{item.label} has not been confirmed against the {source} text",
            )
            for item, state in self.outdated
        )


def examine_issue(folder: Path, draft: bool = False, translations: Path | None = None) -> Examination:
    """Read and judge every file of the issue in `folder` and the catalogs of its languages (in `translations`,
    by default the project's).

    A text or an interface string missing in a language other than the source language is a problem,
    except in a `draft`, where the source language's stands in for it.
    """
    translations = translations or TRANSLATIONS
    checker = Checker()
    facts, texts = read_issue(folder, checker)
    if facts is None or texts is None:  # issue.yaml could not be read
        return Examination(sorted(set(checker.problems)), [])
    source = facts["source_language"]
    required = (source,) if draft else facts["languages"]
    problems = (
        checker.problems
        + ([] if draft else texts.strays)
        + texts.gap_problems(required)
        + reference_problems(texts.fields)
        + text_problems(texts.fields)
        + _catalog_problems(facts["languages"], source, draft, translations)
        + check_coverage(folder, facts["languages"], translations, find_typefaces().files.values())
    )
    untranslated = [gap for gap in texts.gaps(facts["languages"]) if gap.language != source]
    hint = None
    if untranslated and not draft:
        hint = (
            f"{len(untranslated)} translated text(s) are missing; build with --draft to use the {source} text in"
            " their place, marked"
        )
    behind = outdated(texts, texts.fields, source) if source else []
    # In a draft, a translation left under an id the source no longer has (renamed) is left out, and said.
    strays = (
        [Problem(stray.mark, f"{stray.message}; the draft leaves it out") for stray in texts.strays] if draft else []
    )
    return Examination(
        sorted(set(problems)),
        sorted(set(typographic_queries(texts.fields) + strays)),
        hint,
        facts,
        texts,
        behind,
        source_changes(folder, texts, behind, source) if source else {},
    )


def _catalog_problems(languages: tuple[str, ...], source: str | None, draft: bool, translations: Path) -> list[Problem]:
    """What is wrong with the interface catalogs of `languages`: in a draft, only the source language's must be
    complete (the others fall back to it), but none may have a fault."""
    wanted = template_strings(EXTRACTION_CONFIG)
    return [
        problem
        for language in languages
        for problem in catalog_problems(
            read_catalog_state(language, translations, wanted), complete=language == source or not draft
        )
    ]


def validate_issue(folder: Path, draft: bool = False, translations: Path | None = None) -> Issue:
    """Return the issue in `folder` as a model, its warnings logged; raise ContentError with every problem.

    In a `draft`, the source language's text stands in, marked as `Untranslated`, for each one missing.
    """
    examination = examine_issue(folder, draft, translations)
    if examination.problems:
        raise ContentError(examination.problems, examination.hint)
    facts, texts = examination.facts, examination.texts
    assert facts is not None and texts is not None, "an issue.yaml that cannot be read is a problem"
    counts: dict[str, Counter] = {}
    for item, state in examination.outdated:
        counts.setdefault(item.language, Counter())[state] += 1
    for language, found in counts.items():  # a line per language: `status` lists them one by one
        LOG.warning(
            "%s: %d translated text(s) stale and %d unconfirmed; build.py status %s lists them",
            language,
            found[STALE],
            found[UNCONFIRMED],
            folder.name,
        )
    for query in examination.warnings:
        LOG.warning("%s", query.as_warning())
    if draft:
        stand_in(
            texts,
            [gap for gap in texts.gaps(facts["languages"]) if gap.language != facts["source_language"]],
            facts["source_language"],
        )
    return assemble(folder, facts, texts.values)


def check_problems(folder: Path, draft: bool = False) -> tuple[list[Problem], list[Problem]]:
    """What `validate` lists for the issue in `folder`: the problems, then the warnings (outdated translations
    and typographic queries)."""
    examination = examine_issue(folder, draft)
    return examination.problems, sorted(set(examination.warnings + examination.outdated_warnings()))
