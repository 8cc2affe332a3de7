"""Tests of the Azerbaijani hyphenation: the break points of words, the registration, and a real layout."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pyphen
import pytest
from weasyprint import HTML

from bulletin.language import hyphenation
from bulletin.language.fonts import find_typefaces
from bulletin.language.hyphenation import (
    CONSONANTS,
    VOWELS,
    AzerbaijaniHyphDict,
    KeepsAbbreviations,
    dictionary_text,
    generate_patterns,
    lower_azerbaijani,
    register_hyphenation,
)

from conftest import PROJECT, page_texts

# Words as the syllable rules divide them, worked out by hand, with Pyphen's left=2 and right=2.
HYPHENATED = [
    # place names from the bulletin
    "Şu-şa",
    "Ağ-dam",
    "Fü-zu-li",
    "La-çın",
    "Kəl-bə-cər",
    "Zən-gi-lan",
    "Qu-bad-lı",
    "Cəb-ra-yıl",
    "Xan-kən-di",
    "Had-rut",
    "Qa-ra-bağ",
    "Göy-çay",
    "Ağ-ca-bə-di",
    "Ba-kı",
    "Azər-bay-can",
    # words of the bulletin, with a single consonant or a cluster of two between vowels
    "ye-ni-dən-qur-ma",
    "mək-təb",
    "xəs-tə-xa-na",
    "kənd-lə-rin",
    "də-mir-yo-lu",
    "li-ma-nı",
    "bər-pa",
    "qa-yı-dış",
    "kö-çü-rül-mə",
    "üçün-cü",
    "kənd-tə-sər-rü-fa-tı",
    "ki-tab",
    "məs-cid",
    "dağ-lıq",
    "sağ-lam-laş-dır-ma",
    "öl-kə-mi-zin",
    "xə-ri-tə",
    "qur-ban-lar",
    "mə-də-niy-yət",
    "mi-na-lar-dan",
    "şə-hər-sal-ma",
    "ti-kin-ti",
    "bey-nəl-xalq",
    "əra-zi-lə-rin",
    "ide-ya",
    # clusters of three consonants: only the last one starts the next syllable
    "türk-cə",
    "dost-luq",
    "elekt-rik",
    "eks-pert",
    "inf-rast-ruk-tur",
    # two vowels side by side
    "şa-ir",
    "mü-əl-lim",
    "ra-dio",
    "sa-at",
    "mü-a-vin",
    "tə-əs-süf",
    "po-e-zi-ya",
    "ma-a-rif",
    # loanwords that begin with a consonant cluster
    "struk-tur",
    "stra-te-gi-ya",
    "sta-di-on",
    "prob-lem",
    "proq-ram",
    "trans-port",
    "Tbi-li-si",
    # no single letter left on a line or carried to the next
    "ata",
    "ağac",
    "oxu",
    "neft",
    # capitals: İ and I starting a word; a word written in capitals (an abbreviation, a heading set in
    # capitals) is never divided
    "İçə-ri-şə-hər",
    "İl-ham",
    "Işıq-lı",
    "İQTİSADİYYAT",
    "ŞUŞA",
    "AĞDAM",
    "LAÇIN",
    "QARABAĞ",
    "RESPUBLİKASI",
    "IŞIQLANDIRMA",
    "AZƏRTAC",
    "UNESCO",
]

# A paragraph of the bulletin's kind, long words included, with no hyphen of its own.
PARAGRAPH = (
    "İşğaldan azad edilmiş ərazilərdə yenidənqurma işləri davam edir. Füzuli beynəlxalq hava limanı"
    " istifadəyə verilmiş, Zəngilan və Laçın hava limanlarının tikintisi sürətlənmişdir. Ağdam, Kəlbəcər,"
    " Qubadlı və Cəbrayıl rayonlarında infrastruktur layihələri, kəndlərin bərpası, dəmiryolu xətləri,"
    " məktəb və xəstəxana binaları üzərində işlər gedir. Böyük Qayıdış proqramı çərçivəsində köçkünlərin"
    " doğma yurdlarına köçürülməsi davam etdirilir; Şuşa, Xankəndi və Hadrut şəhərlərində kənd təsərrüfatı"
    " müəssisələri yenidən fəaliyyətə başlayır."
)
HYPHENS = "-\u2010\u2011\u00ad"  # a line-end hyphen from pdftotext: WeasyPrint's U+2010, the bulletin's U+2011, soft
PUNCTUATION = ".,;:"


@pytest.fixture(autouse=True)
def pyphen_as_shipped(monkeypatch):
    """Give each test Pyphen's own tables, so that no registration outlives the test that made it."""
    ours = hyphenation.FILE_NAME  # left out: the registration a build earlier in this process made
    languages = {name: path for name, path in pyphen.LANGUAGES.items() if Path(path).name != ours}
    monkeypatch.setattr(pyphen, "LANGUAGES", languages)
    monkeypatch.setattr(
        pyphen,
        "LANGUAGES_LOWERCASE",
        {key: name for key, name in pyphen.LANGUAGES_LOWERCASE.items() if name in languages},
    )
    monkeypatch.setattr(
        pyphen,
        "hdcache",
        {
            path: parsed
            for path, parsed in pyphen.hdcache.items()
            if Path(path).name != ours and not isinstance(parsed, KeepsAbbreviations)
        },
    )


