"""What is left to translate in an issue, per language: `build.py status`.

For each language: its interface catalog (translated, fuzzy and untranslated entries, read
with polib, and what keeps it from being compiled or printed), and its content texts: missing
or empty, stale (the source text changed after the translation was confirmed) or unconfirmed
(never confirmed). A language is complete when none of these is left and its file has no
other problem. Shown as a table with a list of what
is left, each with its place, or as JSON.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from ..content.examination import examine_issue
from ..content.sources import STALE, UNCONFIRMED, outdated
from ..content.texts import TextField, language_file
from ..language.catalogs import CatalogState, catalog_path, catalog_problems, read_catalog_state
from ..language.extraction import template_strings
from ..project import EXTRACTION_CONFIG, TRANSLATIONS
from ..util.errors import ContentError, Problem, display_path


@dataclass(frozen=True)
class LanguageStatus:
    """What is done and what is left in one language."""

    language: str
    source: bool  # whether this is the source language
    catalog: CatalogState  # the interface strings
    texts: list[TextField]  # every content text of the language
    stale: list[TextField]  # translated, but the source text changed after it was confirmed
    unconfirmed: list[TextField]  # translated, never confirmed against a source text
    problems: list[Problem]  # other problems in the language's file (wrong types, unknown ids)
    unchecked: bool = False  # a translation whose source-language file cannot be read: nothing can be checked
    changes: dict[TextField, str] = dataclasses.field(
        default_factory=dict
    )  # what changed in a stale text's source, if recorded

    @property
    def missing(self) -> list[TextField]:
        """Texts missing or empty."""
        return [item for item in self.texts if item.gap]

    @property
    def written(self) -> int:
        """How many texts are written."""
        return sum(item.value is not None for item in self.texts)

    @property
    def complete(self) -> bool:
        """Nothing left to do in this language."""
        return self.catalog.complete and not (
            self.missing or self.stale or self.unconfirmed or self.problems or self.unchecked
        )


@dataclass(frozen=True)
class IssueStatus:
    """The state of every language of an issue."""

    folder: Path
    source_language: str
    languages: list[LanguageStatus]
    other_problems: list[Problem]  # problems outside the language files (issue.yaml)

    @property
    def complete(self) -> bool:
        """Every language complete, and nothing wrong elsewhere in the issue."""
        return all(language.complete for language in self.languages) and not self.other_problems


def issue_status(folder: Path) -> IssueStatus:
    """Survey every language of the issue in `folder`; ContentError when issue.yaml cannot be read.

    Its problems are those the build would stop on (`examination`), so that an issue whose languages are
    all complete can be built: each language's missing texts and catalog are told apart, the other
    problems of its file listed with it, and those of the rest of the issue on their own."""
    examination = examine_issue(folder, translations=TRANSLATIONS)
    facts, texts = examination.facts, examination.texts
    if facts is None or texts is None or facts["source_language"] is None or not facts["languages"]:
        raise ContentError(examination.problems)  # without its languages, nothing of the issue can be judged
    wanted = template_strings(EXTRACTION_CONFIG)
    source_language = facts["source_language"]
    files = {language_file(folder, language): language for language in facts["languages"]}
    told = (
        set(texts.gap_problems(facts["languages"]))  # as missing texts
        | {
            problem
            for problem in examination.problems  # with the catalog's state
            if problem.mark.path in {catalog_path(TRANSLATIONS, language) for language in facts["languages"]}
        }
    )
    problems = [problem for problem in examination.problems if problem not in told]
    languages = []
    unreadable = not texts.of(source_language)  # its file could not be parsed: no text of it, not even gaps
    for language in facts["languages"]:
        own = texts.of(language)
        behind = outdated(texts, own, source_language)
        languages.append(
            LanguageStatus(
                language,
                language == source_language,
                read_catalog_state(language, TRANSLATIONS, wanted),
                own,
                [item for item, state in behind if state == STALE],
                [item for item, state in behind if state == UNCONFIRMED],
                [problem for problem in problems if files.get(problem.mark.path) == language],
                unreadable and language != source_language,
                {item: change for item, change in examination.changes.items() if item.language == language},
            )
        )
    other = [problem for problem in problems if problem.mark.path not in files]
    return IssueStatus(folder, source_language, languages, other)


def format_status(status: IssueStatus) -> str:
    """The status as a table, then what is left in each incomplete language, each with its place."""
    rows = [("language", "interface", "fuzzy", "untranslated", "texts", "missing", "stale", "unconfirmed", "state")]
    for item in status.languages:
        catalog = item.catalog
        interface = f"{catalog.count('translated')}/{len(catalog.entries)}" if catalog.problem is None else "unreadable"
        rows.append(
            (
                item.language + (" (source)" if item.source else ""),
                interface,
                str(catalog.count("fuzzy")),
                str(catalog.count("untranslated") + catalog.count("missing")),
                f"{item.written}/{len(item.texts)}" if item.texts or not item.problems else "unreadable",
                str(len(item.missing)),
                "–" if item.source else str(len(item.stale)),
                "–" if item.source else str(len(item.unconfirmed)),
                "complete" if item.complete else "incomplete",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [f"Issue {status.folder.name}, source language {status.source_language}", ""]
    for row in rows:
        cells = [
            cell.ljust(width) if column in (0, 8) else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths))
        ]
        lines.append("  ".join(cells).rstrip())
    for item in status.languages:
        if not item.complete:
            lines += ["", f"{item.language}: left to do"] + [f"  {line}" for line in _left_to_do(item, status)]
    if status.other_problems:
        lines += ["", f"{len(status.other_problems)} other problem(s) in the issue (see build.py validate):"]
        lines += [f"  {problem}" for problem in status.other_problems]
    return "\n".join(lines) + "\n"


def _left_to_do(item: LanguageStatus, status: IssueStatus) -> list[str]:
    lines = [str(problem) for problem in catalog_problems(item.catalog)]
    states = {"missing": item.missing, STALE: item.stale, UNCONFIRMED: item.unconfirmed}
    owners: dict[str, dict[str, list[TextField]]] = {}
    for state, fields in states.items():
        for field in fields:
            owners.setdefault(field.owner, {}).setdefault(state, []).append(field)
    places = []
    for owner, by_state in owners.items():
        first = min(field.mark for fields in by_state.values() for field in fields)
        parts = "; ".join(f"{state}: {', '.join(field.part for field in fields)}" for state, fields in by_state.items())
        places.append((first, f"{first}: {owner}: {parts}"))
    lines += [line for _first, line in sorted(places)]
    lines += [
        f"{field.mark}: {field.name} changed in {status.source_language}: {change}"
        for field, change in sorted(item.changes.items(), key=lambda pair: pair[0].mark)
    ]
    lines += [str(problem) for problem in item.problems]
    if item.unchecked:
        lines.append(
            f"The translations cannot be checked against the {status.source_language} texts until"
            f" {display_path(language_file(status.folder, status.source_language))} can be read"
        )
    where = display_path(status.folder)  # as the commands find it from here
    if item.stale or item.unconfirmed:
        example = (item.stale or item.unconfirmed)[0].name
        lines.append(
            f"After checking a stale or unconfirmed text against the {status.source_language} text (and updating"
            f" it where it needs to say more), confirm it: build.py confirm {where} {item.language} {example}"
            " (with --force where the translation stays as it was)"
        )
    if not item.source and (item.stale or item.unconfirmed or item.missing):
        lines.append(
            f"In a translation tool: build.py export {where} --lang {item.language} gives what is left as a PO"
            f" file (--format xliff for XLIFF); build.py import {where} FILE takes it back"
        )
    return lines


def status_json(status: IssueStatus) -> str:
    """The status as JSON, for scripts and dashboards."""
    return (
        json.dumps(
            {
                "issue": status.folder.name,
                "source_language": status.source_language,
                "complete": status.complete,
                "languages": [_language_json(item) for item in status.languages],
                "other_problems": [str(problem) for problem in status.other_problems],
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def _language_json(item: LanguageStatus) -> dict:
    catalog = item.catalog
    left = (
        [(field, "missing") for field in item.missing]
        + [(field, STALE) for field in item.stale]
        + [(field, UNCONFIRMED) for field in item.unconfirmed]
    )
    return {
        "language": item.language,
        "source": item.source,
        "complete": item.complete,
        "interface": {
            "catalog": display_path(catalog.path),
            "problem": catalog.problem,
            "faults": [str(problem) for problem in catalog.faults],
            **{state: catalog.count(state) for state in ("translated", "fuzzy", "untranslated", "missing")},
            "obsolete": catalog.obsolete,
            "left": [
                {"msgid": entry.msgid, "state": entry.state, "line": entry.line}
                for entry in catalog.entries
                if entry.state != "translated"
            ],
        },
        "content": {
            "texts": len(item.texts),
            "written": item.written,
            "missing": len(item.missing),
            "stale": len(item.stale),
            "unconfirmed": len(item.unconfirmed),
            "unchecked": item.unchecked,
            "left": [
                {"field": field.name, "of": field.owner, "state": state, "place": str(field.mark)}
                | ({"changed": item.changes[field]} if state == STALE and field in item.changes else {})
                for field, state in left
            ],
            "problems": [str(problem) for problem in item.problems],
        },
    }
