"""The glyph coverage check: every character of the texts and catalogs against the bulletin's fonts."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from bulletin.content.coverage import INVISIBLE, TYPOGRAPHY, check_coverage, covered_characters, describe_character
from bulletin.language.fonts import find_typefaces
from bulletin.language.typography import ADDED_HYPHEN
from bulletin.project import TRANSLATIONS
from bulletin.util.errors import Mark, Problem

from conftest import LANGUAGES, SAMPLE, apply_edits, main, pdf_fonts, wrote_nothing

REASON = "cannot be shown by the bulletin's fonts (Noto Serif, Noto Sans); replace it or remove it"
EMOJI = f"character '😀' (U+1F600 GRINNING FACE) {REASON}"
CJK = f"character '中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D) {REASON}"
CATALOG = """\
# Russian translations for Since the Victory. 😀 in a comment is not printed.
msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || "
"n%100>=20) ? 1 : 2);\\n"

#: templates/front-matter.html:43
msgid "%(num)s article 😀"
msgid_plural "%(num)s articles"
msgstr[0] "%(num)s статья"
msgstr[1] "%(num)s статьи 😀"
msgstr[2] "%(num)s статей"

#: templates/front-matter.html:36
#, fuzzy
msgid "Contents"
msgstr "Содержание 😀"

#: templates/front-matter.html:31
msgid "About the bulletin"
msgstr ""
"О бюллетене, "
"длинная строка 中 и 中"

