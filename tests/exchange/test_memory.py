"""Translation memory: an earlier issue's confirmed translations suggested, fuzzy, for texts not yet translated."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from bulletin.workflow.cli import main

from .test_export import export
from .test_import import snapshot
from .test_xliff import NS, export_xliff
from conftest import MINIMAL, SAMPLE, apply_edits

TITLE = "Molla Pənah Vaqifin məqbərəsi yenidən açıldı"  # a title of the sample, translated and confirmed there
EVENT = "Qarabağ və Şərqi Zəngəzur iqtisadi rayonlarını yaradan 2021-ci il 7 iyul tarixli fərmanın"
EVENT += " imzalanmasından bir il keçir."  # an event of the sample


@pytest.fixture
def issues(tmp_path) -> Path:
    """The sample (2022-H2) and, after it, the minimal issue (2023-H1) whose az texts say some of the same."""
    shutil.copytree(SAMPLE, tmp_path / "issues" / SAMPLE.name)
    issue = Path(shutil.copytree(MINIMAL, tmp_path / "issues" / "2023-H1"))
    edits = [
        {"file": "az.yaml", "replace": '"İlk məqalə"', "with": f'"{TITLE}"'},
        # The same event, spaced and punctuated otherwise: a match once both are set as they print.
        {"file": "az.yaml", "replace": '"İkinci hadisə."', "with": '"' + EVENT.replace(" ", "  ") + '"'},
        {"file": "az.yaml", "replace": '"Birinci hadisə."', "with": '"Şuşa"'},  # a section's title there
        {"file": "ru.yaml", "replace": '!source-26af0ced "Первая статья"', "with": '""'},
        {"file": "ru.yaml", "replace": '!source-a05cafcc "Второе событие."', "with": '""'},
    ]
    apply_edits(issue, edits)
    return issue


def test_texts_not_yet_translated_are_suggested_from_earlier_issues_as_fuzzy(issues, capsys):
    catalog, path = export(issues, "ru", capsys)
    suggested = {entry.msgctxt: entry for entry in catalog if "suggested" in entry.comment}
    assert set(suggested) == {"articles.first-article.title", "chronology.second-event"}
    title = suggested["articles.first-article.title"]
    assert title.fuzzy and title.msgstr == "В Шуше вновь открыт мавзолей Молла Панаха Вагифа"
    assert "articles.vagif-mausoleum.title in 2022-H2, whose az text is the same" in " ".join(title.comment.split())
    event = suggested["chronology.second-event"]
    assert event.fuzzy and event.msgstr.startswith("Исполнился год со дня подписания указа")
    assert "once spaces and punctuation are set alike" in " ".join(event.comment.split())
    # The first event is translated already ("Первое событие."), though 2022-H2 has a translation of "Şuşa":
    # the memory fills only what is empty.
    assert catalog.find("chronology.first-event", by="msgctxt").msgstr == "Первое событие."
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)]).returncode == 0

    before = snapshot(issues)  # a suggestion left fuzzy is not taken
    assert main(["import", str(issues), str(path)]) == 0
    assert snapshot(issues) == before
    title.flags.remove("fuzzy")  # the translator accepts it
    catalog.save(str(path))
    capsys.readouterr()
    assert main(["import", str(issues), str(path)]) == 0
    assert "imported articles.first-article.title" in capsys.readouterr().out


def test_a_stale_translation_is_no_suggestion_and_xliff_gives_suggestions_as_proposals(issues, capsys):
    sample = issues.parent / SAMPLE.name
    apply_edits(sample, [{"file": "az.yaml", "replace": f'"{TITLE}"', "with": f'"{TITLE}!"'}])  # ru now stale
    catalog, _ = export(issues, "ru", capsys)
    assert catalog.find("articles.first-article.title", by="msgctxt").msgstr == ""
    path = export_xliff(issues, "ru", capsys)  # valid against the strict schema
    unit = etree.parse(str(path)).find(".//x:trans-unit[@id='chronology.second-event']", NS)
    proposal = unit.find("x:alt-trans[@alttranstype='proposal']", NS)
    assert proposal.get("origin") == "2022-H2" and proposal.find("x:source", NS).text == EVENT
    assert unit.find("x:target", NS).get("state") == "needs-review-translation"


def test_a_translation_left_under_an_id_renamed_since_is_suggested_for_the_new_one(minimal_issue, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "issue.yaml", "replace": "- id: first-article", "with": "- id: renamed-article"},
            {"file": "az.yaml", "replace": "  first-article:", "with": "  renamed-article:"},
        ],
    )
    catalog, _ = export(minimal_issue, "ru", capsys)  # ru.yaml still has first-article: no problem for the export
    title = catalog.find("articles.renamed-article.title", by="msgctxt")
    assert title.fuzzy and title.msgstr == "Первая статья"
    assert "articles.first-article.title in 2023-H1, whose az text is the same" in " ".join(title.comment.split())
    assert catalog.find("articles.renamed-article.body.2", by="msgctxt").msgstr == "Второй абзац."


def test_a_renamed_body_whose_source_changed_since_has_its_other_paragraphs_suggested(minimal_issue, capsys):
    apply_edits(
        minimal_issue,
        [
            {"file": "issue.yaml", "replace": "- id: first-article", "with": "- id: renamed-article"},
            {"file": "az.yaml", "replace": "  first-article:", "with": "  renamed-article:"},
            {"file": "az.yaml", "replace": "Birinci abzas.", "with": "Birinci, yeni abzas."},
        ],
    )
    catalog, _ = export(minimal_issue, "ru", capsys)
    first, second = (catalog.find(f"articles.renamed-article.body.{n}", by="msgctxt") for n in (1, 2))
    assert first.msgstr == ""  # its source changed: nothing to suggest
    assert second.fuzzy and second.msgstr == "Второй абзац."  # the record gives the old source, paragraph by paragraph
