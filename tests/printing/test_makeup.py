"""Make-up: spare pages kept for the page-count rule, pictures measured where layout placed them, the faults
of make-up found on laid-out pages, and the pages each part of an edition takes."""

from __future__ import annotations

import pytest
from PIL import Image
from weasyprint import HTML
from weasyprint.formatting_structure.boxes import LineBox, TextBox

from bulletin.content.examination import validate_issue
from bulletin.language.fonts import find_typefaces
from bulletin.language.hyphenation import register_hyphenation
from bulletin.language.localization import load_catalogs
from bulletin.language.typography import ADDED_HYPHEN
from bulletin.model import Edition
from bulletin.printing import engine, pdf
from bulletin.printing.makeup import check_makeup, keep_pages, measure_pictures, section_pages
from bulletin.printing.rendering import render_edition
from bulletin.printing.settings import load_settings
from bulletin.project import PYPROJECT, TEMPLATES
from bulletin.util.errors import BuildError

from conftest import SAMPLE, page_texts

# As in templates/bulletin.css and back-matter.html: spare pages are empty, each on a page of its own.
STYLE = (
    "<style>@page { size: A5; margin: 15mm } @page spare { margin: 0 }"
    " .spare-page { page: spare; break-before: page; } .page { break-before: page; }</style>"
)


def edition(content: int, spare: int) -> HTML:
    """A document of `content` pages, `spare` spare pages and a back cover."""
    pages = [
        f'<section class="page" id="content-{number}"><p>Content page {number}</p></section>'
        for number in range(1, content + 1)
    ]
    pages += [f'<div class="spare-page" id="spare-page-{number}"></div>' for number in range(1, spare + 1)]
    pages.append('<section class="page" id="back-cover"><p>Back cover</p></section>')
    return HTML(string=f"<html><head>{STYLE}</head><body>{''.join(pages)}</body></html>")


def anchors(document) -> list[str]:
    """Return the anchors of each page, which name it: content-1, spare-page-2, back-cover."""
    return [" ".join(page.anchors) for page in document.pages]


@pytest.mark.parametrize(
    "content, spare, multiple, kept",
    [
        (5, 3, 4, 2),  # 5 + 1 back cover: 2 spare pages make 8
        (6, 3, 4, 1),
        (7, 3, 4, 0),  # 8 already
        (9, 7, 8, 6),  # 10: 6 spare pages make 16
        (7, 7, 8, 0),
    ],
)
def test_just_enough_spare_pages_are_kept_before_the_back_cover(content, spare, multiple, kept):
    document = edition(content, spare).render()
    assert len(document.pages) == content + spare + 1
    result = keep_pages(document, multiple)
    assert len(result.pages) % multiple == 0 and len(result.pages) == content + kept + 1
    names = anchors(result)
    assert names[:content] == [f"content-{number}" for number in range(1, content + 1)]
    assert all(name.startswith("spare-page-") for name in names[content:-1])
    assert names[-1] == "back-cover"


def test_the_pdf_keeps_the_content_pages_text_and_blank_spare_pages(tmp_path):
    target = tmp_path / "edition.pdf"
    keep_pages(edition(5, 3).render(), 4).write_pdf(target)
    texts = [" ".join(text.split()) for text in page_texts(target)]
    assert texts == [f"Content page {number}" for number in range(1, 6)] + ["", "", "Back cover"]


def test_without_a_page_rule_every_spare_page_is_dropped():
    # multiple 1 is the screen edition's rule: it has no blank pages.
    assert anchors(keep_pages(edition(5, 3).render(), 1)) == [f"content-{number}" for number in range(1, 6)] + [
        "back-cover"
    ]


def test_a_document_without_spare_pages_that_meets_the_rule_stays_as_it_is():
    document = edition(7, 0).render()
    for multiple in (1, 4, 8):
        assert [page.anchors for page in keep_pages(document, multiple).pages] == [
            page.anchors for page in document.pages
        ]


def test_too_few_spare_pages_is_a_build_error():
    with pytest.raises(
        BuildError,
        match=r"give 1 spare page\(s\) before the back cover; 2 are needed for a"
        r" multiple of 4",
    ):
        keep_pages(edition(5, 1).render(), 4)
    with pytest.raises(BuildError, match=r"give 0 spare page\(s\).*; 3 are needed"):
        keep_pages(edition(4, 0).render(), 4)


# measure_pictures


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    """A 600 × 400 px photograph."""
    path = tmp_path_factory.mktemp("makeup") / "photo.jpg"
    Image.new("RGB", (600, 400), (31, 111, 120)).save(path)
    return path


