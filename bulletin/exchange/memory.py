"""Translation memory: what earlier issues, and this one, already translate of a text still to translate.

Much of a half-year's texts was said before: a section's title, a credit line, a figure's label, a
sentence of the about page. For a unit with no translation yet, `Memory.suggest` looks among the
translations confirmed against their source text (the tag matches), in this issue and in the issues
before it under the same folder, for one whose source text is the unit's: the same text, or the same
once spaces, quotation marks, dashes and ellipses are set alike (`plain_text`, as the PDF gets them).
A suggestion is only that: the export gives it as a fuzzy unit, naming where it comes from, for the
translator to accept or change. A Markdown text is remembered whole and, where the translation has as
many paragraphs as the source, paragraph by paragraph.

Only the two language files of each issue are read (no pictures, no issue.yaml): a file that cannot be
read gives nothing, and the export goes on.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..content.loading import YamlMap, load_source
from ..content.sources import source_hash
from ..content.texts import MARKDOWN_FIELDS, language_file
from ..language.segments import segments
from ..language.typography import plain_text
from ..model import period_of

EXACT, NORMALISED = "the same", "the same once spaces and punctuation are set alike"


@dataclass(frozen=True)
class Suggestion:
    """A translation remembered for a source text, and where it was confirmed."""

    translation: str
    source: str  # the source text it translates there
    issue: str  # the issue folder's name
    place: str  # the text's place there, such as articles.x.title or about.2
    match: str  # EXACT or NORMALISED


class Memory:
    """The confirmed translations of one language in an issue and the issues before it, by source text."""

    def __init__(self, folder: Path, language: str, source_language: str):
        self.exact: dict[str, Suggestion] = {}
        self.normalised: dict[str, Suggestion] = {}
        self.source_language = source_language
        for issue in _issues(folder):  # oldest first: a newer issue's translation replaces an older one's
            for place, source, translation in _pairs(issue, language, source_language):
                self.exact[source] = Suggestion(translation, source, issue.name, place, EXACT)
                self.normalised[_normal(source, source_language)] = Suggestion(
                    translation, source, issue.name, place, NORMALISED
                )

    def suggest(self, source: str) -> Suggestion | None:
        """A confirmed translation of `source`, or of a text that differs from it only in spacing and punctuation."""
        return self.exact.get(source) or self.normalised.get(_normal(source, self.source_language))


def _issues(folder: Path) -> list[Path]:
    """The issue folders beside `folder` that come before it, oldest first, and `folder` itself last."""
    period = period_of(folder.name)
    if period is None:
        return [folder]
    earlier = [
        (found.start, path)
        for path in folder.parent.iterdir()
        if (found := period_of(path.name)) is not None and found.start < period.start and path.is_dir()
    ]
    return [path for _, path in sorted(earlier)] + [folder]


def _pairs(issue: Path, language: str, source_language: str) -> list[tuple[str, str, str]]:
    """Each (place, source text, translation) of the issue whose translation is confirmed against its source."""
    source, translated = (load_source(language_file(issue, code)).tree for code in (source_language, language))
    if not isinstance(source, YamlMap) or not isinstance(translated, YamlMap):
        return []
    found: list[tuple[str, str, str]] = []
    _walk(source, translated, (), found)
    return found


def _walk(source: YamlMap, translated: YamlMap, key: tuple[str, ...], found: list) -> None:
    for name, value in translated.items():
        if not isinstance(name, str) or name not in source:
            continue
        original, place = source[name], key + (name,)
        if isinstance(value, YamlMap) and isinstance(original, YamlMap):
            _walk(original, value, place, found)
        elif isinstance(value, str) and isinstance(original, str) and value.strip() and original.strip():
            if translated.value_spots[name].source_hash != source_hash(original):
                continue
            found.append((".".join(place), original.strip("\n"), value.strip("\n")))
            if name in MARKDOWN_FIELDS:
                _paragraphs(".".join(place), original, value, found)


def _paragraphs(place: str, source: str, translation: str, found: list) -> None:
    cut, done = segments(source), segments(translation)
    if cut is not None and done is not None and len(cut.texts) == len(done.texts) > 1:
        found += [(f"{place}.{index}", a, b) for index, (a, b) in enumerate(zip(cut.texts, done.texts), 1)]


def _normal(text: str, language: str) -> str:
    """A text as it prints: its spaces, quotation marks, dashes and ellipses set by the language's rules."""
    return " ".join(plain_text(unicodedata.normalize("NFC", text), language).split())
