"""The sample's screen editions read as a screen reader and an independent checker read them: outloud's own command
finds nothing but the explained running heads, and the structure tree says what each page means."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import polib
import pytest
from outloud.model import Document

from bulletin.content.examination import validate_issue
from bulletin.language.markdown import markdown_to_html
from bulletin.language.typography import ADDED_HYPHEN, plain_text
from bulletin.preflight.accessibility import check_accessibility
from bulletin.preflight.structurescan import _painted_in_reading_order
from bulletin.project import TRANSLATIONS
from bulletin.util.pdftext import mark_as_artifacts, marked_texts, pagination_text
from bulletin.util.pdftree import in_reading_order, kids_of

from conftest import LANGUAGES, SAMPLE, page_texts

pytestmark = pytest.mark.slow  # every test reads the PDFs of the sample's build

OUTLOUD = Path(sys.executable).with_name("outloud")


@pytest.fixture(scope="module")
def issue():
    return validate_issue(SAMPLE)


def outloud(pdf: Path) -> dict:
    """outloud's JSON report of a PDF, from its own command, warnings included."""
    result = subprocess.run(
        [str(OUTLOUD), "--json", "-", "--fail-on", "never", str(pdf)], capture_output=True, text=True, check=True
    )
    [report] = json.loads(result.stdout)["results"]
    return report


