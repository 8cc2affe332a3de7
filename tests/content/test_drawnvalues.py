"""A drawing's values are ones the PDF can hold and that a browser and the print read alike: finite numbers of a
sane size, colours, transforms that keep a size, viewBoxes with one."""

from __future__ import annotations

import pytest

from bulletin.content.drawings.checks import drawing_problem

from conftest import drawing_problem_of

SHAPE = "<rect width='300' height='200'/>"  # so that every drawing here draws something
TOO_LARGE = "a number larger than the 10,000,000 a drawing may use; draw it smaller and scale it with a transform"
NOT_A_COLOUR = "which is not a colour: a browser leaves it out, and the print paints black; write a colour"


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            "<rect width='100' height='100' transform='rotate(NaN)'/>",
            "has transform 'rotate(NaN)' (line 2), which holds 'NaN', not a number; write a finite number",
        ),
        ("<circle r='inf'/>", "has r 'inf' (line 2), which holds 'inf', not a number; write a finite number"),
        (
            "<circle r='-Infinity'/>",
            "has r '-Infinity' (line 2), which holds '-Infinity', not a number; write a finite number",
        ),
        (
            "<rect width='9' height='9' stroke-width='infpx'/>",
            "has stroke-width 'infpx' (line 2), which holds 'infpx', not a number; write a finite number",
        ),
        (
            "<rect width='9' height='9' style='stroke-width: nan'/>",
            "has stroke-width 'nan' (line 2), which holds 'nan', not a number; write a finite number",
        ),
        (
            "<rect width='100' height='100' stroke='red' stroke-width='1e300'/>",
            f"has stroke-width '1e300' (line 2), which holds '1e300', {TOO_LARGE}",
        ),
        ("<rect width='1e999' height='9'/>", f"has width '1e999' (line 2), which holds '1e999', {TOO_LARGE}"),
        ("<path d='M0 0 L-20000000 5'/>", f"has d 'M0 0 L-20000000 5' (line 2), which holds '-20000000', {TOO_LARGE}"),
        (
            "<text font='1e300px Bulletin Sans'>Hi</text>",
            f"has font '1e300px Bulletin Sans' (line 2), which holds '1e300', {TOO_LARGE}",
        ),
        (
            "<style>\nrect { stroke-width: 1e12 }</style>",
            f"has stroke-width '1e12' (line 3), which holds '1e12', {TOO_LARGE}",
        ),
    ],
)
def test_a_number_the_pdf_cannot_hold_is_refused_at_its_line(tmp_path, inside, message):
    assert drawing_problem_of(tmp_path, SHAPE + inside) == message


@pytest.mark.parametrize(
    "view_box, message",
    [
        ("0 0 1e308 1e308", f"has viewBox '0 0 1e308 1e308' (line 1), which holds '1e308', {TOO_LARGE}"),
        (
            "0 0 0 200",
            "has a viewBox of no size, '0 0 0 200' (line 1): a browser shows nothing, and the print shows it"
            " otherwise; give it a positive width and height",
        ),
        (
            "0 0 300 -200",
            "has a viewBox of no size, '0 0 300 -200' (line 1): a browser shows nothing, and the print shows"
            " it otherwise; give it a positive width and height",
        ),
        ("0 0 300", "has a viewBox '0 0 300' (line 1) that is not four numbers: x, y, width and height"),
    ],
)
def test_a_viewbox_without_a_size_is_refused(tmp_path, view_box, message):
    path = tmp_path / "drawing.svg"
    path.write_text(f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='{view_box}'>{SHAPE}</svg>", encoding="utf-8")
    assert drawing_problem(path) == message


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            "<rect width='300' height='200' fill='#a9c79a' style='fill:#a9c79'/>",
            f"has fill '#a9c79' (line 2), {NOT_A_COLOUR}, such as '#4f8a3c' or 'green'",
        ),
        (
            "<rect width='300' height='200' stroke='reed'/>",
            f"has stroke 'reed' (line 2), {NOT_A_COLOUR}, such as '#4f8a3c' or 'green'",
        ),
        (
            "<rect width='300' height='200' fill='url(#g) #12345'/>",
            f"has fill 'url(#g) #12345' (line 2), {NOT_A_COLOUR}, such as '#4f8a3c' or 'green'",
        ),
        (
            "<rect width='300' height='200' fill='currentcolor'/>",
            f"has fill 'currentcolor' (line 2), {NOT_A_COLOUR}; write it currentColor",
        ),
        ("<rect width='300' height='200' fill='None'/>", f"has fill 'None' (line 2), {NOT_A_COLOUR}; write it none"),
        (
            "<style>\n.a { stop-color: rgb(1e300, 0, 0) }</style>",
            "has stop-color 'rgb(1e300, 0, 0)' (line 3), a colour whose numbers are out of every range",
        ),
    ],
)
def test_a_colour_a_browser_would_leave_out_is_refused(tmp_path, inside, message):
    assert drawing_problem_of(tmp_path, inside + SHAPE) == message


