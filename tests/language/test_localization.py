"""Catalogs and CLDR formats: complete catalogs, plural forms, no silent fallback."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from babel.messages.pofile import read_po, write_po

from bulletin.language.catalogs import catalog_path
from bulletin.language.extraction import template_strings
from bulletin.language.localization import Formats, load_translations
from bulletin.model import period_of
from bulletin.printing.rendering import make_environment
from bulletin.project import EXTRACTION_CONFIG, TEMPLATES, TRANSLATIONS
from bulletin.util.errors import ContentError
from bulletin.workflow.cli import main

from conftest import LANGUAGES, wrote_nothing


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_translates_every_template_string(language):
    translations = load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG)
    assert translations.gettext("Contents")


def test_the_template_pot_holds_exactly_the_template_strings():
    with (TRANSLATIONS / "messages.pot").open("rb") as file:
        pot = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(file) if message.id}
    assert set(template_strings(EXTRACTION_CONFIG)) == pot


@pytest.fixture
def translations_copy(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, target)
    return target


def test_an_incomplete_catalog_fails_and_lists_the_untranslated_strings(translations_copy):
    path = catalog_path(translations_copy, "ru")
    with path.open("rb") as file:
        catalog = read_po(file, locale="ru")
    catalog["Contents"].string = ""
    catalog["Key figures"].flags.add("fuzzy")
    del catalog["Imprint"]
    with path.open("wb") as file:
        write_po(file, catalog)
    with pytest.raises(ContentError) as error:
        load_translations("ru", translations_copy, EXTRACTION_CONFIG)
    assert [problem.message for problem in error.value.problems] == [
        "interface string \"Imprint\" is missing from the catalog; run 'build.py catalogs' to add it",
        'interface string "Contents" is not translated (its translation, or one of its plural forms, is empty)',
        'interface string "Key figures" is fuzzy; a fuzzy entry is not a translation',
    ]


def test_a_missing_catalog_fails_with_its_path(translations_copy):
    catalog_path(translations_copy, "es").unlink()
    with pytest.raises(ContentError, match=r"es/LC_MESSAGES/messages.po:1:1: the es catalog is missing"):
        load_translations("es", translations_copy, EXTRACTION_CONFIG)


def test_russian_has_three_plural_forms():
    translations = load_translations("ru", TRANSLATIONS, EXTRACTION_CONFIG)
    environment = make_environment(TEMPLATES, translations, Formats.for_language("ru"))
    template = environment.from_string('{{ ngettext("%(num)s article", "%(num)s articles", n, num=n) }}')
    assert [template.render(n=n) for n in (1, 3, 5, 21, 22, 11)] == [
        "1 статья",
        "3 статьи",
        "5 статей",
        "21 статья",
        "22 статьи",
        "11 статей",
    ]


def test_period_and_dates_follow_each_locale():
    period = period_of("2022-H2")
    assert Formats.for_language("en").period(period) == "July\u2009–\u2009December 2022"
    assert Formats.for_language("es").period(period) == "julio–diciembre de 2022"
    assert Formats.for_language("ru").long_date(date(2023, 1, 16)) == "16 января 2023\u202fг."
    assert Formats.for_language("az").long_date(date(2023, 1, 16)) == "16 yanvar 2023"


def test_a_unit_cldr_lacks_in_long_form_falls_back_to_the_short_form_not_to_its_id():
    assert Formats.for_language("az").quantity(44, "duration-day") == "44 gün"
    assert Formats.for_language("ru").quantity(44, "duration-day") == "44 дня"


def test_capitals_of_azerbaijani_keep_the_dot_on_i():
    assert Formats.for_language("az").capitalize_first("ingilis") == "İngilis"
    assert Formats.for_language("en").capitalize_first("italian") == "Italian"


def test_a_build_with_an_incomplete_catalog_fails_and_writes_no_pdf(
    translations_copy, minimal_issue, tmp_path, monkeypatch, capsys
):
    path = catalog_path(translations_copy, "es")
    with path.open("rb") as file:
        catalog = read_po(file, locale="es")
    catalog["Contents"].string = ""
    with path.open("wb") as file:
        write_po(file, catalog)
    monkeypatch.setattr("bulletin.workflow.building.TRANSLATIONS", translations_copy)
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--output", str(output)]) == 2  # a translator's to fix, as validate says
    line = (
        next(
            number
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if text == 'msgid "Contents"'
        )
        - 2
    )  # the entry's first line, its note for translators
    assert capsys.readouterr().err.splitlines()[-2:] == [
        f'{path}:{line}:1: interface string "Contents" is not translated (its translation, or one of its plural'
        " forms, is empty)",
        "1 problem(s); no PDF was written.",
    ]
    assert wrote_nothing(output)