def measure(body: str) -> list:
    html = (
        f"<html><head><style>@page {{ size: A4; margin: 10mm }} img {{ display: block }}</style></head>"
        f"<body>{body}</body></html>"
    )
    return measure_pictures(HTML(string=html).render())


def test_a_picture_two_inches_wide_is_300_ppi_on_its_page(photo):
    [first, second] = measure(
        f'<img src="{photo.as_uri()}" style="width: 2in">'
        f'<p style="break-before: page">Two</p><img src="{photo.as_uri()}" style="width: 50.8mm">'
        f'<p style="break-before: page">Three</p>'
    )
    for placement, page in ((first, 1), (second, 2)):
        assert placement.source == photo and placement.page == page and placement.pixels == (600, 400)
        assert placement.size_mm == pytest.approx((50.8, 33.867), rel=0.01)
        assert placement.ppi == pytest.approx(300, rel=0.01)


def test_a_picture_stretched_out_of_shape_has_the_lower_resolution(photo):
    [placement] = measure(f'<img src="{photo.as_uri()}" style="width: 2in; height: 2in">')
    assert placement.size_mm == pytest.approx((50.8, 50.8), rel=0.01)
    assert placement.ppi == pytest.approx(200, rel=0.01)  # 400 px over 2 in


def test_object_fit_gives_the_resolution_of_the_drawn_size(photo):
    # In a 2 × 2 in box, contain draws 2 × 1.33 in (300 ppi), cover 3 × 2 in (200 ppi).
    contain, cover = measure(
        f'<img src="{photo.as_uri()}" style="width: 2in; height: 2in; object-fit: contain">'
        f'<img src="{photo.as_uri()}" style="width: 2in; height: 2in; object-fit: cover">'
    )
    assert contain.size_mm == pytest.approx((50.8, 33.867), rel=0.01)
    assert contain.ppi == pytest.approx(300, rel=0.01)
    assert cover.size_mm == pytest.approx((76.2, 50.8), rel=0.01)
    assert cover.ppi == pytest.approx(200, rel=0.01)


def test_a_drawing_is_not_a_picture_to_measure(photo):
    drawing = photo.with_name("drawing.svg")
    drawing.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60"'
        ' height="40" fill="#b3263a"/></svg>',
        encoding="utf-8",
    )
    placements = measure(
        f'<img src="{drawing.as_uri()}" style="width: 2in"><img src="{photo.as_uri()}" style="width: 4in">'
    )
    assert [(placement.source, placement.ppi) for placement in placements] == [(photo, pytest.approx(150, rel=0.01))]


def test_an_absolutely_positioned_picture_is_measured(photo):
    placements = measure(
        f'<img src="{photo.as_uri()}" style="position: absolute; top: 0; width: 2in">'
        f'<div style="position: fixed; bottom: 0"><img src="{photo.as_uri()}" style="width: 4in">'
        f"</div>"
    )
    assert sorted(placement.ppi for placement in placements) == pytest.approx([150, 300], rel=0.01)


# check_makeup: each fault is laid out on purpose in a small document, then fixed.

# 62 mm of text height on a page and 5 mm lines: 12 lines a page, with 2 mm to spare against rounding.
MAKEUP_STYLE = (
    "@page { size: 100mm 82mm; margin: 10mm }"
    ' html { font: 10pt/5mm "Bulletin Serif"; hyphens: manual }'
    " body, p, h1, h2, h3, ul, blockquote, figure, figcaption { margin: 0 } h1, h2, h3 { font-size: 10pt }"
    " .columns { columns: 2; column-gap: 5mm }"
    # three lines a column, filled in order, as a page of a body set in columns would be
    " .short { column-fill: auto; height: 16mm }"
)
LONG_WORD = "averyveryverylongpathwithoutanybreakopportunity"  # Pango may break a URL after its slashes
URL = f"https://example.org/{LONG_WORD}"


@pytest.fixture(scope="module")
def typefaces() -> str:
    """The @font-face rules of the bulletin's typefaces."""
    return find_typefaces().stylesheet()


def lay_out(typefaces: str, body: str):
    """Lay out `body` on small pages set in the bulletin's serif, 5 mm a line."""
    return HTML(
        string=f"<html><head><style>{typefaces}{MAKEUP_STYLE}</style></head><body>{body}</body></html>"
    ).render()


def lines(count: int, word: str = "Line") -> str:
    """Return the HTML of exactly `count` short lines."""
    return " <br>".join(f"{word} {number}" for number in range(1, count + 1))


