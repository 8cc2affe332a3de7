"""Characters no text may hold: refused at their place, once, by `validate` and the build alike."""

from __future__ import annotations

import pytest
import yaml

from bulletin.characters import describe_character, refusal
from bulletin.cli import main

from conftest import apply_edits, load_case


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x85", "\ud800", "\udfff", "\ufdd0", "\uffff",
                                  "\U0010fffe", "\u202a", "\u202e", "\u2066", "\u2069", "\u2028", "\u2029", "\ufeff",
                                  "\U000e0001", "\U000e0041", "\ufff9"])
def test_characters_that_print_wrongly_or_hide_text_are_refused(char):
    assert refusal(char)


@pytest.mark.parametrize("char", ["\t", "\n", "\r", " ", "\u00a0", "\u00ad", "\u200b", "\u200c", "\u200d", "\u200e",
                                  "\u200f", "\u2060", "ə", "\ufffd", "\U0001f600"])
def test_characters_with_a_use_in_running_text_are_allowed(char):
    """Tabs and line breaks, spaces, the soft hyphen, zero-width space and joiners, direction marks, the word
    joiner; letters; the replacement character and emoji, which are the glyph check's to judge."""
    assert refusal(char) is None


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
    monkeypatch.setattr("bulletin.content._LOADER", yaml.SafeLoader)
    monkeypatch.setattr("bulletin.coverage._LOADER", yaml.SafeLoader)
    apply_edits(minimal_issue, load_case("lone-surrogate")["edits"])
    monkeypatch.chdir(minimal_issue.parent)
    message = ("2023-H1/en.yaml:28:17: event 'second-event': character '\\ud83d' (U+D83D <surrogate-D83D>) is half"
               " of a character (a surrogate written as a \\u escape), no character on its own; write the character"
               " itself, or its \\U escape with eight digits")
    assert main(["validate", "2023-H1"]) == 2
    assert capsys.readouterr().out.splitlines() == [message]
    assert main(["2023-H1", "--output", "out"]) == 2
    assert capsys.readouterr().err.splitlines()[0] == message
