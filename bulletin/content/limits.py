"""Validate stage, text side: bounds on the size of texts, and characters no text may hold.

The layout engine (WeasyPrint 70, with Pango and Pyphen) finds each line of a text by laying
out what is left of it; it lays out only the next stretch when that stretch offers a place to
break a line, but the whole rest of the text, and hyphenates the whole rest of the word, when it
offers none. A long word, or a long paragraph of words too long for its column, thus takes
time that grows with the square of its length: a 20,000-character word in a title held a build
of one edition for a minute, a 60,000-character paragraph of 50-letter words for three. So
validation bounds what the layout is given, each bound many times what the bulletin needs
(in the sample issue, words of up to 24 characters, paragraphs of up to 753, bodies of up to
2,792 and other texts of up to 224):

- a word: at most MAX_WORD characters with no space between them, counted as the bulletin sets
  them, where the typographic pass joins numbers, units and initials with no-break spaces;
- a paragraph of a body or of the text about the bulletin, as printed: at most MAX_PARAGRAPH;
- a body or the text about the bulletin: at most MAX_MARKDOWN; any other text: at most MAX_TEXT;
- quotes and lists in a body or the text about the bulletin: nested at most MAX_NESTING deep.
  markdown-it leaves out, without a word, what is nested past its own limit (a paragraph in 20
  quotes, or in 10 lists), so the bound stays far below it.

Within them an edition builds in time that grows with its text: a 50,000-character body of
5,000-character paragraphs of 100-character words builds sooner than one of ordinary words.
The characters no text may hold are `characters`' to say; each is a problem at its place, and so
is a letter carrying more combining marks than `characters.MAX_MARKS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..language.characters import REFUSED, describe_character, refusal, stacked_marks, too_many_marks
from ..language.markdown import nested_blocks, printed_paragraphs
from ..language.typography import NBSP, plain_text
from ..util.errors import Mark, Problem
from .texts import MARKDOWN_FIELDS, Places, TextField

MAX_WORD = 100  # characters of a word, no-break spaces included
MAX_PARAGRAPH = 5_000  # characters of a paragraph of a Markdown text, as printed
MAX_MARKDOWN = 50_000  # characters of a body, or of the text about the bulletin, as written
MAX_TEXT = 2_000  # characters of any other text
MAX_NESTING = 5  # quotes and lists of a Markdown text in one another
# Where a line may break: the spaces other than the no-break ones (U+00A0, U+2007, U+202F), and the zero-width space.
_WORD = re.compile("[^ \t\n\r\f\v\u1680\u2000-\u2006\u2008-\u200b\u205f\u3000]+")
_JOINED = (NBSP, "\u2007", "\u202f")  # the no-break spaces
_KINDS = {"body": "a body", "about": "the text about the bulletin"}  # what the bounds on Markdown texts are named


def text_problems(fields: Iterable[TextField]) -> list[Problem]:
    """Return, at their places, what in the texts is too long to lay out in bounded time, and the characters
    no text may hold."""
    places, problems = Places(), []
    for field in fields:
        if field.value:
            problems += _size_problems(field, field.value, places) + _character_problems(field, field.value, places)
    return problems


def _size_problems(field: TextField, value: str, places: Places) -> list[Problem]:
    """The bounds a text (`value`, that of `field`) goes beyond: its length, its paragraphs' (in Markdown) and
    its words'."""
    problems = []
    markdown = field.part in MARKDOWN_FIELDS
    limit, kind = (MAX_MARKDOWN, _KINDS[field.part]) if markdown else (MAX_TEXT, "a text other than a body")
    if len(value) > limit:
        problems.append(
            Problem(
                field.mark,
                f"{field.label} is {len(value):,} characters long; {kind} may have at most {limit:,}: shorten it",
            )
        )
    for start, end, printed in printed_paragraphs(value) if markdown else [(0, len(value), value)]:
        if markdown and len(printed) > MAX_PARAGRAPH:
            problems.append(
                Problem(
                    places.mark(field, start),
                    f"{field.label}: a paragraph of {len(printed):,}"
                    f" characters; a paragraph may have at most"
                    f" {MAX_PARAGRAPH:,}: divide it with blank lines",
                )
            )
        word = next(
            (match[0] for match in _WORD.finditer(plain_text(printed, field.language)) if len(match[0]) > MAX_WORD),
            None,
        )
        if word is not None:
            problems.append(
                Problem(places.mark(field, _written_at(value, start, end, word)), _word_message(field, word))
            )
    deep = (
        next(((start, depth) for start, depth in nested_blocks(value) if depth > MAX_NESTING), None)
        if markdown
        else None
    )
    if deep is not None:
        problems.append(
            Problem(
                places.mark(field, deep[0]),
                f"{field.label}: quotes and lists nested {deep[1]} deep"
                f" (or more); they may nest at most {MAX_NESTING} deep,"
                " and what is deeper is not printed: take out some '>'"
                " or some indentation",
            )
        )
    return problems


def _word_message(field: TextField, word: str) -> str:
    joined = any(space in word for space in _JOINED)
    return (
        f"{field.label}: a word of {len(word):,} characters (“{word[:20]}…”); a line breaks only between"
        f" words, and a word may have at most {MAX_WORD} characters"
        + (", counting the no-break spaces that join numbers, units and initials" if joined else "")
        + ": put spaces in it, or shorten it"
    )


def _written_at(value: str, start: int, end: int, word: str) -> int:
    """Where in value[start:end] `word`, as the typographic pass set it, is written: found by its first
    characters, or by its first letters and digits, which the pass leaves alone; else `start`."""
    letters = re.match(r"\w{0,20}", word)  # always matches, if only an empty string
    for probe in (word[:20], letters[0] if letters else ""):
        index = value.find(probe, start, end) if probe else -1
        if index >= 0:
            return index
    return start


def _character_problems(field: TextField, value: str, places: Places) -> list[Problem]:
    """A problem for each character no text (`value`, that of `field`) may hold, and for a letter with too many
    marks, once per line."""
    found: dict[tuple[str, int], Mark] = {}
    for match in REFUSED.finditer(value):
        mark = places.mark(field, match.start())
        found.setdefault((match[0], mark.line), mark)
    stacked: dict[int, Problem] = {}
    for index, count in stacked_marks(value):
        mark = places.mark(field, index)
        stacked.setdefault(mark.line, Problem(mark, f"{field.label}: {too_many_marks(value, index, count)}"))
    return [
        Problem(mark, f"{field.label}: character {describe_character(char)} {refusal(char)}")
        for (char, _line), mark in found.items()
    ] + list(stacked.values())