def faults(typefaces: str, body: str) -> list[tuple[int, str, str]]:
    """Return what check_makeup finds in `body` laid out: (page, kind, message) of each fault; not short
    lines, which these pages set on purpose (lines broken with <br>)."""
    return [
        (fault.page, fault.kind, str(fault))
        for fault in check_makeup(lay_out(typefaces, body))
        if fault.kind != "short line"
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        '<p style="orphans: {}">{}</p>',
        '<ul><li style="orphans: {}">{}</li></ul>',  # its marker, set outside, is no line of it
        '<blockquote style="orphans: {}">{}</blockquote>',
        '<blockquote><p style="orphans: {}">{}</p></blockquote>',
        '<figure><figcaption style="orphans: {}">{}</figcaption></figure>',
    ],
)
def test_an_orphan_at_the_foot_of_a_page_is_found(typefaces, paragraph):
    # Room for one line on page 2: the paragraph's first line stays there alone.
    body = '<p>Page one</p><div style="break-before: page; height: 56mm"></div>' + paragraph
    assert faults(typefaces, body.format(1, lines(4))) == [
        (
            2,
            "orphan",
            "page 2: orphan: the first line of “Line 1 Line 2 Line 3 Line 4” stands alone at the foot of the page",
        )
    ]
    assert faults(typefaces, body.format(2, lines(4))) == []


def test_a_widow_at_the_top_of_a_page_is_found(typefaces):
    body = '<div style="height: 41mm"></div><p style="orphans: 1; widows: {}">{}</p>'  # room for four lines
    [(page, kind, message)] = faults(typefaces, body.format(1, lines(5)))
    assert (page, kind) == (2, "widow")
    assert message == (
        "page 2: widow: the last line of “Line 1 Line 2 Line 3 Line 4 Lin…” stands alone at the top of the page"
    )
    assert faults(typefaces, body.format(2, lines(5))) == []


@pytest.mark.parametrize(
    "paragraphs, fixed, kind, where",
    [
        # Two lines, then one of the next paragraph, at the foot of column 1.
        (
            f'<p>{lines(2, "First")}</p><p style="orphans: 1; widows: 1">{lines(3)}</p>',
            ("orphans: 1", "orphans: 2"),
            "orphan",
            "at the foot of column 1",
        ),
        # A paragraph of four lines in columns of three: its last line at the top of column 2.
        (
            f'<p style="orphans: 1; widows: 1">{lines(4)}</p>',
            ("widows: 1", "widows: 2"),
            "widow",
            "at the top of column 2",
        ),
    ],
)
def test_a_split_between_columns_counts_like_a_split_between_pages(typefaces, paragraphs, fixed, kind, where):
    body = f'<p>Page one</p><div class="columns short" style="break-before: page">{paragraphs}</div>'
    [(page, found, message)] = faults(typefaces, body)
    assert (page, found) == (2, kind) and message.endswith(where)
    assert faults(typefaces, body.replace(*fixed)) == []


def test_an_orphan_in_the_last_column_of_a_page_is_found(typefaces):
    # Balanced columns over a page break, as an article's body: 23 lines fill page 1 but one,
    # which the next paragraph takes.
    body = f'<div class="columns"><p>{lines(23, "Long")}</p><p style="orphans: {{}}">{lines(5)}</p></div>'
    assert [(page, kind) for page, kind, _ in faults(typefaces, body.format(1))] == [(1, "orphan")]
    assert faults(typefaces, body.format(2)) == []


@pytest.mark.parametrize(
    "heading, fixed",
    [
        ('<h1 style="break-after: auto">Reconstruction</h1>', "<h1>Reconstruction</h1>"),
        ('<h3 style="break-after: auto">Reconstruction</h3>', "<h3>Reconstruction</h3>"),  # browsers' default: avoid
        (
            '<p class="article-date">Reconstruction</p>',
            '<p class="article-date" style="break-after: avoid">Reconstruction</p>',
        ),
    ],
)
def test_a_heading_at_the_foot_of_a_page_is_found(typefaces, heading, fixed):
    body = f'<p>Page one</p><div style="break-before: page; height: 56mm"></div>{{}}<p>{lines(3)}</p>'
    assert faults(typefaces, body.format(heading)) == [
        (
            2,
            "stranded heading",
            "page 2: heading “Reconstruction” is the last thing on this page; the text after it starts on page 3",
        )
    ]
    assert faults(typefaces, body.format(fixed)) == []


