"""End-to-end tests on the real PDFs of the sample issue 2022-H2."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pikepdf
import pytest
from pypdf import PdfReader

from bulletin.content.examination import validate_issue
from bulletin.language.localization import Formats, load_translations
from bulletin.language.typography import ADDED_HYPHEN, plain_text
from bulletin.printing.settings import VARIANTS as PRINT_VARIANTS
from bulletin.project import EXTRACTION_CONFIG, TRANSLATIONS

from conftest import LANGUAGES, PROJECT, SAMPLE, VARIANTS, page_texts, pdf_fonts

pytestmark = pytest.mark.slow  # every test reads the sample's build, or builds it again
MEDIUM = {name: variant.medium for name, variant in PRINT_VARIANTS.items()}  # the medium whose ISSN each file gives
PRISM = "http://prismstandard.org/namespaces/basic/3.0/"  # PRISM Basic Metadata 3.0, which defines issn and eIssn


def interface(language: str, msgid: str) -> str:
    """Return an interface string as the edition's catalog translates it."""
    return load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG).gettext(msgid)


def flat(text: str) -> str:
    """Collapse every run of whitespace (line breaks, no-break and thin spaces) into one space."""
    return " ".join(text.split())


def printed(text: str, language: str) -> str:
    """Return a text as an edition prints it: through the typographic pass, its spaces collapsed, and
    without the word joiners, which are no glyphs and leave no text in the PDF."""
    return flat(plain_text(text, language))


@pytest.fixture(scope="module")
def issue():
    return validate_issue(SAMPLE)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_each_edition_shows_its_own_title_period_and_dates(sample_build, variant, issue, language):
    pages = [flat(page) for page in page_texts(sample_build.pdf(language, variant))]
    formats = Formats.for_language(language)
    title = interface(language, "Since the Victory")
    assert title != "Since the Victory" or language == "en"
    assert title in pages[0] and printed(formats.period(issue.period), language) in pages[0]
    assert printed(formats.long_date(issue.published), language) in pages[1]  # the imprint
    assert issue.issn[language].of(MEDIUM[variant]) in pages[1]
    whole = " ".join(pages)
    for article in issue.articles:
        assert printed(formats.long_date(article.date), language) in whole
    for event in issue.chronology:
        assert printed(formats.day_and_month(event.date), language) in whole
    for figure in issue.figures:
        assert printed(formats.figure(figure), language) in whole


def test_dates_and_numbers_differ_by_locale_as_cldr_says(sample_build, issue):
    """The same date and figure print differently in each edition (no format written by hand)."""
    renderings = {language: Formats.for_language(language).long_date(issue.published) for language in LANGUAGES}
    assert len(set(renderings.values())) == len(LANGUAGES)
    displaced = next(figure for figure in issue.figures if figure.id == "displaced-people")
    numbers = {language: Formats.for_language(language).figure(displaced) for language in LANGUAGES}
    assert numbers["en"] == "700,000" and numbers["es"] == "700.000"
    assert flat(numbers["ru"]) == "700 000"


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_contents_point_to_the_pages_where_articles_start(sample_build, variant, issue, language):
    pages = [flat(page) for page in page_texts(sample_build.pdf(language, variant))]
    contents_title = interface(language, "Contents")
    contents_page = next(i for i, page in enumerate(pages) if page.startswith(contents_title))
    contents = pages[contents_page]
    back_matter = [interface(language, "Chronology of the period"), interface(language, "Key figures")]
    for title in [printed(article.title[language], language) for article in issue.articles] + back_matter:
        match = re.search(re.escape(title) + r"[ .]*?(\d+)", contents)
        assert match, f"{title!r} is not in the contents"
        page_number = int(match[1])
        starts = [
            i + 1
            for i, page in enumerate(pages)
            if i > contents_page and title in page and not page.startswith(contents_title)
        ]
        assert starts and starts[0] == page_number, f"{title!r}: contents say {page_number}, found on {starts}"


def test_contents_entries_are_links_to_their_pages_on_screen_and_plain_text_in_print(sample_build):
    reader = PdfReader(sample_build.pdf("en", "screen"))
    links = [
        annotation.get_object()
        for page in reader.pages[:5]
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/Subtype") == "/Link"
    ]
    assert len(links) >= 8
    assert all("/Annots" not in page for page in PdfReader(sample_build.pdf("en", "print")).pages)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_fonts_are_the_bulletins_own_embedded_and_subset(sample_build, variant, language):
    fonts = pdf_fonts(sample_build.pdf(language, variant))
    assert fonts
    for font in fonts:
        assert font["embedded"] == "yes" and font["subset"] == "yes", font
        assert font["name"].split("+", 1)[1].startswith(("Bulletin-Serif", "Bulletin-Sans")), font


