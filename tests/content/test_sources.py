"""Source hashes of translated texts: stale translations, and confirming them with `build.py confirm`."""

from __future__ import annotations

import json
import unicodedata

import pyphen
import pytest

from bulletin.content.examination import validate_issue
from bulletin.content.loading import load_source
from bulletin.content.schema import Checker
from bulletin.content.sources import (
    FRESH,
    STALE,
    UNCONFIRMED,
    confirmations_file,
    freshness,
    read_confirmations,
    source_hash,
)
from bulletin.content.validation import read_issue
from bulletin.language.hyphenation import register_hyphenation
from bulletin.util.fingerprints import read_inputs
from bulletin.workflow.cli import main
from bulletin.workflow.confirmation import confirm

from conftest import PROJECT, apply_edits


def states(folder, language: str) -> dict[str, str]:
    """The freshness of every written text of `language`, by field name."""
    facts, texts = read_issue(folder, Checker())
    return {
        item.name: freshness(texts, item, facts["source_language"])
        for item in texts.of(language)
        if item.value is not None
    }


def test_the_hash_ignores_line_wrapping_but_not_words_or_paragraphs():
    text = "One two three.\n\nFour five."
    assert source_hash("One two\nthree.\n\nFour   five.\n") == source_hash(text)
    assert source_hash("One two three.\n\nFour six.") != source_hash(text)
    assert source_hash("One two three. Four five.") != source_hash(text)
    assert len(source_hash(text)) == 8


def test_the_hash_ignores_whether_letters_are_composed():
    assert source_hash(unicodedata.normalize("NFD", "Şuşa və Ağdam")) == source_hash("Şuşa və Ağdam")


def test_a_title_saved_decomposed_is_confirmed_and_hyphenated_as_the_words_it_shows(minimal_issue, capsys):
    """A title typed or pasted decomposed (NFD: s and a combining cedilla for ş), then saved composed by another
    editor: the translation confirmed against one is not stale against the other, and the words break at the
    syllables they would composed, not where the patterns, written in composed letters, lose their way."""
    composed = "Şuşanın gözəlliyi"
    decomposed = unicodedata.normalize("NFD", composed)
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": '"İlk məqalə"', "with": f'"{decomposed}"'}])
    assert main(["confirm", str(minimal_issue), "en", "articles.first-article.title", "--force"]) == 0
    assert states(minimal_issue, "en")["articles.first-article.title"] == FRESH
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": decomposed, "with": composed}])
    assert states(minimal_issue, "en")["articles.first-article.title"] == FRESH
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": composed, "with": decomposed}])
    title = validate_issue(minimal_issue).sections[0].articles[0].title["az"]
    assert title == composed
    register_hyphenation()
    dictionary = pyphen.Pyphen(lang="az")
    assert [dictionary.inserted(word) for word in title.split()] == ["Şu-şa-nın", "gö-zəl-li-yi"]
    assert dictionary.inserted(decomposed.split()[0]) != "Şu-şa-nın"  # as typed, the word broke elsewhere


def test_every_translation_of_the_minimal_issue_is_confirmed(minimal_issue):
    for language in ("ru", "en", "es"):
        assert set(states(minimal_issue, language).values()) == {FRESH}


def test_a_changed_source_text_makes_its_translations_stale_and_nothing_else(minimal_issue):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Birinci abzas.", "with": "Birinci, yeni abzas."}])
    for language in ("ru", "en", "es"):
        found = states(minimal_issue, language)
        assert found["articles.first-article.body"] == STALE
        assert [name for name, state in found.items() if state != FRESH] == ["articles.first-article.body"]


def test_rewrapping_the_source_text_does_not_make_translations_stale(minimal_issue):
    apply_edits(
        minimal_issue,
        [{"file": "az.yaml", "replace": "Bu, *sınaq* buraxılışıdır.", "with": "Bu, *sınaq*\n  buraxılışıdır."}],
    )
    assert states(minimal_issue, "ru")["about"] == FRESH


def test_confirming_a_text_writes_only_its_tag(minimal_issue):
    apply_edits(
        minimal_issue,
        [
            {"file": "az.yaml", "replace": "Birinci abzas.", "with": "Birinci, yeni abzas."},
            {"file": "az.yaml", "replace": "Qısa giriş.", "with": "Yeni giriş."},
        ],
    )
    before = (minimal_issue / "ru.yaml").read_text(encoding="utf-8").splitlines()
    done = confirm(minimal_issue, "ru", ("articles.first-article.body",), force=True)  # the ru text still holds
    after = (minimal_issue / "ru.yaml").read_text(encoding="utf-8").splitlines()
    assert [item.name for item in done.changed] == ["articles.first-article.body"]
    changed = [(old, new) for old, new in zip(before, after) if old != new]
    assert len(before) == len(after) and len(changed) == 1
    old, new = changed[0]
    assert old.startswith("    body: !source-") and new.startswith("    body: !source-") and new.endswith("|")
    found = states(minimal_issue, "ru")
    assert found["articles.first-article.body"] == FRESH
    assert found["articles.first-article.lead"] == STALE  # not named, so not confirmed
    assert states(minimal_issue, "en")["articles.first-article.body"] == STALE  # another language's file


