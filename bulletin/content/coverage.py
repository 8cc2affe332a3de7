"""Validate stage, fonts side: check that the bulletin's fonts can show every character of an issue.

A character the fonts lack would be printed with whatever fallback font the system has, or as
an empty box, and the preflight would only see it in the finished PDF. So before anything is
rendered, every character of the issue's texts (the <lang>.yaml files) and of the interface
strings translators typed (the msgstr of translations/<lang>/LC_MESSAGES/messages.po) is looked
up in the character maps of the bulletin's font files; one that is missing from any of them is
a `Problem` at the character's own line and column, since emphasis and headings may set any
text in any face.

What is read: the values of the language files (not their keys, which are ids, nor their
comments), with HTML character references (`&#x1F600;`) decoded in the texts set as Markdown,
since Markdown turns them into characters; and the msgstr of every catalog entry a build may
print (not obsolete or fuzzy entries, nor the header). issue.yaml is not read: it holds ids,
dates, file names, codes and numbers, none of them printed as written.

Texts are judged as `content` reads them, in Unicode's composed form (NFC): a letter written
decomposed is looked up as the one character it makes, and placed where its parts are written.

What is not checked: the invisible characters a text may hold that WeasyPrint draws as nothing
(`INVISIBLE`), those no text may hold (`characters`, which validation names), and anything about
the layout; the characters the typographic pass inserts (`TYPOGRAPHY`) are the tests' to check
against the fonts, since content cannot change them. The YAML is parsed again
here, by PyYAML's composer, rather than taken from `content`'s trees: those keep where a value
starts, and a character needs where the value ends too.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import yaml
from fontTools.ttLib import TTFont, TTLibError

from ..language.catalog_checks import entry_line, msgstr_lines
from ..language.catalogs import catalog_path, parse_catalog
from ..language.characters import REFUSED, describe_character
from ..language.typography import CONVENTIONS, NBSP
from ..util.errors import BuildError, Mark, Problem, lies_within
from ..util.files import read_file
from .loading import LINE_BREAK, LOADER, MAX_FILE_BYTES, normalized
from .texts import language_file

# What the typographic pass puts into texts, whatever the editors typed: each language's
# quotation marks and dash, the apostrophe, en dash (also a stand-in for the minus sign, which
# the fonts lack), ellipsis, numero sign and no-break space; and what the languages need besides:
# Spanish opening marks, the Azerbaijani letters (with their capitals, for headings set in
# capitals), Russian ё, the narrow no-break space of CLDR's formats. The fonts must show them all;
# tests/content/test_coverage.py asserts it.
TYPOGRAPHY = "".join(
    sorted(
        set(
            "".join(conventions.quotes + conventions.dash for conventions in CONVENTIONS.values())
            + "’–…№"
            + NBSP
            + "\u202f¿¡əƏğĞıİöÖüÜşŞçÇёЁ"
        )
    )
)

# Characters a text may hold that are drawn with no glyph of their own, which a font may lack: line
# breaks and tabs (the layout turns them into space), soft hyphen (only a hyphen, '-' or U+2010, is
# drawn where a line breaks at it), combining grapheme joiner, Mongolian vowel separator, zero-width
# space and non-joiner, word joiner and invisible operators, deprecated format controls, variation
# selectors but the emoji one: Unicode's default-ignorable characters, which HarfBuzz shapes as nothing
# when a font lacks them. Each is one WeasyPrint draws with the bulletin's fonts alone, after any letter
# or symbol they have (tests/content/test_coverage.py makes it so): the Arabic letter mark, for one, fetched an
# Arabic font, and the emoji selector after © a font of the system. Those are refused (`characters`).
_INVISIBLE_RANGES = (
    (0x09, 0x0A),
    (0x0D, 0x0D),
    (0xAD, 0xAD),
    (0x34F, 0x34F),
    (0x180E, 0x180E),
    (0x200B, 0x200C),
    (0x2060, 0x2064),
    (0x206A, 0x206F),
    (0xFE00, 0xFE0E),
    (0xE0100, 0xE01EF),
)
INVISIBLE = frozenset(chr(code) for first, last in _INVISIBLE_RANGES for code in range(first, last + 1))

# The texts the templates set as Markdown, whose character references become characters
# (see markdown.markdown_to_html): keys in a language file, "*" standing for any id.
MARKDOWN_TEXTS = (("about",), ("articles", "*", "body"))
# A character reference as markdown-it's `entity` rule reads it; one escaped with '\' stays as written.
_REFERENCE = re.compile(r"(?<!\\)&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")


def check_coverage(folder: Path, languages: Iterable[str], translations: Path, fonts: Iterable[Path]) -> list[Problem]:
    """Return a problem for each character of the issue's texts and catalogs that a font cannot show, per line."""
    fonts = tuple(fonts)
    covered = covered_characters(fonts)
    reason = f"cannot be shown by the bulletin's fonts ({', '.join(font_families(fonts))}); replace it or remove it"
    problems: list[Problem] = []
    for language in languages:
        problems += _text_problems(language_file(folder, language), covered, reason)
        problems += _catalog_problems(catalog_path(translations, language), covered, reason)
    return sorted(set(problems))