def test_word_list_covers_the_alphabet():
    """The hand-divided words use every letter special to Azerbaijani, and many words."""
    letters = set(lower_azerbaijani("".join(HYPHENATED)))
    assert set("əğıöüşçqx") <= letters
    assert len(HYPHENATED) >= 40


def test_words_break_at_their_syllables():
    """Pyphen divides each word as the orthography's rules do. (One test for every word: each test registers the
    dictionaries afresh, a tenth of a second.)"""
    register_hyphenation()
    dictionary = pyphen.Pyphen(lang="az", left=2, right=2)
    divided = {expected: dictionary.inserted(expected.replace("-", "")) for expected in HYPHENATED}
    assert {expected: found for expected, found in divided.items() if found != expected} == {}


def test_patterns_are_derived_from_the_rules():
    """One pattern per consonant and vowel, per pair of vowels, per word-initial pair of consonants."""
    patterns = generate_patterns()
    expected = len(CONSONANTS) * len(VOWELS) + len(VOWELS) ** 2 + len(CONSONANTS) ** 2
    assert len(patterns) == len(set(patterns)) == expected == 817
    assert {"1ta", "a1i", ".s2t2"} <= set(patterns)
    text = dictionary_text()
    assert text.splitlines()[0] == "UTF-8"
    assert set(patterns) <= set(text.splitlines())


def test_lowering_keeps_one_letter_for_one():
    """İ lowers to i and I to ı, where Python would make İ two characters and I an i."""
    assert lower_azerbaijani("İÇƏRİŞƏHƏR") == "içərişəhər"
    assert lower_azerbaijani("IŞIQ Ağdam") == "ışıq ağdam"
    assert len("İçərişəhər".lower()) == len("İçərişəhər") + 1  # why the lowering is needed


def test_capitals_would_break_in_the_wrong_place_without_the_azerbaijani_lowering():
    """Pyphen's plain dictionary, given the same file, shifts the breaks after an İ."""
    path = register_hyphenation()
    assert pyphen.HyphDict(path).positions("İçərişəhər") != AzerbaijaniHyphDict(path).positions("İçərişəhər")
    assert AzerbaijaniHyphDict(path).positions("İçərişəhər") == [1, 3, 5, 7]


def test_registration_is_idempotent_and_resolves_the_language_tags(monkeypatch, tmp_path):
    """Registering twice changes nothing; az, az-Latn, az-AZ and AZ all find the dictionary."""
    assert pyphen.language_fallback("az") is None  # Pyphen as shipped: no Azerbaijani
    monkeypatch.chdir(tmp_path)  # the working folder plays no part
    path = register_hyphenation()
    written = path.stat()
    dictionary = pyphen.hdcache[path]
    assert register_hyphenation() == path
    assert pyphen.hdcache[path] is dictionary and isinstance(dictionary, AzerbaijaniHyphDict)
    assert path.stat().st_mtime_ns == written.st_mtime_ns and path.stat().st_ino == written.st_ino
    for tag in ("az", "az-Latn", "az-AZ", "AZ", "az_Latn_AZ"):
        assert pyphen.language_fallback(tag) == "az"
    assert pyphen.Pyphen(lang="az-Latn").hd is dictionary
    assert not path.is_relative_to(PROJECT) and not path.is_relative_to(tmp_path)
    assert path.read_text(encoding="utf-8") == dictionary_text()


def test_registration_from_several_threads_gives_one_dictionary():
    """Threads registering at once all get the same file and the same parsed dictionary."""
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda: paths.append(register_hyphenation())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(paths)) == 1 and len(paths) == 8
    assert isinstance(pyphen.hdcache[paths[0]], AzerbaijaniHyphDict)


def test_registration_is_made_again_when_pyphen_forgot_it(monkeypatch):
    """A registration that Pyphen's tables lost is made again, from the file already written."""
    path = register_hyphenation()
    monkeypatch.delitem(pyphen.LANGUAGES, "az")
    monkeypatch.delitem(pyphen.hdcache, path)
    assert register_hyphenation() == path
    assert pyphen.language_fallback("az-AZ") == "az"
    assert isinstance(pyphen.Pyphen(lang="az").hd, AzerbaijaniHyphDict)


