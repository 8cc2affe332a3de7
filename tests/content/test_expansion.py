"""What a drawing draws is placed as WeasyPrint draws it: a drawing that shows nothing is refused as surely as an
empty one, and patterns and dashes too fine for a PDF reader are refused."""

from __future__ import annotations

import pytest

from bulletin.content.drawings.checks import drawing_problem

from conftest import drawing_problem_of

NOTHING = "draws nothing that shows: what it draws is {}; replace it with the drawing meant"
TILES = (
    "fills a shape with the pattern '#p' (line {}), whose tiles are too small: {}; a tile may be no smaller than"
    " 1/1,000 of the drawing (or of the shape, in its units), or PDF readers draw millions of them"
)
SMALL = "0.001 × 0.001 in a drawing 300 wide"
PATTERN = (
    "<pattern id='p' width='{0}' height='{0}' patternUnits='userSpaceOnUse'><rect width='1' height='1'/></pattern>"
)


@pytest.mark.parametrize(
    "inside, reason",
    [
        (
            "<g opacity='0'><rect width='300' height='200'/>\n<circle r='5'/></g>",
            "made transparent (opacity 0, line 2)",
        ),
        ("<g style='opacity: 0%'><rect width='300' height='200'/></g>", "made transparent (opacity 0%, line 2)"),
        ("<g visibility='hidden'>\n<rect width='300' height='200'/></g>", "hidden (visibility hidden, line 2)"),
        ("<rect x='400' width='300' height='200'/>", "wholly outside its viewBox (line 2)"),
        ("<g transform='translate(0 500)'><path d='M0 0 h300 v200 z'/></g>", "wholly outside its viewBox (line 2)"),
        (
            "<clipPath id='c'><rect width='0' height='0'/></clipPath>\n<rect width='300' height='200' "
            "clip-path='url(#c)'/>",
            "clipped away by a clipping path of no size (line 3)",
        ),
        (
            "<clipPath id='c'><rect width='10' height='10'/></clipPath>\n"
            "<rect x='20' width='9' height='9' clip-path='url(#c)'/>",
            "wholly outside its clipping path (line 3)",
        ),
        ("<rect width='300' height='200' fill='none'/>", "neither filled nor stroked (line 2)"),
        ("<line x2='300' y2='200'/>", "neither filled nor stroked (line 2)"),
        (
            "<rect width='300' height='200' fill='none' stroke='red' stroke-width='0'/>",
            "painted in transparent colours or with no stroke width (line 2)",
        ),
        (
            "<rect width='300' height='200' fill='rgb(0 0 0 / 0)'/>",
            "painted in transparent colours or with no stroke width (line 2)",
        ),
        ("<rect width='300' height='0'/>", "of no size (line 2)"),
    ],
)
def test_a_drawing_that_shows_nothing_is_refused(tmp_path, inside, reason):
    assert drawing_problem_of(tmp_path, inside) == NOTHING.format(reason)


@pytest.mark.parametrize(
    "inside",
    [
        "<g opacity='0'><rect width='9' height='9'/></g><rect x='20' width='9' height='9'/>",
        "<g visibility='hidden'><rect width='9' height='9' visibility='visible'/></g>",
        "<rect x='-50' y='-50' width='60' height='60'/>",  # partly inside
        "<line x2='300' y2='200' stroke='black'/>",
        "<rect width='300' height='200' fill='none' stroke='black'/>",
        "<clipPath id='c'><circle cx='50' cy='50' r='40'/></clipPath><rect width='300' height='200' "
        "clip-path='url(#c)'/>",
        "<text x='290' y='190' font-family='Bulletin Sans'>A label that runs out</text>",
        "<defs><marker id='m'><circle r='2'/></marker></defs><path d='M0 0 L9 9' fill='none' marker-end='url(#m)'/>"
        "<rect width='1' height='1' fill='none'/>",
    ],
)
def test_a_drawing_with_something_that_shows_passes(tmp_path, inside):
    assert drawing_problem_of(tmp_path, inside) is None


