"""`build.py export`: an issue's texts in one language as a PO file, judged by GNU msgfmt and read back by polib."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from bulletin.content.sources import read_confirmations
from bulletin.workflow.cli import main

from conftest import SAMPLE, apply_edits

TRANSLATED_LANGUAGES = ("ru", "en", "es")


@pytest.fixture
def sample_issue(tmp_path) -> Path:
    """A copy of the frozen sample, with the record of what its translations were confirmed against."""
    return Path(shutil.copytree(SAMPLE, tmp_path / "issues" / SAMPLE.name))


def export(issue: Path, language: str, capsys) -> tuple[polib.POFile, Path]:
    """Export `language` of `issue` as the command line does; the file read by polib, and where it is."""
    path = issue.parent / f"{issue.name}.{language}.po"
    assert main(["export", str(issue), "--lang", language, "--output", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}\n"
    return polib.pofile(str(path)), path


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_text_of_the_sample_is_a_unit_that_msgfmt_accepts(sample_issue, language, capsys):
    catalog, path = export(sample_issue, language, capsys)
    checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr
    assert catalog.metadata["Language"] == language and catalog.metadata["X-Bulletin-Issue"] == "2022-H2"
    contexts = [entry.msgctxt for entry in catalog]
    assert len(contexts) == len(set(contexts)) == {"ru": 121, "en": 80, "es": 80}[language]
    assert {"publisher", "articles.vagif-mausoleum.title", "illustrations.mausoleum-drawing.alt"} <= set(contexts)
    assert all(entry.comment and entry.msgstr and not entry.fuzzy for entry in catalog)  # all confirmed
    about = [entry for entry in catalog if entry.msgctxt.startswith("about.")]  # a unit per paragraph
    assert [entry.msgctxt for entry in about] == ["about.1", "about.2", "about.3", "about.4"]
    assert "alt text" in next(entry for entry in catalog if entry.msgctxt.endswith(".alt")).comment


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_changed_source_paragraph_is_one_fuzzy_unit_with_its_previous_source(sample_issue, language, capsys):
    """The record of what the translation was confirmed against gives the old paragraph back."""
    az = (sample_issue / "az.yaml").read_text(encoding="utf-8")
    old_catalog, _ = export(sample_issue, language, capsys)
    old = next(entry for entry in old_catalog if entry.msgctxt == "about.2").msgid
    first_word = old.split()[0]
    assert first_word in az
    apply_edits(sample_issue, [{"file": "az.yaml", "replace": f"  {first_word} ", "with": f"  Yeni {first_word} "}])
    assert read_confirmations(sample_issue, language).sources  # the committed record
    catalog, path = export(sample_issue, language, capsys)
    fuzzy = [entry for entry in catalog if entry.fuzzy]
    assert [entry.msgctxt for entry in fuzzy] == ["about.2"]
    assert fuzzy[0].previous_msgid == old and fuzzy[0].msgid == f"Yeni {old}"
    assert fuzzy[0].msgstr == next(entry for entry in old_catalog if entry.msgctxt == "about.2").msgstr
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)]).returncode == 0


def test_untranslated_texts_are_empty_and_unconfirmed_ones_fuzzy_without_a_previous_text(minimal_issue, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "ru.yaml", "replace": '    title: !source-26af0ced "Первая статья"\n', "with": ""},
            {"file": "ru.yaml", "replace": '!source-b9f76b7a "Короткое вступление."', "with": '"Короткое вступление."'},
        ],
    )
    catalog, _ = export(minimal_issue, "ru", capsys)
    entries = {entry.msgctxt: entry for entry in catalog}
    title, lead = entries["articles.first-article.title"], entries["articles.first-article.lead"]
    assert (title.msgid, title.msgstr, title.fuzzy) == ("İlk məqalə", "", False)
    assert lead.fuzzy and lead.previous_msgid is None and lead.msgstr == "Короткое вступление."
    # What an agency quotes by: the source words to translate ("İlk məqalə") and to review ("Qısa giriş.").
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(minimal_issue.parent / "again.po")]) == 0
    assert "1 fuzzy (to review), 1 empty (to translate); source words: 2 to translate, 2 to review" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "language, message",
    [("az", "'az' is not a translated language of 2023-H1 (those are ru, en, es)"), ("fr", "'fr' is not a")],
)
def test_the_source_language_and_others_are_refused(minimal_issue, capsys, language, message):
    assert main(["export", str(minimal_issue), "--lang", language, "--output", str(minimal_issue / "x.po")]) == 2
    assert message in capsys.readouterr().err and not (minimal_issue / "x.po").exists()


def test_an_output_that_is_a_folder_or_cannot_be_written_is_told_and_nothing_is_left(minimal_issue, tmp_path, capsys):
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(tmp_path)]) == 2
    assert f"--output {tmp_path}: a folder; give the file's name" in capsys.readouterr().err
    file_in_a_file = minimal_issue / "issue.yaml" / "x.po"  # a path under a file: there is no such folder
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(file_in_a_file)]) == 2
    assert f"there is no folder {minimal_issue / 'issue.yaml'}" in capsys.readouterr().err
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(tmp_path / "nowhere" / "x.po")]) == 2
    assert not (tmp_path / "nowhere").exists()  # no folder made on the way
    too_long = tmp_path / ("x" * 300 + ".po")  # a name no file system takes
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(too_long)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_an_earlier_file_with_translations_not_imported_is_not_written_over(minimal_issue, capsys):
    catalog, path = export(minimal_issue, "ru", capsys)
    export(minimal_issue, "ru", capsys)  # the same translations: nothing to lose
    catalog.find("publisher", by="msgctxt").msgstr = "Другая редакция"  # translated since, not imported
    catalog.save(str(path))
    kept = path.read_bytes()
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(path)]) == 2
    assert "refused: " + str(path) + " holds 1 translation(s) the issue does not have yet (such as publisher):" in (
        capsys.readouterr().err
    )
    assert path.read_bytes() == kept
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(path), "--force"]) == 0
    assert path.read_bytes() != kept


def test_the_output_s_name_says_the_format_unless_it_is_given_otherwise(minimal_issue, capsys):
    path = minimal_issue.parent / "ru.xlf"
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(path)]) == 0
    assert path.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<xliff')
    assert main(["export", str(minimal_issue), "--lang", "ru", "--format", "po", "--output", str(path)]) == 2
    assert "names a xliff file, but --format is po" in capsys.readouterr().err