def test_another_process_writes_its_own_file_and_removes_it_at_exit():
    """Each process has a private dictionary file, gone when the process ends."""
    ours = register_hyphenation()
    script = (
        "import pyphen; from bulletin.language.hyphenation import register_hyphenation;"
        " print(register_hyphenation()); print(pyphen.Pyphen(lang='az').inserted('Kəlbəcər'))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    ).stdout.split()
    theirs = Path(output[0])
    assert output[1] == "Kəl-bə-cər"
    assert theirs != ours and not theirs.exists() and ours.exists()
    assert hyphenation._dictionary == ours


def breaks(divided: str) -> list[int]:
    """Return the break points of a word divided by hand, counted in letters: 'Şu-şa' gives [2]."""
    syllables = divided.split("-")
    return [sum(map(len, syllables[:end])) for end in range(1, len(syllables))]


def write_column(folder: Path) -> Path:
    """Write an HTML page with a narrow justified column of the paragraph, in Azerbaijani."""
    html = folder / "column.html"
    html.write_text(
        f"""<!DOCTYPE html>
<html lang="az"><head><meta charset="utf-8"><style>
{find_typefaces().stylesheet()}
@page {{ size: 60mm 297mm; margin: 10mm; }}
p {{ font: 9pt/1.3 "Bulletin Serif"; width: 35mm; text-align: justify; hyphens: auto; }}
</style></head><body><p>{PARAGRAPH}</p></body></html>""",
        encoding="utf-8",
    )
    return html


def line_ends(pdf: Path) -> list[tuple[str, str]]:
    """Return each word hyphenated at a line end as (its part on the line, its part on the next)."""
    lines = [line.split() for page in page_texts(pdf) for line in page.splitlines() if line.strip()]
    return [
        (line[-1].rstrip(HYPHENS), following[0].rstrip(PUNCTUATION))
        for line, following in zip(lines, lines[1:])
        if line[-1][-1] in HYPHENS
    ]


def test_a_narrow_column_is_hyphenated_at_the_dictionarys_break_points(tmp_path):
    """WeasyPrint breaks Azerbaijani words at line ends, each at a syllable the rules allow."""
    register_hyphenation()
    pdf = tmp_path / "column.pdf"
    HTML(filename=write_column(tmp_path)).write_pdf(pdf)
    ends = line_ends(pdf)
    assert len(ends) >= 3, ends
    dictionary = pyphen.Pyphen(lang="az")
    by_hand = {expected.replace("-", "").lower(): expected for expected in HYPHENATED}
    for before, after in ends:
        word = before + after
        assert word in PARAGRAPH, (before, after)
        assert len(before) in dictionary.positions(word), f"{before}-{after}"
        if word.lower() in by_hand:  # and where the word is in the hand-made list, as it divides it
            assert len(before) in breaks(by_hand[word.lower()]), f"{before}-{after}"


@pytest.mark.slow
def test_without_the_registration_the_same_column_is_not_hyphenated(tmp_path):
    """Laid out in a process that never registers the dictionary, lang="az" breaks no word."""
    pdf = tmp_path / "column.pdf"
    script = (
        "import sys, pyphen; from weasyprint import HTML;"
        " assert pyphen.language_fallback('az') is None;"
        " HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", script, str(write_column(tmp_path)), str(pdf)], check=True, cwd=tmp_path)
    assert page_texts(pdf) and line_ends(pdf) == []


@pytest.mark.slow
def test_the_azerbaijani_edition_is_hyphenated_by_the_build(sample_build):
    """The print stage registers the patterns: the sample's az edition breaks words at its syllables."""
    register_hyphenation()
    dictionary = pyphen.Pyphen(lang="az", left=2, right=2)
    # Read in reading order, not -layout: the articles are set in two columns side by side.
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(sample_build.pdf("az", "screen")), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [line.split() for line in text.splitlines() if line.strip()]
    ends = [
        (line[-1].rstrip(HYPHENS), following[0].rstrip(PUNCTUATION))
        for line, following in zip(lines, lines[1:])
        if line[-1][-1] in HYPHENS
    ]
    assert len(ends) >= 20, ends
    for before, after in ends:
        word = (before + after).strip("«»“”()")
        if word.isalpha():
            assert len(before.strip("«»“”(")) in dictionary.positions(word), f"{before}-{after}"


@pytest.mark.parametrize("language, word", [("ru", "ЮНЕСКО"), ("en", "UNESCO"), ("es", "UNESCO")])
def test_pyphens_own_dictionaries_leave_abbreviations_whole(language, word):
    """As shipped, Pyphen divides an abbreviation (UNES-CO); registered, it leaves it whole."""
    assert pyphen.Pyphen(lang=language).inserted(word) != word
    register_hyphenation()
    assert pyphen.Pyphen(lang=language).inserted(word) == word


@pytest.mark.parametrize(
    "language, divided", [("ru", "вос-ста-нав-ли-ва-ют"), ("en", "re-con-struc-tion"), ("es", "re-cons-truc-ción")]
)
def test_their_other_words_are_divided_as_before(language, divided):
    register_hyphenation()
    assert pyphen.Pyphen(lang=language).inserted(divided.replace("-", "")) == divided