def covered_characters(fonts: Iterable[Path]) -> frozenset[str]:
    """Return the characters that every one of the font files can show."""
    maps = [_read_font(path, *_stamp(path))[1] for path in fonts]
    return frozenset.intersection(*maps) if maps else frozenset()


def font_families(fonts: Iterable[Path]) -> list[str]:
    """Return the family names of the font files, each once, in their order."""
    return list(dict.fromkeys(_read_font(path, *_stamp(path))[0] for path in fonts))


def _stamp(path: Path) -> tuple[int, int]:
    """The file's modification time and size: a font replaced while a watcher runs is read again."""
    try:
        status = path.stat()
    except OSError as err:
        raise BuildError(f"cannot read the font {path}: {err.strerror or err}") from err
    return status.st_mtime_ns, status.st_size


@lru_cache(maxsize=32)
def _read_font(path: Path, mtime: int, size: int) -> tuple[str, frozenset[str]]:
    """The family name and the characters of a font file, read once per process (and version of the file)."""
    try:
        with TTFont(path, lazy=True) as font:  # lazy: only the cmap and name tables are parsed
            cmap = font.getBestCmap()
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1) or path.stem
    except (OSError, TTLibError, KeyError) as err:
        raise BuildError(f"cannot read the character map of the font {path}: {err}") from err
    if cmap is None:
        raise BuildError(f"the font {path} has no Unicode character map")
    return family, frozenset(map(chr, cmap))


def _unshown(characters: Iterable[str], covered: frozenset[str]) -> set[str]:
    """The characters the fonts cannot show, but for the invisible ones and those no text may hold (which
    validation names)."""
    return {char for char in set(characters) - covered if char not in INVISIBLE and not REFUSED.match(char)}


class _Lines:
    """Turns a character's index in a file's text into its line and column, as YAML counts them."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]

    def mark(self, index: int) -> Mark:
        line = bisect_right(self.starts, index) - 1
        return Mark(self.path, line + 1, index - self.starts[line] + 1)


def _read_text(path: Path) -> str | None:
    """The file's text; None when it is absent or unreadable, or a link out of its folder (never read), which
    validation reports, not this check."""
    try:
        if not lies_within(path, path.parent):
            return None
        data = read_file(path, MAX_FILE_BYTES)  # a named pipe is refused, never waited on
        return data.decode("utf-8") if len(data) <= MAX_FILE_BYTES else None
    except (OSError, UnicodeDecodeError):
        return None


def _text_problems(path: Path, covered: frozenset[str], reason: str) -> list[Problem]:
    """The characters of a language file's values that the fonts lack."""
    raw = _read_text(path)
    # Most files hold nothing the fonts lack, keys and comments included, and no escape (YAML's \u,
    # a Markdown reference) that could make such a character: they need no parsing.
    if raw is None or (not _unshown(normalized(raw), covered) and "\\" not in raw and not _REFERENCE.search(raw)):
        return []
    try:
        root = yaml.compose(raw, Loader=LOADER)
    except yaml.YAMLError:  # a syntax error is validation's to report
        return []
    lines, problems = _Lines(path, raw), []
    for node, keys in _scalars(root):
        value = normalized(node.value)  # as `content` reads it
        wanted = {(char, char) for char in _unshown(value, covered)}  # (character, how it is written)
        if _is_markdown(keys):
            for reference in set(_REFERENCE.findall(value)):
                wanted |= {(char, reference) for char in _unshown(html.unescape(reference), covered)}
        for char, written in sorted(wanted):
            how = "" if written == char else f", written as {written},"
            message = f"character {describe_character(char)}{how} {reason}"
            count = value.count(written)
            # A letter read composed may be written decomposed in the file: it is sought in both forms.
            places = _places(raw, node.start_mark.index, node.end_mark.index, written, count) or _places(
                raw, node.start_mark.index, node.end_mark.index, unicodedata.normalize("NFD", written), count
            )
            if not places:  # written as a YAML escape: the value's own place is the nearest there is
                places = [node.start_mark.index]
            problems += _per_line(lines, places, message)
    return problems


