"""Drafts (`--draft`) and previews (`--preview`): built for real from the minimal issue with gaps."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from PIL import Image

from bulletin.content.examination import validate_issue
from bulletin.language.localization import load_translations
from bulletin.model import Edition
from bulletin.printing.rendering import render_edition
from bulletin.project import EXTRACTION_CONFIG, TEMPLATES, TRANSLATIONS
from bulletin.workflow.cli import main

from conftest import apply_edits, page_texts, wrote_nothing

RU_TITLE = {"file": "ru.yaml", "replace": '    title: !source-26af0ced "Первая статья"\n', "with": ""}
RU_BODY = {
    "file": "ru.yaml",
    "replace": "    body: !source-5aa83dbc |\n      Первый абзац.\n\n      Второй абзац.\n",
    "with": "",
}
RU_CHRONOLOGY = {"file": "ru.yaml", "replace": '!source-b93ac7d9 "Первое событие."', "with": '""'}


@pytest.fixture
def untranslated_contents(tmp_path, monkeypatch):
    """The catalogs, with the Russian “Contents” left untranslated."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    catalog = copy / "ru" / "LC_MESSAGES" / "messages.po"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace('msgstr "Содержание"', 'msgstr ""'), encoding="utf-8"
    )
    monkeypatch.setattr("bulletin.workflow.building.TRANSLATIONS", copy)


def test_a_build_without_draft_refuses_missing_translations(minimal_issue, tmp_path, capsys):
    apply_edits(minimal_issue, [RU_TITLE, RU_CHRONOLOGY])
    assert main([str(minimal_issue), "--output", str(tmp_path / "out")]) == 2
    errors = capsys.readouterr().err
    assert "2 translated text(s) are missing; build with --draft to use the az text in their place, marked" in errors
    assert wrote_nothing(tmp_path / "out")


@pytest.mark.slow
def test_a_draft_stands_in_the_source_text_marked_and_marks_every_page(
    minimal_issue, tmp_path, monkeypatch, untranslated_contents, capsys
):
    apply_edits(minimal_issue, [RU_TITLE, RU_BODY, RU_CHRONOLOGY])
    monkeypatch.setattr("bulletin.workflow.cli.OUTPUT", tmp_path / "output")
    assert main([str(minimal_issue), "--draft", "--lang", "ru,az"]) == 0
    captured = capsys.readouterr()
    assert "interface string(s) not translated; the draft uses the source language's: “Contents”" in captured.err
    folder = tmp_path / "output" / "drafts" / "2023-H1"  # apart from the deliveries
    assert not (tmp_path / "output" / "2023-H1").exists()
    for language, mark in (("ru", "ЧЕРНОВИК"), ("az", "QARALAMA")):
        for variant in ("print", "screen"):  # print has blank pages to make up the page count: marked too
            pages = drawn_pages(folder / f"since-the-victory-2023-H1-{language}-{variant}.pdf")
            assert len(pages) > 5 and all(mark in page for page in pages), "every page carries the draft mark"
    text = "\n".join(page_texts(folder / "since-the-victory-2023-H1-ru-screen.pdf"))
    # The missing title and event stand in from Azerbaijani, each labelled with its language.
    assert re.search(r"AZ ›\s*İlk məqalə", text) and re.search(r"AZ ›\s*Birinci hadisə", text)
    assert re.search(r"AZ ›\s*Birinci abzas\.", text) and "İkinci abzas." in text  # the body, labelled once
    assert text.count("AZ ›") == 4  # the title twice (article and contents), the body, the event
    assert "Вторая статья" in text and "Первая статья" not in text
    assert "Mündəricat" in text and "Содержание" not in text  # the untranslated interface string, from az


def drawn_pages(pdf) -> list[str]:
    """The text of each page in the order it is drawn, without spaces: the draft mark, drawn last, is
    at an angle that splits it into pieces when the text is read in lines."""
    text = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return ["".join(page.split()) for page in text.split("\f")[:-1]]


def test_the_html_of_a_draft_tags_each_stand_in_with_its_language(minimal_issue):
    apply_edits(minimal_issue, [RU_TITLE, RU_BODY])
    issue = validate_issue(minimal_issue, draft=True)
    html = render_edition(
        Edition(issue, "ru"), TEMPLATES, load_translations("ru", TRANSLATIONS, EXTRACTION_CONFIG), draft=True
    )
    assert html.count('<span class="untranslated" lang="az" data-from="az">İlk məqalə</span>') == 2  # title, contents
    assert (
        '<div class="untranslated" lang="az"><p data-from="az">Birinci abzas.</p>\n<p>İkinci abzas.</p>\n</div>' in html
    )
    assert 'class="draft-mark"' in html
    english = render_edition(Edition(issue, "en"), TEMPLATES, load_translations("en", TRANSLATIONS, EXTRACTION_CONFIG))
    assert "untranslated" not in english and "draft-mark" not in english  # complete, and not built as a draft


