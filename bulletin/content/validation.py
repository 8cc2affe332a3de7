"""Validate stage: read a whole issue against its schema, and build the `Issue` model.

Every file of the issue is read and every problem of its content collected (`read_issue`):
types, ids, dates, pictures, the texts of each language; with them, what the Markdown texts
point to that the bulletin refuses and what a proofreader would query in the typography.
Judging all of it, with the catalogs and the fonts, is `examination`'s: the one place that
says what an issue's problems are. `assemble` then builds the model of a valid issue.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ..language.localization import LANGUAGES, Formats
from ..language.markdown import refused_references
from ..language.typography import doubtful_marks
from ..model import (
    Article,
    Event,
    Figure,
    Illustration,
    Issue,
    Period,
    Section,
    Untranslated,
    issue_name_problem,
    period_of,
)
from ..project import TEMPLATES
from ..util.errors import Mark, Problem
from ..util.files import not_a_file
from .ids import Ids
from .issns import read_issns
from .loading import ISSUE_FILE, Spot, YamlMap, load_source
from .pictures import picture_problem
from .schema import Checker, day, identifier, number, text, unique, whole_number
from .texts import MARKDOWN_FIELDS, Places, TextField, Texts, read_texts

ADDRESS = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)  # http:, file:, data:… (a path has no scheme)
IMAGE_TYPES = (".svg", ".png", ".jpg", ".jpeg")  # picture files an issue may place
FIGURE_FORMATS = ("number", "percent", "unit")  # how a key figure is printed
FIGURE_QUALIFIERS = ("about", "more-than", "nearly")  # words printed before a figure's number
FIGURE_FIELDS = ("id", "value", "format", "unit", "qualifier", "chart")  # what a key figure may give
ISSUE_FIELDS = (
    "number",
    "published",
    "source_language",
    "languages",
    "issn",
    "cover_image",
    "sections",
    "chronology",
    "figures",
)


def typographic_queries(fields: Iterable[TextField]) -> list[Problem]:
    """Return, as warnings at the mark concerned, what a proofreader would query in the typed texts
    (a quotation mark that pairs with none, a Spanish question without its ¿): printed all the same."""
    places = Places()
    return [
        Problem(places.mark(field, index), f"{field.label}: {query}")
        for field in fields
        if field.value
        for index, query in doubtful_marks(field.value, field.language)
    ]


def reference_problems(fields: Iterable[TextField]) -> list[Problem]:
    """Return, at the place each is written, what the Markdown texts point to that the bulletin refuses: pictures
    in the text, and links other than http(s) and mailto (files, scripts, paths), which no PDF may carry."""
    places = Places()
    return [
        Problem(places.mark(field, index), f"{field.label}: {reference!r}: {why}")
        for field in fields
        if field.value and field.part in MARKDOWN_FIELDS
        for index, reference, why in refused_references(field.value)
    ]


def read_issue(folder: Path, checker: Checker) -> tuple[dict | None, Texts | None]:
    """Read issue.yaml and every language file, recording their problems; (None, None) when
    issue.yaml cannot be read. Gaps in the texts are left to the caller."""
    facts = _read_facts(folder, checker)
    if facts is None:
        return None, None
    return facts, read_texts(folder, facts, checker)


def stand_in(texts: Texts, gaps: list[TextField], source_language: str) -> None:
    """Put the source language's text, marked as untranslated, in the place of each gap."""
    for gap in gaps:
        slot = texts.slot(gap.key)
        slot[gap.language] = Untranslated(slot[source_language], source_language)


