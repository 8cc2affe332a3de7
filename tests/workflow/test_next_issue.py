"""`build.py new`: the next issue started from the previous one, with what is left to write listed."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from bulletin.content.schema import Checker
from bulletin.content.sources import FRESH, UNCONFIRMED, freshness, read_confirmations
from bulletin.content.validation import read_issue
from bulletin.model import period_of
from bulletin.workflow.cli import main
from bulletin.workflow.next_issue import issue_number, names_issue, publication_date

from conftest import SAMPLE, page_texts


@pytest.fixture
def issues(tmp_path):
    """An issues folder holding a copy of the sample issue, 2022-H2, whose Russian about page says, as about pages
    did before the template said it from the issue's facts, which issue it is (the az text is unchanged, so the
    translation stays confirmed)."""
    folder = tmp_path / "issues"
    shutil.copytree(SAMPLE, folder / SAMPLE.name)
    ru = folder / SAMPLE.name / "ru.yaml"
    text = ru.read_text(encoding="utf-8")
    ru.write_text(
        text.replace("по существу.", "по существу. Настоящий выпуск № 4 охватывает июль - декабрь 2022 года.", 1)
    )
    return folder


def test_number_and_publication_date_follow_from_the_name():
    h2, h1 = period_of("2022-H2"), period_of("2023-H1")
    assert issue_number(4, h2, h1) == 5
    assert issue_number(4, h2, period_of("2024-H1")) == 7  # an issue a half-year, even the ones not made here
    assert publication_date(h1, date(2023, 1, 16)) == date(2023, 7, 16)
    assert publication_date(period_of("2023-H2"), None) == date(2024, 1, 15)


def test_the_new_issue_carries_over_what_stays_and_leaves_the_rest_to_write(issues, capsys):
    assert main(["new", "2023-H1", "--issues", str(issues)]) == 0
    folder = issues / "2023-H1"
    assert sorted(path.name for path in folder.iterdir()) == [
        ".en.confirmed.json",  # the record of what the carried translations were confirmed against
        ".es.confirmed.json",
        ".ru.confirmed.json",
        "az.yaml",
        "en.yaml",
        "es.yaml",
        "images",
        "issue.yaml",
        "ru.yaml",
    ]
    assert f"build.py validate {folder}" in capsys.readouterr().err
    checker = Checker()
    facts, texts = read_issue(folder, checker)
    old, old_texts = read_issue(SAMPLE, Checker())
    assert facts["period"].start == date(2023, 1, 1) and facts["period"].end == date(2023, 6, 30)
    assert facts["number"] == old["number"] + 1
    assert facts["published"].month == 7 and facts["published"].year == 2023
    for key in ("languages", "source_language", "issn"):
        assert facts[key] == old[key]
    # Each edition's ISSNs by medium, and the ISSN-L, as the previous issue gave them.
    assert "  ru:\n    print: 2958-101X\n    online: 3006-1059\n    linking: 2958-101X\n" in (
        folder / "issue.yaml"
    ).read_text(encoding="utf-8")
    assert [section["id"] for section in facts["sections"]] == [section["id"] for section in old["sections"]]
    assert [figure["value"] for figure in facts["figures"]] == [figure["value"] for figure in old["figures"]]
    assert facts["cover_image"].read_bytes() == old["cover_image"].read_bytes()
    # The texts that stay are carried in every language, still confirmed against their source.
    for language in ("ru", "en", "es"):
        carried = [item for item in texts.of(language) if item.value is not None]
        assert {item.name for item in carried} >= {"publisher", "about", "sections.shusha.title"}
        states = {item.name: freshness(texts, item, "az") for item in carried}
        # The Russian about page names the issue it was written for (No 4): carried to review, not confirmed.
        assert states.pop("about") == (UNCONFIRMED if language == "ru" else FRESH)
        assert set(states.values()) == {FRESH}
    assert texts.values["sections"]["memory"]["title"] == old_texts.values["sections"]["memory"]["title"]
    carried_record = read_confirmations(folder, "en")
    about = next(item for item in texts.of("en") if item.name == "about")
    assert carried_record.sources[about.confirmed] == read_confirmations(SAMPLE, "en").sources[about.confirmed]
    assert "articles.vagif-mausoleum.title" not in carried_record.confirmed  # not carried, not recorded
    ru = (folder / "ru.yaml").read_text(encoding="utf-8")
    assert "articles:" not in ru  # no ids of the new parts
    assert "# Carried from 2022-H2, where it names that issue (№ 4): review it.\nabout: |\n" in ru
    # What belongs to the new period is empty, and validation names each of those places.
    gaps = {(item.language, item.name) for item in texts.fields if item.gap}
    assert ("az", "articles.shusha-1.title") in gaps and ("es", "chronology.event-1") in gaps
    assert len(gaps) == 4 * (3 * 3 + 1)  # in each language: three fields of an article per section, one event
    assert main(["validate", str(folder)]) == 2
    output = capsys.readouterr().out
    assert "2023-H1/az.yaml:23:12: article 'shusha-1': 'title' is empty; expected text" in output
    assert (
        "2023-H1/issue.yaml:30:14: article 'shusha-1': 'date': expected a date written as YYYY-MM-DD,"
        " found nothing (an empty value)"
    ) in output


def fill_in_the_source(folder) -> None:
    """Do what an editor does after `new`: give the articles and the event dates, write the az texts."""
    facts = (folder / "issue.yaml").read_text(encoding="utf-8")
    for number, line in enumerate(line for line in facts.splitlines() if line.strip().startswith("date:")):
        facts = facts.replace(line, line.split("date:")[0] + f"date: 2023-0{number + 2}-10", 1)
    (folder / "issue.yaml").write_text(facts, encoding="utf-8")
    source = (folder / "az.yaml").read_text(encoding="utf-8").replace('""', '"Yeni mətn."')
    (folder / "az.yaml").write_text(source, encoding="utf-8")


def test_once_the_source_texts_are_written_a_draft_is_valid(issues, capsys):
    assert main(["new", "2023-H1", "--issues", str(issues)]) == 0
    folder = issues / "2023-H1"
    fill_in_the_source(folder)
    capsys.readouterr()
    assert main(["validate", str(folder), "--draft"]) == 0
    assert main(["validate", str(folder)]) == 2  # the translations are still to be written
    # No ids of the new parts in the translators' files (the export gives them): each group is said missing.
    assert "2023-H1/ru.yaml:5:1: ru texts: 'articles' is missing" in capsys.readouterr().out


@pytest.mark.slow
def test_from_new_to_a_previewed_draft(issues, tmp_path, capsys):
    assert main(["new", "2023-H1", "--issues", str(issues)]) == 0
    fill_in_the_source(issues / "2023-H1")
    output = tmp_path / "drafts"
    assert (
        main(
            [
                str(issues / "2023-H1"),
                "--draft",
                "--preview",
                "--lang",
                "es",
                "--variant",
                "screen",
                "--output",
                str(output),
                "-q",
            ]
        )
        == 0
    )
    pdf = output / "2023-H1" / "since-the-victory-2023-H1-es-screen.pdf"
    text = "\n".join(page_texts(pdf))
    assert "Desde la Victoria" in text and "Memoria y patrimonio" in text  # carried over in Spanish
    assert "AZ › Yeni mətn." in " ".join(text.split())  # the new article, still in Azerbaijani, marked
    pages = sorted((output / "previews" / "2023-H1" / "es").glob("page-*.png"))
    assert len(pages) == len(page_texts(pdf)) and (output / "previews" / "2023-H1" / "es-contact-sheet.png").is_file()


@pytest.mark.parametrize(
    "name, message",
    [
        ("2022-H2", "the issue exists already"),
        ("2023-H3", "an issue is named <YYYY>-H1 or <YYYY>-H2"),
        ("2021-H1", "no issue before 2021-H1"),
    ],
)
def test_new_refuses_what_it_cannot_start(issues, capsys, name, message):
    before = sorted(issues.rglob("*"))
    assert main(["new", name, "--issues", str(issues)]) == 2
    assert message in capsys.readouterr().err
    assert sorted(issues.rglob("*")) == before  # nothing left behind


def test_new_refuses_to_start_from_an_issue_it_cannot_read_whole(issues, capsys):
    path = issues / "2022-H2" / "ru.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "bad: [\n", encoding="utf-8")
    assert main(["new", "2023-H1", "--issues", str(issues)]) == 2
    errors = capsys.readouterr().err
    assert "2022-H2/ru.yaml:" in errors and "YAML syntax" in errors
    assert "2022-H2, the issue to start from, must read without problems" in errors
    assert errors.rstrip().endswith("no issue was created.")
    assert not (issues / "2023-H1").exists()


def test_new_needs_a_folder_of_issues(tmp_path, capsys):
    assert main(["new", "2023-H1", "--issues", str(tmp_path / "nowhere")]) == 2
    assert "nowhere: no such folder of issues" in capsys.readouterr().err


def test_a_text_names_the_issue_by_its_number_as_each_language_writes_it():
    for text in ("Настоящий выпуск № 4 охватывает", "This issue, No. 4, covers", "El n.º 4 abarca", "Nº 4"):
        assert names_issue(text, 4) is not None, text
    assert names_issue("№ 40 and No. 14", 4) is None and names_issue("4 issues a year", 4) is None
