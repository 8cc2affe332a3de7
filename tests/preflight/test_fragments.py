"""The parts of one element that pages and columns split are one element once finished (`printing.fragments`): an
article on two pages is one Art, a paragraph continued in the next column or on the next page one P, and the parent
tree says so; tables and links stay as they were."""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from bulletin.preflight.checks import preflight_pdf
from bulletin.printing import engine
from bulletin.printing.finishing import finish_screen
from bulletin.util.pdftext import marked_texts
from bulletin.util.pdftree import in_reading_order, kids_of, structure_elements

from .pdfs import SCREEN, SCREEN_COVER, only

pytestmark = pytest.mark.slow  # an eight-page PDF laid out, finished and checked by outloud

WORDS = "Reconstruction goes on in the liberated territories, where roads, houses and schools are built again"
PARAGRAPHS = [f"Paragraph {number}. " + ", ".join([WORDS] * 3) + "." for number in range(1, 41)]
ARTICLE = (
    '<article style="break-before: page"><h2>Roads</h2><div style="columns: 2; column-gap: 8mm">'
    + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    + "</div></article>"
)
ROWS = "".join(
    f'<tr><th scope="row">Row {number}</th><td>Value {number}</td><td>Note {number}</td></tr>' for number in range(60)
)
HEAD = '<thead><tr><th scope="col">Name</th><th scope="col">Value</th><th scope="col">Note</th></tr></thead>'
TABLE = f'<table style="break-before: page">{HEAD}{ROWS}</table>'
LINK = '<p style="width: 40mm">See <a href="https://example.org">the site of the editorial office for more</a>.</p>'
# A mark on every page, positioned out of the flow, as a draft's is (`templates/bulletin.html`); and a Div whose
# text stands around a paragraph, which WeasyPrint gives two anonymous boxes of the Div's own: two parts of one
# element, not one split.
MARK = '<div style="position: fixed; top: -15mm; left: 0">Proof</div>'
AROUND = "<div>Text before.<p>The paragraph between.</p>Text after.</div>"


@pytest.fixture(scope="module")
def split(make) -> Path:
    with engine.sources_numbered():
        return make("split.pdf", SCREEN_COVER + LINK + AROUND + ARTICLE + TABLE, "screen", lang="en")


@pytest.fixture(scope="module")
def joined(split) -> Path:
    target = split.with_name("joined-split.pdf")
    target.write_bytes(finish_screen(split.read_bytes(), {}, []))
    return target


def texts(pdf: pikepdf.Pdf, kind: str) -> list[str]:
    """The text of each element of `kind`, in reading order: its marked content, and its elements', on any page."""
    shown = {page.objgen: marked_texts(page) for page in pdf.pages}
    found = []
    for element in in_reading_order(pdf.Root.StructTreeRoot):
        if element.get("/S") == kind:
            parts = []
            for held in structure_elements(element):
                for kid in kids_of(held):
                    if isinstance(kid, int):
                        parts.append(shown[held.Pg.objgen].get(int(kid), ""))
                    elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                        parts.append(shown[kid.Pg.objgen].get(int(kid.MCID), ""))
            found.append(" ".join(" ".join(parts).split()))  # a line's text ends without its space
    return found


def test_weasyprint_writes_an_element_for_each_part_of_a_split_one(split):
    with pikepdf.open(split) as pdf:
        assert len(pdf.pages) >= 4
        assert len(texts(pdf, "/Art")) >= 2
        assert len(texts(pdf, "/P")) > len(PARAGRAPHS) + 2  # the cover's, the link's and the article's, parted


def test_once_finished_each_element_is_whole_in_its_order(joined):
    with pikepdf.open(joined) as pdf:
        [article] = texts(pdf, "/Art")
        paragraphs = texts(pdf, "/P")
        assert paragraphs[-len(PARAGRAPHS) :] == PARAGRAPHS
        assert article == " ".join(["Roads", *PARAGRAPHS])  # its heading, then every paragraph once, in order
        assert not any("/BulletinSource" in owner for owner in pdf.objects if isinstance(owner, pikepdf.Dictionary))
    findings = preflight_pdf(joined, SCREEN)
    assert only(findings, "structure") == [] and only(findings, "outloud") == []


def test_text_around_a_paragraph_keeps_its_order(joined):
    with pikepdf.open(joined) as pdf:
        around = next(text for text in texts(pdf, "/Div") if text.startswith("Text before."))  # the outer Div
    assert around == "Text before. The paragraph between. Text after."


def test_a_mark_on_every_page_stays_on_each_and_parts_nothing(make):
    with engine.sources_numbered():
        marked = make("marked.pdf", SCREEN_COVER + MARK + ARTICLE, "screen", lang="en")
    with pikepdf.open(io.BytesIO(finish_screen(marked.read_bytes(), {}, []))) as pdf:
        assert len(pdf.pages) >= 3
        assert len([text for text in texts(pdf, "/Div") if text == "Proof"]) == len(pdf.pages)  # one on each page
        assert texts(pdf, "/Art") == [" ".join(["Roads", *PARAGRAPHS])]  # its parts joined all the same


def test_the_parent_tree_names_the_element_that_holds_each_marked_content(joined):
    with pikepdf.open(joined) as pdf:
        holders: dict[tuple, tuple] = {}
        for element in in_reading_order(pdf.Root.StructTreeRoot):
            for kid in kids_of(element):
                if isinstance(kid, int):
                    holders[(element.Pg.objgen, int(kid))] = element.objgen
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    holders[(kid.Pg.objgen, int(kid.MCID))] = element.objgen
        numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
        tree = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers) - 1, 2)}
        named = {
            (page.objgen, mcid): owner.objgen
            for page in pdf.pages
            for mcid, owner in enumerate(tree[int(page.StructParents)])
            if isinstance(owner, pikepdf.Dictionary) and (page.objgen, mcid) in holders
        }
        assert named == holders and len(named) > 100


def test_a_table_over_pages_and_a_link_over_lines_stay_as_they_were(split, joined):
    with pikepdf.open(split) as before, pikepdf.open(joined) as after:
        for kind in ("/Table", "/TR", "/Link"):
            assert len(texts(after, kind)) == len(texts(before, kind)), kind
        assert len(texts(after, "/Table")) >= 2  # the header row repeated on the next page, read there once
        assert len(texts(after, "/Link")) >= 2  # a link's lines: one annotation each
