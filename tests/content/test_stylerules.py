"""A drawing's style rules are bounded before anything matches them, and hold only what prints as a browser shows it."""

from __future__ import annotations

import pytest

from conftest import apply_edits, drawing_problem_of, main, within

SECONDS = 2  # far below what a drawing may take: the selectors here would be tried for hours, or for ever
GROUPS = "<g>" * 60 + "<rect width='300' height='200'/>" + "</g>" * 60
# The reviewer's drawing: 653 bytes within every bound on size, whose one rule cssselect2 would try 10^16 times.
BACKTRACKING = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200"><style>title '
    + "g " * 25
    + "rect{fill:red}</style>"
    + "<g>" * 60
    + '<rect width="300" height="200"/>'
    + "</g>" * 60
    + "</svg>"
)
COMPLEX = (
    "has a selector too complex to match (line 2): 'title g g g g g g g g g g g g g g g g g g g g g g g g g"
    " rect' has 26 combinators, more than the 8 a selector may have"
)

AT_MOST = (
    "; a drawing's rules may be tried at most 1,000,000 times: write selectors with fewer combinators (spaces,"
    " '~'), or nest fewer groups"
)


@pytest.mark.parametrize(
    "inside, message",
    [
        pytest.param("<style>title " + "g " * 25 + "rect { fill: red }</style>" + GROUPS, COMPLEX, id="descendants"),
        pytest.param(
            "<style>title g g g g g rect { fill: red }</style>" + GROUPS,
            "has style rules that would be tried 99,795,696 times on its 63 elements, nested 61 deep (the"
            f" costliest, line 2: 'title g g g g g rect'){AT_MOST}",
            id="too costly",
        ),
        pytest.param(
            "<style>a ~ b ~ c ~ d ~ rect { fill: red }</style>" + "<rect width='1' height='1'/>" * 2_000,
            "has style rules that would be tried 269,343,686,017,400 times on its 2,002 elements, nested 1 deep"
            f" (the costliest, line 2: 'a ~ b ~ c ~ d ~ rect'){AT_MOST}",
            id="earlier siblings",
        ),
        pytest.param(
            "<style>rect:not(" + ":not(" * 3_000 + "g" + ")" * 3_001 + " { fill: red }</style>" + GROUPS,
            "nests brackets in its style more than 16 deep (line 2)",
            id="negations within negations",
        ),
        pytest.param(
            "<rect width='9' height='9' style='fill: " + "(" * 4_000 + "'/>",
            "nests brackets in its style more than 16 deep (line 2)",
            id="brackets in a style attribute",
        ),
        pytest.param(
            "<style>rect:has(" + "g " * 9 + "rect) { fill: red }</style>" + GROUPS,
            "has a selector too complex to match (line 2): 'rect:has(g g g g g g g g g rect)' has 10 combinators,"
            " more than the 8 a selector may have",
            id="within :has()",
        ),
    ],
)
def test_a_selector_too_costly_to_match_is_refused_before_anything_matches(tmp_path, inside, message):
    assert drawing_problem_of(tmp_path, inside, SECONDS) == message


def test_the_copies_a_use_draws_are_counted_for_they_are_matched_again(tmp_path):
    inside = (
        "<style>g g g rect { fill: red }</style><defs><g id='a'>"
        + "<g>" * 30
        + "<rect width='9' height='9'/>"
        + "</g>" * 30
        + "</g></defs>"
        + "<use href='#a'/>" * 250
    )
    assert drawing_problem_of(tmp_path, inside, SECONDS) == (
        "matches its style rules more than 1,000,000 times (line 2) once the copies its <use> elements draw are"
        " matched anew; write simpler selectors"
    )


def test_ordinary_rules_pass(tmp_path):
    inside = (
        "<style>.land { fill: #a9c79a } #sea path { fill: #1f6f78 } g > rect + rect { stroke: black }"
        " text:not(.quiet) { font-family: 'Bulletin Sans' }</style>"
        + "<g id='sea'>"
        + "<g><path class='land' d='M0 0 L9 9 L0 9 Z'/><rect width='9' height='9'/>"
        "<rect width='9' height='9'/></g>" * 500 + "</g><text y='20'>Şuşa</text>"
    )
    assert drawing_problem_of(tmp_path, inside, SECONDS) is None


@pytest.mark.parametrize(
    "inside, message",
    [
        (
            "<style>rect:foo { fill: red }\nrect { fill: green }</style><rect width='9' height='9'/>",
            "has a style rule whose selector the engine cannot read (line 2): 'rect:foo'; it would leave out "
            "that rule and"
            " every rule after it, which a browser applies",
        ),
        (
            "<style media='print'>rect { fill: red }</style><rect width='9' height='9'/>",
            "has a <style> for media 'print' (line 2), which the print applies everywhere and a browser only there; a"
            " drawing's style is for every medium",
        ),
        (
            "<style>\n@media print { rect { fill: red } }</style><rect width='9' height='9'/>",
            "has an @media rule in its style (line 3), which the print ignores and a browser may apply; a "
            "printed drawing"
            " has one look, with no media queries or animations: write its styles as plain rules",
        ),
        (
            "<style>@keyframes spin { to { fill: red } }</style><rect width='9' height='9'/>",
            "has an @keyframes rule in its style (line 2), which the print ignores and a browser may apply; a printed"
            " drawing has one look, with no media queries or animations: write its styles as plain rules",
        ),
        (
            "<style>g { fill: green;\n rect { fill: red } }</style><g><rect width='9' height='9'/></g>",
            "nests a style rule within another (line 3), which the print ignores and a browser applies; "
            "write each rule on"
            " its own",
        ),
    ],
)
def test_style_a_browser_applies_otherwise_than_the_print_is_refused(tmp_path, inside, message):
    assert drawing_problem_of(tmp_path, inside) == message


@pytest.mark.parametrize("media", ["all", " ALL ", ""])
def test_a_style_for_every_medium_passes(tmp_path, media):
    assert (
        drawing_problem_of(tmp_path, f"<style media='{media}'>rect {{ fill: red }}</style><rect width='9' height='9'/>")
        is None
    )


def test_no_command_hangs_on_the_drawing(minimal_issue, tmp_path, capsys):
    """validate, status, the build and the scheduled run, each as an editor or the timer runs it, on 653 bytes."""
    apply_edits(minimal_issue, [{"file": "images/sketch.svg", "write": BACKTRACKING}])
    issues, message = (
        str(minimal_issue.parent),
        f"2023-H1/issue.yaml:19:19: illustration 'sketch': 'file' "
        f"'images/sketch.svg' {COMPLEX.replace('(line 2)', '(line 1)')}",
    )
    for arguments, statuses in (
        (["validate", str(minimal_issue)], (2,)),
        (["status", str(minimal_issue)], (1, 2)),
        ([str(minimal_issue), "--output", str(tmp_path / "out")], (2,)),
        (["scheduled", "--date", "2023-07-01", "--issues", issues, "--output", str(tmp_path / "scheduled")], (3,)),
    ):
        with within(20):
            status = main(arguments)
        said = capsys.readouterr()
        assert status in statuses, (arguments, said.err)
        assert message in said.out + said.err, arguments
