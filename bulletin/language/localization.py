"""Localize stage: interface strings from gettext catalogs, dates and numbers from CLDR.

Interface strings (section labels, "Contents", cover and imprint texts) are msgids in the
templates, extracted with Babel's Jinja2 extractor and translated in
translations/<lang>/LC_MESSAGES/messages.po. A catalog is compiled in memory for each
build; a missing catalog, one that msgfmt --check would refuse or the templates could not
format, or one where any template string is absent, untranslated or fuzzy, stops the build
before anything is rendered, with the problems `validate` lists (catalogs.catalog_problems):
no string ever falls back to the msgid or to another language. Dates, periods,
numbers, percentages and units are formatted by Babel from CLDR data for the edition's
locale. This module does not render.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import polib
from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from babel.units import UnknownUnitError, format_unit

from ..model import Figure, Period
from ..project import EXTRACTION_CONFIG, TRANSLATIONS
from ..util.errors import ContentError, display_path
from .catalogs import CATALOG_DOMAIN, catalog_problems, read_catalog
from .extraction import template_strings

# Edition languages and the CLDR locale each is formatted with. English is British: the
# bulletin's English follows British usage (16 January 2023, kilometres).
LANGUAGES = {"az": "az", "ru": "ru", "en": "en_GB", "es": "es"}

LOG = logging.getLogger("bulletin")
DOTTED_I_LANGUAGES = ("az", "tr")  # i capitalizes to İ; Python's str.upper does not know it


def load_translations(
    language: str, translations_dir: Path, extraction_config: Path, fallback: Translations | None = None
) -> Translations:
    """Compile the catalog of `language` after checking it as `validate` does; ContentError if it is wrong.

    With a `fallback` (the source language's, for a draft), strings that are not translated
    come from it instead of stopping the build.
    """
    checked = _check_catalog(language, translations_dir, template_strings(extraction_config), fallback is None)
    return _compile(checked, fallback)


def check_catalogs(
    languages: tuple[str, ...],
    fallback_language: str | None = None,
    translations_dir: Path = TRANSLATIONS,
    extraction_config: Path = EXTRACTION_CONFIG,
) -> dict:
    """Read and check the catalog of every language, and of a draft's `fallback_language`, as `validate` does:
    ContentError with the problems of all; else each catalog with what a build compiles of it."""
    wanted = template_strings(extraction_config)
    catalogs, problems = {}, []
    for language in dict.fromkeys(((fallback_language,) if fallback_language else ()) + tuple(languages)):
        try:
            catalogs[language] = _check_catalog(
                language, translations_dir, wanted, fallback_language in (None, language)
            )
        except ContentError as err:
            problems += err.problems
    if problems:
        raise ContentError(problems)
    return catalogs


def compile_catalogs(catalogs: dict, fallback_language: str | None = None) -> dict[str, Translations]:
    """Compile the catalogs `check_catalogs` gave; the fallback language's stands in for what others lack."""
    fallback = _compile(catalogs[fallback_language]) if fallback_language else None
    return {
        language: fallback if fallback is not None and language == fallback_language else _compile(checked, fallback)
        for language, checked in catalogs.items()
    }


def load_catalogs(
    languages: tuple[str, ...],
    fallback_language: str | None = None,
    translations_dir: Path = TRANSLATIONS,
    extraction_config: Path = EXTRACTION_CONFIG,
) -> dict:
    """Check, then compile, the catalog of every language (`check_catalogs`, `compile_catalogs`)."""
    catalogs = check_catalogs(languages, fallback_language, translations_dir, extraction_config)
    return {
        language: translations
        for language, translations in compile_catalogs(catalogs, fallback_language).items()
        if language in languages
    }


def _check_catalog(
    language: str, translations_dir: Path, wanted: tuple[str, ...], complete: bool
) -> tuple[polib.POFile, bool]:
    """The catalog of `language` as a build compiles it, and whether it lacks any template string;
    ContentError with its problems (an untranslated string is one only when it must be `complete`)."""
    state, catalog = read_catalog(language, translations_dir, wanted)
    if problems := catalog_problems(state, complete):
        raise ContentError(problems)
    assert catalog is not None, "a catalog that cannot be read has a fault"
    missing = [entry.msgid for entry in state.entries if entry.state != "translated"]
    # Compiled from the catalog as read for the check, leaving out what the check did not accept
    # (half-translated plurals, fuzzy guesses): those come from the fallback in a draft.
    for entry in [entry for entry in catalog if entry.msgid in missing]:
        catalog.remove(entry)
    if missing:
        LOG.warning(
            "%s: %d interface string(s) not translated; the draft uses the source language's: %s",
            display_path(state.path),
            len(missing),
            ", ".join(f"“{msgid}”" for msgid in missing),
        )
    return catalog, bool(missing)


def _compile(checked: tuple[polib.POFile, bool], fallback: Translations | None = None) -> Translations:
    catalog, lacking = checked
    return PortableTranslations(catalog.to_binary(), fallback if lacking else None)


class PortableTranslations(Translations):
    """A compiled catalog that can be sent to a worker process, where it is rebuilt from its bytes."""

    def __init__(self, compiled: bytes, fallback: Translations | None = None):
        super().__init__(BytesIO(compiled), domain=CATALOG_DOMAIN)
        self.compiled = compiled
        if fallback is not None:
            self.add_fallback(fallback)

    def __reduce__(self):
        return PortableTranslations, (self.compiled, self._fallback)


@dataclass(frozen=True)
class Formats:
    """CLDR formatting of dates and numbers for one edition's locale."""

    locale: Locale  # the edition's CLDR locale

    @classmethod
    def for_language(cls, language: str) -> Formats:
        """Return the formats of an edition language."""
        return cls(Locale.parse(LANGUAGES[language]))

    def long_date(self, day: date) -> str:
        """Format a full date, such as 16 January 2023."""
        return format_date(day, "long", locale=self.locale)

    def day_and_month(self, day: date) -> str:
        """Format a date within the period's year, such as 29 August."""
        return format_skeleton("MMMMd", day, locale=self.locale)

    def period(self, period: Period) -> str:
        """Format an issue's half-year, such as July – December 2022."""
        return format_interval(period.start, period.end, "yMMMM", locale=self.locale)

    def language_name(self, code: str) -> str:
        """Name an edition language in the locale's own words."""
        return self.locale.languages.get(code, code)

    def language_list(self, codes: tuple[str, ...]) -> str:
        """Name several languages as a list, such as Azerbaijani, Russian, English and Spanish."""
        return format_list([self.language_name(code) for code in codes], locale=self.locale)

    def capitalize_first(self, value: str) -> str:
        """Capitalize the first letter only, with the dotted capital İ of Azerbaijani."""
        first = value[:1]
        if first == "i" and self.locale.language in DOTTED_I_LANGUAGES:
            first = "İ"
        return first.upper() + value[1:]

    def number(self, value: float) -> str:
        """Format a number with the locale's separators."""
        return format_decimal(value, locale=self.locale)

    def figure(self, figure: Figure) -> str:
        """Format a key figure as a number, a percentage or a quantity with its unit."""
        if figure.format == "percent":
            return format_percent(figure.value, locale=self.locale)
        if figure.format == "unit" and figure.unit is not None:  # validation gives every such figure its unit
            return self.quantity(figure.value, figure.unit)
        return self.number(figure.value)

    def quantity(self, value: float, unit: str) -> str:
        """Format a quantity with the longest unit name CLDR has for the locale."""
        for length in ("long", "short"):
            formatted = format_unit(value, unit, length=length, locale=self.locale)
            if unit not in formatted:  # Babel prints the unit id when CLDR has no pattern
                return formatted
        raise UnknownUnitError(unit=unit, locale=self.locale)