def test_confirming_an_entry_confirms_each_of_its_texts_and_keeps_the_values(minimal_issue):
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": "title: !source-", "with": "title: "}])
    _, before = read_issue(minimal_issue, Checker())
    assert states(minimal_issue, "ru")["sections.shusha.title"] == UNCONFIRMED
    done = confirm(minimal_issue, "ru", ("sections",))
    assert [item.name for item in done.changed] == ["sections.shusha.title"]
    _, after = read_issue(minimal_issue, Checker())
    assert after.values == before.values
    assert set(states(minimal_issue, "ru").values()) == {FRESH}


def test_confirm_on_the_command_line(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": '"Şuşa"', "with": '"Şuşa şəhəri"'}])
    assert main(["confirm", str(minimal_issue), "es", "sections.shusha.title", "--force"]) == 0
    captured = capsys.readouterr()
    assert "es.yaml:7:12: confirmed sections.shusha.title" in captured.out
    assert "1 text(s) confirmed, 0 already confirmed" in captured.err
    assert main(["confirm", str(minimal_issue), "es", "--all", "--force"]) == 0
    assert "0 text(s) confirmed, 17 already confirmed" in capsys.readouterr().err


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["ru", "articles.no-such-article"], "no written text named articles.no-such-article"),
        (["az", "--all"], "'az' is not a translated language of 2023-H1 (those are ru, en, es)"),
        (["ru"], "name the texts to confirm, or give --all"),
    ],
)
def test_confirm_refuses_what_it_cannot_do(minimal_issue, capsys, arguments, message):
    assert main(["confirm", str(minimal_issue)] + arguments) == 2
    assert message in capsys.readouterr().err


def test_only_the_source_tag_is_allowed(minimal_issue):
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": "title: !source-", "with": "title: !translated-"}])
    problems = load_source(minimal_issue / "ru.yaml").problems
    assert [problem.message for problem in problems] == [
        "YAML tag '!translated-b6719dfb' is not allowed in content (the only tag is !source-<hash> on a"
        " translated text)"
    ]


def test_confirm_keeps_the_files_line_endings(minimal_issue):
    path = minimal_issue / "ru.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": '"Şuşa"', "with": '"Şuşa şəhəri"'}])
    before = path.read_bytes()
    confirm(minimal_issue, "ru", ("sections.shusha.title",), force=True)
    after = path.read_bytes()
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(b"\r\n", b"")
    assert states(minimal_issue, "ru")["sections.shusha.title"] == FRESH


def test_confirm_writes_the_tag_after_an_anchor(minimal_issue):
    apply_edits(
        minimal_issue, [{"file": "ru.yaml", "replace": 'title: !source-b6719dfb "Шуша"', "with": 'title: &city "Шуша"'}]
    )
    confirm(minimal_issue, "ru", ("sections.shusha.title",), force=True)
    assert '    title: &city !source-b6719dfb "Шуша"\n' in (minimal_issue / "ru.yaml").read_text(encoding="utf-8")
    assert states(minimal_issue, "ru")["sections.shusha.title"] == FRESH


def test_a_text_repeated_with_an_alias_is_a_problem(minimal_issue, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "ru.yaml", "replace": 'title: !source-b6719dfb "Шуша"', "with": 'title: &city "Шуша"'},
            {"file": "ru.yaml", "replace": 'credit: !source-9b5a2ba5 "Редакция"', "with": "credit: *city"},
        ],
    )
    assert main(["validate", str(minimal_issue)]) == 2
    assert (
        "ru.yaml:7:12: illustration 'sketch': 'credit' repeats this text with a YAML alias (*); write it out"
        " in its own place, so that it can be translated and confirmed on its own"
    ) in capsys.readouterr().out


def test_nothing_is_confirmed_against_a_source_that_cannot_be_read(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "charts:", "with": "charts: ["}])
    assert main(["confirm", str(minimal_issue), "ru", "--all"]) == 2
    captured = capsys.readouterr()
    assert "az.yaml:" in captured.err and "YAML syntax" in captured.err
    assert "nothing was confirmed" in captured.err


