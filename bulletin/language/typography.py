"""Typographic pass: quotation marks, dashes and no-break spaces by each language's conventions.

Editors and translators type plain text: straight quotes, a hyphen between spaces for a
dash, ordinary spaces. This stage sets the rendered HTML of an edition the way each
language's publishing houses do, text node by text node, in the language of the element
the text is in (a source-language stand-in in a draft keeps its own conventions):

- quotation marks by nesting level: Azerbaijani « » then “ ”, Russian « » then „ “,
  English “ ” then ‘ ’, Spanish « » then “ ” then ‘ ’; an apostrophe becomes ’.
  Whatever marks were typed are reset by level, so a text may be typed with any of them
  (the pairing is `quotes`).
- dashes: a hyphen (or two) between spaces, or a dash typed close up between words,
  becomes the language's dash, tied to the word before it by a no-break space (Spanish
  sets its paired raya against the words it encloses instead, paired over the paragraph);
  a line of dialogue starts with one; a hyphen between two numbers becomes an en dash, and
  one before a number stands in for the minus sign; a number and its suffix (2021-ci,
  1990-х) are joined by a word joiner, invisible and absent from the PDF's text.
- no-break spaces after №, between a number and its unit (a span of time too: 30 years),
  inside digit groups, between a day and its month (CLDR's month names), after initials and
  abbreviations (No. 5, г. Шуша), and in Russian after one-letter words and before the
  particles же, ли, бы.

Text in <head>, <style> and elements marked translate="no" (codes such as the ISSN) is
left alone, as are web and e-mail addresses, codes whose hyphens are not ranges (ISBN,
2022-11-08), and attributes other than the picture descriptions and running heads.
This stage reads no file; what it cannot set with confidence (a quotation mark that pairs
with none, a Spanish question without its ¿) `doubtful_marks` tells validation to query.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from babel import Locale

from .quotes import QUOTES, pair_quotes, set_quotes

NBSP = "\u00a0"  # no-break space
WORD_JOINER = "\u2060"  # forbids a line break between its neighbours, invisible
# The hyphen the layout adds to a word it divides at a line's end (the stylesheet's hyphenate-character): no
# hyphen of the text ends a line as this one, which the screen edition gives readers as a soft hyphen.
ADDED_HYPHEN = "\u2011"


@dataclass(frozen=True)
class Conventions:
    """How one language sets quotation marks, dashes and spaces."""

    locale: str  # the CLDR locale whose month names a date's day is tied to
    quotes: str  # opening and closing marks, two characters per nesting level
    dash: str  # the dash of a break in a sentence
    paired_dash: bool  # the dash encloses its words without spaces (Spanish raya) instead of standing between spaces
    units: tuple[str, ...]  # words and signs a number before them is tied to
    tied_before: tuple[str, ...] = ()  # short words tied to the word after them
    tied_after: tuple[str, ...] = ()  # particles tied to the word before them


# Units: a trailing * stands for any ending (человек* ties 2 человека and 5 человек alike). Spans of time are units
# too: CLDR writes a key figure such as "30 years" with a plain space, and "nearly 30 / years" must not be set. The
# tables are laid out for reading, by language, not by the formatter.
# fmt: off
_COMMON_UNITS = ("km", "m", "cm", "mm", "ha", "kg", "t", "%", "°C", "km²", "m²", "MW", "kW", "kV")
CONVENTIONS = {
    "az": Conventions("az", "«»“”", "—", False,
                      _COMMON_UNITS + ("kq", "ton", "min", "mln", "mlrd", "manat*", "nəfər*", "hektar*", "kilometr*",
                                       "il", "ay", "gün", "həftə", "saat")),
    "ru": Conventions("ru", "«»„“", "—", False,
                      ("км", "м", "см", "мм", "га", "кг", "т", "г.", "гг.", "тыс.", "млн", "млрд", "ман.",
                       "чел.", "%", "°C", "км²", "м²", "МВт", "кВт", "кВ", "километр*", "гектар*", "человек*",
                       "манат*", "лет", "месяц*", "недел*", "день", "дня", "дней", "час", "часа",
                       "часов"),
                      tied_before=tuple("вксуоиаяВКСУОИАЯ") + ("г.", "гг.", "ул.", "пр.", "пос.", "с.", "им.", "т.",
                                                                 "ст.", "см."),
                      tied_after=("же", "ли", "бы", "ль", "в.", "вв.")),
    "en": Conventions("en_GB", "“”‘’", "–", False,
                      _COMMON_UNITS + ("per cent", "million", "billion", "kilometre*", "kilometer*", "hectare*",
                                       "year", "years", "month*", "week*", "day", "days", "hour*")),
    "es": Conventions("es", "«»“”‘’", "—", True,
                      _COMMON_UNITS + ("por ciento", "millones", "millón", "kilómetro*", "hectárea*", "año", "años",
                                       "mes", "meses", "semana*", "día", "días", "hora*")),
}

# Abbreviations tied to the number after them, in any of the languages.
_NUMBERED = ("No.", "Nos.", "p.", "pp.", "art.", "Art.", "vol.", "N.º", "n.º", "núm.", "pág.", "д.", "ст.", "п.", "ч.",
             "гл.", "стр.", "səh.", "b.")
# fmt: on
_LETTER = r"[^\W\d_]"
_SPACE = "[ \u00a0\u2009\u202f]"  # spaces a dash may stand between
_DASH = r"(?:--?|—|–)"  # what may have been typed for a dash
# Left exactly as typed: web and e-mail addresses.
# An e-mail address starts where its run of name characters does: tried from inside the run, it would be
# sought again to the run's end from each of its characters, in time growing with the square of its length.
# The label an ISSN is written after, up to the ISSN itself: "ISSN ", "ISSN-L: ", "ISSN (online) ".
ISSN_LABEL = re.compile(r"ISSN(?:-L)?(?:\s?\([^()\n]{1,40}\))?:?\s$")
ADDRESS = re.compile(
    r"((?:https?://|www\.)[^\s<>«»“”\"]*[^\s<>«»“”\".,;:!?)]|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
)


def typeset_text(text: str, language: str) -> str:
    """Set one text (a whole paragraph or title) by the conventions of `language`."""
    return _typeset_run([text], language)[0]


def typeset_html(document: str, language: str) -> str:
    """Set every text of an edition's HTML `document` by the conventions of the language it is in."""
    setter = _HtmlSetter(language)
    setter.feed(document)
    setter.close()
    return setter.result()