#~ msgid "Old"
#~ msgstr "Старое 😀"
"""


@pytest.fixture(scope="module")
def fonts() -> tuple[Path, ...]:
    """The bulletin's font files, as the build finds them."""
    return tuple(find_typefaces().files.values())


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_font(path: Path, characters: str, family: str) -> Path:
    """Write a TrueType font of empty glyphs that maps exactly `characters`."""
    names = [".notdef"] + [f"uni{ord(char):04X}" for char in characters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(char): name for char, name in zip(characters, names[1:])})
    builder.setupGlyf({name: TTGlyphPen(None).glyph() for name in names})
    builder.setupHorizontalMetrics({name: (500, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return path


def test_an_emoji_in_a_title_is_reported_at_the_character(tmp_path, fonts):
    ru = write(tmp_path / "issue" / "ru.yaml", 'language: ru\nsections:\n  shusha:\n    title: "Шуша 😀 сегодня"\n')
    assert check_coverage(tmp_path / "issue", ["ru"], tmp_path / "translations", fonts) == [
        Problem(Mark(ru, 4, 18), EMOJI)
    ]


def test_a_character_in_a_markdown_body_is_reported_at_its_own_line_and_column(tmp_path, fonts):
    en = write(
        tmp_path / "issue" / "en.yaml",
        (
            "language: en\n"
            "articles:\n"
            "  first:\n"
            "    title: First\n"
            "    body: |  # a header comment 中 is not the text\n"
            "      The first paragraph.\n"
            "\n"
            "      A second paragraph, *with* 中 in its middle\n"
            "      and a last line.\n"
            "    lead: After\n"
        ),
    )
    assert check_coverage(tmp_path / "issue", ["en"], tmp_path / "translations", fonts) == [
        Problem(Mark(en, 8, 34), CJK)
    ]


def test_a_character_of_a_catalog_translation_is_reported_in_the_po_file(tmp_path, fonts):
    po = write(tmp_path / "translations" / "ru" / "LC_MESSAGES" / "messages.po", CATALOG)
    # Not the msgid, not the fuzzy or obsolete entries, not a comment: the msgstr that is printed, each line once.
    assert check_coverage(tmp_path / "issue", ["ru"], tmp_path / "translations", fonts) == [
        Problem(Mark(po, 12, 27), EMOJI),
        Problem(Mark(po, 24, 17), CJK),
    ]


def test_comments_keys_and_issue_yaml_are_not_read(tmp_path, fonts):
    write(tmp_path / "issue" / "issue.yaml", "# 😀 the issue's own comment\nnumber: 5\n")
    az = write(
        tmp_path / "issue" / "az.yaml",
        (
            "# Azərbaycan mətnləri 😀\n"
            "language: az  # 😀\n"
            "figures:\n"
            "  yol😀: Yolun uzunluğu  # 😀 only this line's value counts: 😀\n"
            "  pay: Pay 😀\n"
        ),
    )
    assert check_coverage(tmp_path / "issue", ["az"], tmp_path / "translations", fonts) == [
        Problem(Mark(az, 5, 12), EMOJI)
    ]


def test_every_problem_of_the_issue_is_reported_together(tmp_path, fonts):
    folder, translations = tmp_path / "issue", tmp_path / "translations"
    ru = write(folder / "ru.yaml", "language: ru\nabout: |\n  Один 😀 и ещё 😀,\n  два 😀.\nchronology:\n  a: 中\n")
    es = write(folder / "es.yaml", "language: es\nchronology:\n  a: ¡Hola 😀!\n")
    po = write(translations / "ru" / "LC_MESSAGES" / "messages.po", CATALOG)
    expected = [
        Problem(Mark(es, 3, 12), EMOJI),
        Problem(Mark(ru, 3, 8), EMOJI),
        Problem(Mark(ru, 4, 7), EMOJI),
        Problem(Mark(ru, 6, 6), CJK),
        Problem(Mark(po, 12, 27), EMOJI),
        Problem(Mark(po, 24, 17), CJK),
    ]
    assert check_coverage(folder, ["ru", "es"], translations, fonts) == expected


def test_a_character_reference_counts_in_markdown_and_an_escape_at_the_value(tmp_path, fonts):
    ru = write(
        tmp_path / "issue" / "ru.yaml",
        (
            "language: ru\n"
            'publisher: "Редакция \\U0001F600"\n'  # YAML's escape: the character is in the text
            "about: |\n"
            "  Markdown makes &#x1F600; a character, but not \\&#x1F600;.\n"
            "chronology:\n"
            "  a: Not Markdown, so &#x1F600; is printed as written\n"
        ),
    )
    assert check_coverage(tmp_path / "issue", ["ru"], tmp_path / "translations", fonts) == [
        Problem(Mark(ru, 2, 12), EMOJI),
        Problem(Mark(ru, 4, 18), EMOJI.replace(") cannot", "), written as &#x1F600;, cannot")),
    ]


def test_a_letter_written_decomposed_is_judged_as_the_one_character_it_makes(tmp_path, fonts):
    """Alef with madda above (U+0622), which the fonts lack, typed as alef and a combining madda: one problem
    for the letter the text holds (as `content` reads it), placed where its parts are written."""
    ru = write(tmp_path / "issue" / "ru.yaml", 'language: ru\npublisher: "Редакция \u0627\u0653"\n')
    assert check_coverage(tmp_path / "issue", ["ru"], tmp_path / "translations", fonts) == [
        Problem(Mark(ru, 2, 22), f"character 'آ' (U+0622 ARABIC LETTER ALEF WITH MADDA ABOVE) {REASON}")
    ]


def test_only_characters_every_face_shows_pass_and_invisible_ones_are_ignored(tmp_path):
    ascii_ = "".join(map(chr, range(0x20, 0x7F)))
    fonts = [
        make_font(tmp_path / "serif.ttf", ascii_ + "é", "Test Serif"),
        make_font(tmp_path / "sans.ttf", ascii_, "Test Sans"),
    ]
    ru = write(
        tmp_path / "issue" / "ru.yaml",
        'language: ru\nabout: "soft\\u00adhyphen, zero\\u200bwidth, joiner\\u200d, \\t tab, mark\\u200e"\n'
        "publisher: café\n",
    )
    assert check_coverage(tmp_path / "issue", ["ru"], tmp_path / "translations", fonts) == [
        Problem(
            Mark(ru, 3, 15),
            "character 'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE) cannot be shown by the"
            " bulletin's fonts (Test Serif, Test Sans); replace it or remove it",
        )
    ]


def test_characters_are_named_so_that_an_editor_can_find_them():
    assert describe_character("\u0301") == "'◌́' (U+0301 COMBINING ACUTE ACCENT)"
    assert describe_character("\x85") == "'\\x85' (U+0085 <control-0085>)"
    assert describe_character("\ue000") == "'\\ue000' (U+E000 <private-use-E000>)"


def test_the_fonts_show_what_the_typographic_pass_inserts(fonts):
    # '-', U+2010 (WeasyPrint's) and U+2011 (the stylesheet's) are the hyphens drawn where a line breaks in a word.
    assert set(TYPOGRAPHY + "-\u2010" + ADDED_HYPHEN) - covered_characters(fonts) == set()


def test_the_hyphen_the_layout_adds_looks_and_sets_as_the_hyphen_in_every_face(fonts):
    """The stylesheet's U+2011 in place of WeasyPrint's U+2010 changes nothing on the page: the same outline, the
    same width, in each of the bulletin's faces."""
    for path in fonts:
        font = TTFont(path)
        glyphs, mapping = font.getGlyphSet(), font.getBestCmap()
        drawn = []
        for character in ("\u2010", ADDED_HYPHEN):
            pen = RecordingPen()
            glyphs[mapping[ord(character)]].draw(pen)
            drawn.append((pen.value, font["hmtx"][mapping[ord(character)]][0]))
        assert drawn[0] == drawn[1], path.name


def test_the_sample_issue_passes(fonts):
    assert check_coverage(SAMPLE, LANGUAGES, TRANSLATIONS, fonts) == []


def test_a_build_with_a_character_the_fonts_lack_stops_before_printing(minimal_issue, tmp_path, monkeypatch, capsys):
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": '"Первая статья"', "with": '"Первая статья 😀"'}])
    monkeypatch.chdir(tmp_path)  # so that the message names the file as an editor sees it
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--output", str(output), "-q"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"issues/2023-H1/ru.yaml:10:44: {EMOJI}",
        "1 problem(s); no PDF was written.",
    ]
    assert wrote_nothing(output)


def test_validate_and_the_scheduled_check_report_it_too(minimal_issue, tmp_path, monkeypatch, capsys):
    """`validate` lists what the build would refuse: a character the fonts lack is a problem there too."""
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": '"Первая статья"', "with": '"Первая статья 😀"'}])
    monkeypatch.chdir(tmp_path)
    assert main(["validate", str(minimal_issue)]) == 2
    printed = capsys.readouterr()
    assert printed.out.splitlines() == [f"issues/2023-H1/ru.yaml:10:44: {EMOJI}"]
    assert printed.err.splitlines() == ["issues/2023-H1: 1 problem(s)"]


# Characters of the bulletin's fonts after which an invisible one could make the layout pick another font: those
# that have an emoji form (©, ®, ™, ‼, ⁉, ℹ, #, * and digits), and letters of the four languages.
BASES = "©®™‼⁉ℹ#*19aəШñ"


def test_the_invisible_characters_a_text_may_hold_are_drawn_with_the_bulletins_fonts_alone(tmp_path):
    """Each is drawn as nothing, whatever stands before and after it: the Arabic letter mark made WeasyPrint fetch
    an Arabic font, the emoji selector after ©, and a joiner between two, a font of the system (the build then
    failed naming no file); those are refused by validation instead. One paragraph of words, not an element per
    word: the layout picks fonts alike (each of those three still brings its font in) and ten times faster."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    words = " ".join(f"{base}{char}{base}{char}x" for char in sorted(INVISIBLE) for base in BASES)
    configuration = FontConfiguration()
    stylesheet = CSS(
        string=find_typefaces().stylesheet() + 'p { font-family: "Bulletin Serif" }'
        ' .sans { font-family: "Bulletin Sans" }',
        font_config=configuration,
    )
    pdf = tmp_path / "invisible.pdf"
    # One face of each family: the layout chooses a font for a character by the family's coverage, not the face's.
    HTML(string=f'<p>{words}</p><p class="sans">{words}</p>').write_pdf(
        pdf, stylesheets=[stylesheet], font_config=configuration
    )
    assert {font["name"].split("+")[1] for font in pdf_fonts(pdf)} == {"Bulletin-Serif", "Bulletin-Sans"}


def test_a_format_character_the_fonts_lack_is_reported_like_any_other(tmp_path, fonts):
    en = write(tmp_path / "issue" / "en.yaml", 'language: en\npublisher: "Office\\U0001D173"\n')
    assert check_coverage(tmp_path / "issue", ["en"], tmp_path / "translations", fonts) == [
        Problem(Mark(en, 2, 12), f"character '\\U0001d173' (U+1D173 MUSICAL SYMBOL BEGIN BEAM) {REASON}")
    ]
