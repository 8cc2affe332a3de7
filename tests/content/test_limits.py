"""Bounds on texts: what the layout engine would take minutes or hours on is refused at validation, in
seconds, by `validate` and by the build alike; what stays within the bounds is built in time in proportion."""

from __future__ import annotations

import pytest

from bulletin.content.limits import MAX_MARKDOWN, MAX_NESTING, MAX_PARAGRAPH, MAX_TEXT, MAX_WORD, text_problems
from bulletin.content.texts import TextField
from bulletin.language.markdown import markdown_to_html
from bulletin.util.errors import Mark

from conftest import PROJECT, apply_edits, main, within

# Texts that held a build of one edition for a minute (a 20,000-letter title), for hours (200,000 quotation marks,
# which lay out as one word; 40,000 characters of 150-letter words), or several minutes in all (200,000 characters
# of ordinary words, laid out in every edition): each an edit of the English file, and what the refusal says.
HOSTILE = {
    "title-word": ('"First article"', '"' + "a" * 20_000 + '"', "'title': a word of 20,000 characters"),
    "quotation-marks": ('"A short lead."', "'" + '"' * 200_000 + "'", "'lead' is 200,000 characters long"),
    "long-words": (
        "      Second paragraph.\n",
        "      " + ("a" * 150 + " ") * 266 + "\n",
        "'body': a paragraph of 40,165 characters",
    ),
    "ordinary-words": (
        "      Second paragraph.\n",
        ("      " + "Word " * 20 + "\n\n") * 2_000,
        "'body' is 204,017 characters long",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", HOSTILE)
def test_a_text_the_layout_would_take_minutes_on_is_refused_in_seconds(name, minimal_issue, tmp_path, capsys):
    old, new, said = HOSTILE[name]
    apply_edits(minimal_issue, [{"file": "en.yaml", "replace": old, "with": new}])
    output = tmp_path / "out"
    build = [str(minimal_issue), "--lang", "en", "--variant", "screen", "--output", str(output)]
    for command in (["validate", str(minimal_issue)], build):
        with within(10):
            assert main(command) == 2
        assert said in "".join(capsys.readouterr())
    assert not output.exists() or not any(output.rglob("*.pdf"))


def field(value: str, part: str = "title") -> TextField:
    key = ("articles", "first", part) if part != "about" else ("about",)
    return TextField("en", key, "article 'first'", Mark(PROJECT / "en.yaml", 1, 1), value)


@pytest.mark.parametrize(
    "part, value, bound",
    [
        ("title", "a" * MAX_WORD, "a word of"),
        ("title", ("word " * MAX_TEXT)[:MAX_TEXT], "characters long"),
        ("body", ("word " * MAX_PARAGRAPH)[:MAX_PARAGRAPH], "a paragraph of"),
        (
            "about",
            (("word " * MAX_PARAGRAPH)[: MAX_PARAGRAPH - 2] + "\n\n") * (MAX_MARKDOWN // MAX_PARAGRAPH),
            "characters long",
        ),
    ],
)
def test_each_bound_is_the_last_length_allowed(part, value, bound):
    assert text_problems([field(value, part)]) == []
    longer = value.replace("a", "aa", 1) if bound == "a word of" else value + "x"
    assert [bound in problem.message for problem in text_problems([field(longer, part)])] == [True]


def test_a_link_address_is_not_a_printed_word():
    """A long address behind a link's words is not printed, so it is no word of the text; printed, it is one."""
    address = "https://example.az/" + "a" * 200
    assert text_problems([field(f"See [the decree]({address}).", "body")]) == []
    assert len(text_problems([field(f"See {address}.", "body")])) == 1


@pytest.mark.slow
def test_a_paragraph_at_the_bounds_is_built(minimal_issue, tmp_path):
    """A paragraph as long as allowed, of the longest words allowed: the layout of each such word starts from the
    whole rest of its paragraph (one 50,000-character paragraph of 150-letter words held a build for three
    minutes). A whole body of such paragraphs against one of ordinary words is timed by the benchmark (./run
    bench); here it must build, and well within the time limit."""
    paragraph = " ".join(["a" * MAX_WORD] * (MAX_PARAGRAPH // (MAX_WORD + 1)))
    apply_edits(
        minimal_issue, [{"file": "en.yaml", "replace": "      Second paragraph.\n", "with": f"      {paragraph}\n"}]
    )
    output = tmp_path / "out"
    with within(60):
        assert main([str(minimal_issue), "--lang", "en", "--variant", "screen", "--output", str(output), "-q"]) == 0
    assert (output / "2023-H1" / "since-the-victory-2023-H1-en-screen.pdf").is_file()


# Quotes and lists nested `depth` deep, around a paragraph: each kind, and the two in turn on one line.
NESTED = {
    "quotes": lambda depth: "> " * depth + "Deep text.\n",
    "lists": lambda depth: (
        "".join("  " * level + "- Item\n" for level in range(depth - 1)) + "  " * (depth - 1) + "- Deep text.\n"
    ),
    "numbered-lists": lambda depth: (
        "".join("   " * level + "1. Item\n" for level in range(depth - 1)) + "   " * (depth - 1) + "1. Deep text.\n"
    ),
    "lists-and-quotes": lambda depth: "".join(("- ", "> ")[level % 2] for level in range(depth)) + "Deep text.\n",
}


@pytest.mark.parametrize("kind", NESTED)
def test_quotes_and_lists_may_nest_only_a_few_deep_and_are_printed_whole_up_to_it(kind):
    """markdown-it drops, with no word, a paragraph nested past its limit (in 20 quotes, or 10 lists): the
    bound stays far below it, and everything within it is printed."""
    body = "First paragraph.\n\n" + NESTED[kind](MAX_NESTING)
    assert text_problems([field(body, "body")]) == []
    assert "Deep text." in markdown_to_html(body)
    deeper = "First paragraph.\n\n" + NESTED[kind](MAX_NESTING + 1)
    assert [problem.message for problem in text_problems([field(deeper, "body")])] == [
        f"article 'first': 'body': quotes and lists nested {MAX_NESTING + 1} deep (or more); they may nest at most"
        f" {MAX_NESTING} deep, and what is deeper is not printed: take out some '>' or some indentation"
    ]


def test_text_nested_past_markdown_its_limit_is_refused_not_dropped():
    body = "> " * 25 + "DEEPTEXT\n"
    assert "DEEPTEXT" not in markdown_to_html(body)  # what the bound is for
    assert len(text_problems([field(body, "body")])) == 1