@pytest.mark.parametrize("language", LANGUAGES)
def test_outloud_finds_nothing_but_running_heads_it_reads_as_prose(sample_build, language):
    report = outloud(sample_build.pdf(language, "screen"))
    found = [(finding["rule"], finding["severity"]) for finding in report["findings"] if finding["severity"] != "info"]
    heads = page_texts(sample_build.pdf(language, "screen"))
    for finding in report["findings"]:
        if finding["rule"] == "TAG-002":  # each of its lines is the first line of its page: the running head
            first = " ".join(heads[finding["page"] - 1].split("\n")[0].split())
            for box in finding["boxes"]:
                assert box["page"] == finding["page"]
            assert " ".join(finding["evidence"].split()).removesuffix("…") in first
    assert set(found) <= {("TAG-002", "error")}
    assert not found or language == "es"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_delivered_reports_outloud_and_structure_checks_passed(sample_build, language):
    report = json.loads((sample_build.folder / "preflight.json").read_text())
    findings = report["files"][sample_build.pdf(language, "screen").name]["findings"]
    said = {finding["check"]: finding for finding in findings if finding["check"] in ("outloud", "structure")}
    assert said["outloud"]["severity"] == said["structure"]["severity"] == "pass"
    assert said["outloud"]["message"].startswith("outloud 0.2.1: no error, no warning")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_painted_in_reading_order_and_every_link_is_printable(sample_build, language):
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        root = pdf.Root.StructTreeRoot
        assert [page for page in pdf.pages if not _painted_in_reading_order(root, page)] == []
        links = [annotation for page in pdf.pages for annotation in page.obj.get("/Annots", [])]
        assert all(int(link.F) == 4 for link in links)
        # One link per line of the contents, said as its title and page number, never its leader's dots.
        contents = [annotation for annotation in pdf.pages[3].obj.get("/Annots", [])]
        assert len(contents) == len(links) == len(set(str(link.Contents) for link in links))
        shown = marked_texts(pdf.pages[3])
        for element in in_reading_order(root):
            if element.get("/S") == "/Link":
                said = "".join(shown.get(kid, "") for kid in kids_of(element) if isinstance(kid, int))
                assert ".." not in said.replace(" ", "") and said.split()[-1].isdigit()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_imprint_is_a_table_whose_labels_head_their_rows(sample_build, language):
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        imprint = next(
            element
            for element in in_reading_order(pdf.Root.StructTreeRoot)
            if element.get("/S") == "/Table" and element.get("/Pg") == pdf.pages[1].obj
        )
        rows = [
            [cell for cell in in_reading_order(row) if cell.get("/S") in ("/TH", "/TD")]
            for row in in_reading_order(imprint)
            if row.get("/S") == "/TR"
        ]
    assert len(rows) >= 9  # title, issue, publisher, date, frequency, languages, this edition, ISSN, ISSN-L
    for cells in rows:
        assert [str(cell.S) for cell in cells] == ["/TH", "/TD"]
        assert str(cells[0].A.Scope) == "/Row" and list(cells[1].A.Headers) == [cells[0].ID]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_chronology_is_a_table_whose_dates_head_their_rows(sample_build, issue, language):
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        tables = [element for element in in_reading_order(pdf.Root.StructTreeRoot) if element.get("/S") == "/Table"]
        rows = [
            [cell for cell in in_reading_order(row) if cell.get("/S") in ("/TH", "/TD")]
            for row in in_reading_order(tables[-2])
            if row.get("/S") == "/TR"
        ]
    assert len(rows) == len(issue.chronology)
    for cells in rows:
        assert [str(cell.S) for cell in cells] == ["/TH", "/TD"]
        assert str(cells[0].A.Scope) == "/Row" and list(cells[1].A.Headers) == [cells[0].ID]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_caption_is_beside_its_figure_and_the_chart_says_its_numbers(sample_build, issue, language):
    pdf_path = sample_build.pdf(language, "screen")
    with pikepdf.open(pdf_path) as pdf:
        elements = in_reading_order(pdf.Root.StructTreeRoot)
        captions = [element for element in elements if element.get("/S") == "/Caption"]
        figures = [element for element in elements if element.get("/S") == "/Figure"]
        chart = next(
            figure
            for figure in figures
            if any(isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Table" for kid in kids_of(figure))
        )
        alt = " ".join(str(chart.Alt).split())
    assert len(captions) == sum(len(article.illustrations) for article in issue.articles)
    assert all(
        str(caption.P.S) == "/Div" and [str(kid.S) for kid in caption.P.K] == ["/Figure", "/Caption"]
        for caption in captions
    )
    page = " ".join(page_texts(pdf_path)[-2].split())
    for figure in issue.figures:
        if figure.chart:
            label = " ".join(plain_text(figure.label[language], language).split())
            assert label in alt and label in page
    numbers = alt.split("; ")
    assert len(numbers) == sum(1 for figure in issue.figures if figure.chart)


def test_article_lines_hidden_as_artifacts_at_the_head_of_a_page_are_not_excused_as_a_running_head(
    sample_build, tmp_path
):
    source, target = sample_build.pdf("en", "screen"), tmp_path / "hidden.pdf"
    document = Document(str(source))
    lines = document.content(5).lines[1:4]  # page 6: the first three lines under its running head
    mcids = {run.mcid for line in lines for run in line.runs if run.mcid is not None}
    document.close()
    with pikepdf.open(source) as pdf:
        mark_as_artifacts(pdf, pdf.pages[5], mcids, pikepdf.Dictionary(Type=pikepdf.Name.Pagination))
        pdf.save(target)
    with pikepdf.open(target) as pdf:
        [error] = check_accessibility(target, pdf, None)
    assert error.severity == "error" and error.message.startswith("TAG-002 error") and error.page == 6


def _source_text(issue, language: str) -> str:
    """Every text of the issue in `language` that an edition sets as running text, and the interface's texts in it
    (the cover's subtitle, the back cover), run together."""
    catalog = polib.pofile(str(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"))
    texts = (
        [entry.msgstr or entry.msgid for entry in catalog]
        + [issue.about[language]]
        + [event.text[language] for event in issue.chronology]
    )
    texts += [figure.label[language] for figure in issue.figures]
    for article in issue.articles:
        texts += [article.lead[language], article.body[language]]
        texts += [text[language] for picture in article.illustrations for text in (picture.caption, picture.credit)]
    return " ".join(" ".join(texts).replace("\u00ad", "").split())


def _read_lines(pdf: Path) -> list[str]:
    """The lines pdftotext reads in reading order, page after page, without the running heads and page numbers."""
    lines = []
    with pikepdf.open(pdf) as document:
        for page, text in zip(document.pages, page_texts(pdf, layout=False), strict=True):
            pagination = "".join(pagination_text(page).split())
            lines += [line for line in text.splitlines() if "".join(line.split()) not in pagination]
    return lines


def _beside_on_their_line(pdf: Path, issue) -> set[str]:
    """The texts that stand beside another on their line as elements of their own: each table header cell (TH),
    beside its row's data, and each label of a drawing (an SVG file, drawn in a Figure whose alternative text is
    read instead; its text is not the page's, and its lines are left as drawn)."""
    with pikepdf.open(pdf) as document:
        shown = {page.objgen: marked_texts(page) for page in document.pages}

        def texts(element: pikepdf.Dictionary) -> list[str]:
            return [
                shown[held.Pg.objgen].get(int(kid), "")
                for held in [element, *in_reading_order(element)]
                for kid in kids_of(held)
                if isinstance(kid, int)
            ]

        elements = in_reading_order(document.Root.StructTreeRoot)
        found = {"".join(texts(cell)) for cell in elements if cell.get("/S") == "/TH"}
    for drawing in {picture.file for article in issue.articles for picture in article.illustrations}:
        if drawing.suffix == ".svg":
            found |= {
                "".join(label.itertext()) for label in ElementTree.parse(drawing).iter() if label.tag.endswith("text")
            }
    return {" ".join(text.split()) for text in found}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_divided_at_a_lines_end_is_read_whole(sample_build, issue, language):
    """pdftotext, in reading order, reads each hyphen the layout added as a soft hyphen, and a space at every other
    line's end but after a hyphen; a divided word's two parts are a word of the issue's text, and the print file
    divides as many words, with the hyphen it draws."""
    read = _read_lines(sample_build.pdf(language, "screen"))
    # Every line ends with its reading: a space, a soft hyphen, or a hyphen of the text (left as it was). A row's
    # header cell and its data cell stand on one line, two elements: nothing runs their words together.
    beside = _beside_on_their_line(sample_build.pdf(language, "screen"), issue)
    ended = (" ", "\u00ad", "-", "\u2010")
    assert [line for line in read if not line.endswith(ended) and " ".join(line.split()) not in beside] == []
    lines = [line.strip() for line in read]
    divided = [
        (line.split()[-1].removesuffix("\u00ad").lstrip("(«“„"), following.split()[0].rstrip(".,;:)»”"))
        for line, following in zip(lines, lines[1:])
        if line.endswith("\u00ad")
    ]
    assert not [line for line in lines if line.endswith(ADDED_HYPHEN)]
    source = _source_text(issue, language)
    assert [before + after for before, after in divided if before + after not in source] == []
    printed = page_texts(sample_build.pdf(language, "print"), layout=False)  # the layout's hyphen, as drawn
    assert sum(1 for page in printed for line in page.splitlines() if line.endswith(ADDED_HYPHEN)) == len(divided)
    assert len(divided) >= (0 if language == "en" else 50)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_article_is_one_element_and_each_paragraph_one_across_columns_and_pages(sample_build, issue, language):
    """An article laid out over two pages is one Art; a paragraph continued in the next column or on the next page is
    one P: an article holds its date, its lead and the paragraphs of its body, each once."""
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        elements = in_reading_order(pdf.Root.StructTreeRoot)
        articles = [element for element in elements if element.get("/S") == "/Art"]
        assert len(articles) == len(issue.articles)
        for article, element in zip(issue.articles, articles, strict=True):
            paragraphs = [held for held in in_reading_order(element) if held.get("/S") == "/P"]
            assert len(paragraphs) == 2 + str(markdown_to_html(article.body[language])).count("<p>"), article.id


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_heading_is_the_bulletins_title_on_the_cover_and_no_bookmark(sample_build, language):
    """A screen reader moving by heading meets the title first; the bookmarks still start with the imprint."""
    with pikepdf.open(sample_build.pdf(language, "screen")) as pdf:
        heading = next(e for e in in_reading_order(pdf.Root.StructTreeRoot) if str(e.get("/S")).startswith("/H"))
        shown = marked_texts(pdf.pages[0])
        text = "".join(
            shown.get(int(kid), "")
            for held in [heading, *in_reading_order(heading)]
            for kid in kids_of(held)
            if isinstance(kid, int)
        )
        assert heading.S == "/H1" and heading.Pg == pdf.pages[0].obj
        assert text and str(pdf.docinfo.Title).startswith(text + " · ")
        with pdf.open_outline() as outline:
            assert len(outline.root) >= 8 and text not in [item.title for item in outline.root]
