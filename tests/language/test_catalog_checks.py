"""The catalog check (what msgfmt --check refuses, and what the templates could not format), judged
against gettext's own msgfmt: the corpus's bad catalogs, the project's good ones, and the cases where
the build's needs and msgfmt part."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import polib
import pytest
import tinyhtml5
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.content.examination import validate_issue
from bulletin.language.catalogs import catalog_path, catalog_problems, read_catalog_state
from bulletin.language.extraction import template_strings
from bulletin.language.localization import load_translations
from bulletin.model import Edition
from bulletin.printing.rendering import render_edition
from bulletin.project import EXTRACTION_CONFIG, TEMPLATES, TRANSLATIONS

from conftest import CASES, LANGUAGES, MINIMAL, apply_edits, load_case

# The cases whose catalog holds wrong text (not those that put a pipe or a folder in its place, which no tool reads).
CATALOG_CASES = sorted(
    path.parent.name
    for path in CASES.glob("*/case.yaml")
    if any(
        "catalog" in edit and not {"fifo", "folder", "socket"} & set(edit)
        for edit in load_case(path.parent.name)["edits"]
    )
)
# Bad catalogs of the corpus that msgfmt --check --check-header lets through, and why the build refuses them.
MSGFMT_PASSES = {
    "catalog-percent-sign-in-plain-string": "msgfmt checks % only in entries flagged python-format;"
    " Jinja2's new-style gettext formats every interface string",
    "catalog-charset-latin1": "msgfmt converts from any charset it knows; the build reads and compiles UTF-8",
    "catalog-untranslated-string": "to msgfmt an empty translation is untranslated, not wrong",
    "catalog-placeholder-width": "msgfmt compares only the placeholders' names and conversions; the templates"
    " would pad the text to the width, two million spaces the layout takes minutes on",
}
MSGFMT_WARNS = ("catalog-charset-placeholder", "catalog-content-type-missing")  # warnings, not errors


def msgfmt(path: Path) -> subprocess.CompletedProcess:
    """Check a catalog with gettext's msgfmt, writing nothing."""
    return subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )


def faults_of(translations: Path, language: str) -> list[str]:
    """The problems of a catalog that stop even a draft, each as `line: message`."""
    return [
        f"{problem.mark.line}: {problem.message}"
        for problem in catalog_problems(read_catalog_state(language, translations, ()), complete=False)
    ]


def test_the_corpus_has_catalog_cases():
    assert len(CATALOG_CASES) >= 15 and set(MSGFMT_PASSES) | set(MSGFMT_WARNS) < set(CATALOG_CASES)


@pytest.mark.parametrize("name", CATALOG_CASES)
def test_msgfmt_agrees_that_each_bad_catalog_of_the_corpus_is_bad(name, minimal_issue):
    edits = load_case(name)["edits"]
    apply_edits(minimal_issue, edits)
    [language] = {edit["catalog"] for edit in edits}
    result = msgfmt(catalog_path(minimal_issue.parent / "translations", language))
    if name in MSGFMT_PASSES:  # if msgfmt comes to refuse one of these, it belongs with the others
        assert result.returncode == 0, MSGFMT_PASSES[name]
    elif name in MSGFMT_WARNS:
        assert result.returncode == 0 and "warning: header field 'Content-Type'" in result.stderr
    else:
        assert result.returncode == 1 and result.stderr, result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_project_catalogs_pass_msgfmt_and_the_check(language):
    result = msgfmt(catalog_path(TRANSLATIONS, language))
    assert (result.returncode, result.stderr) == (0, "")
    assert faults_of(TRANSLATIONS, language) == []


@pytest.fixture
def translations(tmp_path) -> Path:
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    return copy


