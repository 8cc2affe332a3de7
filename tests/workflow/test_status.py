"""`build.py status` and `build.py validate`: what is left per language, and every problem with its place."""

from __future__ import annotations

import json
import shutil

import pytest

from bulletin.project import TRANSLATIONS
from bulletin.workflow.cli import main

from conftest import SAMPLE, apply_edits, load_case


@pytest.fixture
def translations_copy(tmp_path, monkeypatch):
    """A copy of the catalogs that a test may edit, read by `status` and `validate`."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    monkeypatch.setattr("bulletin.workflow.status.TRANSLATIONS", copy)
    monkeypatch.setattr("bulletin.content.examination.TRANSLATIONS", copy)
    return copy


def make_fuzzy(translations, language: str, msgid: str) -> int:
    """Mark the entry `msgid` of a catalog fuzzy, as pybabel update does; return its line."""
    path = translations / language / "LC_MESSAGES" / "messages.po"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = lines.index(f'msgid "{msgid}"\n')
    lines.insert(index, "#, fuzzy\n")
    path.write_text("".join(lines), encoding="utf-8")
    first = index
    while first > 0 and lines[first - 1].startswith("#"):  # its comments: the note for translators, the reference
        first -= 1
    return first + 1  # the entry's first line, where polib places it


def status_of(folder, capsys) -> tuple[int, dict]:
    code = main(["status", str(folder), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.slow
def test_a_complete_issue_has_nothing_left(capsys):
    code, report = status_of(SAMPLE, capsys)
    assert code == 0 and report["complete"]
    for language in report["languages"]:
        assert language["complete"], language
        assert language["interface"]["fuzzy"] == language["interface"]["untranslated"] == 0
        assert language["content"]["written"] == language["content"]["texts"] > 70
    assert main(["status", str(SAMPLE)]) == 0
    table = capsys.readouterr().out
    assert "az (source)" in table and table.count("complete") == 4 and "left to do" not in table


def test_a_translator_sees_exactly_what_is_left(minimal_issue, translations_copy, capsys):
    line = make_fuzzy(translations_copy, "ru", "Contents")
    apply_edits(
        minimal_issue,
        [
            {"file": "ru.yaml", "replace": '    title: !source-26af0ced "Первая статья"\n', "with": ""},
            {"file": "ru.yaml", "replace": '!source-b9f76b7a "Короткое вступление."', "with": '""'},
            {"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."},
        ],
    )
    code, report = status_of(minimal_issue, capsys)
    assert code == 1 and not report["complete"]
    ru = next(language for language in report["languages"] if language["language"] == "ru")
    assert not ru["complete"]
    assert ru["interface"]["fuzzy"] == 1
    assert ru["interface"]["left"] == [{"msgid": "Contents", "state": "fuzzy", "line": line}]
    assert ru["content"]["missing"] == 2 and ru["content"]["stale"] == 1
    assert [item.get("changed") for item in ru["content"]["left"] if item["state"] == "stale"] == [
        "[-Mətn.-] {+Yeni mətn.+}"
    ]
    assert {(item["field"], item["state"]) for item in ru["content"]["left"]} == {
        ("articles.first-article.title", "missing"),
        ("articles.first-article.lead", "missing"),
        ("articles.second-article.body", "stale"),
    }
    for other in ("en", "es"):  # the source change makes the other translations stale too, nothing else
        language = next(item for item in report["languages"] if item["language"] == other)
        assert [(item["field"], item["state"]) for item in language["content"]["left"]] == [
            ("articles.second-article.body", "stale")
        ]
    assert main(["status", str(minimal_issue)]) == 1
    table = capsys.readouterr().out
    assert f'translations/ru/LC_MESSAGES/messages.po:{line}:1: interface string "Contents" is fuzzy' in table
    assert "ru.yaml:10:5: article 'first-article': missing: title, lead" in table
    assert "article 'second-article': stale: body" in table
    assert ": articles.second-article.body changed in az: [-Mətn.-] {+Yeni mətn.+}\n" in table
    # The commands it gives find the issue from where status was run.
    assert f"build.py confirm {minimal_issue} ru articles.second-article.body (with --force where" in table
    assert f"In a translation tool: build.py export {minimal_issue} --lang ru gives what is left as a PO file" in table
    assert "--lang az" not in table  # the source language is not translated


def test_confirming_the_updated_translation_clears_it_from_the_status(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."}])
    for language in ("ru", "en", "es"):
        assert main(["confirm", str(minimal_issue), language, "articles.second-article.body", "--force"]) == 0
    capsys.readouterr()
    code, report = status_of(minimal_issue, capsys)
    assert code == 0 and report["complete"]


def test_validate_lists_every_problem_with_its_place(minimal_issue, tmp_path, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "ru.yaml", "replace": '    title: !source-26af0ced "Первая статья"\n', "with": ""},
            {"file": "issue.yaml", "replace": "date: 2023-03-01", "with": "date: 2024-03-01"},
            {"file": "az.yaml", "replace": "Mətn.", "with": "Yeni mətn."},
        ],
    )
    assert main(["validate", str(minimal_issue), str(SAMPLE)]) == 2
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split("2023-H1/", 1)[1] for line in lines if "warning" not in line] == [
        "issue.yaml:16:15: article 'first-article': 'date' 2024-03-01 is outside the issue's period"
        " 2023-01-01 to 2023-06-30",
        "ru.yaml:10:5: article 'first-article': 'title' is missing",
    ]
    assert sum("warning: article 'second-article': 'body' is stale" in line for line in lines) == 3
    assert "2023-H1: 2 problem(s), 3 warning(s)" in captured.err
    assert "2022-H2: valid" in captured.err


def test_validate_for_a_draft_accepts_missing_translations_but_not_missing_source_texts(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "ru.yaml", "delete": True}])
    assert main(["validate", str(minimal_issue), "--draft"]) == 0
    assert main(["validate", str(minimal_issue)]) == 2
    assert "ru.yaml:1:1: the 'ru' text file is missing" in capsys.readouterr().out
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": '"İlk məqalə"', "with": '""'}])
    assert main(["validate", str(minimal_issue), "--draft"]) == 2
    assert "az.yaml:10:12: article 'first-article': 'title' is empty; expected text" in capsys.readouterr().out


def test_validate_reads_untranslated_interface_strings_from_the_catalogs(translations_copy, capsys):
    line = make_fuzzy(translations_copy, "es", "Imprint")
    assert main(["validate", str(SAMPLE)]) == 2
    assert (
        f'translations/es/LC_MESSAGES/messages.po:{line}:1: interface string "Imprint" is fuzzy'
        in capsys.readouterr().out.replace(str(translations_copy.parent) + "/", "")
    )


def test_a_catalog_the_build_cannot_use_is_left_to_do_and_stops_even_a_draft(minimal_issue, translations_copy, capsys):
    path = translations_copy / "ru" / "LC_MESSAGES" / "messages.po"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"№\u00a0%(number)s"', '"№\u00a0%(numbr)s"'), encoding="utf-8"
    )
    problem = (
        f'{path}:106:1: interface string "No. %(number)s": %(numbr)s is not a placeholder of the msgid;'
        " did you mean %(number)s?"
    )
    code, report = status_of(minimal_issue, capsys)
    [ru] = [language for language in report["languages"] if language["language"] == "ru"]
    assert code == 1 and not ru["complete"] and ru["interface"]["faults"] == [problem]
    assert main(["status", str(minimal_issue)]) == 1
    assert f"ru: left to do\n  {problem}\n" in capsys.readouterr().out
    assert main(["validate", str(minimal_issue), "--draft"]) == 2  # a draft compiles the catalog all the same
    assert capsys.readouterr().out.splitlines() == [problem]


def test_translations_are_not_complete_while_their_source_cannot_be_read(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "az.yaml", "replace": "charts:", "with": "charts: ["}])
    code, report = status_of(minimal_issue, capsys)
    assert code == 1 and not report["complete"]
    for language in report["languages"]:
        assert not language["complete"]
        if not language["source"]:  # nothing to check the translations against, but not stale either
            assert language["content"]["unchecked"] and language["content"]["stale"] == 0
    assert main(["status", str(minimal_issue)]) == 1
    out = capsys.readouterr().out
    assert "az (source)      31/31      0             0  unreadable" in out
    assert "ru: left to do\n  The translations cannot be checked against the az texts until" in out
    assert main(["validate", str(minimal_issue)]) == 2
    assert "stale" not in capsys.readouterr().out  # the syntax error is the one problem, with no warning cascade


def test_without_its_languages_an_issue_has_no_status(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "issue.yaml", "replace": "source_language: az\n", "with": ""}])
    assert main(["status", str(minimal_issue)]) == 2
    assert "issue: 'source_language' is missing" in capsys.readouterr().err
    code, report = status_of(minimal_issue, capsys)  # scripts still get JSON
    assert code == 2 and report["complete"] is False
    assert any("'source_language' is missing" in problem for problem in report["problems"])


def test_a_problem_outside_the_language_files_leaves_the_issue_incomplete(minimal_issue, capsys):
    apply_edits(minimal_issue, [{"file": "issue.yaml", "replace": "date: 2023-03-01", "with": "date: 2024-03-01"}])
    code, report = status_of(minimal_issue, capsys)
    assert code == 1 and not report["complete"] and all(language["complete"] for language in report["languages"])
    assert "is outside the issue's period" in report["other_problems"][0]


def test_validate_goes_on_to_the_next_issue_after_a_wrong_name(capsys):
    assert main(["validate", "2031-H1", str(SAMPLE)]) == 2
    captured = capsys.readouterr()
    assert "2031-H1: no such issue folder" in captured.err and "sample/2022-H2: valid" in captured.err


def test_a_language_is_not_complete_while_the_build_would_refuse_its_file(minimal_issue, capsys):
    apply_edits(minimal_issue, load_case("link-to-a-local-file")["edits"] + load_case("long-title")["edits"])
    code, report = status_of(minimal_issue, capsys)
    assert code == 1 and not report["complete"]
    [english] = [language for language in report["languages"] if language["language"] == "en"]
    assert not english["complete"] and english["content"]["missing"] == 0
    problems = english["content"]["problems"]
    assert any(
        "'file:///etc/passwd': a link may only be to http, https or mailto addresses" in problem for problem in problems
    )
    assert any("characters long; a text other than a body may have at most 2,000" in problem for problem in problems)
    assert all(language["complete"] for language in report["languages"] if language["language"] != "en")