def _typeset_run(pieces: list[str], language: str) -> list[str]:
    """Set the text pieces of one block (split by inline tags), keeping them apart.

    Spaces and dashes are set within a piece; quotation marks and Spanish rayas are paired
    over the whole block, because a quotation often starts outside an emphasis and ends in it.
    """
    pieces = _free_suspended_hyphens(pieces)
    conventions = CONVENTIONS.get(language.split("-")[0])
    if conventions is None:
        return pieces
    pieces = [
        "".join(
            _set_spaces(part, conventions) if index % 2 == 0 else part
            for index, part in enumerate(ADDRESS.split(piece))
        )
        for piece in pieces
    ]
    joined = set_quotes("".join(pieces), conventions.quotes)
    if conventions.paired_dash:
        joined = _pair_rayas(joined)
    result, start = [], 0
    for piece in pieces:  # the block-wide marks are set one character for one, so the pieces keep their lengths
        result.append(joined[start : start + len(piece)])
        start += len(piece)
    return result


def _free_suspended_hyphens(pieces: list[str]) -> list[str]:
    """Set each non-breaking hyphen (U+2011) typed at a word's end, a suspended hyphen ("северо‑ и юго‑запад",
    before a space or at the block's end), as a hyphen (U+2010) a word joiner holds to its word. A line may break
    at the space after it, and would then end with it; so set, the only U+2011 a line ends with is the one the
    layout adds to a word it divides (`ADDED_HYPHEN`), which the screen edition gives as a soft hyphen. The two
    glyphs are the same in the bulletin's fonts."""
    freed = []
    for index, piece in enumerate(pieces):
        following = "".join(pieces[index + 1 :])
        piece = re.sub(r"\u2011(?=\s)", WORD_JOINER + "\u2010", piece)
        if piece.endswith(ADDED_HYPHEN) and not following[:1].strip():
            piece = piece[:-1] + WORD_JOINER + "\u2010"
        freed.append(piece)
    return freed