@pytest.mark.parametrize("variant", VARIANTS)
def test_editions_have_the_same_number_of_pages(sample_build, variant):
    counts = {language: len(PdfReader(sample_build.pdf(language, variant)).pages) for language in LANGUAGES}
    assert len(set(counts.values())) == 1, counts
    assert counts["az"] >= 16


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_back_cover_is_the_last_page(sample_build, variant, issue, language):
    pages = [flat(page) for page in page_texts(sample_build.pdf(language, variant))]
    title = interface(language, "Since the Victory")
    assert len(pages) % 4 == 0 if variant == "print" else True
    assert pages[-1].startswith(title) and f"ISSN {issue.issn[language].of(MEDIUM[variant])}" in pages[-1]


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_metadata_names_the_language_title_and_publication_date(sample_build, variant, issue, language):
    reader = PdfReader(sample_build.pdf(language, variant))
    assert reader.trailer["/Root"]["/Lang"] == language
    title = interface(language, "Since the Victory")
    assert reader.metadata.title.startswith(title)
    assert reader.metadata["/CreationDate"].startswith("D:" + issue.published.strftime("%Y%m%d"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_print_file_gives_the_print_issn_and_the_screen_file_the_online_issn(sample_build, issue, language):
    """In the imprint (with the ISSN-L), on the back cover and in the XMP, as PRISM's issn and eIssn."""
    issns = issue.issn[language]
    labels = {medium: interface(language, f"ISSN ({medium})") for medium in ("print", "online")}
    for variant, medium, other, prism in (("print", "print", "online", "issn"), ("screen", "online", "print", "eIssn")):
        pages = page_texts(sample_build.pdf(language, variant))
        imprint = [flat(line) for line in pages[1].splitlines() if "ISSN" in line]
        assert imprint == [f"{labels[medium]} {issns.of(medium)}", f"ISSN-L {issns.linking}"]
        assert f"ISSN {issns.of(medium)}" in flat(pages[-1]) and issns.of(other) not in pages[-1]
        # The other medium's ISSN is in the file only as the ISSN-L (the print ISSN, in the sample).
        assert "".join(pages).count(issns.of(other)) == (1 if issns.linking == issns.of(other) else 0)
        with pikepdf.open(sample_build.pdf(language, variant)) as pdf:
            xmp = pdf.open_metadata()
            given = {name: xmp.get(f"{{{PRISM}}}{name}") for name in ("issn", "eIssn") if f"{{{PRISM}}}{name}" in xmp}
        assert given == {prism: issns.of(medium)}


@pytest.mark.parametrize("variant", VARIANTS)
def test_sections_and_articles_are_bookmarked(sample_build, issue, variant):
    outline = PdfReader(sample_build.pdf("es", variant)).outline
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(outline)
    for article in issue.articles:
        assert article.title["es"] in titles


def test_an_edition_is_identical_built_again_elsewhere_alone_in_another_process_in_reverse_order(
    sample_build, tmp_path
):
    """The same bytes whatever the order of the variants, what was built before in the same process (the shared
    build makes the Spanish edition last, after the three others; here it is made alone), the process that
    builds them, and the folder the issue lies in (nothing of its place gets into a PDF: WeasyPrint names pictures
    after their URLs)."""
    elsewhere = tmp_path / "somewhere" / "else" / "2022-H2"
    shutil.copytree(SAMPLE, elsewhere)
    arguments = [str(elsewhere), "--lang", "es", "--variant", "screen,print", "--output", str(tmp_path / "out"), "-q"]
    subprocess.run([sys.executable, "build.py", *arguments], cwd=PROJECT, check=True)
    again = {path.name: path for path in (tmp_path / "out" / "2022-H2").glob("*.pdf")}
    expected = {path.name: path for (language, _), path in sample_build.pdfs().items() if language == "es"}
    assert sorted(again) == sorted(expected) and len(again) == 2
    for name, path in expected.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_the_delivery_holds_the_pdfs_reports_manifest_and_package_only(sample_build):
    package = sample_build.folder / "since-the-victory-2022-H2-print.zip"
    expected = {path.name for path in sample_build.pdfs().values()} | {
        "preflight.json",
        "layout.txt",
        "manifest.json",
        package.name,
        f"{package.name}.sha256",
    }
    assert len(sample_build.pdfs()) == 8
    assert {path.name for path in sample_build.folder.iterdir()} == expected
    assert not list(sample_build.folder.parent.glob("*.preflight-failed.json"))
    # The bureau checks the package it received with sha256sum -c.
    check = subprocess.run(
        ["sha256sum", "-c", f"{package.name}.sha256"], cwd=sample_build.folder, capture_output=True, text=True
    )
    assert check.returncode == 0 and check.stdout == f"{package.name}: OK\n"


def caseless(text: str) -> str:
    """Compare text set in capitals with its source: fold case, dotted İ included."""
    return flat(text).replace("İ", "i").casefold()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_article_pages_carry_the_section_as_running_head_and_a_page_label(sample_build, variant, issue, language):
    raw_pages = page_texts(sample_build.pdf(language, variant))
    page_label = interface(language, "Page")
    contents = interface(language, "Contents")
    for section in issue.sections:
        for article in section.articles:
            number = next(
                i
                for i, page in enumerate(raw_pages, 1)
                if printed(article.title[language], language) in flat(page) and not flat(page).startswith(contents)
            )
            lines = [line for line in raw_pages[number - 1].splitlines() if line.strip()]
            assert caseless(lines[0]).startswith(caseless(section.title[language]))
            assert flat(lines[-1]).endswith(f"{page_label} {number}")


def squeezed(text: str) -> str:
    """Drop every space and automatic hyphen, so that text compares however lines were broken."""
    return "".join(text.split()).replace("\u2010", "").replace(ADDED_HYPHEN, "").replace("\u00ad", "")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_edition_is_printed(sample_build, variant, issue, language):
    whole = squeezed(" ".join(page_texts(sample_build.pdf(language, variant))))
    formats = Formats.for_language(language)
    texts = [
        issue.publisher[language],
        formats.capitalize_first(formats.language_list(issue.languages)),
        issue.about[language].replace("*", "").split("\n")[0],
    ]
    texts += [event.text[language] for event in issue.chronology]
    for article in issue.articles:
        texts += [article.lead[language]]
        for picture in article.illustrations:
            texts += [picture.caption[language], picture.credit[language]]
    for text in texts:
        assert squeezed(plain_text(text, language)) in whole, text
