"""The layout report: pages per part and language, in the delivery and in warnings."""

from __future__ import annotations

import hashlib
import json

import pytest

from bulletin.delivery.layout import LAYOUT, EditionLayout, editions_layout, format_layout, out_of_step
from bulletin.workflow.cli import main

from conftest import LANGUAGES, apply_edits, page_texts


def parts(*pages: int) -> list[dict]:
    """Parts of an edition taking `pages` pages each, named as the sample's."""
    names = [
        ("cover", "Front cover"),
        ("section-shusha", "Şuşa"),
        ("section-roads", "Regionlar və yollar"),
        ("back-cover", "Back cover"),
    ]
    first, result = 1, []
    for (part_id, title), count in zip(names, pages):
        result.append({"id": part_id, "title": title, "first_page": first, "pages": count})
        first += count
    return result


def editions(*pages: int) -> EditionLayout:
    return EditionLayout(parts(*pages), [])


def test_editions_in_step_give_no_warning_and_a_row_per_part():
    layout = {language: editions(1, 8, 4, 1) for language in LANGUAGES}
    assert out_of_step(layout) == []
    table = format_layout(layout).splitlines()
    assert table[0].split() == ["part", *LANGUAGES]
    assert table[2].split() == ["Şuşa"] + ["8", "(p.", "2)"] * 4
    assert table[-1].split()[-4:] == ["14"] * 4
    marked = format_layout(layout, {"ru"}).splitlines()
    assert marked[0].split() == ["part", "az", "ru*", "en", "es"] and marked[-1].startswith("* kept")


def test_a_section_that_runs_longer_in_one_language_is_named():
    layout = {language: editions(1, 8, 4, 1) for language in LANGUAGES} | {"ru": editions(1, 9, 4, 1)}
    assert out_of_step(layout) == [
        "“Şuşa” (section-shusha) takes 9 in ru but 8 in az, en, es: the editions are out of step from there on;"
        " shorten the text or the pictures of the longer edition"
    ]


def test_the_layout_comes_from_print_and_ignores_damaged_entries():
    entries = [
        {"language": "az", "variant": "screen", "parts": parts(1, 9, 4, 1)},
        {"language": "az", "variant": "print", "parts": parts(1, 8, 4, 1), "makeup": ["page 2: widow"]},
        {"language": "ru", "variant": "print", "parts": [{"id": "cover", "pages": "one"}]},
        {"language": "es", "variant": "print", "parts": parts(1, 8, 4, 1), "makeup": [3]},
        {"language": "en", "variant": "print"},
    ]
    assert editions_layout(entries) == {"az": EditionLayout(parts(1, 8, 4, 1), ["page 2: widow"])}


@pytest.mark.slow
def test_the_delivery_holds_the_layout_report_and_each_pdf_its_parts(sample_build):
    manifest = json.loads((sample_build.folder / "manifest.json").read_text(encoding="utf-8"))
    report = sample_build.folder / LAYOUT
    entry = next(entry for entry in manifest["files"] if entry["file"] == LAYOUT)
    assert entry["sha256"] == hashlib.sha256(report.read_bytes()).hexdigest()
    text = report.read_text(encoding="utf-8")
    assert "warning" not in text and "No faults of make-up." in text  # the sample's editions run in step
    for language in LANGUAGES:
        pdf = next(
            entry
            for entry in manifest["files"]
            if entry.get("language") == language and entry.get("variant") == "print"
        )
        pages = page_texts(sample_build.pdf(language, "print"))
        assert pdf["makeup"] == []
        assert [part["id"] for part in pdf["parts"]][:4] == ["cover", "imprint", "about", "contents"]
        assert pdf["parts"][-1]["id"] == "back-cover" and pdf["parts"][-1]["first_page"] == len(pages)
        for part in pdf["parts"]:
            if part["id"].startswith("section-"):  # the section's title, in capitals, heads its first page
                page = " ".join(pages[part["first_page"] - 1].split())
                assert part["title"].upper().replace("I", "İ") in page or part["title"].upper() in page
        assert sum(part["pages"] for part in pdf["parts"]) <= len(pages)


@pytest.mark.slow
def test_an_edition_that_runs_longer_is_reported_by_the_build(minimal_issue, tmp_path, capsys):
    # Paragraphs that differ, as prose does: a line printed on page after page reads as a running head to outloud.
    things = "roads schools bridges museums villages parks wells houses farms clinics gardens libraries".split()
    paragraphs = [
        " ".join(f"The {things[(number + step) % 12]} of district {things[step % 12]} came back." for step in range(14))
        for number in range(30)
    ]
    apply_edits(
        minimal_issue,
        [
            {
                "file": "en.yaml",
                "replace": "      First paragraph.",
                "with": "\n\n".join("      " + text for text in paragraphs),
            }
        ],
    )
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "az,en", "--variant", "screen"]) == 0
    err = capsys.readouterr().err
    warning = next(line for line in err.splitlines() if "out of step" in line)
    assert "(section-shusha) takes" in warning and " in en but " in warning
    assert "warning: " in (output / "2023-H1" / LAYOUT).read_text(encoding="utf-8")


@pytest.mark.slow
def test_faults_of_make_up_are_told_once_per_language_and_delivered(
    minimal_issue, tmp_path, capsys, monkeypatch, in_process
):
    """A fault is the layout's, not the variant's: one preflight warning for both variants, and a line in
    layout.txt. An edition kept from the previous delivery keeps its faults and is marked as kept."""
    from bulletin.printing import pdf as printing
    from bulletin.printing.jobs import Fault

    real = printing.check_makeup
    monkeypatch.setattr(
        printing,
        "check_makeup",
        lambda document: (
            real(document) + [Fault(2, "widow", "widow: the last line of “Test” stands alone at the head of the page")]
        ),
    )
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "az,en"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if ": makeup: " in line]
    assert warnings == [
        f"warning: since-the-victory-2023-H1-{language}-print.pdf: makeup: page 2: widow: the"
        " last line of “Test” stands alone at the head of the page"
        for language in ("az", "en")
    ]
    assert "0 errors, 2 warnings in 4 files" in err  # the preflight counts them
    report = json.loads((output / "2023-H1" / "preflight.json").read_text(encoding="utf-8"))
    assert [
        finding["page"]
        for finding in report["files"]["since-the-victory-2023-H1-az-print.pdf"]["findings"]
        if finding["check"] == "makeup"
    ] == [2]
    monkeypatch.setattr(printing, "check_makeup", real)
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "-q", "--force"]) == 0
    report = (output / "2023-H1" / LAYOUT).read_text(encoding="utf-8")
    assert report.splitlines()[2].split() == ["part", "az*", "en"]
    assert "az: page 2: widow: the last line of “Test”" in report and "en: page 2" not in report