@pytest.mark.parametrize(
    "value",
    [
        "#a9c79a",
        "#abc",
        "green",
        "GREEN",
        "rgb(10 20 30 / 50%)",
        "hsl(120, 50%, 50%)",
        "none",
        "currentColor",
        "url(#g)",
        "url(#g) none",
        "url(#g) red",
        "transparent",
    ],
)
def test_colours_both_read_pass(tmp_path, value):
    assert (
        drawing_problem_of(
            tmp_path, f"<linearGradient id='g'/><rect width='300' height='200' stroke='red' fill='{value}'/>"
        )
        is None
    )


@pytest.mark.parametrize(
    "transform, message",
    [
        (
            "scale(0)",
            "has a transform that flattens what it draws, 'scale(0)' (line 2): a browser shows nothing of it, and"
            " the print draws it at full size; remove the element, or the transform",
        ),
        (
            "matrix(1 2 2 4 0 0)",
            "has a transform that flattens what it draws, 'matrix(1 2 2 4 0 0)' (line 2): a browser"
            " shows nothing of it, and the print draws it at full size; remove the element, or the"
            " transform",
        ),
        (
            "scale(2) foo(3)",
            "has a transform that cannot be read, 'scale(2) foo(3)' (line 2): a browser ignores all of it"
            " and the print applies a part; write it with matrix(), translate(), scale(), rotate(), skewX()"
            " and skewY()",
        ),
        (
            "translate(1 2 3)",
            "has a transform that cannot be read, 'translate(1 2 3)' (line 2): a browser ignores all of"
            " it and the print applies a part; write it with matrix(), translate(), scale(), rotate(),"
            " skewX() and skewY()",
        ),
    ],
)
def test_a_transform_read_otherwise_by_a_browser_is_refused(tmp_path, transform, message):
    assert drawing_problem_of(tmp_path, f"<rect width='300' height='200' transform='{transform}'/>{SHAPE}") == message


@pytest.mark.parametrize(
    "transform",
    [
        "translate(10, 20) scale(.5)",
        "rotate(30 150 100)",
        "skewX(10)",
        "matrix(1,0,0,-1,0,200)",
        "scale(2)translate(-5-5)",
    ],
)
def test_ordinary_transforms_pass(tmp_path, transform):
    inside = f"<g transform='{transform}'><rect x='10' y='10' width='90' height='90'/></g>"
    assert drawing_problem_of(tmp_path, inside) is None


def test_a_negative_radius_is_refused(tmp_path):
    assert drawing_problem_of(tmp_path, f"<circle cx='50' cy='50' r='-20'/>{SHAPE}") == (
        "has a negative r, '-20' (line 2), which a browser does not draw and the print does; write a positive one"
    )


def test_names_and_metadata_are_not_read_as_numbers(tmp_path):
    inside = (
        "<g id='infobox' class='nan-1e999' data-n='inf' aria-label='Infinity' name='nancy'"
        " xmlns:x='urn:x' x:scale='1e999' pagecolor='#1e9999' cursor='url(#inf1e999)'>"
        "<rect width='300' height='200' fill='url(#info)'/></g>"
        "<linearGradient id='info'/><text x='10' y='30' font-family='Bulletin Sans'>inf 1e999</text>"
    )
    assert drawing_problem_of(tmp_path, inside) is None
