"""Drawings (SVG) are checked before anything is rendered: within bounds that keep WeasyPrint's time short,
referring to nothing but their own parts in any spelling CSS allows, holding only what prints as drawn,
their text in the bulletin's fonts."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bulletin.content.drawings.checks import drawing_problem
from bulletin.content.pictures import picture_problem
from bulletin.workflow.cli import main

from conftest import PROJECT, SAMPLE, apply_edits, page_texts, pdf_fonts, within

SVG = "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>\n{}</svg>"
SHAPE = "<rect width='10' height='10'/>"
SECONDS = 3  # a check's time limit in these tests; the drawings here keep WeasyPrint busy for minutes, or for ever


def problem(tmp_path, inside: str) -> str | None:
    """What is wrong with a drawing made of `inside`, found within the time limit."""
    path = tmp_path / "drawing.svg"
    path.write_text(SVG.format(inside), encoding="utf-8")
    with within(SECONDS):
        return drawing_problem(path)


def nested_uses(levels: int, each: int = 10) -> str:
    """Groups that each draw the one before `each` times: each**levels rectangles from a few hundred bytes."""
    groups = "".join(
        f"<g id='a{level}'>" + f"<use href='#a{level - 1}'/>" * each + "</g>" for level in range(1, levels + 1)
    )
    return f"<defs><rect id='a0' width='1' height='1'/>{groups}</defs>\n<use href='#a{levels}'/>"


def nested(kind: str, levels: int) -> str:
    """Patterns or markers that each draw the one before twenty times."""
    if kind == "pattern":
        parts = "".join(
            f"<pattern id='p{level}' width='20' height='1' patternUnits='userSpaceOnUse'>"
            + "".join(f"<rect x='{x}' width='1' height='1' fill='url(#p{level - 1})'/>" for x in range(20))
            + "</pattern>"
            for level in range(1, levels + 1)
        )
        return (
            f"<defs><pattern id='p0' width='1' height='1' patternUnits='userSpaceOnUse'>{SHAPE}</pattern>"
            f"{parts}</defs>\n"
            f"<rect width='20' height='20' fill='url(#p{levels})'/>"
        )
    path = "M0 0" + " L1 1" * 20
    parts = "".join(
        f"<marker id='m{level}'><path d='{path}' marker-mid='url(#m{level - 1})'/></marker>"
        for level in range(1, levels + 1)
    )
    return f"<defs><marker id='m0'>{SHAPE}</marker>{parts}</defs>\n<path d='{path}' marker-mid='url(#m{levels})'/>"


ENDLESS = "; a part may not refer to itself, directly or through others"
TOO_MUCH = (
    " once its <use> elements, patterns, markers, masks and clipping paths are expanded, each letter of text"
    " counting as one"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "inside, message",
    [
        pytest.param(nested_uses(9), f"draws more than 10,000 elements (line 3){TOO_MUCH}", id="a billion uses"),
        pytest.param("<use id='a' href='#a'/>", f"draws '#a' within itself (line 2){ENDLESS}", id="a use of itself"),
        pytest.param(
            "<use id='a' xlink:href='#b'/>\n<use id='b' xlink:href='#a'/>",
            f"draws '#a' within itself (line 3){ENDLESS}",
            id="uses of each other",
        ),
        pytest.param(
            f"<g id='g'>{SHAPE}\n<use x='5' href='#g'/></g>",
            f"draws '#g' within itself (line 3){ENDLESS}",
            id="a use of its group",
        ),
        pytest.param(
            "<defs><symbol id='s'><use href='#s'/></symbol></defs><use href='#s'/>",
            f"draws '#s' within itself (line 2){ENDLESS}",
            id="a symbol using itself",
        ),
        pytest.param(
            nested("pattern", 4), f"draws more than 10,000 elements (line 3){TOO_MUCH}", id="patterns of patterns"
        ),
        pytest.param(
            "<defs><pattern id='p' width='5' height='5'>\n<rect width='5' height='5' fill='url(#p)'/></pattern>"
            "</defs><rect width='9' height='9' fill='url(#p)'/>",
            f"draws '#p' within itself (line 3){ENDLESS}",
            id="a pattern filled with itself",
        ),
        pytest.param(
            nested("marker", 4),
            "draws more than 10,000 elements (line 2) once its markers are drawn at every vertex",
            id="markers on markers",
        ),
        pytest.param(
            "<defs><marker id='m'><path d='M0 0 L5 5 L0 5' marker-mid='url(#m)'/></marker></defs>\n"
            "<path d='M0 0 L9 9 L0 9' marker-mid='url(#m)'/>",
            f"draws '#m' within itself (line 2){ENDLESS}",
            id="a marker on its own path",
        ),
        pytest.param(
            "<defs><mask id='k'><rect width='9' height='9' mask='url(#k)'/></mask></defs>\n"
            "<rect width='9' height='9' mask='url(#k)'/>",
            f"draws '#k' within itself (line 2){ENDLESS}",
            id="a mask of itself",
        ),
        pytest.param(
            "<defs><clipPath id='c'><rect width='9' height='9' clip-path='url(#c)'/></clipPath></defs>\n"
            "<rect width='9' height='9' clip-path='url(#c)'/>",
            f"draws '#c' within itself (line 2){ENDLESS}",
            id="a clipping path of itself",
        ),
        pytest.param(
            "<g>" * 101 + SHAPE + "</g>" * 101,
            "nests elements more than 100 deep (line 2) once its references are expanded",
            id="groups 101 deep",
        ),
        pytest.param(
            "<g>" * 300 + SHAPE + "</g>" * 300, "nests elements more than 100 deep (line 2)", id="groups 300 deep"
        ),
        pytest.param(SHAPE * 10_001, "has 10,002 elements, more than the 10,000 a drawing may have", id="elements"),
        pytest.param(
            "<path d='M0 0" + " L1 2" * 20_000 + "'/>",
            "has a 'd' of 100,004 characters (line 2), more than the 100,000 it may have",
            id="path data",
        ),
        pytest.param(
            "<polyline points='" + "1 2 " * 25_001 + "'/>",
            "has a 'points' of 100,004 characters (line 2), more than the 100,000 it may have",
            id="points",
        ),
        pytest.param(
            "<text x='" + "1 " * 5_001 + "'>a</text>",
            "has a 'x' of 10,002 characters (line 2), more than the 10,000 it may have",
            id="coordinates of text",
        ),
        pytest.param(
            f"<rect transform='{'a(' * 5_001}'/>",
            "has a 'transform' of 10,002 characters (line 2), more than the 10,000 it may have",
            id="transform",
        ),
        pytest.param(
            "<style>" + "rect:not(.x) { fill: red }\n" * 501 + "</style>" + SHAPE,
            "has 501 selectors in its style rules, more than the 500 a drawing may have",
            id="style rules",
        ),
        pytest.param(
            "<defs>"
            + "".join(f"<linearGradient id='g{n}'/>" for n in range(400))
            + "</defs>"
            + "".join(f"<rect width='1' height='1' fill='url(#g{n % 400})'/>" for n in range(9_000)),
            "looks up its parts by id 400 times, counting each time a pattern is drawn; a drawing of 9,402"
            " elements may look up at most 319 (each look-up searches the whole drawing)",
            id="look-ups",
        ),
        pytest.param(
            "<linearGradient id='g' spreadMethod='repeat' x2='0.0001'/><rect fill='url(#g)'/>",
            "has a gradient that repeats (spreadMethod 'repeat', line 2), which the engine draws in a time no"
            " bound limits; use spreadMethod 'pad'",
            id="a repeating gradient",
        ),
    ],
)
def test_a_drawing_that_would_keep_weasyprint_busy_is_refused_at_once(tmp_path, inside, message):
    assert problem(tmp_path, inside) == message


def test_a_drawing_too_large_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "drawing.svg"
    path.write_text(SVG.format("<!--" + "x" * 2_000_000 + "-->"), encoding="utf-8")
    with within(SECONDS):
        assert drawing_problem(path) == "is more than 2 MB, the most a drawing may be"


def test_a_drawing_just_within_every_bound_passes(tmp_path):
    inside = "<g>" * 98 + SHAPE + "</g>" * 98 + nested_uses(3, 9) + "<path d='M0 0" + " L1 2" * 19_000 + "'/>"
    assert problem(tmp_path, inside) is None


def test_the_sample_drawings_pass():
    for path in sorted((SAMPLE / "images").glob("*.svg")):
        assert picture_problem(path) is None, path.name


@pytest.mark.parametrize(
    "inside, reference",
    [
        ("<image xlink:href='file:///etc/passwd'/>", "file:///etc/passwd"),
        ("<image href='../../../etc/passwd'/>", "../../../etc/passwd"),
        ("<use href='other.svg#part'/>", "other.svg#part"),
        ("<use href=' data:image/svg+xml,&lt;svg/&gt;'/>", "data:image/svg+xml,<svg/>"),
        ("<rect fill=\"url('/etc/shapes.svg#a')\"/>", "/etc/shapes.svg#a"),
        ("<rect filter='url(x.svg#f)'/>", "x.svg#f"),
        ("<rect mask='URL(x.svg#m)'/>", "x.svg#m"),
        ("<rect clip-path='url( \"x.svg#c\" )'/>", "x.svg#c"),
        ("<path d='M0 0' marker-end='url(x.svg#m)'/>", "x.svg#m"),
        ("<rect style='fill: u\\72l(pattern.svg#p)'/>", "pattern.svg#p"),
        ("<rect style='stroke:url(/**/x.svg)'/>", "/**/x.svg"),
        ("<style>@import 'https://example.org/a.css';</style>", "https://example.org/a.css"),
        ('<style>@import"a.css";</style>', "a.css"),
        ("<style>@import url(a.css);</style>", "a.css"),
        ("<style>@\\69mport 'a.css';</style>", "a.css"),
        ("<style>@IMPORT 'a.css' screen;</style>", "a.css"),
        ("<style>rect { fill: u\\72l('b.svg#p') }</style>", "b.svg#p"),
        ('<style>rect { fill: src("b.svg#p") }</style>', "b.svg#p"),
        ("<style><![CDATA[rect { fill: url(b.svg#p) }]]></style>", "b.svg#p"),
    ],
)
def test_a_drawing_that_refers_to_another_file_is_refused_however_css_spells_it(tmp_path, inside, reference):
    assert problem(tmp_path, inside) == f"refers to {reference!r} (line 2); a drawing may refer only to its own parts"


def test_a_reference_is_placed_at_its_line_in_a_style_element(tmp_path):
    assert (
        problem(tmp_path, f"{SHAPE}\n<style>\nrect {{ fill: red }}\n\n@import 'a.css';\n</style>")
        == "refers to 'a.css' (line 6); a drawing may refer only to its own parts"
    )


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            "<rect fill='url(/**/\"x\")'/>",
            "has a url() that CSS cannot read (line 2); a drawing may refer only to its own parts, as url(#id)",
        ),
        (
            "<rect fill=\"url('#a&quot;b')\"/>",
            "refers to '#a\"b' (line 2), a name with a double quote, which cannot be looked up",
        ),
    ],
)
def test_a_reference_that_cannot_be_read_or_looked_up_is_refused(tmp_path, inside, message):
    assert problem(tmp_path, inside) == message


def test_a_drawing_may_refer_to_its_own_parts(tmp_path):
    inside = (
        "<defs><linearGradient id='g'/><rect id='r' width='1' height='1'/></defs>"
        "<rect fill='url(#g)'/><rect style=\"fill: url('#g')\"/><use xlink:href='#r'/><use href=' #r'/>"
    )
    assert problem(tmp_path, inside) is None


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            "<image href='#r'/>",
            "places a picture (<image>), which is not checked or prepared for print like the issue's"
            " photographs; place it in the issue as a photograph (line 2)",
        ),
        (
            "<x:image xmlns:x='urn:x'/>",
            "places a picture (<image>), which is not checked or prepared for print like the"
            " issue's photographs; place it in the issue as a photograph (line 2)",
        ),
        (
            "<foreignObject><p xmlns='http://www.w3.org/1999/xhtml'>Hi</p></foreignObject>",
            "holds foreign content (<foreignObject>), which is not printed (line 2)",
        ),
        (
            "<script>alert(1)</script>",
            "holds a script (<script>); a drawing is printed as it is and may hold none (line 2)",
        ),
        ("<switch><g/></switch>", "holds a <switch>, whose every branch would be printed at once (line 2)"),
        (
            "<text font-family='Bulletin Sans'><textPath href='#p'>Hi</textPath></text>",
            "sets text along a path (<textPath>), which would be printed on a straight line; convert that "
            "text to outlines"
            " (line 2)",
        ),
        (
            "<filter id='f'><feGaussianBlur stdDeviation='2'/></filter>",
            "applies a filter effect that would be left out of print (<feGaussianBlur>, line 2); remove it "
            "or draw what it"
            " does",
        ),
        (
            "<style>@font-face { font-family: X; src: local(Arial) }</style>",
            "declares a font (@font-face, line 2); text in a drawing may use only the bulletin's fonts, "
            "'Bulletin Serif' and"
            " 'Bulletin Sans'",
        ),
        ("", "draws nothing: it has no shape or text that is drawn; replace it with the drawing meant"),
        (
            f"<defs>{SHAPE}</defs><rect display='none'/>",
            "draws nothing: it has no shape or text that is drawn; replace it with the drawing meant",
        ),
    ],
)
def test_what_would_not_print_as_drawn_is_refused(tmp_path, inside, message):
    assert problem(tmp_path, inside) == message


FONTS = "text in a drawing may use only the bulletin's fonts, 'Bulletin Serif' and 'Bulletin Sans'"


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            "<text>Hi</text>",
            "has text in no font-family (line 2), which would be set in the system's font; set"
            " font-family to 'Bulletin Serif' or 'Bulletin Sans'",
        ),
        ("<text font-family='Arial'>Hi</text>", f"sets text in 'Arial' (line 2); {FONTS}"),
        ("<text font-family='Arial, Bulletin Sans'>Hi</text>", f"sets text in 'Arial' (line 2); {FONTS}"),
        ("<text font-family=\" 'Bulletin Sans'\">Hi</text>", f'sets text in "\'Bulletin Sans" (line 2); {FONTS}'),
        ("<text font='12px Arial' font-family='Bulletin Sans'>Hi</text>", f"sets text in 'Arial' (line 2); {FONTS}"),
        (
            "<style>.label { font-family: Arial }</style>\n<text class='label' font-family='Bulletin Sans'>Hi</text>",
            f"sets text in 'Arial' (line 3); {FONTS}",
        ),
        (
            "<g font-family='Bulletin Serif'><text>Hi <tspan>there</tspan>\n😀</text></g>",
            "has a character the bulletin's fonts cannot show in its text (line 3): '😀' (U+1F600 GRINNING "
            "FACE); replace"
            " it or remove it",
        ),
        (
            "<text style='font-family: \"Bulletin Sans\"'>✓</text>",
            "has a character the bulletin's fonts cannot show in"
            " its text (line 2): '✓' (U+2713 CHECK MARK); replace"
            " it or remove it",
        ),
    ],
)
def test_text_in_another_font_or_with_a_character_the_fonts_lack_is_refused(tmp_path, inside, message):
    assert problem(tmp_path, inside) == message


@pytest.mark.parametrize(
    "inside",
    [
        "<text font-family='Bulletin Sans'>Şuşa, 1992–2022</text>",
        "<text font-family='Bulletin Sans, sans-serif'>Hi</text>",
        "<text font=\"12px 'Bulletin Serif'\">Hi</text>",
        "<style>text { font-family: 'Bulletin Sans' }</style><text>Hi</text>",
        "<g font-family='Bulletin Serif'><text>Hi<tspan font-weight='bold'>!</tspan></text></g>",
        "<text font-family='Arial' display='none'>Hi</text>" + SHAPE,
        "<text font-family='bulletin serif'>Hi</text>",  # font names are matched without regard to case
        "<text font-family=\"'BULLETIN SANS', serif\">Hi</text>",
        '<style>text { font-family: "bulletin Sans" }</style><text>Hi</text>',
    ],
)
def test_text_in_the_bulletins_fonts_passes(tmp_path, inside):
    assert problem(tmp_path, inside) is None


@pytest.mark.slow
def test_a_family_named_in_another_case_prints_in_the_bulletins_font(minimal_issue, tmp_path):
    apply_edits(
        minimal_issue,
        [
            {
                "file": "images/sketch.svg",
                "write": SVG.format(
                    "<rect width='300' height='200' fill='#f7f2e7'/><text x='20' y='40' "
                    "font-family='bulletin serif'>Şuşa</text>"
                    "<text x='20' y='80' font-family=\"'BULLETIN SANS'\">Xankəndi</text>"
                ),
            }
        ],
    )
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--variant", "screen", "-q"]) == 0
    pdf = next(output.rglob("*-en-screen.pdf"))
    assert all(font["name"].split("+")[-1].startswith("Bulletin-") for font in pdf_fonts(pdf))
    assert any("Şuşa" in text and "Xankəndi" in text for text in page_texts(pdf))


@pytest.mark.slow
def test_a_hostile_drawing_in_an_issue_stops_the_build_within_seconds(minimal_issue, tmp_path):
    """The build's own check, run as an editor runs it: WeasyPrint would draw this for hours."""
    apply_edits(minimal_issue, [{"file": "images/sketch.svg", "write": SVG.format(nested_uses(9))}])
    output = tmp_path / "output"
    result = subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), str(minimal_issue), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=minimal_issue.parent,
    )
    assert result.returncode == 2
    assert (
        "2023-H1/issue.yaml:19:19: illustration 'sketch': 'file' 'images/sketch.svg' draws more than 10,000"
        f" elements (line 3){TOO_MUCH}"
    ) in result.stderr
    assert not list(output.rglob("*.pdf"))