def edit(translations: Path, language: str, old: str, new: str) -> Path:
    path = catalog_path(translations, language)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "language, old, new, expected, msgfmt_refuses",
    [
        # English form 0 is chosen for 1 alone: it may say "one" instead of the number, as msgfmt allows.
        ("en", 'msgstr[0] "%(num)s article"', 'msgstr[0] "one article"', [], False),
        # A fuzzy entry is never compiled: its mistakes are not the build's (status lists it as fuzzy).
        (
            "ru",
            'msgid "No. %(number)s"\nmsgstr "№\u00a0%(number)s"',
            '#, fuzzy\nmsgid "No. %(number)s"\nmsgstr "№\u00a0%(numbr)s"',
            [],
            False,
        ),
        (
            "ru",
            'msgstr "почти %(value)s"',
            'msgstr "почти %(value)"',
            ['208: interface string "nearly %(value)s": %(value) has no conversion; write %(value)s'],
            True,
        ),
        (
            "ru",
            'msgstr[2] "%(num)s статей"',
            'msgstr[2] "%(num)s статей"\nmsgstr[3] "%(num)s статей"',
            ['32: interface string "%(num)s article" has 4 plural forms; the header\'s Plural-Forms has nplurals=3'],
            True,
        ),
        # Forms swapped: msgfmt checks only that the rule stays within nplurals, not that it is the language's.
        (
            "ru",
            "? 1 : 2);",
            "? 2 : 1);",
            [
                "16: the header's plural rule chooses form 1 for 0, where Russian uses form 2; make it \"Plural-Forms:"
                " nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || "
                'n%100>=20) ? 1 : 2);\\n"'
            ],
            False,
        ),
        (
            "es",
            "plural=(n != 1);",
            "plural=(n !=;",
            [
                "16: the header's Plural-Forms cannot be read; for Spanish it is \"Plural-Forms: nplurals=2;"
                ' plural=(n != 1);\\n"'
            ],
            True,
        ),
        (
            "es",
            "plural=(n != 1);",
            "plural=(n % 0);",
            [
                "16: the header's Plural-Forms cannot be read; for Spanish it is \"Plural-Forms: nplurals=2;"
                ' plural=(n != 1);\\n"'
            ],
            True,
        ),
        (
            "en",
            'msgstr "About the bulletin"',
            'msgstr "\\nAbout the bulletin"',
            [
                '42: interface string "About the bulletin": the translation begins with a line break and the '
                "msgid does not"
            ],
            True,
        ),
        # A precision prints none of the text, or a part of it (msgfmt refuses it, though not a width: see the corpus).
        (
            "ru",
            'msgstr "почти %(value)s"',
            'msgstr "почти %(value).0s"',
            [
                '208: interface string "nearly %(value)s": %(value).0s has a width, precision or flag that the msgid\'s'
                " %(value)s does not, which pads the text with spaces or cuts it; write %(value)s"
            ],
            True,
        ),
        # What no text may hold, no translation may: a control of writing direction turns the words after it round.
        (
            "en",
            'msgstr "About the bulletin"',
            'msgstr "About the \u202ebulletin"',
            [
                "42: interface string \"About the bulletin\": character '\\u202e' (U+202E RIGHT-TO-LEFT OVERRIDE) is an"
                " invisible control of writing direction, which can show the words around it in another order than they"
                " read; remove it"
            ],
            False,
        ),
        (
            "en",
            'msgstr "Contents"',
            'msgstr "Conte\u0300\u0301\u0302\u0303\u0304\u0305nts"',
            [
                "53: interface string \"Contents\": the letter 'è' carries 5 combining marks, the first '◌́' (U+0301"
                " COMBINING ACUTE ACCENT); a letter may carry at most 4, and more run into the lines above and below:"
                " remove them"
            ],
            False,
        ),
    ],
    ids=[
        "singular-form-for-one",
        "fuzzy",
        "no-conversion",
        "extra-plural-form",
        "plural-rule",
        "plural-unreadable",
        "plural-division-by-zero",
        "leading-line-break",
        "precision",
        "direction-control",
        "stacked-marks",
    ],
)
def test_a_catalog_is_judged_at_its_line(translations, language, old, new, expected, msgfmt_refuses):
    path = edit(translations, language, old, new)
    assert faults_of(translations, language) == expected
    result = msgfmt(path)
    assert (result.returncode != 0) == msgfmt_refuses, result.stderr


def test_a_catalog_naming_another_file_is_not_read_from_there(translations):
    other = catalog_path(translations, "ru")
    catalog_path(translations, "es").write_text(str(other), encoding="utf-8")
    state = read_catalog_state("es", translations, ("Contents",))
    assert state.entries == () and state.problem == "cannot read the catalog: Syntax error in po file (line 1)"


# Pieces of translations: the placeholders the templates fill, percent signs, parentheses, line breaks, markup.
PIECES = (
    "%",
    "%%",
    "(",
    ")",
    "s",
    "d",
    "%(num)s",
    "%(number)s",
    "%(value)s",
    "%(languages)s",
    "%(numbr)s",
    "%s",
    "% o",
    "\n",
    " ",
    "x",
    "№",
    "<a href='javascript:x'>",
    "</a>",
    "&",
    "{",
    "}",
)
WANTED = template_strings(EXTRACTION_CONFIG)
ISSUE = validate_issue(MINIMAL)


# The same examples on every run (derandomize), nothing kept between runs; about 20 seconds.
@pytest.mark.slow
@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(
    st.sampled_from(LANGUAGES),
    st.sampled_from(WANTED),
    st.integers(0, 2),
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
)
def test_a_catalog_the_check_passes_renders_and_embeds_nothing(language, msgid, form, translation):
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "translations"
        shutil.copytree(TRANSLATIONS, copy)
        catalog = polib.pofile(str(catalog_path(copy, language)))
        [entry] = [entry for entry in catalog if entry.msgid == msgid]
        if entry.msgid_plural:
            entry.msgstr_plural[min(form, len(entry.msgstr_plural) - 1)] = translation
        else:
            entry.msgstr = translation
        catalog.save()
        problems = catalog_problems(read_catalog_state(language, copy, WANTED))
        if problems:  # each at a line of the catalog, for a translator to find
            assert all(
                problem.mark.path == catalog_path(copy, language) and problem.mark.line > 1 for problem in problems
            ), problems
            return
        html = render_edition(Edition(ISSUE, language), TEMPLATES, load_translations(language, copy, EXTRACTION_CONFIG))
    plain = render_edition(
        Edition(ISSUE, language), TEMPLATES, load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG)
    )
    assert elements(html) == elements(plain)  # whatever the translation, it adds no element


def elements(html: str) -> Counter:
    return Counter(element.tag for element in tinyhtml5.parse(html).iter())