def test_a_text_without_its_source_text_cannot_be_confirmed(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": '"Şuşa"', "with": '""'}])
    assert states(minimal_issue, "ru")["sections.shusha.title"] is None  # the source's gap is the problem
    assert main(["confirm", str(minimal_issue), "ru", "sections"]) == 2
    assert "no az text to confirm against for sections.shusha.title" in capsys.readouterr().err


def test_a_source_text_carries_no_source_tag(minimal_issue, capsys):
    apply_edits(
        minimal_issue, [{"file": "az.yaml", "replace": 'title: "Şuşa"', "with": 'title: !source-b6719dfb "Şuşa"'}]
    )
    assert main(["validate", str(minimal_issue)]) == 2
    assert (
        "az.yaml:7:12: section 'shusha': 'title': a text of the source language is translated from nothing;"
        " remove its !source tag"
    ) in capsys.readouterr().out


STALE_MESSAGE = (
    "article 'second-article': 'body' is stale: the az text is not the one this translation was confirmed against"
)


def stale_warnings(folder, capsys) -> dict[str, str]:
    """The stale warnings `validate` gives, by language file."""
    capsys.readouterr()
    assert main(["validate", str(folder)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if " is stale: " in line]
    return {line.split(".yaml:")[0][-2:]: line.split(": warning: ", 1)[1] for line in lines}


def test_confirming_records_the_source_so_that_a_later_change_shows_what_changed(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."}])
    assert main(["confirm", str(minimal_issue), "ru", "articles.second-article.body", "--force"]) == 0
    record = read_confirmations(minimal_issue, "ru")
    assert record.sources[source_hash("Yeni mətn.\n")] == "Yeni mətn.\n"
    ru_body = next(
        item for item in read_issue(minimal_issue, Checker())[1].of("ru") if item.name == "articles.second-article.body"
    )
    assert record.confirmed["articles.second-article.body"] == {
        "source": source_hash("Yeni mətn."),
        "translation": source_hash(ru_body.value),
    }
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Yeni mətn.", "with": "Başqa mətn."}])
    warnings = stale_warnings(minimal_issue, capsys)
    assert warnings["ru"] == f"{STALE_MESSAGE}; it changed: [-Yeni-] {{+Başqa+}} mətn."
    assert warnings["en"] == f"{STALE_MESSAGE}; it changed: [-Mətn.-] {{+Başqa mətn.+}}"  # as recorded before


def test_without_a_record_a_stale_text_says_only_that_it_is_stale(minimal_issue, capsys):
    confirmations_file(minimal_issue, "es").unlink()
    confirmations_file(minimal_issue, "ru").write_text("{not json", encoding="utf-8")
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."}])
    warnings = stale_warnings(minimal_issue, capsys)
    assert warnings["es"] == warnings["ru"] == STALE_MESSAGE
    assert warnings["en"] == f"{STALE_MESSAGE}; it changed: [-Mətn.-] {{+Yeni mətn.+}}"


def test_a_recorded_text_that_is_not_the_one_its_hash_names_is_ignored(tmp_path):
    record = {
        "format": 1,
        "sources": {"00000000": "Not this text", source_hash("Mətn."): "Mətn."},
        "confirmed": {"a": 1},
    }
    (tmp_path / ".ru.confirmed.json").write_text(json.dumps(record), encoding="utf-8")
    record = read_confirmations(tmp_path, "ru")
    assert record.sources == {source_hash("Mətn."): "Mətn."} and record.confirmed == {}
    (tmp_path / ".ru.confirmed.json").write_text('{"format": 2, "sources": {}}', encoding="utf-8")
    assert read_confirmations(tmp_path, "ru").sources == {}


def test_the_record_is_no_input_of_the_editions(minimal_issue):
    """Confirming in one language rebuilds no edition: the record is a hidden file, as the tags are the truth."""
    before = read_inputs(minimal_issue, PROJECT).issue
    confirmations_file(minimal_issue, "ru").write_text("{}", encoding="utf-8")
    assert read_inputs(minimal_issue, PROJECT).issue == before
    assert not [name for name in before if "confirmed" in name]


def test_a_stale_text_whose_translation_did_not_change_is_confirmed_only_with_force(minimal_issue, capsys):
    """Its source changed and it did not: a confirmation should follow a look at the change, which status shows."""
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."}])
    ru = (minimal_issue / "ru.yaml").read_bytes()
    assert main(["confirm", str(minimal_issue), "ru", "articles.second-article.body"]) == 2
    assert "the translation of articles.second-article.body is unchanged since it was last confirmed" in (
        capsys.readouterr().err
    )
    assert (minimal_issue / "ru.yaml").read_bytes() == ru and states(minimal_issue, "ru")[
        "articles.second-article.body"
    ] == STALE
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": "      Текст.", "with": "      Новый текст."}])
    assert main(["confirm", str(minimal_issue), "ru", "articles.second-article.body"]) == 0  # updated: confirmed
    confirmations_file(minimal_issue, "en").unlink()  # confirmed before the record was kept: it cannot tell
    assert main(["confirm", str(minimal_issue), "en", "articles.second-article.body"]) == 0