def test_a_heading_at_the_foot_of_a_column_is_found(typefaces):
    body = (
        f'<div class="columns short"><p>{lines(2, "First")}</p><h3 style="break-after: {{}}">Reconstruction</h3>'
        f"<p>{lines(2)}</p></div>"
    )
    assert faults(typefaces, body.format("auto")) == [
        (
            1,
            "stranded heading",
            "page 1: heading “Reconstruction” is the last thing in column 1; the text after it starts in column 2",
        )
    ]
    assert faults(typefaces, body.format("avoid")) == []


def test_a_figure_whose_caption_is_on_the_next_page_is_found(typefaces, photo):
    # An 18 mm picture fits in the 22 mm left on page 2; its caption does not.
    body = (
        f'<p>Page one</p><div style="break-before: page; height: 40mm"></div>'
        f'<figure style="break-inside: {{}}"><img src="{photo.as_uri()}" style="display: block; height: 18mm">'
        f"<figcaption>The reopened mausoleum of Molla Panah Vagif</figcaption></figure><p>After</p>"
    )
    assert faults(typefaces, body.format("auto")) == [
        (
            2,
            "split figure",
            "page 2: figure “The reopened mausoleum of Molla…”: the picture is on this page, its caption on page 3",
        )
    ]
    assert faults(typefaces, body.format("avoid")) == []


def text_width_mm(typefaces: str, text: str) -> float:
    """Return the width of `text` set on one line in the test documents' font."""
    document = lay_out(typefaces, f'<p style="white-space: nowrap">{text}</p>')
    [box] = [box for box in engine.page_boxes(document.pages[0], placeholders=False) if isinstance(box, TextBox)]
    return box.width * 25.4 / 96


def test_a_long_url_in_a_narrow_column_is_an_overfull_line(typefaces):
    body = '<p>Page one</p><p style="break-before: page; width: 30mm; overflow-wrap: {}">See {} in full</p>'
    [(page, kind, message)] = faults(typefaces, body.format("normal", URL))
    assert (page, kind) == (2, "overfull line")
    overrun = text_width_mm(typefaces, LONG_WORD) - 30
    assert overrun > 10
    assert message == f"page 2: overfull line “{LONG_WORD[:31]}…” runs {overrun:.1f} mm into the margin"
    assert faults(typefaces, body.format("anywhere", URL)) == []


def test_an_overfull_line_in_a_column_runs_past_the_column(typefaces):
    body = f'<div class="columns" style="overflow-wrap: {{}}"><p>{lines(3)}<br>{URL} and more</p></div>'
    [(page, kind, message)] = faults(typefaces, body.format("normal"))
    assert (page, kind) == (1, "overfull line") and message.endswith("past its column")
    assert faults(typefaces, body.format("break-word")) == []


def test_justified_text_set_to_the_edge_is_not_overfull(typefaces):
    text = " ".join(["The reconstruction of the city continued through the year."] * 12)
    assert (
        faults(
            typefaces, f'<div class="columns" style="text-align: justify; hyphens: auto" lang="en"><p>{text}</p></div>'
        )
        == []
    )


def test_a_word_left_alone_on_a_line_before_an_unbreakable_run_is_a_short_line(typefaces):
    """A line that is not its paragraph's last but holds a single short word: justified or ragged."""
    run = "the reconstruction of the city"
    for align in ("justify", "left"):
        body = (
            f'<p style="width: 52mm; text-align: {align}">Then <span style="white-space: {{}}">{run}</span>'
            " went on.</p>"
        )
        found = [str(fault) for fault in check_makeup(lay_out(typefaces, body.format("nowrap")))]
        assert len(found) == 1 and found[0].startswith("page 1: short line “Then”: it fills "), found
        assert check_makeup(lay_out(typefaces, body.format("normal"))) == []


def test_a_line_ended_on_purpose_is_not_a_short_line(typefaces):
    """Verse and addresses end their lines with <br>: short by design."""
    body = (
        '<p style="width: 60mm; text-align: justify">Address:<br>Vagif street 1, Shusha, where the'
        " complex stands and the poetry days were held.</p>"
    )
    assert check_makeup(lay_out(typefaces, body)) == []


# section_pages


