"""Make-up: spare pages kept for the page-count rule, and pictures measured where layout placed them."""

from __future__ import annotations

import pytest
from PIL import Image
from weasyprint import HTML

from bulletin.errors import BuildError
from bulletin.makeup import keep_pages, measure_pictures

from conftest import page_texts

# As in templates/bulletin.css and back-matter.html: spare pages are empty, each on a page of its own.
STYLE = ("<style>@page { size: A5; margin: 15mm } @page spare { margin: 0 }"
         " .spare-page { page: spare; break-before: page; } .page { break-before: page; }</style>")


def edition(content: int, spare: int) -> HTML:
    """A document of `content` pages, `spare` spare pages and a back cover."""
    pages = [f'<section class="page" id="content-{number}"><p>Content page {number}</p></section>'
             for number in range(1, content + 1)]
    pages += [f'<div class="spare-page" id="spare-page-{number}"></div>' for number in range(1, spare + 1)]
    pages.append('<section class="page" id="back-cover"><p>Back cover</p></section>')
    return HTML(string=f"<html><head>{STYLE}</head><body>{''.join(pages)}</body></html>")


def anchors(document) -> list[str]:
    """Return the anchors of each page, which name it: content-1, spare-page-2, back-cover."""
    return [" ".join(page.anchors) for page in document.pages]


@pytest.mark.parametrize("content, spare, multiple, kept", [
    (5, 3, 4, 2),  # 5 + 1 back cover: 2 spare pages make 8
    (6, 3, 4, 1),
    (7, 3, 4, 0),  # 8 already
    (9, 7, 8, 6),  # 10: 6 spare pages make 16
    (7, 7, 8, 0),
])
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
        "back-cover"]


def test_a_document_without_spare_pages_that_meets_the_rule_stays_as_it_is():
    document = edition(7, 0).render()
    for multiple in (1, 4, 8):
        assert [page.anchors for page in keep_pages(document, multiple).pages] == \
               [page.anchors for page in document.pages]


def test_too_few_spare_pages_is_a_build_error():
    with pytest.raises(BuildError, match=r"give 1 spare page\(s\) before the back cover; 2 are needed for a"
                                         r" multiple of 4"):
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
    html = f"<html><head><style>@page {{ size: A4; margin: 10mm }} img {{ display: block }}</style></head>" \
           f"<body>{body}</body></html>"
    return measure_pictures(HTML(string=html).render())


def test_a_picture_two_inches_wide_is_300_ppi_on_its_page(photo):
    [first, second] = measure(f'<img src="{photo.as_uri()}" style="width: 2in">'
                              f'<p style="break-before: page">Two</p><img src="{photo.as_uri()}" style="width: 50.8mm">'
                              f'<p style="break-before: page">Three</p>')
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
    contain, cover = measure(f'<img src="{photo.as_uri()}" style="width: 2in; height: 2in; object-fit: contain">'
                             f'<img src="{photo.as_uri()}" style="width: 2in; height: 2in; object-fit: cover">')
    assert contain.size_mm == pytest.approx((50.8, 33.867), rel=0.01)
    assert contain.ppi == pytest.approx(300, rel=0.01)
    assert cover.size_mm == pytest.approx((76.2, 50.8), rel=0.01)
    assert cover.ppi == pytest.approx(200, rel=0.01)


def test_a_drawing_is_not_a_picture_to_measure(photo):
    drawing = photo.with_name("drawing.svg")
    drawing.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60"'
                       ' height="40" fill="#b3263a"/></svg>', encoding="utf-8")
    placements = measure(f'<img src="{drawing.as_uri()}" style="width: 2in">'
                         f'<img src="{photo.as_uri()}" style="width: 4in">')
    assert [(placement.source, placement.ppi) for placement in placements] == [(photo, pytest.approx(150, rel=0.01))]


def test_an_absolutely_positioned_picture_is_measured(photo):
    placements = measure(f'<img src="{photo.as_uri()}" style="position: absolute; top: 0; width: 2in">'
                         f'<div style="position: fixed; bottom: 0"><img src="{photo.as_uri()}" style="width: 4in">'
                         f'</div>')
    assert sorted(placement.ppi for placement in placements) == pytest.approx([150, 300], rel=0.01)