def _set_spaces(text: str, conventions: Conventions) -> str:
    """Set ellipses, dashes, minus signs and no-break spaces in one piece of text."""
    text = text.replace("...", "…")
    # 1717-1797, 12-13 May, 3,5-4,5, 1990 - 2000: an en dash; not codes such as 2022-11-08, 978-5-17-1,
    # J2-8015, 492-92 or an ISSN after its label (ISSN, ISSN-L, ISSN (online)), which do not read as a rising range.
    text = re.sub(
        r"(?<![\w/.,])(?<!\d[-–])(\d{1,4}(?:[.,]\d+)?)(?:-|–| [-–] )(\d{1,4}(?:[.,]\d+)?)(?![\d/]|[-–]\d)",
        lambda match: match[0] if ISSN_LABEL.search(match.string, 0, match.start()) else _range(match),
        text,
    )
    if conventions.paired_dash:
        text = re.sub(r"(?<=\s)--(?=\s)|(?<=\S)--(?=\S)", "—", text)  # -- typed for a raya
        text = re.sub(rf"^{_DASH}(?:{_SPACE}+|(?=[^\d\s]))", "—", text)  # a line of dialogue: —¿Vienes?
        # Nothing may part a raya from the word it is set against: an em dash allows a break after it.
        text = re.sub(rf"(?:(?<=\s)|^)—(?=[\w¿¡{QUOTES}])", "—" + WORD_JOINER, text)
        text = re.sub(rf"(?<=[\w.,;:!?…{QUOTES}])—(?=[\s.,;:!?…)]|$)", WORD_JOINER + "—", text)
    else:
        dash = conventions.dash
        text = re.sub(rf"^{_DASH}{_SPACE}+", dash + NBSP, text)  # a line of dialogue
        text = re.sub(rf"(?:(?<=\S)|^){_SPACE}+{_DASH}(?={_SPACE}|$)", NBSP + dash, text)
        text = re.sub(r"(?<=\w)(?:--|—)(?=\w)", NBSP + dash + " ", text)  # Шуша—жемчужина, word--word
    # 2021-ci, 12–13-də, 1990-х: a word joiner keeps the suffix on the number's line, and leaves no
    # text in the PDF, so that it still reads (and is found as) 2021-ci.
    text = re.sub(rf"(?<=\d)-(?={_LETTER})", "-" + WORD_JOINER, text)
    text = re.sub(r"(?:(?<=[\s(])|^)-(?=\d)", "–", text)  # -5 °C: the fonts have no minus sign; an en dash stands in
    text = re.sub(r"№[ \u00a0]*(?=\d)", "№" + NBSP, text)
    text = re.sub(
        r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d|[-–]\d)",  # 22 000, 1 250 000,5: one number, unbroken
        lambda match: match[0].replace(" ", NBSP),
        text,
    )
    text = re.sub(rf"(?<=\d) (?=(?:{_alternation(conventions.units)})(?!\w))", NBSP, text)
    months = _month_names(conventions.locale)
    text = re.sub(rf"(?<!\d)(\d{{1,2}}) (?=(?:de )?(?:{months})(?!\w))", r"\1" + NBSP, text)  # 8 ноября, 29 de agosto
    text = re.sub(rf"(?<!\w)((?:{months})\w{{0,3}}) (?=\d{{1,2}}(?!\d))", r"\1" + NBSP, text)  # mayın 8-də, August 29
    text = re.sub(
        rf"(?<!\w)({_LETTER})\. (?={_LETTER})",  # initials: İ. Əliyev
        lambda match: match[0].replace(" ", NBSP) if match[1].isupper() else match[0],
        text,
    )
    text = re.sub(rf"(?<![\w.])({_alternation(_NUMBERED)}) (?=\d)", r"\1" + NBSP, text)  # No. 5, p. 5, N.º 5, д. 5
    if conventions.tied_before:
        words = _alternation(conventions.tied_before)
        text = re.sub(rf"(?<![\w.-])(?<!\d[ \u00a0])({words}) (?=\S)", r"\1" + NBSP, text)  # not 2021 г. after a year
    if conventions.tied_after:
        words = _alternation(conventions.tied_after)
        text = re.sub(rf"(?<=\w) (?=(?:{words})(?!\w))", NBSP, text)
    return text