def test_each_part_has_its_pages_and_spare_pages_are_nobodys():
    pages = (
        '<section id="cover">Cover</section>'
        '<section id="imprint"><h1>Imprint</h1></section>'
        '<section id="about">About</section>'
        '<nav id="contents">Contents</nav>'
        '<article><h1 id="section-reconstruction">Reconstruction <em>and</em> building</h1><p>One</p></article>'
        "<article><p>Two</p></article><article><p>Three</p></article>"
        '<article><h1 id="section-memory">Memory</h1></article><article><p>Two</p></article>'
        '<section id="chronology"><p>One</p><p>Two</p><p>Three</p></section>'  # two pages: it continues
        '<section id="key-figures">Figures</section>'
        '<div class="spare-page" id="spare-page-1"></div><div class="spare-page" id="spare-page-2"></div>'
        '<section id="back-cover">Back cover</section>'
    )
    style = (
        "<style>@page { size: A6; margin: 10mm } section, nav, article, .spare-page { break-before: page }"
        " #chronology p { height: 50mm; margin: 0 }</style>"
    )
    document = HTML(string=f"<html><head>{style}</head><body>{pages}</body></html>").render()
    assert len(document.pages) == 15
    assert [(part.id, part.title, part.first_page, part.pages) for part in section_pages(document)] == [
        ("cover", "Front cover", 1, 1),
        ("imprint", "Imprint", 2, 1),
        ("about", "About the bulletin", 3, 1),
        ("contents", "Contents", 4, 1),
        ("section-reconstruction", "Reconstruction and building", 5, 3),
        ("section-memory", "Memory", 8, 2),
        ("chronology", "Chronology of the period", 10, 2),
        ("key-figures", "Key figures", 12, 1),  # not the two spare pages after it
        ("back-cover", "Back cover", 15, 1),
    ]


# The sample issue, laid out as the print stage does


def lay_out_edition(language: str, variant: str = "print", draft: bool = False):
    """Lay out one edition of the sample issue as print_pdf does for `variant`, spare pages dropped."""
    register_hyphenation()  # Azerbaijani's, as print_pdf does
    issue = validate_issue(SAMPLE)
    settings = load_settings(PYPROJECT)
    translations = load_catalogs((language,))[language]
    spare = settings.multiple(variant) - 1
    html = render_edition(Edition(issue, language), TEMPLATES, translations, spare, draft=draft)
    found = find_typefaces()
    fetcher = pdf.ConfinedFetcher((TEMPLATES, issue.folder) + pdf.readable_files(found, settings), issue=issue.folder)
    document = pdf.lay_out(html, TEMPLATES, fetcher, found, variant, settings)
    return issue, keep_pages(document, settings.multiple(variant))


@pytest.mark.slow
def test_the_sample_edition_has_no_makeup_faults_and_each_part_its_pages():
    issue, document = lay_out_edition("en")
    assert [str(fault) for fault in check_makeup(document)] == []
    parts = section_pages(document)
    assert [part.id for part in parts] == ["cover", "imprint", "about", "contents"] + [
        f"section-{section.id}" for section in issue.sections
    ] + ["chronology", "key-figures", "back-cover"]
    assert [part.title for part in parts[4:-3]] == [section.title["en"] for section in issue.sections]
    spare = sum(any(anchor.startswith("spare-page-") for anchor in page.anchors) for page in document.pages)
    assert sum(part.pages for part in parts) + spare == len(document.pages)
    assert all(part.first_page + part.pages == following.first_page for part, following in zip(parts[:-2], parts[1:-1]))
    assert (parts[0].pages, parts[-1].pages, parts[-1].first_page) == (1, 1, len(document.pages))


@pytest.mark.slow
def test_the_sample_s_article_text_is_set_flush_left_and_hyphenated():
    """Every line of an article's paragraph starts at the column's edge, none is stretched, and words break
    at line ends."""
    _, document = lay_out_edition("en")
    lines, hyphenated = 0, 0
    bodies = [
        box
        for page in document.pages
        for box in engine.page_boxes(page, placeholders=False)
        if box.element_tag == "div" and "body" in (box.element.get("class") or "").split()
    ]
    paragraphs = {id(box): box for body in bodies for box in body.descendants() if box.element_tag == "p"}
    for box in paragraphs.values():
        rows = [line for line in box.children if isinstance(line, LineBox)]
        for line in rows[:-1]:
            start = min(child.position_x for child in line.children)
            assert abs(start - box.content_box_x()) < 0.5, "a line of an article does not start at the edge"
            assert not any(text.justification_spacing for text in line.descendants() if isinstance(text, TextBox))
            lines += 1
            hyphenated += "".join(text.text for text in line.descendants() if isinstance(text, TextBox)).endswith(
                ADDED_HYPHEN
            )
    assert lines > 300 and hyphenated > 10, (lines, hyphenated)