def _read_facts(folder: Path, checker: Checker) -> dict | None:
    """Check issue.yaml and return its facts as plain values; None when it cannot be read."""
    path = folder / ISSUE_FILE
    if problem := issue_name_problem(folder.name):
        checker.problems.append(Problem(Mark(folder, 1, 1), problem))
        return None
    period = period_of(folder.name)
    assert period is not None, "a name with no problem is a half-year's"
    if not os.path.lexists(path):  # a folder or a pipe of this name is there, and not missing: load says what it is
        checker.problems.append(Problem(Mark(path, 1, 1), f"{ISSUE_FILE} is missing from the issue folder"))
        return None
    source = load_source(path)
    checker.problems.extend(source.problems)
    root = checker.mapping(source.tree, Spot(Mark(path, 1, 1)), ISSUE_FILE) if source.tree is not None else None
    if root is None:
        return None
    checker.known_fields(root, ISSUE_FIELDS, "issue")
    facts: dict[str, Any] = {  # plain values of many kinds, as YAML gives them
        "period": period,
        "number": checker.get(root, "number", "issue", whole_number),
        "published": checker.get(root, "published", "issue", day),
        "languages": _read_languages(root, checker),
        "cover_image": _read_image(folder, root, "cover_image", "issue", checker, required=False),
    }
    _check_publication(facts["published"], period, root, checker)
    facts["source_language"] = checker.get(root, "source_language", "issue", _language_code)
    if facts["source_language"] and facts["source_language"] not in facts["languages"]:
        checker.report(
            root.value_spots["source_language"],
            f"issue: 'source_language' {facts['source_language']!r} is not among 'languages'",
        )
    facts["issn"] = read_issns(root, facts["languages"], checker)
    ids = Ids(TEMPLATES)
    facts["sections"] = _read_sections(folder, root, period, checker, ids)
    facts["chronology"] = _read_dated_list(root, "chronology", "event", period, checker, ids)
    facts["figures"] = _read_figures(root, facts["languages"], checker, ids)
    return facts


def _check_publication(published: date | None, period: Period, root: YamlMap, checker: Checker) -> None:
    """An issue comes out after its half-year, and before the next half-year is over (a wrong year, mostly)."""
    latest = date(period.end.year + 1, 6, 30) if period.end.month == 12 else date(period.end.year, 12, 31)
    if published is not None and not period.end < published <= latest:
        checker.report(
            root.value_spots["published"],
            f"issue: 'published' is {published}; an issue covering {period.name} is published after"
            f" {period.end}" + (f" and no later than {latest}: is the year right?" if published > latest else ""),
        )


def _language_code(checker: Checker, value: object, spot: Spot, what: str) -> str | None:
    code = text(checker, value, spot, what)
    if code is not None and code not in LANGUAGES:
        checker.report(spot, f"{what}: unknown language code {code!r}; expected one of: {', '.join(LANGUAGES)}")
        return None
    return code


def _read_languages(root: YamlMap, checker: Checker) -> tuple[str, ...]:
    items = checker.list_field(root, "languages", "issue")
    if items is None:
        return ()
    seen: dict[str, Spot] = {}
    for value, spot in zip(items, items.item_spots):
        code = _language_code(checker, value, spot, "issue: 'languages'")
        unique(checker, seen, code, spot, "language")
    if not items:
        checker.report(root.value_spots["languages"], "issue: 'languages' is empty; list the edition languages")
    return tuple(seen)


def _read_image(
    folder: Path, node: YamlMap, key: str, what: str, checker: Checker, required: bool = True
) -> Path | None:
    name = checker.get(node, key, what, text, required=required)
    if name is None:
        return None
    path, problem = _picture_file(folder, name)
    if path is not None and checker.open_pictures:  # a file of the issue: is it a picture the bulletin can print?
        problem = picture_problem(path)
    if problem is None:
        return path
    checker.report(node.value_spots[key], f"{what}: '{key}' {name!r} {problem}")
    return None


