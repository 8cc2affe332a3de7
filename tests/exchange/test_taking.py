"""What an import takes of a translated file, and what it says about the rest: as a translation agency's files
come back, edited by tools and by hand."""

from __future__ import annotations

import polib

from bulletin.workflow.cli import main

from .test_export import export
from .test_import import catalog_line, run_import, snapshot, translate
from .test_xliff import export_xliff
from conftest import apply_edits


def test_a_text_changed_in_the_language_file_since_the_export_is_never_undone(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    # Meanwhile the editor corrects two titles in ru.yaml, and confirms them.
    apply_edits(
        minimal_issue,
        [
            {"file": "ru.yaml", "replace": '"Первая статья"', "with": '"Первая статья (исправлено)"'},
            {"file": "ru.yaml", "replace": '"Вторая статья"', "with": '"Вторая статья (исправлено)"'},
        ],
    )
    assert main(["confirm", str(minimal_issue), "ru", "articles.first-article.title", "--force"]) == 0
    assert main(["confirm", str(minimal_issue), "ru", "articles.second-article.title", "--force"]) == 0
    capsys.readouterr()
    translate(path, {"articles.first-article.title": "Первая статья, перевод"})  # the translator changes one
    before = snapshot(minimal_issue)
    status, out, err = run_import(minimal_issue, path, capsys)
    assert status == 1 and out == ""
    line = catalog_line(path, "articles.first-article.title")
    assert f"{path}:{line}:1: warning: articles.first-article.title: ru.yaml changed this text since the file" in err
    assert "second-article" not in err  # the file leaves that one as it was: nothing to say, nothing undone
    assert snapshot(minimal_issue) == before


def test_a_locale_for_a_language_is_the_language(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    catalog = polib.pofile(str(path))
    catalog.metadata["Language"] = "ru_RU"  # as Poedit writes it when the translator picks "Russian (Russia)"
    catalog.find("publisher", by="msgctxt").msgstr = "Новая редакция"
    catalog.save(str(path))
    status, out, _ = run_import(minimal_issue, path, capsys)
    assert status == 0 and out.endswith(": imported publisher\n")


def test_a_blank_line_that_would_change_a_text_s_structure_is_a_problem_at_its_line(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    translate(
        path,
        {
            "articles.first-article.body.2": "Второй абзац.\n\nИ ещё один.",  # one paragraph of the source, two here
            "articles.first-article.title": "Заголовок\n\nв два абзаца",
        },
    )
    before = snapshot(minimal_issue)
    status, _, err = run_import(minimal_issue, path, capsys)
    assert status == 2 and snapshot(minimal_issue) == before
    body, title = (catalog_line(path, key) for key in ("articles.first-article.body.2", "articles.first-article.title"))
    assert (
        f"{path}:{body}:1: articles.first-article.body.2: the translation holds a blank line, which would make" in err
    )
    assert f"{path}:{title}:1: articles.first-article.title: the translation holds a blank line, which this text" in err


def test_a_place_given_twice_is_told_at_both_lines(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    text = path.read_text(encoding="utf-8")
    entry = text[text.index('msgctxt "publisher"') :].split("\n\n", 1)[0]
    path.write_text(text + "\n" + entry.replace('msgid "', 'msgid "Другой ', 1) + "\n", encoding="utf-8")
    status, _, err = run_import(minimal_issue, path, capsys)
    lines = [number for number, row in enumerate(path.read_text().splitlines(), 1) if row == 'msgctxt "publisher"']
    assert status == 2
    assert f"publisher: this place is given twice (lines {lines[0] + 2}, {lines[1] + 2})" in err


def test_units_missing_from_the_file_are_said_and_left(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    catalog = polib.pofile(str(path))
    catalog.remove(catalog.find("figures.road", by="msgctxt"))
    catalog.find("publisher", by="msgctxt").msgstr = "Новая редакция"
    catalog.save(str(path))
    status, out, err = run_import(minimal_issue, path, capsys)
    assert status == 1 and out.endswith(": imported publisher\n")
    assert "1 unit(s) of the issue are not in this file (figures.road); their texts were left as they are" in err


def test_a_list_marker_typed_again_is_a_warning(minimal_issue, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "az.yaml", "replace": "      Birinci abzas.\n", "with": "      - birinci\n      - ikinci\n"},
            {"file": "ru.yaml", "replace": "      Первый абзац.\n", "with": "      - первый\n      - второй\n"},
        ],
    )
    catalog, path = export(minimal_issue, "ru", capsys)
    body = [entry for entry in catalog if entry.msgctxt.startswith("articles.first-article.body.")]
    assert "list item 1 of 3: write its text only" in " ".join(body[0].comment.split())
    # The whole body reviewed (its az text changed), its first item with a marker typed in.
    translate(path, {entry.msgctxt: entry.msgstr for entry in body} | {body[0].msgctxt: "- первый пункт"})
    status, _, err = run_import(minimal_issue, path, capsys)
    assert status == 0 and "the translation begins with a list marker, though the item has its own" in err


def test_an_xliff_file_saved_as_utf_16_is_read(minimal_issue, capsys):
    path = export_xliff(minimal_issue, "ru", capsys)
    text = path.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    text = text.replace(">Редакция бюллетеня<", ">Редакция<", 1)
    path.write_bytes(text.encode("utf-16"))
    status, out, _ = run_import(minimal_issue, path, capsys)
    assert status == 0 and out.endswith(": imported publisher\n")


def test_finished_paragraphs_of_a_body_whose_source_changed_elsewhere_are_kept_unconfirmed(minimal_issue, capsys):
    """The translator's work on the paragraphs that did not change is not lost; the body stays stale."""
    _, path = export(minimal_issue, "ru", capsys)
    translate(path, {"articles.first-article.body.1": "Новый первый абзац.", "articles.first-article.body.2": "Тоже."})
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "İkinci abzas.", "with": "İkinci, yeni abzas."}])
    status, out, err = run_import(minimal_issue, path, capsys)
    assert status == 1
    assert out == (
        f"{path}:{catalog_line(path, 'articles.first-article.body.1')}: kept articles.first-article.body, not"
        " confirmed: paragraphs of it changed in the source\n"
    )
    assert "articles.first-article.body.2: the source text in this file is not the issue's" in err
    ru = (minimal_issue / "ru.yaml").read_text(encoding="utf-8")
    assert "body: !source-5aa83dbc |\n      Новый первый абзац.\n\n      Второй абзац.\n" in ru  # its old tag: stale
    path.unlink()  # (export would not write over its "Тоже.", not imported)
    catalog, _ = export(minimal_issue, "ru", capsys)
    first, second = (catalog.find(f"articles.first-article.body.{n}", by="msgctxt") for n in (1, 2))
    assert (first.msgstr, first.fuzzy) == ("Новый первый абзац.", False)
    assert second.fuzzy and second.previous_msgid == "İkinci abzas." and second.msgstr == "Второй абзац."


