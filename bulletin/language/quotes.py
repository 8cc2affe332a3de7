"""Quotation marks paired and set by nesting level, whatever marks a text was typed with.

The typographic pass (`typography`) hands each run of text here with its language's marks,
outermost level first; an apostrophe within or at the end of a word becomes ’. A mark that
pairs with none is left as typed, and `typography.doubtful_marks` asks validation to query it.
"""

from __future__ import annotations

QUOTES = "\"'“”„«»‘’"  # every mark a text may have been typed with
# What may stand just before an opening mark: a space, an opening bracket or dash, the Spanish
# opening marks, or the word joiner (U+2060) that typography puts between a number and its suffix.
_BEFORE_OPENING = "([{—–-/¿¡\u2060"


def set_quotes(text: str, marks: str) -> str:
    """Replace every quotation mark of `text` by the mark of its nesting level; turn apostrophes into ’.
    A mark that pairs with none is left as typed (`doubtful_marks` queries it)."""
    characters = list(text)
    pairs, apostrophes, _ = pair_quotes(text)
    for index in apostrophes:
        characters[index] = "’"
    levels = len(marks) // 2
    depth_of: dict[int, int] = {}
    depth = 0
    for index in sorted(set(pairs) | set(pairs.values())):
        if index in pairs:
            depth_of[index] = depth_of[pairs[index]] = depth
            depth += 1
        else:
            depth -= 1
    for opening, closing in pairs.items():
        level = depth_of[opening] % levels
        characters[opening], characters[closing] = marks[2 * level], marks[2 * level + 1]
    return "".join(characters)


def pair_quotes(text: str) -> tuple[dict[int, int], list[int], list[int]]:
    """Find the quotations of `text`: (opening index -> closing index, apostrophes, marks that pair with none)."""
    stack: list[int] = []  # indexes of the quotations open so far
    pairs: dict[int, int] = {}
    apostrophes: list[int] = []
    stray: list[int] = []
    for index, character in enumerate(text):
        if character not in QUOTES:
            continue
        before = text[index - 1] if index else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if character in "'’" and before.isalnum() and (after.isalnum() or not _opened_by(stack, text, "'‘’")):
            apostrophes.append(index)  # it's, Azerbaijan’s, Azerbaijanis’
            continue
        after_opening = bool(stack) and stack[-1] == index - 1
        opens = character in "«„" or (character not in "»" and _opening_place(before, after, after_opening))
        if opens:
            stack.append(index)
        elif stack:
            pairs[stack.pop()] = index
        else:
            stray.append(index)
    for index in stack:  # never closed: an apostrophe before a word ('90s), or a mistake
        (apostrophes if text[index] in "'’" else stray).append(index)
    return pairs, sorted(apostrophes), sorted(stray)


def _opening_place(before: str, after: str, after_opening: bool) -> bool:
    """Tell whether a quotation mark between `before` and `after` opens a quotation
    (`after_opening`: the character before it is a mark that opened one)."""
    return (before.isspace() or before in _BEFORE_OPENING or after_opening) and not after.isspace()


def _opened_by(stack: list[int], text: str, kinds: str) -> bool:
    """Tell whether the innermost open quotation was opened with one of `kinds`."""
    return bool(stack) and text[stack[-1]] in kinds
