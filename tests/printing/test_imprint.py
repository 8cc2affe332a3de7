"""The imprint and the back cover as each variant renders them: a table of row headers and values, and the ISSN of
the variant's medium (the print edition's, or the online edition's) with the ISSN-L."""

from __future__ import annotations

import pytest
import tinyhtml5

from bulletin.content.examination import validate_issue
from bulletin.language.localization import load_translations
from bulletin.model import Edition
from bulletin.printing.rendering import render_edition
from bulletin.printing.settings import VARIANTS
from bulletin.project import EXTRACTION_CONFIG, TEMPLATES, TRANSLATIONS

from conftest import LANGUAGES, MINIMAL

HTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def issue():
    return validate_issue(MINIMAL)


def rendered(issue, language: str, variant: str):
    """Return the parsed HTML of one edition in one variant."""
    translations = load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG)
    return tinyhtml5.parse(render_edition(Edition(issue, language), TEMPLATES, translations, variant=variant))


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def imprint_rows(document) -> list[tuple[str, str]]:
    """Return the imprint's rows as (header, value), checking that each is a row header and one value."""
    imprint = next(element for element in document.iter(f"{HTML}section") if element.get("id") == "imprint")
    assert not [element for element in imprint.iter() if element.tag in (f"{HTML}dl", f"{HTML}dt", f"{HTML}dd")]
    (table,) = imprint.iter(f"{HTML}table")
    rows = []
    for row in table.iter(f"{HTML}tr"):
        header, value = list(row)  # a header cell, then a data cell
        assert header.tag == f"{HTML}th" and header.get("scope") == "row" and value.tag == f"{HTML}td"
        rows.append((text(header), text(value)))
    return rows


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_imprint_is_a_table_whose_rows_are_headed_by_their_labels(issue, language):
    rows = imprint_rows(rendered(issue, language, "screen"))
    translations = load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG)
    headers = [header for header, _value in rows]
    assert headers[:2] == [translations.gettext("Title"), translations.gettext("Issue")]
    assert headers[-2:] == [translations.gettext("ISSN (online)"), "ISSN-L"]
    assert len(rows) == (10 if language != issue.source_language else 9)  # the original language: in translations


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_variant_gives_the_issn_of_its_medium_and_the_issn_l(issue, language, variant):
    issns, medium = issue.issn[language], VARIANTS[variant].medium
    own, other = issns.of(medium), issns.of("online" if medium == "print" else "print")
    document = rendered(issue, language, variant)
    label = load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG).gettext(f"ISSN ({medium})")
    assert imprint_rows(document)[-2:] == [(label, own), ("ISSN-L", issns.linking)]
    back = next(element for element in document.iter(f"{HTML}section") if element.get("id") == "back-cover")
    assert f"ISSN {own}" in text(back) and other not in text(back)
    # The head gives the PRISM property the print stage writes into the XMP; the other medium's nowhere.
    metas = {meta.get("name"): meta.get("content") for meta in document.iter(f"{HTML}meta") if meta.get("name")}
    assert metas[f"prism.{VARIANTS[variant].issn_property}"] == own
    assert not {name for name in metas if name.startswith("prism.")} - {f"prism.{VARIANTS[variant].issn_property}"}
    # The other medium's ISSN is in the document only as the ISSN-L, when the ISSN-L is that one.
    body = text(document.find(f"{HTML}body"))
    assert body.count(other) == (1 if issns.linking == other else 0)