def _picture_file(folder: Path, name: str) -> tuple[Path | None, str | None]:
    """The file a picture's path names in the issue `folder`, links followed, or what keeps it from being one."""
    if ADDRESS.match(name):
        return None, (
            "is an address; a picture is a file of the issue, named by its path in the issue folder"
            " (such as images/photo.jpg)"
        )
    if "\0" in name:
        return None, "holds a null character, which no file name can"
    try:
        path = (folder / name).resolve(strict=False)
        if not path.is_relative_to(folder.resolve()):
            linked = Path(os.path.normpath(folder.absolute() / name)).is_relative_to(folder.absolute())
            return (
                None,
                "is a symbolic link to a file outside the issue folder" if linked else "is outside the issue folder",
            )
        if path.suffix.lower() not in IMAGE_TYPES:
            return None, f"is not a picture; expected one of {', '.join(IMAGE_TYPES)}"
        if not path.exists():
            return None, f"does not exist in {folder.name}/"
        if kind := not_a_file(path):  # a folder, or a named pipe that would keep the command waiting forever
            return None, f"is {kind}, not a file; it was not read"
    except RuntimeError:  # Path.resolve's word for a loop of symbolic links
        return None, "is a symbolic link that leads back to itself"
    except OSError as err:  # a name too long, a folder that cannot be read
        return None, f"cannot be read ({err.strerror or err})"
    return path, None


def _entries(root: YamlMap, key: str, what: str, checker: Checker):
    """Yield (mapping, spot) for each mapping in the list `root[key]`."""
    items = checker.list_field(root, key, what)
    for value, spot in zip(items or (), items.item_spots if items else ()):
        entry = checker.mapping(value, spot, f"{what}: an entry of '{key}'")
        if entry is not None:
            yield entry, spot


def _read_dated(entry: YamlMap, what: str, period, checker: Checker):
    when = checker.get(entry, "date", what, day)
    if when is not None and when not in period:
        checker.report(
            entry.value_spots["date"],
            f"{what}: 'date' {when} is outside the issue's period {period.start} to {period.end}",
        )
        return None
    return when


def _read_sections(folder: Path, root: YamlMap, period, checker: Checker, ids: Ids) -> list[dict]:
    sections = []
    for entry, _spot in _entries(root, "sections", "issue", checker):
        checker.known_fields(entry, ("id", "articles"), "section")
        section_id = checker.get(entry, "id", "section", identifier)
        ids.claim(checker, "section", section_id, entry.value_spots.get("id", entry.spot))
        what = f"section '{section_id}'"
        articles = []
        for item, _ in _entries(entry, "articles", what, checker):
            checker.known_fields(item, ("id", "date", "illustrations"), "article")
            article_id = checker.get(item, "id", "article", identifier)
            ids.claim(checker, "article", article_id, item.value_spots.get("id", item.spot))
            label = f"article '{article_id}'"
            pictures = []
            for picture, _ in _entries(item, "illustrations", label, checker):
                checker.known_fields(picture, ("id", "file"), "illustration")
                picture_id = checker.get(picture, "id", label, identifier)
                ids.claim(checker, "illustration", picture_id, picture.value_spots.get("id", picture.spot))
                pictures.append(
                    {
                        "id": picture_id,
                        "file": _read_image(folder, picture, "file", f"illustration '{picture_id}'", checker),
                    }
                )
            articles.append(
                {"id": article_id, "date": _read_dated(item, label, period, checker), "illustrations": pictures}
            )
        if isinstance(entry.get("articles"), list) and not entry["articles"]:
            checker.report(
                entry.value_spots["articles"],
                f"{what}: 'articles' is empty; a section holds at least"
                " one article (remove the section until it has one)",
            )
        sections.append({"id": section_id, "articles": articles})
    if not sections and "sections" in root:
        checker.report(root.value_spots["sections"], "issue: 'sections' is empty; an issue has at least one section")
    return sections


def _read_dated_list(root: YamlMap, key: str, what: str, period, checker: Checker, ids: Ids) -> list[dict]:
    entries = []
    for entry, _spot in _entries(root, key, "issue", checker):
        checker.known_fields(entry, ("id", "date"), what)
        entry_id = checker.get(entry, "id", what, identifier)
        ids.claim(checker, what, entry_id, entry.value_spots.get("id", entry.spot))
        entries.append({"id": entry_id, "date": _read_dated(entry, f"{what} '{entry_id}'", period, checker)})
    return entries


