"""Body text's Markdown cut into its paragraphs and list items, and put back together around new texts.

A translator's tool matches its memory sentence by sentence and paragraph by paragraph: a body exchanged
whole would match nothing once one word of it changes. `segments` cuts a Markdown text (a body, the about
page) into the text of each paragraph and list item, each without the marks of the blocks it stands in
(`- `, `1. `, `> `, the indentation); what is left, the blank lines and those marks, is the skeleton.
`joined` puts texts back into the skeleton, each line behind the marks of its block, so that the same
texts give back the same bytes, and others the same blocks around them.

A text whose lines do not end with what Markdown reads of them (an indented code line, a trailing space
that ends a paragraph) is not cut: `segments` gives None, and the text is exchanged whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .markdown import block_texts

# A list item's marker in a line's prefix: a bullet or a number, followed by a space or the line's end.
_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)")


@dataclass(frozen=True)
class Segmented:
    """A Markdown text cut into the texts of its paragraphs and list items, and the skeleton around them."""

    lines: tuple[str, ...]  # the text's lines, each with its line break
    spans: tuple[tuple[int, int], ...]  # the lines [first, end) each paragraph or item takes
    prefixes: tuple[tuple[str, ...], ...]  # each of those lines' marks before its text
    texts: tuple[str, ...]  # each paragraph's or item's text, its lines joined by "\n"


def segments(text: str) -> Segmented | None:
    """Cut `text` into its paragraphs and list items; None when its lines do not end with their text."""
    lines = tuple(text.splitlines(keepends=True))
    spans: list[tuple[int, int]] = []
    prefixes: list[tuple[str, ...]] = []
    texts: list[str] = []
    for (first, end), content in block_texts(text):
        written = content.split("\n")
        if len(written) != end - first:
            return None
        marks = []
        for line, part in zip(lines[first:end], written):
            body = line.rstrip("\r\n")
            if not part or not body.endswith(part):
                return None
            marks.append(body[: len(body) - len(part)])
        spans.append((first, end))
        prefixes.append(tuple(marks))
        texts.append(content)
    return Segmented(lines, tuple(spans), tuple(prefixes), tuple(texts))


def joined(segmented: Segmented, texts: tuple[str, ...] | list[str]) -> str:
    """The text with `texts` in place of its paragraphs and items, in order; each line of a text behind the
    marks its block's lines have (a list item's further lines indented as wide as its marker)."""
    if len(texts) != len(segmented.texts):
        raise ValueError(f"{len(texts)} texts for {len(segmented.texts)} paragraphs and items")
    out: list[str] = []
    at = 0
    for (first, end), marks, text in zip(segmented.spans, segmented.prefixes, texts):
        out.extend(segmented.lines[at:first])
        breaks = [line[len(line.rstrip("\r\n")) :] for line in segmented.lines[first:end]]
        inner = next((ending for ending in breaks if ending), "\n")  # (the text's last line may have none)
        following = marks[1] if len(marks) > 1 else _MARKER.sub(lambda found: " " * len(found[0]), marks[0])
        parts = text.split("\n")
        # Each line's own break, more lines the one within the block, and the last line the block's last break.
        endings = list(breaks[:-1][: len(parts) - 1]) + [inner] * (len(parts) - len(breaks)) + [breaks[-1]]
        for index, (part, ending) in enumerate(zip(parts, endings)):
            out.append((marks[index] if index < len(marks) else following) + part + ending)
        at = end
    out.extend(segmented.lines[at:])
    return "".join(out)