@pytest.mark.slow
def test_previews_picture_every_page_and_the_spreads(minimal_issue, tmp_path, capsys):
    output = tmp_path / "out"
    assert (
        main([str(minimal_issue), "--lang", "en,es", "--variant", "screen", "--preview", "--output", str(output), "-q"])
        == 0
    )
    written = capsys.readouterr().out.splitlines()
    previews = output / "previews" / "2023-H1"
    for language in ("en", "es"):
        pdf = output / "2023-H1" / f"since-the-victory-2023-H1-{language}-screen.pdf"
        pages = int(
            re.search(
                r"Pages:\s+(\d+)",
                subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout,
            )[1]
        )
        pictures = sorted((previews / language).glob("page-*.png"))
        assert [path.name for path in pictures] == [f"page-{number:03}.png" for number in range(1, pages + 1)]
        with Image.open(pictures[0]) as first:
            assert first.size == (827, 1170)  # A4 at 100 ppi
        sheet = previews / f"{language}-contact-sheet.png"
        assert str(sheet) in written or sheet.name in "\n".join(written)
        with Image.open(sheet) as picture:
            assert picture.width > 1000 and picture.height > 300


def test_a_draft_is_never_packaged_for_the_bureau(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--draft", "--package", "--output", str(tmp_path / "out")]) == 2
    assert "a draft is never sent to the bureau" in capsys.readouterr().err
    assert not any(tmp_path.rglob("*.pdf"))


@pytest.mark.slow
def test_a_final_build_does_not_keep_a_draft_file(minimal_issue, tmp_path, capsys):
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--draft", "--lang", "az", "--variant", "screen", "--output", str(output)]) == 0
    assert main([str(minimal_issue), "--lang", "ru", "--variant", "screen", "--output", str(output)]) == 0
    assert (
        "since-the-victory-2023-H1-az-screen.pdf: dropped from the delivery: it was made with other settings"
        in capsys.readouterr().err
    )
    assert sorted(path.name for path in (output / "2023-H1").glob("*.pdf")) == [
        "since-the-victory-2023-H1-ru-screen.pdf"
    ]


@pytest.mark.slow
def test_a_final_build_warns_about_stale_translations(minimal_issue, tmp_path, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."},
            {"file": "ru.yaml", "replace": 'title: !source-b6719dfb "Шуша"', "with": 'title: "Шуша"'},
        ],
    )
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--lang", "ru", "--variant", "screen", "--output", str(output)]) == 0
    errors = capsys.readouterr().err
    assert "ru: 1 translated text(s) stale and 1 unconfirmed; build.py status 2023-H1 lists them" in errors
    assert "en: 1 translated text(s) stale and 0 unconfirmed" in errors


def test_an_article_renamed_in_the_source_blocks_no_draft_of_its_translations(minimal_issue, capsys):
    """The translators' files keep the old id until their next import: a draft leaves those texts out, and says so;
    a final build names each of them."""
    apply_edits(
        minimal_issue,
        [
            {"file": "issue.yaml", "replace": "- id: first-article", "with": "- id: renamed-article"},
            {"file": "az.yaml", "replace": "  first-article:", "with": "  renamed-article:"},
        ],
    )
    assert main(["validate", str(minimal_issue), "--draft"]) == 0
    out = capsys.readouterr().out
    for language in ("ru", "en", "es"):
        assert (
            f"{minimal_issue}/{language}.yaml:9:3: warning: unknown article 'first-article': issue.yaml has no article"
            " with this id; renamed in the source? build.py export suggests its texts for the new id: once they are"
            " imported, delete this entry; the draft leaves it out"
        ) in out
    assert main(["validate", str(minimal_issue)]) == 2
    out = capsys.readouterr().out
    assert f"{minimal_issue}/ru.yaml:9:3: unknown article 'first-article'" in out
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "  renamed-article:", "with": "  other-article:"}])
    assert main(["validate", str(minimal_issue), "--draft"]) == 2  # the source's own unknown id stops even a draft