def test_a_link_of_the_source_left_out_of_the_translation_is_a_warning(minimal_issue, capsys):
    link = "[xəbər](https://example.org/news)"
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Birinci abzas.", "with": f"Birinci {link} abzas."}])
    catalog, path = export(minimal_issue, "ru", capsys)
    body = [entry for entry in catalog if entry.msgctxt.startswith("articles.first-article.body.")]
    translate(path, {entry.msgctxt: entry.msgstr for entry in body} | {body[0].msgctxt: "Первый абзац, без ссылки."})
    status, out, err = run_import(minimal_issue, path, capsys)
    assert status == 0 and out.endswith(": imported articles.first-article.body\n")
    line = catalog_line(path, body[0].msgctxt)
    assert (
        f"{path}:{line}:1: warning: articles.first-article.body.1: the source links to https://example.org/news, and"
        " the translation does not"
    ) in err


def test_a_file_imported_twice_or_in_two_passes_changes_nothing_the_second_time(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    translate(path, {"publisher": "Новая редакция", "articles.first-article.body.2": "Новый второй абзац.  "})
    assert run_import(minimal_issue, path, capsys)[0] == 0
    ru = (minimal_issue / "ru.yaml").read_text(encoding="utf-8")
    assert "      Новый второй абзац.\n" in ru  # the blanks a tool left at its end are not kept
    before = snapshot(minimal_issue)
    status, out, err = run_import(minimal_issue, path, capsys)  # again: all of it is in ru.yaml already
    assert (status, out) == (0, "") and "warning" not in err and "0 text(s) imported" in err
    assert snapshot(minimal_issue) == before
    path.unlink()
    catalog, _ = export(minimal_issue, "ru", capsys)  # and the body still lines up, paragraph by paragraph
    assert catalog.find("articles.first-article.body.2", by="msgctxt").msgstr == "Новый второй абзац."


def test_a_body_translated_whole_and_cut_into_paragraphs_is_no_translation_left_to_import(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": "      Второй абзац.\n", "with": ""}])
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": "      Первый абзац.\n\n", "with": "      Один.\n"}])
    catalog, path = export(minimal_issue, "ru", capsys)
    whole = catalog.find("articles.first-article.body", by="msgctxt")  # two paragraphs in az, one here: whole
    assert whole is not None and "whole, as its paragraphs do not line up" in " ".join(whole.comment.split())
    translate(path, {whole.msgctxt: "Первый.\n\nВторой."})
    assert run_import(minimal_issue, path, capsys)[0] == 0
    status, _, err = run_import(minimal_issue, path, capsys)  # its place is cut in two now, and holds the same
    assert status == 0 and "warning" not in err
    assert main(["export", str(minimal_issue), "--lang", "ru", "--output", str(path)]) == 0  # nothing to lose


def test_a_problem_in_a_kept_paragraph_is_told_at_that_paragraph_s_line(minimal_issue, capsys):
    _, path = export(minimal_issue, "ru", capsys)
    translate(path, {"articles.first-article.body.2": "Второй \x07 абзац."})
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Birinci abzas.", "with": "Birinci, yeni abzas."}])
    before = snapshot(minimal_issue)
    status, _, err = run_import(minimal_issue, path, capsys)
    line = catalog_line(path, "articles.first-article.body.2")
    assert status == 2 and f"{path}:{line}:1: article 'first-article': 'body': character '\\x07'" in err
    assert snapshot(minimal_issue) == before