def _range(match: re.Match) -> str:
    """Join a rising range of two numbers with an en dash; leave anything else as typed."""
    low, high = (float(number.replace(",", ".")) for number in (match[1], match[2]))
    return f"{match[1]}–{match[2]}" if low < high else match[0]


@functools.cache
def _alternation(words: tuple[str, ...]) -> str:
    """Return `words` as a regular expression, the longest first; a trailing * takes any ending."""
    return "|".join(
        re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word)
        for word in sorted(words, key=len, reverse=True)
    )


@functools.cache
def _month_names(locale: str) -> str:
    """Return the month names of `locale` (as a date writes them, and capitalized) as a regular expression."""
    names = Locale.parse(locale).months["format"]["wide"].values()
    return "|".join(sorted({form for name in names for form in (name, name.capitalize())}, key=len, reverse=True))


def _pair_rayas(text: str) -> str:
    """Set the Spanish rayas of a block against the words they enclose, one character for one.

    A raya set against the word after it opens an aside, one set against the word before it
    (or before a comma or full stop) closes it, and one typed between spaces does whichever the
    aside needs at that point; the space on its inner side becomes a word joiner. A raya that
    starts the block, or follows a full stop, introduces a speech and opens no aside.
    """
    characters, aside_open = list(text), False
    for index, character in enumerate(text):
        if character not in "—–-" or text[index + 1 : index + 2].isdigit():
            continue  # not a raya, or a minus sign: –5 °C
        spaced_before = index == 0 or text[index - 1].isspace()
        spaced_after = index + 1 == len(text) or text[index + 1].isspace()
        punctuation_after = index + 1 < len(text) and text[index + 1] in ".,;:!?…)"
        if not spaced_before and not (spaced_after or punctuation_after):
            continue  # inside a word or a range: 1717–1797, museo-mausoleo
        if character == "-" and not spaced_before and not aside_open:
            continue  # a hyphen ending a word, with no aside to close
        if index == 0:
            aside_open = False  # a line of dialogue
            continue
        if spaced_before and index > 1 and text[index - 2] in ".?!…":  # after a full stop: the next speech
            characters[index] = "—"
            if spaced_after and index + 1 < len(text):
                characters[index + 1] = WORD_JOINER
            aside_open = False
            continue
        if not spaced_before or punctuation_after:
            closing = True
        elif not spaced_after:
            closing = False
        else:
            closing = aside_open
        characters[index] = "—"
        if closing and spaced_before:
            characters[index - 1] = WORD_JOINER
        elif not closing and spaced_after and index + 1 < len(text):
            characters[index + 1] = WORD_JOINER
        aside_open = not closing
    return "".join(characters)


