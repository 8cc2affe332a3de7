"""Start the next issue from the previous one: `build.py new 2023-H1`.

The new issue gets, from its name, its period and number and a publication date in the month
after the period; from the previous issue, its languages, source language, ISSNs, sections,
cover picture, key figures and the texts that do not change from issue to issue (publisher,
about page, section titles, cover description, figure labels and chart titles), with their
source hashes, so that a translation confirmed before stays confirmed. What belongs to the
new period is left empty, in place: one article per section, one chronology event, their
dates and texts. Validation lists every one of them until it is written. The folder appears
in one step, complete, or not at all.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

from babel import Locale

from ..content.schema import Checker
from ..content.sources import Confirmations, confirmations_file, read_confirmations
from ..content.texts import COVER_TEXTS, GROUPS, SINGLE_TEXTS, TextField, Texts, ids_by_group, language_file
from ..content.validation import read_issue
from ..model import Period, issue_name_problem, period_of
from ..project import ISSUES, newest_issue
from ..util.errors import BuildError, ContentError, Refused, UsageError

CARRIED_GROUPS = ("sections", "figures", "charts")  # texts that stay from issue to issue
TO_WRITE = '""'  # how an empty text is written: validation lists it as empty


def start_issue(name: str, root: Path = ISSUES, previous: Path | None = None) -> Path:
    """Create the issue `name` under `root` from `previous` (default: the latest issue before it)."""
    period = period_of(name)
    if period is None:
        raise UsageError(f"{name!r}: {issue_name_problem(name)}")
    target = root / name
    if target.exists():
        raise Refused(f"{target}: the issue exists already; its files are left as they are")
    previous = previous or newest_issue(root, before=period)
    checker = Checker()
    facts, texts = read_issue(previous, checker)
    if checker.problems or facts is None or texts is None:  # what cannot be read cannot be carried over
        raise ContentError(
            checker.problems,
            f"{previous.name}, the issue to start from, must read without problems:"
            " fix them, or start from another issue with --from",
        )
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    try:
        _write_issue(staging / name, period, previous, facts, texts)
        written = _check_round_trip(staging / name, texts, facts["languages"], facts["number"])
        _carry_confirmations(previous, staging / name, facts, written)
        (staging / name).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def next_facts(facts: dict) -> dict:
    """The facts of the next issue, as far as they follow from the previous one: its sections, each
    with one article still to name and date, one chronology event still to date, its figures."""
    return facts | {
        "sections": [
            {"id": section["id"], "articles": [{"id": f"{section['id']}-1", "illustrations": []}]}
            for section in facts["sections"]
        ],
        "chronology": [{"id": "event-1"}],
    }


def _write_issue(folder: Path, period: Period, previous: Path, facts: dict, texts: Texts) -> None:
    folder.mkdir()
    if facts["cover_image"]:
        cover = folder / facts["cover_image"].relative_to(previous.resolve())
        cover.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(facts["cover_image"], cover)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "issue.yaml").write_text(_issue_yaml(period, previous, facts), encoding="utf-8")
    for language in facts["languages"]:
        language_file(folder, language).write_text(
            _language_yaml(language, period, previous, facts, texts), encoding="utf-8"
        )


def issue_number(previous_number: int, previous: Period, period: Period) -> int:
    """The number of an issue, counting one issue per half-year from the previous one."""

    def halves(item: Period) -> int:
        return item.start.year * 2 + (item.start.month > 6)

    return previous_number + halves(period) - halves(previous)


def publication_date(period: Period, previous_published: date | None) -> date:
    """A date in the month after the period (January or July), on the day of the month the
    previous issue came out, or the 15th."""
    day = previous_published.day if previous_published else 15
    return date(period.end.year + 1, 1, day) if period.end.month == 12 else date(period.end.year, 7, day)


def _issue_yaml(period: Period, previous: Path, facts: dict) -> str:
    previous_period = facts["period"]
    lines = [
        f"# Issue {period.name}, {period.start} to {period.end}; started from {previous.name} by build.py new.",
        f"# Fill in every empty value; build.py validate {period.name} lists what is left.",
        f"number: {issue_number(facts['number'], previous_period, period)}",
        f"published: {publication_date(period, facts['published'])}  # check the day",
        f"source_language: {facts['source_language']}",
        f"languages: [{', '.join(facts['languages'])}]",
    ]
    if facts["issn"]:
        lines.append("issn:")
        for language, issns in facts["issn"].items():
            lines += [f"  {language}:"] + [f"    {key}: {value}" for key, value in asdict(issns).items()]
    if facts["cover_image"]:
        lines.append(f"cover_image: {facts['cover_image'].relative_to(previous.resolve()).as_posix()}")
    lines += ["", "sections:"]
    new = next_facts(facts)
    for section in new["sections"]:
        lines += [f"  - id: {section['id']}", "    articles:"]
        for article in section["articles"]:
            lines += [
                f"      - id: {article['id']}  # name the article: a few lowercase words joined by hyphens",
                f"        date:  # the day it reports on, between {period.start} and {period.end}",
                "        illustrations: []",
            ]
    lines += ["", "chronology:"]
    for event in new["chronology"]:
        lines += [f"  - id: {event['id']}", f"    date:  # between {period.start} and {period.end}"]
    if facts["figures"]:
        lines += ["", f"figures:  # as in {previous.name}: bring every value up to date"]
        lines += [f"  - {{{_figure(figure)}}}" for figure in facts["figures"]]
    return "\n".join(lines) + "\n"


def _figure(figure: dict) -> str:
    fields = {
        "id": figure["id"],
        "value": figure["value"],
        "format": figure["format"],
        "unit": figure["unit"],
        "qualifier": figure["qualifier"],
        "chart": figure["chart"],
    }
    return ", ".join(f"{key}: {value}" for key, value in fields.items() if value is not None)


def _language_yaml(language: str, period: Period, previous: Path, facts: dict, texts: Texts) -> str:
    carried = {item.key: item for item in texts.of(language) if item.value is not None}
    ids = ids_by_group(next_facts(facts))
    english_name = Locale.parse(language).get_display_name("en")
    translated = language != facts["source_language"]
    lines = [
        f"# {english_name} texts of issue {period.name}; started from {previous.name} by build.py new.",
        f"# Texts written {TO_WRITE} are still to be written: build.py status {period.name} lists them.",
    ]
    if translated:  # no ids of the new period's parts: the editors name them, and the export gives them
        lines += [
            "# The new articles, pictures and events are not here: once their "
            f"{facts['source_language']} texts are written,",
            f"# build.py export {period.name} --lang {language} gives each of them to translate.",
        ]
    lines.append(f"language: {language}")
    for name in SINGLE_TEXTS + (COVER_TEXTS if facts["cover_image"] else ()):
        item = carried.get((name,))
        if item is not None and item.value is not None and (named := names_issue(item.value, facts["number"])):
            # It speaks of the previous issue: carried to review, not as confirmed (nor its source as current).
            lines.append(f"# Carried from {previous.name}, where it names that issue ({named}): review it.")
            item = replace(item, confirmed=None)
        lines.append(f"{name}: {_text(item, 2)}")
    for group, (_noun, fields) in GROUPS.items():
        if translated and group not in CARRIED_GROUPS:
            continue
        entries = ids[group]
        if not entries:
            lines.append(f"{group}: {{}}")
            continue
        lines.append(f"{group}:")
        for key in entries:
            if fields is None:
                lines.append(f"  {key}: {_text(carried.get((group, key)) if group in CARRIED_GROUPS else None, 4)}")
                continue
            lines.append(f"  {key}:")
            lines += [
                f"    {field}: {_text(carried.get((group, key, field)) if group in CARRIED_GROUPS else None, 6)}"
                for field in fields
            ]
    return "\n".join(lines) + "\n"


def names_issue(text: str, number: int) -> str | None:
    """Where `text` names the issue numbered `number` (№ 4, No. 4, Nº 4, n.º 4), as written; None if nowhere."""
    found = re.search(rf"(?:№|No\.|Nº|N\.º|n\.º)\s*{number}(?!\d)", text)
    return found[0] if found else None


def _text(item: TextField | None, indent: int) -> str:
    """A text as YAML, with its source tag; an empty text to write when there is none."""
    if item is None or item.value is None:
        return TO_WRITE
    tag = f"!source-{item.confirmed} " if item.confirmed else ""
    value = item.value
    plain_edges = not value[:1].isspace() and not value.endswith("\n\n")
    if "\n" in value.rstrip("\n") and plain_edges:  # several lines: a literal block, as editors write them
        chomping = "" if value.endswith("\n") else "-"
        lines = [" " * indent + line if line else "" for line in value.rstrip("\n").split("\n")]
        return f"{tag}|{chomping}\n" + "\n".join(lines)
    return tag + json.dumps(value, ensure_ascii=False)


def _carry_confirmations(previous: Path, folder: Path, facts: dict, texts: Texts) -> None:
    """Carry over, with the texts carried, the record of the source texts they were confirmed against, so that
    they can say what changed should their source change in the new issue; `texts` are the new issue's, as read
    back."""
    for language in facts["languages"]:
        if language == facts["source_language"]:
            continue
        old = read_confirmations(previous, language)
        new = Confirmations(confirmations_file(folder, language))
        for item in texts.of(language):
            if item.confirmed in old.sources:
                new.sources[item.confirmed] = old.sources[item.confirmed]
            if item.name in old.confirmed and item.confirmed == old.confirmed[item.name]["source"]:
                new.confirmed[item.name] = old.confirmed[item.name]
        if new.sources:
            new.save(0o644)


def _check_round_trip(folder: Path, written: Texts, languages: tuple[str, ...], number: int) -> Texts:
    """Stop when the new files do not read back as the texts carried into them (a bug, not content); return the
    texts read back."""
    checker = Checker(open_pictures=False)  # the pictures were checked as the previous issue was read
    _, texts = read_issue(folder, checker)
    assert texts is not None, "the issue.yaml just written reads back"
    for language in languages:
        found = {item.key: (item.value, item.confirmed) for item in texts.of(language) if item.value is not None}
        expected = {
            item.key: (item.value, None if len(item.key) == 1 and names_issue(item.value, number) else item.confirmed)
            for item in written.of(language)
            if item.value is not None and (len(item.key) == 1 or item.key[0] in CARRIED_GROUPS)
        }
        if not set(expected.items()) <= set(found.items()):
            raise BuildError(
                f"{language_file(folder, language).name}: the texts carried over from the previous"
                " issue did not read back as written; nothing was created"
            )
    return texts
