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
from ..content.sources import read_confirmations, source_hash
from ..content.texts import MARKDOWN_FIELDS, language_file
from ..language.segments import segments
from ..language.typography import plain_text
from ..model import period_of

EXACT, NORMALISED = "the same", "the same once spaces and punctuation are set alike"
RENAMED = "the same, at a place the issue no longer has (renamed since)"


@dataclass(frozen=True)
class Suggestion:
    """A translation remembered for a source text, and where it was confirmed."""

    translation: str
    source: str | None  # the source text it translates there (None when only its hash is known: a renamed place)
    issue: str  # the issue folder's name
    place: str  # the text's place there, such as articles.x.title or about.2
    match: str  # EXACT or NORMALISED


class Memory:
    """The confirmed translations of one language in an issue and the issues before it, by source text."""

    def __init__(self, folder: Path, language: str, source_language: str):
        self.exact: dict[str, Suggestion] = {}
        self.normalised: dict[str, Suggestion] = {}
        self.renamed: dict[str, Suggestion] = {}  # by the source hash its tag carries
        self.source_language = source_language
        for issue in _issues(folder):  # oldest first: a newer issue's translation replaces an older one's
            pairs, strays = _pairs(issue, language, source_language)
            for place, source, translation in pairs:
                self.exact[source] = Suggestion(translation, source, issue.name, place, EXACT)
                self.normalised[_normal(source, source_language)] = Suggestion(
                    translation, source, issue.name, place, NORMALISED
                )
            for place, tag, translation in strays:
                self.renamed[tag] = Suggestion(translation, None, issue.name, place, RENAMED)

    def suggest(self, source: str) -> Suggestion | None:
        """A confirmed translation of `source`, or of a text that differs from it only in spacing and punctuation,
        or one left under an id the source no longer has but confirmed against the same text (a renamed entry)."""
        return (
            self.exact.get(source)
            or self.normalised.get(_normal(source, self.source_language))
            or self.renamed.get(source_hash(source))
        )

    def renamed_paragraphs(self, source: str, count: int) -> list[Suggestion] | None:
        """For a Markdown text cut into `count` units, the paragraphs of a translation of `source` left under a
        place renamed since, when they line up with the units."""
        whole = self.renamed.get(source_hash(source))
        cut = segments(whole.translation) if whole is not None else None
        if whole is None or cut is None or len(cut.texts) != count:
            return None
        return [
            Suggestion(text, None, whole.issue, f"{whole.place}.{index}", RENAMED)
            for index, text in enumerate(cut.texts, 1)
        ]


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


def _pairs(issue: Path, language: str, source_language: str) -> tuple[list, list]:
    """Each (place, source text, translation) of the issue whose translation is confirmed against its source; and
    each (place, source hash, translation) of a tagged translation at a place the source does not have."""
    source, translated = (load_source(language_file(issue, code)).tree for code in (source_language, language))
    if not isinstance(source, YamlMap) or not isinstance(translated, YamlMap):
        return [], []
    found: list[tuple[str, str, str]] = []
    strays: list[tuple[str, str, str]] = []
    _walk(source, translated, (), found, strays)
    # A stray whose source text the record of confirmations keeps is remembered by that text too, paragraph by
    # paragraph: a renamed body whose source changed in a few paragraphs since still has the others suggested.
    recorded = read_confirmations(issue, language).sources
    for place, tag, translation in strays:
        if (text := recorded.get(tag)) is not None:
            found.append((place, text.strip("\n"), translation))
            if place.rsplit(".", 1)[-1] in MARKDOWN_FIELDS:
                _paragraphs(place, text, translation, found)
    return found, strays


def _walk(source: YamlMap | None, translated: YamlMap, key: tuple[str, ...], found: list, strays: list) -> None:
    for name, value in translated.items():
        if not isinstance(name, str):
            continue
        place = key + (name,)
        if source is None or name not in source:  # renamed, or removed: known only by the hash of what it translated
            if isinstance(value, YamlMap):
                _walk(None, value, place, found, strays)
            elif isinstance(value, str) and value.strip() and (tag := translated.value_spots[name].source_hash):
                strays.append((".".join(place), tag, value.strip("\n")))
            continue
        original = source[name]
        if isinstance(value, YamlMap) and isinstance(original, YamlMap):
            _walk(original, value, place, found, strays)
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
