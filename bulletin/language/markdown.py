"""Body text's Markdown: the safe subset an editor may write, what it prints, and where its links point.

Articles' bodies and the about page are Markdown of a small subset (paragraphs, lists, quotations,
emphasis, links to http(s) and mailto). This module reads that subset once for everyone: the
validate stage asks which links and pictures it refuses, how deep its blocks nest and which
paragraphs it prints; the render stage turns it into HTML. It does not typeset the text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markupsafe import Markup

from ..model import Untranslated

LINK_SCHEMES = ("http:", "https:", "mailto:")  # links that body text may make


def _make_markdown() -> MarkdownIt:
    markdown = MarkdownIt("commonmark", {"html": False, "typographer": False})
    markdown.disable(["code", "fence", "heading", "lheading", "hr", "html_block", "table"], ignoreInvalid=True)
    markdown.disable(["backticks", "image", "html_inline", "strikethrough"], ignoreInvalid=True)
    # markdown-it-py's documented way to choose the links it makes is to replace this method.
    markdown.validateLink = lambda url: url.strip().lower().startswith(LINK_SCHEMES)  # type: ignore[method-assign]
    return markdown


_MARKDOWN = _make_markdown()
# The same text read with links of every kind, pictures and autolinks on, to find what the subset refuses.
_EVERY_REFERENCE = MarkdownIt("commonmark", {"html": False}).disable(["html_inline", "html_block"])
_EVERY_REFERENCE.validateLink = lambda url: True  # type: ignore[method-assign]  # (the same hook)


def block_texts(source: str) -> list[tuple[tuple[int, int], str]]:
    """Each paragraph's and list item's text in `source`, as the subset reads it (without the marks of the
    blocks it stands in), with the lines [first, end) it takes."""
    return [
        ((token.map[0], token.map[1]), token.content)
        for token in _MARKDOWN.parse(source)
        if token.type == "inline" and token.map is not None
    ]


def refused_references(source: str) -> list[tuple[int, str, str]]:
    """Return what body text `source` points to that the Markdown subset refuses: (where it is written in the
    text, the reference as written, why). A picture belongs in the issue's illustrations; a link may only be
    http(s) or mailto: a file, script or relative path would reach outside the issue, or nowhere; and a link
    must have text, or it is an invisible spot on the page."""
    found, search = [], _Search(source)
    tokens = [child for token in _EVERY_REFERENCE.parse(source) for child in (token.children or ())]
    for at, token in enumerate(tokens):
        if token.type == "image":
            reference, why = str(token.attrGet("src")), "a picture in the text; pictures are placed as illustrations"
        elif token.type == "link_open" and not str(token.attrGet("href")).lower().startswith(LINK_SCHEMES):
            reference, why = str(token.attrGet("href")), "a link may only be to http, https or mailto addresses"
        elif token.type == "link_open" and not _shows_text(tokens, at + 1):
            reference, why = (
                str(token.attrGet("href")),
                ("a link with no text, which a reader can neither see nor follow; write its text between the brackets"),
            )
        else:
            continue
        index, written = search.find(reference)
        found.append((index, written or reference, why))
    return found


def _shows_text(tokens: list, start: int) -> bool:
    """Whether the link whose text starts at tokens[start] shows a character: not only spaces and invisible
    characters (a picture in it is refused on its own)."""
    for token in tokens[start:]:
        if token.type == "link_close":
            return False
        if any(unicodedata.category(char)[0] not in "ZC" for char in token.content):
            return True
    return False


# Where a link's address can be written: after `](` or a reference's `]:`, or inside <...>, perhaps itself in <...>.
_DESTINATION = re.compile(r"(?:\]\(\s*<?|\]:[ \t]*<?|<)([^\s()<>]+)")


class _Search:
    """Finds references in a text in the order they are written, each after the one before. Addresses are
    known by what they say, with their character references decoded (&#102;ile: is file:), from one pass
    over the text. A search for one not written as an address (defined above its use, or odd) goes through
    the rest of the text in vain: only a few may, so that thousands of such references take time that grows
    with the text, not with its square; the later ones are placed at the text's start."""

    MISSES = 3  # searches that may go through the rest of the text in vain

    def __init__(self, source: str):
        self.source = source
        self.position = 0  # where the reference found last ends
        self.misses = 0
        self.addresses: dict[str, tuple[list[int], list[str]]] = {}  # what an address says -> where, as written
        for match in _DESTINATION.finditer(source):
            for meaning in dict.fromkeys((match[1], html.unescape(match[1]))):
                places, forms = self.addresses.setdefault(meaning, ([], []))
                places.append(match.start(1))
                forms.append(match[1])

    def find(self, reference: str) -> tuple[int, str | None]:
        """Where `reference` is written, as the text has it (markdown-it gives it percent-encoded and with its
        character references decoded); (0, None) when it is not found."""
        candidates = [candidate for candidate in dict.fromkeys((reference, unquote(reference))) if candidate]
        for candidate in candidates:
            places, forms = self.addresses.get(candidate, ((), ()))
            at = bisect_left(places, self.position)
            if places:  # the first written after the last one found, else the first of all
                at = at if at < len(places) else 0
                self.position = max(self.position, places[at] + len(forms[at]))
                return places[at], forms[at]
        for start in dict.fromkeys((self.position, 0)):  # after the last one, else from the start
            if self.misses >= self.MISSES:
                break
            for candidate in candidates:
                index = self.source.find(candidate, start)
                if index >= 0:
                    self.position = max(self.position, index + len(candidate))
                    return index, candidate
            self.misses += 1
        return 0, None


def printed_paragraphs(source: str) -> list[tuple[int, int, str]]:
    """Return each paragraph of body text `source` (a list item's, a quotation's) as the Markdown subset prints
    it: (where it starts in `source`, where it ends, its text without the Markdown: no link's address)."""
    starts = [0] + [match.end() for match in re.finditer("\n", source)] + [len(source)]  # of the lines
    paragraphs = []
    for token in _MARKDOWN.parse(source):
        if token.type == "inline" and token.map:
            first, last = (starts[min(line, len(starts) - 1)] for line in token.map)
            paragraphs.append(
                (first, last, "".join(_PRINTED.get(child.type, child.content) for child in token.children or ()))
            )
    return paragraphs


def nested_blocks(source: str) -> list[tuple[int, int]]:
    """Return each block quote and list of body text `source` as the Markdown subset reads it: (where its line
    starts in `source`, how many quotes and lists it lies in, itself included)."""
    starts = [0] + [match.end() for match in re.finditer("\n", source)] + [len(source)]  # of the lines
    blocks, depth = [], 0
    for token in _MARKDOWN.parse(source):
        if token.type in _NESTING:
            depth += token.nesting
            if token.nesting > 0:
                blocks.append((starts[min(token.map[0], len(starts) - 1)] if token.map else 0, depth))
    return blocks


# The blocks that nest in one another: quotes, and lists (their items are counted with them).
_NESTING = (
    "blockquote_open",
    "blockquote_close",
    "bullet_list_open",
    "bullet_list_close",
    "ordered_list_open",
    "ordered_list_close",
)
# What a paragraph's line breaks print (their tokens have no content, as tags have none).
_PRINTED = {"softbreak": " ", "hardbreak": "\n"}


def markdown_to_html(source: str) -> Markup:
    """Render body text from the safe Markdown subset to HTML (marked when it stands in for a translation)."""
    html = Markup(_MARKDOWN.render(source))
    if isinstance(source, Untranslated):
        # The label goes on the first paragraph, so that it starts the text instead of standing apart.
        labelled = Markup(html.replace("<p>", Markup('<p data-from="{0}">').format(source.language), 1))
        return Markup('<div class="untranslated" lang="{0}">{1}</div>').format(source.language, labelled)
    return html