def _read_figures(root: YamlMap, languages: tuple[str, ...], checker: Checker, ids: Ids) -> list[dict]:
    figures = []
    for entry, _spot in _entries(root, "figures", "issue", checker):
        checker.known_fields(entry, FIGURE_FIELDS, "figure")
        figure_id = checker.get(entry, "id", "figure", identifier)
        ids.claim(checker, "figure", figure_id, entry.value_spots.get("id", entry.spot))
        what = f"figure '{figure_id}'"
        figure: dict[str, Any] = {
            "id": figure_id,
            "value": checker.get(entry, "value", what, number),
            "format": checker.get(entry, "format", what, text),
            "unit": checker.get(entry, "unit", what, text, required=entry.get("format") == "unit"),
            "qualifier": checker.get(entry, "qualifier", what, text, required=False),
            "chart": checker.get(entry, "chart", what, identifier, required=False),
            "chart_given": "chart" in entry,
        }  # even wrongly: then the charts' texts cannot be told unknown
        if figure["qualifier"] is not None and figure["qualifier"] not in FIGURE_QUALIFIERS:
            checker.report(
                entry.value_spots["qualifier"],
                f"{what}: 'qualifier' {figure['qualifier']!r}; expected one of: {', '.join(FIGURE_QUALIFIERS)}",
            )
        if figure["format"] is not None and figure["format"] not in FIGURE_FORMATS:
            checker.report(
                entry.value_spots["format"],
                f"{what}: 'format' {figure['format']!r}; expected one of: {', '.join(FIGURE_FORMATS)}",
            )
        elif figure["format"] == "unit" and figure["unit"] and figure["value"] is not None:
            _check_unit(entry, figure, languages, checker)
        elif figure["format"] == "percent" and figure["value"] is not None and not 0 <= figure["value"] <= 1:
            checker.report(
                entry.value_spots["value"],
                f"{what}: a percentage is written as a fraction: 0.2 for 20 %, not {figure['value']}",
            )
        figures.append(figure)
    return figures


def _check_unit(entry: YamlMap, figure: dict, languages: tuple[str, ...], checker: Checker) -> None:
    for language in languages:
        try:
            Formats.for_language(language).quantity(figure["value"], figure["unit"])
        except (ValueError, KeyError):  # Babel's UnknownUnitError is a ValueError
            checker.report(
                entry.value_spots["unit"],
                f"figure '{figure['id']}': 'unit' {figure['unit']!r} is not a CLDR unit that can be"
                f" written in {language!r}, such as 'length-kilometer' or 'duration-year'",
            )
            return


def assemble(folder: Path, facts: dict, texts: dict) -> Issue:
    """Build the model from checked facts and texts (no problem is left at this point)."""

    def illustration(picture: dict) -> Illustration:
        own = texts["illustrations"][picture["id"]]
        return Illustration(picture["id"], picture["file"], own["caption"], own["credit"], own["alt"])

    def article(item: dict) -> Article:
        own = texts["articles"][item["id"]]
        return Article(
            item["id"],
            item["date"],
            own["title"],
            own["lead"],
            own["body"],
            tuple(illustration(picture) for picture in item["illustrations"]),
        )

    sections = tuple(
        Section(
            entry["id"], texts["sections"][entry["id"]]["title"], tuple(article(item) for item in entry["articles"])
        )
        for entry in facts["sections"]
    )
    chronology = tuple(
        sorted(
            (Event(entry["id"], entry["date"], texts["chronology"][entry["id"]]) for entry in facts["chronology"]),
            key=lambda event: event.date,
        )
    )
    figures = tuple(
        Figure(
            entry["id"],
            entry["value"],
            entry["format"],
            entry["unit"],
            entry["qualifier"],
            entry["chart"],
            texts["figures"][entry["id"]],
        )
        for entry in facts["figures"]
    )
    return Issue(
        folder=folder,
        period=facts["period"],
        number=facts["number"],
        published=facts["published"],
        source_language=facts["source_language"],
        languages=facts["languages"],
        issn=facts["issn"],
        cover_image=facts["cover_image"],
        publisher=texts["publisher"],
        about=texts["about"],
        cover_alt=texts["cover_alt"],
        sections=sections,
        chronology=chronology,
        figures=figures,
        charts=texts["charts"],
    )
