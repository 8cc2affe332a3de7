"""Validate stage, language side: read each language's text file against issue.yaml.

Each edition language has one file, issues/<issue>/<lang>.yaml, holding every text of the
issue in that language, keyed by the ids that issue.yaml defines, so that a translator
edits one file and nothing else. Every text the issue needs is read as a `TextField`: its
value, where it is, the source hash it was confirmed against (see `sources`), or, when it
is missing or empty, the message that says so (its *gap*). Gaps are not reported here:
whether a gap is a problem (a build) or a place for the source text (a draft) or a line of
a translator's to-do list (`status`) is for the caller to say. Texts of the wrong type and
ids that issue.yaml does not know are problems in every case.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import reduce
from operator import getitem
from pathlib import Path

from ..util.errors import Mark, Problem
from ..util.files import not_a_file
from .loading import ISSUE_FILE, Spot, YamlMap, load_source
from .schema import Checker, nearest, odd_character, text

# The groups of texts in a language file: for each, what one entry is called in messages,
# and its text fields (None: the entry is itself one text).
GROUPS = {
    "sections": ("section", ("title",)),
    "articles": ("article", ("title", "lead", "body")),
    "illustrations": ("illustration", ("caption", "credit", "alt")),
    "chronology": ("event", None),
    "figures": ("figure", None),
    "charts": ("chart", None),
}
SINGLE_TEXTS = ("publisher", "about")  # texts that occur once per language
MARKDOWN_FIELDS = ("body", "about")  # the texts written in Markdown (templates/*.html: the markdown filter)
COVER_TEXTS = ("cover_alt",)  # texts needed only when issue.yaml gives a cover_image
LANGUAGE_FIELDS = ("language",) + SINGLE_TEXTS + COVER_TEXTS + tuple(GROUPS)


@dataclass(frozen=True)
class TextField:
    """One text of the issue in one language, as its language file has it."""

    language: str  # the language file's language
    key: tuple[str, ...]  # its place in the file: ("articles", "vagif-mausoleum", "title"), ("about",)
    owner: str  # what it belongs to, as messages name it: "article 'vagif-mausoleum'", "az texts"
    mark: Mark  # where the value is, or the mapping that lacks it
    value: str | None = None  # the text; None when it is missing, empty or not text
    gap: str | None = None  # when missing or empty: the message that says so
    confirmed: str | None = None  # the source hash it carries (`!source-<hash>`), if any

    @property
    def name(self) -> str:
        """The field's name for translators' commands, such as articles.vagif-mausoleum.title."""
        return ".".join(self.key)

    @property
    def part(self) -> str:
        """What part of its owner the text is: 'title' of an article, 'about' of a file, or the whole 'text'
        of an entry that is one text (an event, a figure's label)."""
        return "text" if len(self.key) == 2 else self.key[-1]

    @property
    def label(self) -> str:
        """The text as messages name it: "article 'vagif-mausoleum': 'title'", "event 'x'"."""
        return self.owner if self.part == "text" else f"{self.owner}: '{self.part}'"


@dataclass
class Texts:
    """Every text of an issue: values by group, id, field and language, and every field as read."""

    values: dict  # group -> id -> field -> language -> text (groups of single texts: id -> language -> text)
    fields: list[TextField] = field(default_factory=list)  # every text in every language, present or not
    # Entries of a translated language's file under an id issue.yaml does not have (an article renamed in the
    # source after it was translated): a problem of a full build, which a draft leaves out.
    strays: list[Problem] = field(default_factory=list)

    def slot(self, key: tuple[str, ...]) -> dict[str, str]:
        """The texts in every language at the place `key` of the language files."""
        return reduce(getitem, key, self.values)

    def gaps(self, languages: tuple[str, ...]) -> list[TextField]:
        """The fields of `languages` that are missing or empty."""
        return [item for item in self.fields if item.gap and item.language in languages]

    def gap_problems(self, languages: tuple[str, ...]) -> list[Problem]:
        """Each missing or empty field of `languages` as a problem at its place."""
        return [Problem(item.mark, item.gap) for item in self.fields if item.gap and item.language in languages]

    def of(self, language: str) -> list[TextField]:
        """Every field of one language."""
        return [item for item in self.fields if item.language == language]


class Places:
    """Finds where characters of texts are written in their files, reading each file once.

    A character is placed by finding the line of the text that holds it among the lines where the text is
    written; when that line is written otherwise (escapes, a folded line), the text's own start stands in.
    Each text's lines are sought forward from where the last one was found, and only a few searches may go
    through the rest of the text in vain or start it over: a text with thousands of queries is placed in
    time that grows with its length, not with its length times the number of queries.
    """

    def __init__(self):
        self.files: dict[Path, list[str]] = {}  # the lines of each file read
        self.searches: dict[tuple[str, tuple[str, ...]], _Search] = {}  # the search through each text's lines

    def mark(self, field: TextField, index: int) -> Mark:
        """Return where character `index` of a text is written."""
        search = self.searches.get((field.language, field.key))
        if search is None:
            search = self.searches[field.language, field.key] = _Search(field, self._lines(field.mark.path))
        return search.mark(index)

    def _lines(self, path: Path) -> list[str]:
        if path not in self.files:
            try:
                self.files[path] = path.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                self.files[path] = []
        return self.files[path]


class _Search:
    """Where the lines of one text were found in its file so far."""

    COSTLY = 3  # searches that may fail or start over from the text's start; later lines left unsought

    def __init__(self, field: TextField, lines: list[str]):
        self.field = field
        self.lines = lines
        self.value = field.value or ""  # only a text that is there is searched
        self.starts = [0] + [match.end() for match in re.finditer("\n", self.value)]  # where its lines start
        self.last = min(field.mark.line + len(self.starts), len(lines))  # the last file line it may be on
        self.found: dict[int, tuple[int, int]] = {}  # the file line and column of each line of the text found
        self.furthest = -1  # the furthest line of the text found
        self.next = (field.mark.line, field.mark.column - 1)  # where a line after it is sought
        self.costly = 0

    def mark(self, index: int) -> Mark:
        field, value = self.field, self.value
        number = bisect_right(self.starts, index) - 1  # the line of the text that holds the character
        start = self.starts[number]
        end = self.starts[number + 1] - 1 if number + 1 < len(self.starts) else len(value)
        if number not in self.found and value[start:end].strip() and self.costly < self.COSTLY:
            self.seek(number, value[start:end])
        if number not in self.found:
            return field.mark
        line, column = self.found[number]
        return Mark(field.mark.path, line, column + index - start + 1)

    def seek(self, number: int, written: str) -> None:
        """Look for line `number` of the text, written as `written`, and remember where it is."""
        again = number < self.furthest  # before the furthest line found: start over
        line, column = (self.field.mark.line, self.field.mark.column - 1) if again else self.next
        while line <= self.last:
            column = self.lines[line - 1].find(written, column)
            if column >= 0:
                self.found[number] = (line, column)
                if not again:
                    self.furthest, self.next = number, (line, column + len(written))
                break
            line, column = line + 1, 0
        self.costly += again or number not in self.found


def language_file(folder: Path, language: str) -> Path:
    """Return the path of the text file of `language` in an issue folder."""
    return folder / f"{language}.yaml"


def read_texts(folder: Path, facts: dict, checker: Checker) -> Texts:
    """Read every language file of the issue; record problems other than gaps in `checker`."""
    ids = ids_by_group(facts)
    singles = SINGLE_TEXTS + (COVER_TEXTS if facts.get("cover_image") else ())
    values: dict = {name: {} for name in SINGLE_TEXTS + COVER_TEXTS}
    for group, (_, fields) in GROUPS.items():
        values[group] = {key: ({} if fields is None else {name: {} for name in fields}) for key in ids[group]}
    texts = Texts(values)
    # Where issue.yaml gives an id wrongly, the language files' keys of that group cannot be told unknown.
    unsure = {group for group, keys in _given_ids(facts).items() if None in keys}
    for language in facts["languages"]:
        _LanguageReader(folder, language, facts["source_language"], texts, checker, unsure).read(ids, singles)
    for stray in sorted(folder.glob("*.yaml")) if facts["languages"] else ():
        if stray.name != ISSUE_FILE and stray.stem not in facts["languages"]:
            kind = not_a_file(stray)  # never opened: said as what it is, when it is not even a file
            checker.problems.append(
                Problem(
                    Mark(stray, 1, 1),
                    (f"is {kind}, not a file; " if kind else "") + f"'{stray.stem}' is not a language of this issue"
                    f" (issue.yaml 'languages' lists {', '.join(facts['languages'])})",
                )
            )
    return texts


def ids_by_group(facts: dict) -> dict[str, list[str]]:
    """Return the ids issue.yaml defines for each group of texts (not those it gives wrongly)."""
    return {group: [key for key in keys if key is not None] for group, keys in _given_ids(facts).items()}


def _given_ids(facts: dict) -> dict[str, list[str | None]]:
    """The ids of each group of texts as issue.yaml gives them: None for one given wrongly (its problem)."""
    articles = [article for section in facts["sections"] for article in section["articles"]]
    return {
        "sections": [section["id"] for section in facts["sections"]],
        "articles": [article["id"] for article in articles],
        "illustrations": [picture["id"] for article in articles for picture in article["illustrations"]],
        "chronology": [event["id"] for event in facts["chronology"]],
        "figures": [figure["id"] for figure in facts["figures"]],
        "charts": list(
            dict.fromkeys(
                figure["chart"] for figure in facts["figures"] if figure["chart"] or figure.get("chart_given")
            )
        ),
    }


class _LanguageReader:
    """Reads the file of one language into `texts`."""

    def __init__(
        self,
        folder: Path,
        language: str,
        source_language: str | None,
        texts: Texts,
        checker: Checker,
        unsure: Collection[str] = frozenset(),
    ):
        self.path = language_file(folder, language)
        self.unsure = unsure  # the groups whose ids issue.yaml gives wrongly: their unknown keys are not reported
        self.language = language
        self.source_language = source_language
        self.texts = texts
        self.checker = checker

    def read(self, ids: dict[str, list[str]], singles: tuple[str, ...]) -> None:
        if not os.path.lexists(self.path):  # no file at all: every text is a gap (a folder there is load's problem)
            self.gap_everything(ids, singles, Mark(self.path, 1, 1), f"the {self.language!r} text file is missing")
            return
        root = self.load()
        what = f"{self.language} texts"
        if root is None:
            return
        self.checker.known_fields(root, LANGUAGE_FIELDS, what)
        declared = self.checker.get(root, "language", what, text)
        if declared is not None and declared != self.language:
            self.checker.report(
                root.value_spots["language"], f"'language' is {declared!r} but this is the file of {self.language!r}"
            )
        for name in singles:
            self.take(root, (name,), what, name, self.texts.values[name])
        for group, (noun, fields) in GROUPS.items():
            if group not in root:
                for key in ids[group]:
                    self.gap_entry(group, key, root.spot.mark, f"{what}: '{group}' is missing")
                continue
            node = self.checker.mapping(root[group], root.value_spots[group], f"{what}: '{group}'")
            if node is not None:
                self.read_group(node, group, noun, fields, ids[group])

    def load(self) -> YamlMap | None:
        """The file's top mapping; None when it cannot be read (its problems are recorded)."""
        source = load_source(self.path)
        self.checker.problems.extend(source.problems)
        if source.tree is None:
            return None
        return self.checker.mapping(source.tree, Spot(Mark(self.path, 1, 1)), self.path.name)

    def read_group(
        self, node: YamlMap, group: str, noun: str, fields: tuple[str, ...] | None, wanted: list[str]
    ) -> None:
        found = self.texts.values[group]
        for key in node:
            if key not in found and group not in self.unsure:
                spot = node.key_spots[key]
                written = spot.raw if spot.raw is not None and spot.raw != str(key) else None
                odd = odd_character(str(key))
                meant = nearest(str(key), [name for name in found if name not in node])
                notes = [
                    f"YAML reads the unquoted {written!r} as {key!r}; write it in quotes"
                    if written
                    else f"it holds {odd}, which no id has"
                    if odd
                    else "",
                    f"did you mean '{meant}'?" if meant else "",
                ]
                said = "; ".join(note for note in notes if note)
                problem = Problem(
                    spot.mark,
                    f"unknown {noun} {written or str(key)!r}: issue.yaml has no {noun} with this"
                    " id" + (f" ({said})" if said else ""),
                )
                translated = self.source_language is not None and self.language != self.source_language
                if translated and not said:  # no typo, no YAML surprise: most likely renamed in the source since
                    problem = Problem(
                        problem.mark,
                        f"{problem.message}; renamed in the source? build.py export suggests its texts for the new id:"
                        " once they are imported, delete this entry",
                    )
                (self.texts.strays if translated else self.checker.problems).append(problem)
        for key in wanted:
            owner = f"{noun} '{key}'"
            if key not in node:
                detail = f" (its {', '.join(fields)})" if fields else ""
                message = f"{owner}: the {self.language} text{detail} is missing"
                self.gap_entry(group, key, node.spot.mark, message)
            elif fields is None:
                self.take(node, (group, key), owner, key, found[key], whole=True)
            elif node.value_spots[key].alias:
                self.checker.report(
                    node.value_spots[key],
                    f"{owner} repeats these texts with a YAML alias (*); write them out in its own place",
                )
            else:
                entry = self.checker.mapping(node[key], node.value_spots[key], owner)
                if entry is not None:
                    self.checker.known_fields(entry, fields, owner)
                    for name in fields:
                        self.take(entry, (group, key, name), owner, name, found[key][name])

    def take(
        self, node: YamlMap, key: tuple[str, ...], owner: str, name: str, found: dict, whole: bool = False
    ) -> None:
        """Read the text `node[name]` into `found[language]`, or record its gap."""
        label = owner if whole else f"{owner}: '{name}'"
        if name not in node:
            self.add_gap(key, owner, node.spot.mark, f"{label} is missing")
            return
        value, spot = node[name], node.value_spots[name]
        if spot.alias:
            # YAML gives an alias the place of its anchor: the message names the field, the place the anchor.
            self.checker.report(
                spot,
                f"{label} repeats this text with a YAML alias (*); write it out in its own"
                " place, so that it can be translated and confirmed on its own",
            )
            return
        if spot.comment:  # a text that goes on after ' #' is cut there: almost never a comment meant as one
            mark, comment = spot.comment
            shown = comment if len(comment) <= 40 else comment[:40] + "…"
            self.checker.problems.append(
                Problem(
                    mark,
                    f"{label}: the text ends before '{shown}', which YAML reads as"
                    " a comment after a space; put the whole text in quotes to"
                    " keep it (a comment goes on a line of its own)",
                )
            )
        if spot.source_hash and self.language == self.source_language:
            self.checker.report(
                spot, f"{label}: a text of the source language is translated from nothing; remove its !source tag"
            )
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add_gap(key, owner, spot.mark, f"{label} is empty; expected text")
            return
        value = text(self.checker, value, spot, label)
        if value is not None:
            found[self.language] = value
        self.texts.fields.append(TextField(self.language, key, owner, spot.mark, value, confirmed=spot.source_hash))

    def add_gap(self, key: tuple[str, ...], owner: str, mark: Mark, message: str) -> None:
        self.texts.fields.append(TextField(self.language, key, owner, mark, gap=message))

    def gap_entry(self, group: str, key: str, mark: Mark, message: str) -> None:
        """Record every field of the entry `key` of `group` as a gap with one message."""
        noun, fields = GROUPS[group]
        owner = f"{noun} '{key}'"
        for name in fields or (None,):
            self.add_gap((group, key) + ((name,) if name else ()), owner, mark, message)

    def gap_everything(self, ids: dict[str, list[str]], singles: tuple[str, ...], mark: Mark, message: str) -> None:
        what = f"{self.language} texts"
        for name in singles:
            self.add_gap((name,), what, mark, message)
        for group in GROUPS:
            for key in ids[group]:
                self.gap_entry(group, key, mark, message)
