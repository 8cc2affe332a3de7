"""The screen edition's structure to the letter: each fault WeasyPrint leaves, found by the preflight's own check
(`structurescan`) and by outloud, and set right by the finishing (`tagging`, `paintorder`) without changing a pixel."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from bulletin.preflight.checks import preflight_pdf
from bulletin.printing.finishing import finish_screen
from bulletin.printing.paintorder import paint_in_reading_order
from bulletin.util.pdftext import marked_texts
from bulletin.util.pdftree import in_reading_order, marked_sequences

from .pdfs import SCREEN, SCREEN_COVER, looks_the_same, only

ARTICLE = (
    SCREEN_COVER
    + '<p>See <a href="#list">the list</a>.</p><ul id="list">'
    + "".join(f"<li>Item {number} of the list, long enough to fill a line of its own.</li>" for number in range(6))
    + "</ul>"
)
# WeasyPrint clips a picture (overflow: hidden), which paints it after the text: the bulletin's stylesheet does not.
FIGURE = (
    '<figure><img src="rgb.png" alt="A blue square on a red field" style="width: 51mm; overflow: visible">'
    "<figcaption>A square. <span>Tests</span></figcaption></figure>"
)
TABLE = (
    '<table><tr><th scope="row">Title</th><td>Since the Victory</td></tr>'
    '<tr><th scope="row">Issue</th><td>No. 4</td></tr></table>'
)
CHART = (
    '<figure data-alt="Losses: Libraries 927; Museums 22.">'
    '<table><tr><th scope="row">Libraries</th><td><span style="display: block; width: 30mm; height: 3mm;'
    ' background: teal"></span></td><td>927</td></tr><tr><th scope="row">Museums</th><td></td><td>22</td></tr>'
    "</table></figure>"
)


def _finished(raw: Path, alts: list[str] | None = None) -> Path:
    target = raw.with_name("finished-" + raw.name)
    target.write_bytes(finish_screen(raw.read_bytes(), {}, alts or []))
    return target


def _structure(path: Path) -> list[str]:
    return [finding.message for finding in only(preflight_pdf(path, SCREEN), "structure")]


@pytest.fixture(scope="module")
def article(make) -> Path:
    # The picture before the list, as an article places it: nothing but text is painted between a marker and its item.
    return make("article.pdf", FIGURE + ARTICLE + TABLE + CHART, "screen", lang="en")


def test_weasyprints_tagging_is_found_wanting_by_the_check_and_by_outloud(article):
    assert _structure(article) == [
        "annotations without the Print flag on page 1",
        "1 empty structure element (Span)",
        "content painted out of the structure tree's order on page 1",
        "1 caption neither in nor beside the Figure or Table it captions",
        "4 header cells without /Scope",
    ]
    said = [finding.message for finding in only(preflight_pdf(article, SCREEN), "outloud")]
    assert any(message.startswith("LNK-004 warning") for message in said)
    assert any(message.startswith("TAG-020 warning") for message in said)


def test_the_finished_file_passes_both_and_looks_the_same(article, tmp_path):
    finished = _finished(article, ["Losses: Libraries 927; Museums 22."])
    findings = preflight_pdf(finished, SCREEN)
    assert [finding.message for finding in findings if finding.severity != "pass"] == []
    assert looks_the_same(article, finished, tmp_path)


def test_the_finished_tree_holds_caption_beside_figure_scoped_headers_and_the_charts_numbers(article):
    with pikepdf.open(_finished(article, ["Losses: Libraries 927; Museums 22."])) as pdf:
        elements = in_reading_order(pdf.Root.StructTreeRoot)
        picture, chart = [element for element in elements if element.get("/S") == "/Figure"]
        assert str(picture.Alt) == "A blue square on a red field"
        # Beside its Figure in a Div, not inside it: the Figure's /Alt stands for all it holds (ISO 32000-1 14.9.3).
        assert picture.P.S == "/Div" and [kid.S for kid in picture.P.K] == ["/Figure", "/Caption"]
        assert [kid for kid in picture.K if isinstance(kid, pikepdf.Dictionary)] == []
        assert str(chart.Alt) == "Losses: Libraries 927; Museums 22." and chart.K[0].S == "/Table"
        scopes = [str(cell.A.Scope) for cell in elements if cell.get("/S") == "/TH"]
        assert scopes == ["/Row"] * 4
        assert all(int(annotation.F) & 4 for page in pdf.pages for annotation in page.Annots)


def test_a_picture_painted_out_of_order_is_named_by_its_page_when_finishing_cannot_move_it(make):
    clipped = make(
        "clipped.pdf", FIGURE.replace("overflow: visible", "overflow: hidden") + ARTICLE, "screen", lang="en"
    )
    assert "content painted out of the structure tree's order on page 1" in _structure(_finished(clipped))


def test_a_link_with_generated_content_is_one_link_said_without_its_leader(make):
    style = "<style>a::after { content: leader(dotted) ' ' target-counter(attr(href url), page) }</style>"
    pdf = make(
        "contents.pdf",
        SCREEN_COVER + style + '<p><a href="#end">The end</a></p><p id="end">End.</p>',
        "screen",
        lang="en",
    )
    with pikepdf.open(pdf) as before:
        assert len(before.pages[0].Annots) > 1  # WeasyPrint's: one per nested Link
    assert "2 links inside another link" in _structure(pdf)
    with pikepdf.open(_finished(pdf)) as after:
        [link] = after.pages[0].Annots
        [element] = [e for e in in_reading_order(after.Root.StructTreeRoot) if e.get("/S") == "/Link"]
        read = marked_texts(after.pages[0])
        said = "".join(read[kid] for kid in element.K if isinstance(kid, int))
        assert said.replace(" ", "") == "Theend1" and element.K[0].Obj.objgen == link.objgen
    assert _structure(_finished(pdf)) == []


def test_a_link_holding_a_span_and_an_item_holding_a_quotation_are_set_right(make):
    style = "<style>a::after { content: leader(dotted) ' ' target-counter(attr(href url), page) }</style>"
    body = (
        SCREEN_COVER
        + style
        + '<p><a href="#end"><span lang="az">İlk</span> article</a></p>'
        + "<ul><li><blockquote><p>A quotation as a whole item.</p></blockquote></li></ul>"
        + '<p id="end">End.</p>'
    )
    pdf = make("span-link.pdf", body, "screen", lang="en")
    assert "1 list item without a body (LBody)" in _structure(pdf)
    finished = _finished(pdf)
    assert _structure(finished) == []
    with pikepdf.open(finished) as after:
        [link] = after.pages[0].Annots
        links = [e for e in in_reading_order(after.Root.StructTreeRoot) if e.get("/S") == "/Link"]
        held = [kid for element in in_reading_order(links[0]) for kid in element.get("/K", [])]
        assert len(links) == 1 and not any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") for kid in held)
    said = [finding.message for finding in only(preflight_pdf(finished, SCREEN), "outloud", "pass")]
    assert said == ["outloud 0.2.1: no error, no warning"]


def test_a_chart_whose_alternative_text_leaves_out_a_number_is_an_error(article):
    finished = _finished(article, ["Losses: Libraries 927."])
    assert _structure(finished) == ["the chart's alternative text does not give 22, Museums"]


def test_a_figure_with_alternative_text_but_no_figure_in_the_tree_is_a_build_error(article):
    with pytest.raises(Exception, match="not found in the structure tree"):
        _finished(article, ["Losses: Libraries 927; Museums 22.", "Another chart."])


def test_prose_marked_as_an_artifact_is_an_error_that_no_explanation_excuses(make, tmp_path):
    body = SCREEN_COVER + "".join(
        f"<p>Paragraph {number} tells the reader what happened in the liberated towns and villages.</p>"
        for number in range(3)
    )
    pdf = make("artifact.pdf", body, "screen", lang="en")
    target = tmp_path / "hidden-prose.pdf"
    with pikepdf.open(pdf) as document:
        page = document.pages[0]
        instructions = list(pikepdf.parse_content_stream(page))
        marks = [index for index, (_, operator) in enumerate(instructions) if str(operator) == "BDC"]
        operands, operator = instructions[marks[-1]]
        instructions[marks[-1]] = ([pikepdf.Name.Artifact, pikepdf.Dictionary()], operator)
        page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(instructions))
        document.save(target)
    said = [finding.message for finding in only(preflight_pdf(target, SCREEN), "outloud")]
    assert any(message.startswith("TAG-002 error") for message in said)


def _two_paragraphs(content: bytes) -> pikepdf.Pdf:
    """A page painting MCID 0 (read second) before MCID 1 (read first), with `content` as its stream."""
    pdf = pikepdf.new()
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page = pdf.add_blank_page(page_size=(300, 200))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(content)
    page.obj.StructParents = 0
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document))
    first, second = (
        pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=document, Pg=page.obj, K=mcid)
        )
        for mcid in (1, 0)
    )
    document.K = pikepdf.Array([first, second])
    pdf.Root.StructTreeRoot = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot,
            K=document,
            ParentTree=pikepdf.Dictionary(Nums=pikepdf.Array([0, pikepdf.Array([second, first])])),
        )
    )
    return pdf


@pytest.mark.parametrize(
    "content",
    [
        # Its new place is inside a q that fills in red; where it was, it painted in black.
        b"q 1 0 0 rg /P <</MCID 0>> BDC BT /F1 20 Tf 20 60 Td (second) Tj ET EMC Q\n"
        b"q /P <</MCID 1>> BDC BT /F1 20 Tf 20 120 Td (first, black) Tj ET EMC Q\n",
        # A white box is painted between: moved before it, it would be under the box.
        b"/P <</MCID 0>> BDC BT /F1 20 Tf 20 60 Td (second) Tj ET EMC\n"
        b"/Artifact BMC q 1 1 1 rg 0 100 300 60 re f Q EMC\n"
        b"q /P <</MCID 1>> BDC BT /F1 20 Tf 20 120 Td (first, on the box) Tj ET EMC Q\n",
    ],
)
def test_a_sequence_whose_new_place_would_change_the_page_stays(content):
    pdf = _two_paragraphs(content)
    paint_in_reading_order(pdf)
    assert pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pdf.pages[0])) == (
        pikepdf.unparse_content_stream(pikepdf.parse_content_stream(pikepdf.Stream(pdf, content)))
    )


def test_a_sequence_that_brings_its_own_state_moves_before_the_one_read_after_it():
    pdf = _two_paragraphs(
        b"/P <</MCID 0>> BDC BT /F1 20 Tf 20 60 Td (second) Tj ET EMC\n"
        b"q /P <</MCID 1>> BDC 0 g BT /F1 20 Tf 20 120 Td (first) Tj ET EMC Q\n"
    )
    paint_in_reading_order(pdf)
    assert [sequence.mcid for sequence in marked_sequences(list(pikepdf.parse_content_stream(pdf.pages[0])))] == [1, 0]


def test_header_cells_keep_the_scope_their_html_gave(make):
    table = (
        "<table><tr><td></td><th scope='col'>2021</th><th scope='col'>2022</th></tr>"
        "<tr><th scope='row'>Schools</th><td>4</td><td>9</td></tr></table>"
    )
    with pikepdf.open(_finished(make("scopes.pdf", SCREEN_COVER + table, "screen", lang="en"))) as pdf:
        headers = [cell for cell in in_reading_order(pdf.Root.StructTreeRoot) if cell.get("/S") == "/TH"]
        assert [str(cell.A.Scope) for cell in headers] == ["/Column", "/Column", "/Row"]
