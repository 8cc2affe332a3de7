"""The proof reader's make-up checks: each fault laid out on purpose in a small document, then fixed; and the
sample issue, which has none of them in any language, in print and on screen, drafts included."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from weasyprint import HTML

from bulletin.language.fonts import find_typefaces
from bulletin.language.typography import NBSP
from bulletin.printing.colours import palette_stylesheet
from bulletin.printing.proofing import MAX_SPACE_STRETCH, check_proof
from bulletin.project import STYLESHEET, TEMPLATES
from printing.test_makeup import lay_out_edition

from conftest import LANGUAGES

# As test_makeup's pages: 62 mm of text height and 5 mm lines, 12 lines a page.
STYLE = (
    "@page { size: 100mm 82mm; margin: 10mm }"
    ' html { font: 10pt/5mm "Bulletin Serif"; hyphens: manual }'
    " body, p, div { margin: 0 } .columns { columns: 2; column-gap: 5mm }"
    " .short { column-fill: auto; height: 16mm }"  # three lines a column
)


@pytest.fixture(scope="module")
def typefaces() -> str:
    """The @font-face rules of the bulletin's typefaces."""
    return find_typefaces().stylesheet()


def proof(typefaces: str, body: str, style: str = "") -> list[tuple[int, str, str]]:
    """Return what check_proof finds in `body` laid out on small pages: (page, kind, message) of each fault."""
    html = f"<html><head><style>{typefaces}{STYLE}{style}</style></head><body>{body}</body></html>"
    return [(fault.page, fault.kind, str(fault)) for fault in check_proof(HTML(string=html).render())]


def lines(count: int, word: str = "Line") -> str:
    """Return the HTML of exactly `count` short lines."""
    return " <br>".join(f"{word} {number}" for number in range(1, count + 1))


# Loose lines


def test_a_justified_line_before_a_long_word_is_loose(typefaces):
    # "One two three" fills a line of 40 mm only if its two spaces take what the long word left.
    body = '<p style="text-align: {}; width: 40mm">One two three incomprehensibilities</p>'
    [(page, kind, message)] = proof(typefaces, body.format("justify"))
    assert (page, kind) == (1, "loose line")
    stretch = float(re.search(r"are (\d+\.\d) times as wide", message)[1])
    assert stretch > 2 * MAX_SPACE_STRETCH
    assert message.startswith("page 1: loose line “One two three”: its word spaces")
    assert proof(typefaces, body.format("left")) == []


def test_a_justified_line_stretched_a_little_is_not_loose(typefaces):
    words = " ".join(["word"] * 60)
    assert proof(typefaces, f'<p style="text-align: justify">{words}</p>') == []


# Stranded endings


def test_a_paragraph_s_last_lines_alone_on_a_page_the_one_before_had_room_for_is_found(typefaces):
    # Room for four lines on page 1; a paragraph of five that must leave three together takes two of them.
    body = '<div style="height: {}mm"></div><p style="orphans: 2; widows: 3">{}</p>'
    [(page, kind, message)] = proof(typefaces, body.format(41, lines(5)))
    assert (page, kind) == (2, "stranded ending")
    assert message == (
        "page 2: the last 3 lines of “Line 1 Line 2 Line 3 Line 4 Lin…” stand alone in page 2,"
        " though page 1 had room for 2 more"
    )
    assert proof(typefaces, body.format(31, lines(5))) == []  # room enough for the whole paragraph
    # A full page before: the ending runs over, as text does.
    assert proof(typefaces, body.format(1, lines(15))) == []


def test_a_paragraph_s_last_lines_alone_in_a_column_are_found(typefaces):
    body = '<div class="columns short"><p style="orphans: 2; widows: {}">{}</p></div>'
    [(page, kind, message)] = proof(typefaces, body.format(3, lines(5)))
    assert (page, kind) == (1, "stranded ending")
    assert "stand alone in column 2 of page 1, though column 1 of page 1 had room for 1 more" in message
    assert proof(typefaces, body.format(2, lines(5))) == []


