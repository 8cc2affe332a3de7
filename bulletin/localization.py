"""Localize stage: interface strings from gettext catalogs, dates and numbers from CLDR.

Interface strings (section labels, "Contents", cover and imprint texts) are msgids in the
templates, extracted with Babel's Jinja2 extractor and translated in
translations/<lang>/LC_MESSAGES/messages.po. A catalog is compiled in memory for each
build; a missing catalog, or one where any template string is absent, untranslated or
fuzzy (as catalogs.read_catalog tells), stops the build with the list of those
strings: no string ever falls back to the msgid or to another language. Dates, periods,
numbers, percentages and units are formatted by Babel from CLDR data for the edition's
locale. This module does not render.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.lists import format_list
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal, format_percent
from babel.support import Translations
from babel.units import UnknownUnitError, format_unit

from .catalogs import CATALOG_DOMAIN, read_catalog, template_strings
from .errors import BuildError, display_path
from .model import Figure, Period
from .project import EXTRACTION_CONFIG, TRANSLATIONS

# Edition languages and the CLDR locale each is formatted with. English is British: the
# bulletin's English follows British usage (16 January 2023, kilometres).
LANGUAGES = {"az": "az", "ru": "ru", "en": "en_GB", "es": "es"}

LOG = logging.getLogger("bulletin")
DOTTED_I_LANGUAGES = ("az", "tr")  # i capitalizes to İ; Python's str.upper does not know it


def load_translations(language: str, translations_dir: Path, extraction_config: Path,
                      fallback: Translations | None = None) -> Translations:
    """Compile the catalog of `language` after checking that it translates every template string.

    With a `fallback` (the source language's, for a draft), strings that are not translated
    come from it instead of stopping the build.
    """
    state, catalog = read_catalog(language, translations_dir, template_strings(extraction_config))
    path = state.path
    if state.problem is not None:
        raise BuildError(f"{display_path(path)}: {state.problem}")
    missing = [entry.msgid for entry in state.entries if entry.state != "translated"]
    if missing and fallback is None:
        listing = "\n".join(f"  {msgid}" for msgid in missing)
        raise BuildError(f"{display_path(path)}: {len(missing)} interface string(s) not translated"
                         f" (missing, empty or fuzzy):\n{listing}")
    # Compiled from the catalog as read for the check, leaving out what the check did not accept
    # (half-translated plurals, fuzzy guesses): those come from the fallback in a draft.
    for entry in [entry for entry in catalog if entry.msgid in missing]:
        catalog.remove(entry)
    if missing:
        LOG.warning("%s: %d interface string(s) not translated; the draft uses the source language's: %s",
                    display_path(path), len(missing), ", ".join(f"“{msgid}”" for msgid in missing))
    return PortableTranslations(catalog.to_binary(), fallback if missing else None)


class PortableTranslations(Translations):
    """A compiled catalog that can be sent to a worker process, where it is rebuilt from its bytes."""

    def __init__(self, compiled: bytes, fallback: Translations | None = None):
        super().__init__(BytesIO(compiled), domain=CATALOG_DOMAIN)
        self.compiled = compiled
        if fallback is not None:
            self.add_fallback(fallback)

    def __reduce__(self):
        return PortableTranslations, (self.compiled, self._fallback)


def load_catalogs(languages: tuple[str, ...], fallback_language: str | None = None,
                  translations_dir: Path = TRANSLATIONS, extraction_config: Path = EXTRACTION_CONFIG) -> dict:
    """Compile the catalog of every language, reporting all incomplete ones at once; with a
    `fallback_language` (a draft), its complete catalog stands in for untranslated strings."""
    fallback = load_translations(fallback_language, translations_dir, extraction_config) if fallback_language else None
    translations, failures = {}, []
    for language in languages:
        try:
            translations[language] = (fallback if language == fallback_language else
                                      load_translations(language, translations_dir, extraction_config, fallback))
        except BuildError as err:
            failures.append(str(err))
    if failures:
        raise BuildError("\n".join(failures))
    return translations


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
        if figure.format == "unit":
            return self.quantity(figure.value, figure.unit)
        return self.number(figure.value)

    def quantity(self, value: float, unit: str) -> str:
        """Format a quantity with the longest unit name CLDR has for the locale."""
        for length in ("long", "short"):
            formatted = format_unit(value, unit, length=length, locale=self.locale)
            if unit not in formatted:  # Babel prints the unit id when CLDR has no pattern
                return formatted
        raise UnknownUnitError(unit=unit, locale=str(self.locale))
