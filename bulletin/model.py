"""The bulletin's data model, in the words an editor uses.

An `Issue` holds what does not depend on language once (dates, figures, image files,
section order, article ids) and every text as a `Localized` mapping from language code to
text. An `Edition` is one language of one issue: what a PDF is made from. Nothing here
reads files or formats anything; `validation` builds these objects and `rendering` reads
them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

Localized = Mapping[str, str]  # a text in each language of the issue, by language code

# e.g. 2022-H2: matched whole (no newline after it), in ASCII digits (\d would take ٢٠٢٢ too)
ISSUE_NAME = re.compile(r"(?P<year>[0-9]{4})-H(?P<half>[12])")
FIRST_YEAR = 2020  # the year of the liberation: the bulletin records what came after it
LAST_YEAR = 2999  # a four-digit year, whose half-years and the day after them a date can hold

FILE_PREFIX = "since-the-victory"  # every delivered file name starts with it
MEDIA = ("print", "online")  # the media each language edition is published in, each with an ISSN of its own


class Untranslated(str):
    """In a draft, the source-language text standing in for a translation that is not written yet."""

    language: str  # the language the text is in

    def __new__(cls, text: str, language: str) -> Untranslated:
        item = super().__new__(cls, text)
        item.language = language
        return item

    def __reduce__(self):  # sent to a worker process with its language
        return Untranslated, (str(self), self.language)


@dataclass(frozen=True)
class Period:
    """The half-year an issue covers."""

    name: str  # the issue's name, e.g. "2022-H2"
    start: date  # first day covered
    end: date  # last day covered

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Illustration:
    """A picture placed in an article, with its texts."""

    id: str  # unique within the issue
    file: Path  # absolute path of the image, inside the issue folder
    caption: Localized  # one sentence under the picture
    credit: Localized  # who made the picture
    alt: Localized  # the picture described for a reader who cannot see it


@dataclass(frozen=True)
class Article:
    """One article of a section."""

    id: str  # unique within the issue; also the HTML anchor
    date: date  # the date the article reports on, inside the period
    title: Localized  # headline
    lead: Localized  # one or two sentences under the headline, plain text
    body: Localized  # Markdown body text
    illustrations: tuple[Illustration, ...]  # pictures, in order


@dataclass(frozen=True)
class Section:
    """A section of the bulletin: a run of articles under one running head."""

    id: str  # unique within the issue
    title: Localized  # section name, also the running header
    articles: tuple[Article, ...]  # in order of appearance


@dataclass(frozen=True)
class Event:
    """One dated entry of the chronology of the period."""

    id: str  # unique within the chronology
    date: date  # inside the period
    text: Localized  # one sentence


@dataclass(frozen=True)
class Figure:
    """A key figure: a number printed large with a label under it."""

    id: str  # unique among the figures
    value: float  # the number; a fraction for percentages
    format: str  # "number", "percent" or "unit"
    unit: str | None  # a CLDR unit id such as "length-kilometer", for format "unit"
    qualifier: str | None  # "about", "more-than" or "nearly", printed before the number
    chart: str | None  # name of the chart the figure also appears in, if any
    label: Localized  # what the number counts


@dataclass(frozen=True)
class Issns:
    """The ISSNs of one language edition: one for each medium, and the ISSN-L that links them."""

    print: str  # the print edition's: in the print PDF's imprint, on its back cover and in its XMP
    online: str  # the online edition's (the eISSN): in the screen PDF's
    linking: str  # the ISSN-L, the same for both media: one of the two, usually the one assigned first

    def of(self, medium: str) -> str:
        """Return the ISSN of `medium`, one of MEDIA."""
        return {"print": self.print, "online": self.online}[medium]


@dataclass(frozen=True)
class Issue:
    """One issue of the bulletin in all its languages."""

    folder: Path  # issues/<YYYY>-H<1|2>/
    period: Period  # the half-year covered
    number: int  # issue number, counted from the first issue
    published: date  # publication date, printed in the imprint and in the PDF metadata
    source_language: str  # the language the others are translated from
    languages: tuple[str, ...]  # edition languages, in the order they are built
    issn: Mapping[str, Issns]  # the ISSNs of each language edition, by language code
    cover_image: Path | None  # picture on the front cover
    cover_alt: Localized  # what the cover picture shows, for readers who cannot see it
    publisher: Localized  # publisher's name
    about: Localized  # Markdown text of the about-the-bulletin page
    sections: tuple[Section, ...]  # in order
    chronology: tuple[Event, ...]  # sorted by date
    figures: tuple[Figure, ...]  # in order
    charts: Mapping[str, Localized]  # title of each chart that figures appear in, by chart name

    @property
    def articles(self) -> tuple[Article, ...]:
        """Every article of the issue, in order."""
        return tuple(article for section in self.sections for article in section.articles)

    @property
    def pictures(self) -> tuple[Path, ...]:
        """Every picture file the issue places: the cover's and the articles', each once."""
        files = ([self.cover_image] if self.cover_image else []) + [
            picture.file for article in self.articles for picture in article.illustrations
        ]
        return tuple(dict.fromkeys(files))


@dataclass(frozen=True)
class Edition:
    """One language of one issue: what one PDF is made from."""

    issue: Issue  # the issue
    language: str  # the edition's language code

    @property
    def name(self) -> str:
        """The edition's file stem, e.g. since-the-victory-2022-H2-ru."""
        return f"{FILE_PREFIX}-{self.issue.period.name}-{self.language}"

    def pdf_name(self, variant: str) -> str:
        """The file name of the edition's PDF in `variant`, e.g. since-the-victory-2022-H2-ru-print.pdf."""
        return pdf_name(self.issue.period.name, self.language, variant)


def pdf_name(issue: str, language: str, variant: str) -> str:
    """The file name of an edition's PDF, from the issue's name, such as since-the-victory-2022-H2-ru-print.pdf."""
    return f"{FILE_PREFIX}-{issue}-{language}-{variant}.pdf"


def package_name(issue: str) -> str:
    """The file name of the printing bureau's package of an issue, such as since-the-victory-2022-H2-print.zip."""
    return f"{FILE_PREFIX}-{issue}-print.zip"


def issue_name_problem(name: str) -> str | None:
    """Say what keeps `name` from being the name of an issue (its folder's name); None when it is one."""
    match = ISSUE_NAME.fullmatch(name)
    if not match:
        return "an issue is named <YYYY>-H1 or <YYYY>-H2, such as 2022-H2"
    if not FIRST_YEAR <= int(match["year"]) <= LAST_YEAR:
        return (
            f"the year {match['year']} is out of range: an issue is named for a year from {FIRST_YEAR},"
            f" the year of the liberation, to {LAST_YEAR}, such as 2022-H2"
        )
    return None


def period_of(name: str) -> Period | None:
    """Return the half-year an issue folder name stands for, or None if it is not one (see `issue_name_problem`)."""
    if issue_name_problem(name) or (match := ISSUE_NAME.fullmatch(name)) is None:
        return None
    year = int(match["year"])
    if match["half"] == "1":
        return Period(name, date(year, 1, 1), date(year, 6, 30))
    return Period(name, date(year, 7, 1), date(year, 12, 31))