@pytest.mark.parametrize("after", ["<p>More text</p>", '<div class="columns"><p>More text in columns</p></div>'])
def test_an_ending_with_more_text_after_it_is_not_alone(typefaces, after):
    body = f'<div style="height: 41mm"></div><p style="orphans: 2; widows: 3">{lines(5)}</p>{after}'
    assert proof(typefaces, body) == []


# Parted figures


@pytest.mark.parametrize("space", [" ", NBSP])
def test_a_key_figure_whose_number_ends_a_line_is_parted_from_its_word(typefaces, space):
    figure = f'<p class="{{}}" style="width: 22mm">nearly 30{space}years</p>'
    found = proof(typefaces, figure.format("figure-value"))
    if space == NBSP:  # as the typographic pass sets it: the figure breaks before its number
        assert found == []
        return
    assert found == [
        (
            1,
            "parted figure",
            "page 1: key figure “nearly 30 years”: the number ends a line and its word “years” starts the next",
        )
    ]
    assert proof(typefaces, figure.format("lead")) == []  # in running text a number may end a line


# Running heads


@pytest.mark.parametrize(
    "title, side",
    [
        ("a section title so long that wrapped it takes more lines than the top margin holds " * 2, "above"),
        ("Reconstructionandrebuildingoftheliberatedterritories", "to the right of"),
    ],
)
def test_a_running_head_that_runs_out_of_its_box_is_found(typefaces, title, side):
    style = (
        " @page { @top-left { content: string(section); font-size: 8pt; vertical-align: bottom;"
        " padding-bottom: 2mm; width: 60mm } }"
        " h1 { string-set: section attr(data-section); font-size: 10pt }"
    )
    body = '<h1 data-section="{}">Heading</h1>'
    [(page, kind, message)] = proof(typefaces, body.format(title), style)
    assert (page, kind) == (1, "overflowing running head")
    assert re.fullmatch(rf"page 1: running head “.{{31}}…” runs \d+\.\d mm {side} its box \(\d lines? .*\)", message)
    assert proof(typefaces, body.format("Reconstruction"), style) == []


# The draft mark


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    """A photograph."""
    path = tmp_path_factory.mktemp("proofing") / "photo.jpg"
    Image.new("RGB", (300, 200), (31, 111, 120)).save(path)
    return path


@pytest.mark.parametrize(
    "content, under",
    [
        ('<img src="{photo}" alt="The mausoleum" style="width: 60mm">', "the picture “The mausoleum”"),
        ('<p style="background: #f5d9dc">Untranslated text</p>', "the tinted “Untranslated text”"),
    ],
)
def test_a_draft_mark_behind_a_picture_or_a_tint_is_hidden(typefaces, photo, content, under):
    body = '<div class="draft-mark" style="position: fixed; top: 20mm; z-index: {}">Draft</div>' + content.format(
        photo=photo.as_uri()
    )
    found = proof(typefaces, body.format("-1"))
    assert found == [(1, "hidden draft mark", f"page 1: the draft mark is painted under {under}")]
    assert proof(typefaces, body.format("10")) == []


def test_the_templates_draft_mark_is_painted_over_pictures_and_tints(typefaces, photo):
    # The bulletin's own rule for the mark, on a page with a picture, a tinted box and a tinted text.
    style = palette_stylesheet("screen") + (TEMPLATES / STYLESHEET).read_text(encoding="utf-8")
    body = (
        f'<div class="draft-mark">Draft</div><img src="{photo.as_uri()}" style="width: 60mm">'
        '<p class="untranslated"><span class="untranslated">Tinted</span></p><div class="key-figure">44 days</div>'
    )
    html = f"<html><head><style>{typefaces}{style}</style></head><body>{body}</body></html>"
    assert check_proof(HTML(string=html).render()) == []
    behind = proof(typefaces, body.replace('class="draft-mark"', 'class="draft-mark" style="z-index: -1"'), style)
    assert behind and {kind for _, kind, _ in behind} == {"hidden draft mark"}  # as it was: behind the text


# The sample issue


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["print", "screen"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sample_has_no_fault_a_proof_reader_marks(language, variant):
    # Laid out as a draft, so that the draft mark is checked on every page; a draft of the complete sample
    # is otherwise the edition itself.
    _, document = lay_out_edition(language, variant, draft=True)
    assert [str(fault) for fault in check_proof(document)] == []
