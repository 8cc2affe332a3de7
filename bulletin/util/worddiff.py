"""What changed between two versions of a text, word by word, in one line a translator can read.

A stale translation is one whose source text changed since it was confirmed. Saying only "stale"
sends the translator to git; `word_diff` says what changed: the words taken out in [-brackets-], the
words put in in {+braces+} (as `git diff --word-diff` writes them), with a few words of context around
each change and "…" for the unchanged rest. Runs of spaces and line breaks count as one space, so a text
wrapped anew shows no change; a paragraph break shows as ¶.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

CONTEXT = 4  # unchanged words shown on each side of a change
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")


def _words(text: str) -> list[str]:
    """The text's words, with a ¶ for each paragraph break."""
    return " ¶ ".join(paragraph for paragraph in _PARAGRAPH.split(text.strip())).split()


def word_diff(old: str, new: str, context: int = CONTEXT) -> str:
    """The change from `old` to `new`: removed words in [-…-], added ones in {+…+}, `context` unchanged words
    around each change; "" when only the wrapping differs."""
    before, after = _words(old), _words(new)
    parts: list[str] = []
    opcodes = SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return ""
    for index, (tag, first, end, first_new, end_new) in enumerate(opcodes):
        if tag == "equal":
            words = before[first:end]
            head = words[:context] if index > 0 else []
            tail = words[-context:] if index < len(opcodes) - 1 else []
            if len(words) > len(head) + len(tail):
                parts += head + ["…"] + tail
            else:
                parts += words
            continue
        if end > first:
            parts.append(f"[-{' '.join(before[first:end])}-]")
        if end_new > first_new:
            parts.append(f"{{+{' '.join(after[first_new:end_new])}+}}")
    return " ".join(parts)