def doubtful_marks(text: str, language: str) -> list[tuple[int, str]]:
    """Return what a proofreader would query in a typed text, each with the index of the mark concerned:
    a quotation mark that pairs with none (within its paragraph), and in Spanish a question or
    exclamation without both of its marks."""
    queries, offset = [], 0
    for paragraph in re.split(r"(\n\s*\n)", text):
        _, _, stray = pair_quotes(paragraph)
        if stray and not paragraph.isspace():
            start = max(0, stray[0] - 20)
            excerpt = " ".join(paragraph[start : stray[0] + 21].split())
            queries.append(
                (
                    offset + stray[0],
                    f"a quotation mark pairs with none and is printed as typed: “{'…' if start else ''}{excerpt}…”",
                )
            )
        offset += len(paragraph)
    if language.split("-")[0] == "es":
        # Not a web address's ?, nor the (?) and (!) of doubt: blanked out, so that indexes stay.
        prose = re.sub(
            r"\([?!]\)", lambda match: " " * len(match[0]), ADDRESS.sub(lambda match: " " * len(match[0]), text)
        )
        for opening, closing, what in (("¿", "?", "question"), ("¡", "!", "exclamation")):
            if prose.count(opening) != prose.count(closing):
                queries.append(
                    (
                        _first_unmatched(prose, opening, closing),
                        f"{prose.count(opening)} {opening} but {prose.count(closing)} {closing}: Spanish"
                        f" opens every {what} with {opening} and closes it with {closing}",
                    )
                )
    return queries


def _first_unmatched(text: str, opening: str, closing: str) -> int:
    """Return the index of the first `closing` mark with no `opening` mark before it, else of the last `opening`."""
    opened = 0
    for index, character in enumerate(text):
        if character == opening:
            opened += 1
        elif character == closing:
            if not opened:
                return index
            opened -= 1
    return text.rfind(opening)


# Elements whose text runs on with the text around them; any other element starts a new block.
_INLINE = {
    "a",
    "abbr",
    "b",
    "br",
    "cite",
    "code",
    "em",
    "i",
    "q",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "time",
    "u",
    "wbr",
}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SET_ATTRIBUTES = ("alt", "data-section")  # attributes that are text a reader gets: descriptions, running heads
_LEFT_ALONE = {"head", "style", "script"}


class _HtmlSetter(HTMLParser):
    """Copies an HTML document, setting its text one block at a time."""

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.stack: list[tuple[str, str, bool]] = [("", language, False)]  # (tag, language, left alone)
        self.block: list[tuple[int, str]] = []  # (position in out, text) of the current block's pieces

    def handle_starttag(self, tag, attrs):
        if tag not in _INLINE:
            self.flush()
        _, language, left_alone = self.stack[-1]
        values = dict(attrs)
        language = values.get("lang") or language
        left_alone = left_alone or tag in _LEFT_ALONE or values.get("translate") == "no"
        if not left_alone and any(values.get(name) for name in _SET_ATTRIBUTES):
            self.out.append(
                _start_tag(
                    tag,
                    [
                        (name, plain_text(value, language) if name in _SET_ATTRIBUTES and value else value)
                        for name, value in attrs
                    ],
                )
            )
        else:
            self.out.append(self.get_starttag_text() or "")  # never None while a start tag is handled
        if tag not in _VOID:
            self.stack.append((tag, language, left_alone))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in _INLINE:
            self.flush()
        self.out.append(f"</{tag}>")
        if tag in _VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):  # close it and whatever the document left open inside it
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        _, language, left_alone = self.stack[-1]
        if left_alone:
            self.out.append(data if self.stack[-1][0] in ("style", "script") else html.escape(data, quote=False))
            return
        self.block.append((len(self.out), language))
        self.out.append(data)

    def handle_comment(self, data):
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def flush(self) -> None:
        """Set the pieces of the block that just ended, each in its own language."""
        by_language: dict[str, list[int]] = {}
        for position, language in self.block:
            by_language.setdefault(language, []).append(position)
        for language, positions in by_language.items():
            pieces = _typeset_run([self.out[position] for position in positions], language)
            for position, piece in zip(positions, pieces):
                self.out[position] = html.escape(piece, quote=False)
        self.block = []

    def result(self) -> str:
        self.flush()
        return "".join(self.out)


def plain_text(text: str, language: str) -> str:
    """Set a text as a reader gets it out of the PDF: without the word joiners, which only steer line breaking
    and leave no text (for attributes, and for comparing with a PDF's text)."""
    return typeset_text(text, language).replace(WORD_JOINER, "")


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = "".join(f" {name}" if value is None else f' {name}="{html.escape(value)}"' for name, value in attrs)
    return f"<{tag}{parts}>"