def _scalars(root: yaml.Node | None) -> Iterator[tuple[yaml.ScalarNode, tuple[str, ...]]]:
    """Every scalar value of a composed file with the keys that lead to it; keys are not values, and a
    value repeated by an alias is yielded once."""
    stack: list[tuple[yaml.Node, tuple[str, ...]]] = [(root, ())] if root is not None else []
    seen: set[int] = set()
    while stack:
        node, keys = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            yield node, keys
        elif isinstance(node, yaml.MappingNode):
            stack += [
                (value, keys + (str(key.value) if isinstance(key, yaml.ScalarNode) else "",))
                for key, value in node.value
            ]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, keys) for item in node.value]


def _is_markdown(keys: tuple[str, ...]) -> bool:
    return any(
        len(keys) == len(pattern) and all(want in ("*", key) for want, key in zip(pattern, keys))
        for pattern in MARKDOWN_TEXTS
    )


def _places(raw: str, start: int, end: int, written: str, count: int) -> list[int]:
    """Where `written` occurs in the value that spans raw[start:end]: its last `count` occurrences, since
    what may come first in that span (a tag, an anchor, a block scalar's header comment) is not the value."""
    found, index = [], raw.find(written, start, end)
    while index >= 0:
        found.append(index)
        index = raw.find(written, index + len(written), end)
    return found[-count:] if count else []


def _per_line(lines: _Lines, places: list[int], message: str) -> list[Problem]:
    """One problem per line, at the first of the places on it."""
    first: dict[int, Mark] = {}
    for index in places:
        mark = lines.mark(index)
        first.setdefault(mark.line, mark)
    return [Problem(mark, message) for mark in first.values()]


def _catalog_problems(path: Path, covered: frozenset[str], reason: str) -> list[Problem]:
    """The characters of a catalog's translations that the fonts lack."""
    raw = _read_text(path)
    if raw is None or not _unshown(raw, covered):  # a .po file's escapes only make ASCII characters
        return []
    try:
        catalog = parse_catalog(raw)
    except (OSError, ValueError):  # an unreadable catalog is the localize stage's to report
        return []
    lines, rows, problems = _Lines(path, raw), LINE_BREAK.split(raw), []  # rows as _Lines counts them
    for entry in catalog:
        if entry.obsolete or entry.fuzzy or not entry.msgid:  # never printed: not the header either
            continue
        translated = entry.msgstr + "".join(entry.msgstr_plural.values())
        unshown = _unshown(translated, covered)
        if not unshown:
            continue
        spans = msgstr_lines(rows, entry_line(entry))
        for char in sorted(unshown):
            message = f"character {describe_character(char)} {reason}"
            places = [lines.starts[number] + column for number in spans for column in _find_all(rows[number], char)]
            problems += _per_line(lines, places or [lines.starts[max(entry_line(entry) - 1, 0)]], message)
    return problems


def _find_all(row: str, char: str) -> Iterator[int]:
    index = row.find(char)
    while index >= 0:
        yield index
        index = row.find(char, index + 1)