def test_a_drawing_shown_at_other_proportions_keeps_what_shows_beside_its_viewbox(tmp_path):
    path = tmp_path / "drawing.svg"
    path.write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 100 100' width='300' height='100'>"
        "<rect x='150' width='40' height='40'/></svg>",
        encoding="utf-8",
    )
    assert drawing_problem(path) is None  # a browser centres the viewBox: x 150 is on the paper


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            f"<defs>{PATTERN.format('0.001')}</defs>\n<rect width='300' height='200' fill='url(#p)'/>",
            TILES.format(3, SMALL),
        ),
        (
            f"<defs>{PATTERN.format(1)}</defs>\n<g transform='scale(0.001)'>\n<rect width='300000' height='200000'"
            " fill='url(#p)'/></g>",
            TILES.format(4, SMALL),
        ),
        (
            "<defs><pattern id='p' width='0.0001' height='0.5'><rect width='1' height='1'/></pattern></defs>\n"
            "<rect width='300' height='200' fill='url(#p)'/>",
            TILES.format(3, "0.0001 × 0.5 of the shape"),
        ),
        (
            f"<defs>{PATTERN.format(1)}</defs>\n<svg width='3' height='2' viewBox='0 0 3000 2000'>\n"
            "<rect width='3000' height='2000' fill='url(#p)'/></svg>",
            TILES.format(4, SMALL),
        ),
        (
            "<defs><pattern id='p' width='0.5' height='0.5' patternTransform='scale(0.001)'><rect width='1' "
            "height='1'/>"
            "</pattern></defs>\n<rect width='300' height='200' fill='url(#p)'/>",
            TILES.format(3, "0.0005 × 0.0005 of the shape"),
        ),
        (
            f"<defs>{PATTERN.format(0)}</defs>\n<rect width='300' height='200' fill='url(#p)'/>",
            "fills a shape with the pattern '#p' (line 3), which has no size; a browser paints nothing with "
            "it: give the"
            " pattern a width and a height",
        ),
        (
            "<defs><pattern id='p' width='0.5' height='0.5'><rect width='1' height='1'/></pattern></defs>\n"
            "<rect width='100' height='200' fill='url(#p)'/>\n<rect x='200' width='100' height='200' fill='url(#p)'/>",
            "fills a second shape with the pattern '#p' (line 4), which is sized to each shape it fills (patternUnits"
            " objectBoundingBox, the default); the print would size it for the first shape only: give it patternUnits"
            " 'userSpaceOnUse', or make one pattern for each shape",
        ),
    ],
)
def test_a_pattern_readers_cannot_draw_is_refused(tmp_path, inside, message):
    assert drawing_problem_of(tmp_path, inside) == message


def test_transforms_nested_beyond_what_a_pdf_holds_are_refused(tmp_path):
    inside = "<g transform='scale(10000)'>" * 4 + "\n<rect width='1' height='1'/>" + "</g>" * 4
    assert drawing_problem_of(tmp_path, inside) == (
        "nests transforms that scale what it draws beyond what a PDF holds (line 2): by 1e+16 to 1e+16, where the"
        " bound is 1/1e+12 to 1e+12; draw it at the size it is shown"
    )


def test_dashes_in_a_marker_are_measured_as_the_marker_is_drawn(tmp_path):
    inside = (
        "<defs><marker id='m' viewBox='0 0 100000 100000'><path d='M0 0 L100000 100000' stroke='black'"
        " stroke-dasharray='10'/></marker></defs>\n"
        "<path d='M10 10 L290 190' stroke='black' marker-end='url(#m)'/>"
    )
    assert drawing_problem_of(tmp_path, inside) == (
        "strokes with dashes or gaps too short, stroke-dasharray '10' (line 2): 0.0003 long in a drawing 300 wide; a"
        " dash or gap may be no shorter than 1/10,000 of the drawing, or the PDF rounds it to nothing"
    )


@pytest.mark.parametrize("dashes, shortest", [("0.0000001", "1e-07"), ("0.00001", "1e-05"), ("5 0.001", "0.001")])
def test_dashes_too_short_for_the_pdf_are_refused(tmp_path, dashes, shortest):
    assert drawing_problem_of(tmp_path, f"<path d='M0 0 L300 200' stroke='black' stroke-dasharray='{dashes}'/>") == (
        f"strokes with dashes or gaps too short, stroke-dasharray '{dashes}' (line 2): {shortest} long in a drawing"
        " 300 wide; a dash or gap may be no shorter than 1/10,000 of the drawing, or the PDF rounds it to nothing"
    )


@pytest.mark.parametrize(
    "inside",
    [
        f"<defs>{PATTERN.format(0.3)}</defs><rect width='300' height='200' fill='url(#p)'/>",
        "<path d='M0 0 L300 200' stroke='black' stroke-dasharray='0 2' stroke-linecap='round'/>",
        "<path d='M0 0 L300 200' stroke='black' stroke-dasharray='0.03'/>",
    ],
)
def test_patterns_and_dashes_readers_draw_pass(tmp_path, inside):
    assert drawing_problem_of(tmp_path, inside) is None
