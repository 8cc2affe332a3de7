"""Validate stage, language side: check each language's text file against issue.yaml.

Each edition language has one file, issues/<issue>/<lang>.yaml, holding every text of the
issue in that language, keyed by the ids that issue.yaml defines, so that a translator
edits one file and nothing else. This module reports every text that is missing, empty,
of the wrong type or keyed by an id issue.yaml does not know; it does not look at facts.
"""

from __future__ import annotations

from pathlib import Path

from .content import ISSUE_FILE, Spot, YamlMap, load_source
from .errors import Mark, Problem
from .schema import Checker, text

# The groups of texts in a language file: for each, the facts it is keyed by, what one
# entry is called in messages, and its text fields (None: the entry is itself one text).
GROUPS = {
    "sections": ("section", ("title",)),
    "articles": ("article", ("title", "lead", "body")),
    "illustrations": ("illustration", ("caption", "credit", "alt")),
    "chronology": ("event", None),
    "figures": ("figure", None),
    "charts": ("chart", None),
}
SINGLE_TEXTS = ("publisher", "about")  # texts that occur once per language
COVER_TEXTS = ("cover_alt",)  # texts needed only when issue.yaml gives a cover_image
LANGUAGE_FIELDS = ("language",) + SINGLE_TEXTS + COVER_TEXTS + tuple(GROUPS)


def language_file(folder: Path, language: str) -> Path:
    """Return the path of the text file of `language` in an issue folder."""
    return folder / f"{language}.yaml"


def read_texts(folder: Path, facts: dict, checker: Checker) -> dict:
    """Check every language file of the issue; return its texts keyed by group, id, field, language."""
    ids = _ids_by_group(facts)
    texts: dict = {name: {} for name in SINGLE_TEXTS + COVER_TEXTS}
    singles = SINGLE_TEXTS + (COVER_TEXTS if facts.get("cover_image") else ())
    for group, (_, fields) in GROUPS.items():
        texts[group] = {key: ({} if fields is None else {field: {} for field in fields}) for key in ids[group]}
    for language in facts["languages"]:
        _read_language(folder, language, ids, singles, texts, checker)
    for stray in sorted(folder.glob("*.yaml")) if facts["languages"] else ():
        if stray.name != ISSUE_FILE and stray.stem not in facts["languages"]:
            checker.problems.append(Problem(
                Mark(stray, 1, 1), f"'{stray.stem}' is not a language of this issue"
                                   f" (issue.yaml 'languages' lists {', '.join(facts['languages'])})"))
    return texts


def _ids_by_group(facts: dict) -> dict[str, list[str]]:
    articles = [article for section in facts["sections"] for article in section["articles"]]
    return {
        "sections": [section["id"] for section in facts["sections"]],
        "articles": [article["id"] for article in articles],
        "illustrations": [picture["id"] for article in articles for picture in article["illustrations"]],
        "chronology": [event["id"] for event in facts["chronology"]],
        "figures": [figure["id"] for figure in facts["figures"]],
        "charts": list(dict.fromkeys(figure["chart"] for figure in facts["figures"] if figure["chart"])),
    }


def _read_language(folder: Path, language: str, ids: dict, singles: tuple[str, ...], texts: dict,
                   checker: Checker) -> None:
    path = language_file(folder, language)
    if not path.is_file():
        checker.problems.append(Problem(Mark(path, 1, 1), f"the {language!r} text file is missing"))
        return
    source = load_source(path)
    checker.problems.extend(source.problems)
    if source.tree is None:
        return
    root = checker.mapping(source.tree, Spot(Mark(path, 1, 1)), path.name)
    if root is None:
        return
    what = f"{language} texts"
    checker.known_fields(root, LANGUAGE_FIELDS, what)
    declared = checker.get(root, "language", what, text)
    if declared is not None and declared != language:
        checker.report(root.value_spots["language"],
                       f"'language' is {declared!r} but this is the file of {language!r}")
    for name in singles:
        value = checker.get(root, name, what, text)
        if value is not None:
            texts[name][language] = value
    for group, (noun, fields) in GROUPS.items():
        node = checker.mapping_field(root, group, what)
        if node is not None:
            _read_group(node, noun, fields, ids[group], language, texts[group], checker)


def _read_group(node: YamlMap, noun: str, fields: tuple[str, ...] | None, wanted: list[str],
                language: str, found: dict, checker: Checker) -> None:
    for key in node:
        if key not in found:
            checker.report(node.key_spots[key], f"unknown {noun} '{key}': issue.yaml has no {noun} with this id")
    for key in wanted:
        what = f"{noun} '{key}'"
        if key not in node:
            detail = f" (its {', '.join(fields)})" if fields else ""
            checker.report(node.spot, f"{what}: the {language} text{detail} is missing")
        elif fields is None:
            value = text(checker, node[key], node.value_spots[key], what)
            if value is not None:
                found[key][language] = value
        else:
            entry = checker.mapping(node[key], node.value_spots[key], what)
            if entry is None:
                continue
            checker.known_fields(entry, fields, what)
            for field in fields:
                value = checker.get(entry, field, what, text)
                if value is not None:
                    found[key][field][language] = value
