"""Which characters a text of the bulletin may hold, and how to name a character to an editor.

YAML refuses control characters typed into a file, but its escapes ("\\0", "\\x1b", "\\ud800") write
any code point into a double-quoted text, and some characters YAML allows print wrongly or not
at all. A text may not hold:

- control characters other than tab and line breaks (the null character among them), which print
  as nothing or as a box, and end a text early for many programs;
- lone surrogates, halves of a character written as a \\u escape, which are no character at all
  and cannot be written to a PDF;
- noncharacters, which Unicode keeps for programs' own use and no font draws;
- the controls of writing direction: those that embed, override or isolate (U+202A to U+202E,
  U+2066 to U+2069), and the marks (left-to-right, right-to-left, Arabic letter mark): invisible,
  they can show words in another order than they read, and the bulletin's four languages are
  all written left to right;
- the line and paragraph separators (U+2028, U+2029), which break a line where neither the
  Markdown nor the layout expects one;
- the byte order mark (U+FEFF) inside a text, an invisible leftover of a copied file;
- characters that hide text: the tag characters (U+E0000 to U+E007F) and the interlinear
  annotation controls (U+FFF9 to U+FFFB);
- what asks for an emoji: the zero-width joiner (U+200D), which joins characters into one, and
  the emoji presentation selector (U+FE0F); the fonts have no emoji, and the layout fetches one
  from another font (©️ is drawn so), which the printed file may not hold. The four languages
  have no other use for them;
- the stand-ins for what a conversion could not carry over: the object replacement character
  (U+FFFC, printed as a box reading OBJ) and the replacement character (U+FFFD, a character
  an earlier conversion could not read, printed as �).

A letter may carry at most MAX_MARKS combining marks (Vietnamese needs two): more are drawn over
the lines above and below (the trick of "Zalgo" text), and `stacked_marks` finds them.

Other invisible characters that have a use in running text (the soft hyphen, the zero-width space
and non-joiner, the word joiner) are allowed. Characters that the fonts lack are `coverage`'s to
report; those refused here it leaves alone, so that each is named once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

MAX_MARKS = 4  # combining marks one letter may carry
# Names of code points that have none, as Unicode labels them.
_LABELS = {"Cc": "control", "Co": "private-use", "Cs": "surrogate"}

# Each kind of refused character: the code points, and what the message says of them after the character.
_REFUSED = (
    (
        "\x00",
        "is the null character, which ends a text for many programs; remove it (a \\0 or \\x00 escape in"
        " double quotes writes it)",
    ),
    ("\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f", "is a control character, which prints as nothing or as a box; remove it"),
    (
        "\ud800-\udfff",
        "is half of a character (a surrogate written as a \\u escape), no character on its own;"
        " write the character itself, or its \\U escape with eight digits",
    ),
    (
        "\ufdd0-\ufdef"
        + "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000)),
        "is a noncharacter, kept by Unicode for programs' own use, which no font draws; remove it",
    ),
    (
        "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",
        "is an invisible control of writing direction, which can show the words around it in another order than they"
        " read; remove it",
    ),
    (
        "\u2028\u2029",
        "breaks the line where neither the Markdown nor the layout expects it; remove it, and"
        " leave a blank line where a new paragraph starts",
    ),
    (
        "\ufeff",
        "is a byte order mark, an invisible leftover of a copied file that belongs at no place in a text; remove it",
    ),
    ("\U000e0000-\U000e007f\ufff9-\ufffb", "is an invisible character that hides text from the reader; remove it"),
    (
        "\u200d\ufe0f",
        "asks for an emoji, which the bulletin's fonts do not have, so that it would be drawn in another"
        " font; remove it",
    ),
    (
        "\ufffc",
        "stands for an object (a picture, a formula) that was not copied with the text, and prints as a box"
        " reading OBJ; remove it, or write what the object said",
    ),
    (
        "\ufffd",
        "is what a program put in place of a character it could not read: the text was damaged in an"
        " earlier conversion; write the character that was meant (compare with the original)",
    ),
)
REFUSED = re.compile("[" + "".join(characters for characters, _ in _REFUSED) + "]")  # any character refused
_REASONS = [(re.compile(f"[{characters}]"), reason) for characters, reason in _REFUSED]


def refusal(char: str) -> str | None:
    """Return why a text may not hold `char` (the end of a sentence naming it), or None when it may."""
    return next((reason for kind, reason in _REASONS if kind.match(char)), None)


# Where a letter may carry too many marks: combining marks are neither word characters nor spaces, so that
# the runs of those few are the only ones to look into, whatever the text.
_UNWORDED = re.compile(r"[^\w\s]{%d,}" % (MAX_MARKS + 1))  # noqa: UP031 - in an f-string, {{{ }}}


def stacked_marks(text: str) -> Iterator[tuple[int, int]]:
    """Yield where in `text` a letter carries more than MAX_MARKS combining marks, and how many it carries."""
    for run in _UNWORDED.finditer(text):
        count = 0
        for index in range(run.start(), run.end() + 1):
            if index < run.end() and unicodedata.category(text[index])[0] == "M":
                count += 1
                continue
            if count > MAX_MARKS:
                yield max(index - count - 1, 0), count  # the letter before its marks
            count = 0


def too_many_marks(text: str, index: int, count: int) -> str:
    """Say that the letter at `index` of `text` carries `count` combining marks, more than it may."""
    letter = text[index] if unicodedata.category(text[index])[0] != "M" else "\u25cc"  # marks on nothing
    first = text[index + 1] if letter != "\u25cc" else text[index]
    return (
        f"the letter '{letter}' carries {count} combining marks, the first {describe_character(first)}; a letter"
        f" may carry at most {MAX_MARKS}, and more run into the lines above and below: remove them"
    )


def describe_character(char: str) -> str:
    """Name a character for an editor: itself, its U+ code and its Unicode name."""
    code, category = ord(char), unicodedata.category(char)
    noncharacter = 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE
    label = "noncharacter" if noncharacter else _LABELS.get(category, "unassigned")
    name = unicodedata.name(char, None) or f"<{label}-{code:04X}>"
    if category.startswith("M"):  # a combining mark, shown on a dotted circle as Unicode's charts do
        shown = "\u25cc" + char
    elif category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):  # nothing to see: its escape instead
        shown = char.encode("unicode_escape").decode("ascii")
    else:
        shown = char
    return f"'{shown}' (U+{code:04X} {name})"
