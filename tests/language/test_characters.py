"""Characters no text may hold: refused at their place, once, by `validate` and the build alike."""

from __future__ import annotations

import unicodedata

import pytest
import yaml

from bulletin.language.characters import describe_character, refusal, stacked_marks
from bulletin.workflow.cli import main

from conftest import apply_edits, load_case, within


@pytest.mark.parametrize(
    "char",
    [
        "\x00",
        "\x1b",
        "\x7f",
        "\x85",
        "\ud800",
        "\udfff",
        "\ufdd0",
        "\uffff",
        "\U0010fffe",
        "\u202a",
        "\u202e",
        "\u2066",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
        "\u2028",
        "\u2029",
        "\ufeff",
        "\U000e0001",
        "\U000e0041",
        "\ufff9",
        "\u200d",
        "\ufe0f",
        "\ufffc",
        "\ufffd",
    ],
)
def test_characters_that_print_wrongly_or_hide_text_are_refused(char):
    """The direction marks among the controls of writing direction; the joiner and selector that ask for emoji;
    the stand-ins for an object or a character a conversion lost."""
    assert refusal(char)


@pytest.mark.parametrize(
    "char", ["\t", "\n", "\r", " ", "\u00a0", "\u00ad", "\u200b", "\u200c", "\u2060", "\ufe0e", "ə", "\U0001f600"]
)
def test_characters_with_a_use_in_running_text_are_allowed(char):
    """Tabs and line breaks, spaces, the soft hyphen, zero-width space and non-joiner, the word joiner, the text
    presentation selector; letters; emoji, which are the glyph check's to judge."""
    assert refusal(char) is None


def test_a_letter_may_carry_a_few_combining_marks_and_no_more():
    vietnamese = unicodedata.normalize("NFD", "Việt")  # e with two marks
    assert list(stacked_marks(vietnamese + " a\u0300\u0301\u0302\u0303 ok")) == []
    zalgo = "Za" + "\u0300\u0301\u0302\u0303\u0304\u0305" * 5 + "lgo, " + "\u0316" * 9 + " and ©" + "\u0301" * 5
    assert list(stacked_marks(zalgo)) == [(1, 30), (36, 9), (51, 5)]  # marks after a space are on the space


def test_a_text_of_punctuation_is_looked_through_in_time_in_proportion_to_its_length():
    with within(5):
        assert list(stacked_marks("!" * 1_000_000 + "a" + "\u0301" * 5)) == [(1_000_000, 5)]


def test_a_noncharacter_is_named_as_one():
    assert describe_character("\ufdd0") == "'\\ufdd0' (U+FDD0 <noncharacter-FDD0>)"
    assert describe_character("\U0001fffe") == "'\\U0001fffe' (U+1FFFE <noncharacter-1FFFE>)"


def test_validate_names_a_refused_character_once_as_the_build_does(minimal_issue, tmp_path, monkeypatch, capsys):
    """The glyph check leaves alone what no text may hold, so that `validate` lists the build's one message."""
    case = load_case("null-character")
    apply_edits(minimal_issue, case["edits"])
    monkeypatch.chdir(minimal_issue.parent)
    assert main(["validate", "2023-H1"]) == 2
    assert capsys.readouterr().out.splitlines() == case["expected"]


def test_a_lone_surrogate_read_without_libyaml_is_refused_at_its_text(minimal_issue, monkeypatch, capsys):
    """libyaml refuses a \\u escape of a surrogate as a syntax error; PyYAML's own reader, used where PyYAML was
    built without it, reads it into the text, where it is refused too (and never reaches a hash or the PDF)."""
    monkeypatch.setattr("bulletin.content.loading.LOADER", yaml.SafeLoader)
    monkeypatch.setattr("bulletin.content.coverage.LOADER", yaml.SafeLoader)
    apply_edits(minimal_issue, load_case("lone-surrogate")["edits"])
    monkeypatch.chdir(minimal_issue.parent)
    message = (
        "2023-H1/en.yaml:28:17: event 'second-event': character '\\ud83d' (U+D83D <surrogate-D83D>) is half"
        " of a character (a surrogate written as a \\u escape), no character on its own; write the character"
        " itself, or its \\U escape with eight digits"
    )
    assert main(["validate", "2023-H1"]) == 2
    assert capsys.readouterr().out.splitlines() == [message]
    assert main(["2023-H1", "--output", "out"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == message
