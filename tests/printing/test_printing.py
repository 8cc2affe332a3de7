"""Printing: the bulletin's fonts for every character, confined fetching, a failed write, the engine's warnings."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from weasyprint.document import Document

from bulletin.language import fonts
from bulletin.language.fonts import FONT_DIRS, find_typefaces
from bulletin.language.typography import plain_text
from bulletin.printing import pdf as printing
from bulletin.printing.editions import engine_findings, unshown_findings
from bulletin.printing.pdf import ConfinedFetcher
from bulletin.printing.settings import PrintSettings
from bulletin.project import TEMPLATES
from bulletin.util.errors import BuildError
from bulletin.workflow.cli import main

from conftest import LANGUAGES, SAMPLE, apply_edits, page_texts, pdf_fonts

SPECIAL = "Əə Ğğ İı Şş Çç Öö Üü Шуша Ёё № « » „ “ — ñ ¿ ¡ ’"


@pytest.mark.slow
def test_every_character_of_the_four_languages_comes_from_the_bulletins_fonts(minimal_issue, tmp_path):
    for language in LANGUAGES:
        # the about text is the first block of each file (after its source tag in the translations)
        apply_edits(
            minimal_issue,
            [{"file": f"{language}.yaml", "replace": " |\n", "with": f" |\n  {SPECIAL} *{SPECIAL}* **{SPECIAL}**\n\n"}],
        )
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--variant", "print", "-q"]) == 0
    for pdf in (tmp_path / "out" / "2023-H1").glob("*.pdf"):
        assert all(font["name"].split("+")[1].startswith("Bulletin-") for font in pdf_fonts(pdf))
        text = " ".join(" ".join(page.split()) for page in page_texts(pdf))
        language = pdf.stem.split("-")[-2]
        # The paragraph as the typographic pass sets it (in Spanish the rayas of its three copies pair
        # up); the word joiner that ties a raya to its word is not a glyph and leaves no text.
        paragraph = plain_text(" ".join([SPECIAL] * 3), language)
        assert " ".join(paragraph.split()) in text


# Lists in one another, bulleted and numbered, in and around quotes (set in italics), as deep as a body may nest.
NESTED_LISTS = """\
      - Level one
        - Level two
          - Level three
            - Level four
        1. Numbered in a bulleted list
           - Bulleted in a numbered one

      1. First
         1. Second
            1. Third

      > - In a quote
      >   - Deeper in the quote

      - > A quote in a list
        > - and a list in it
"""


@pytest.mark.slow
def test_every_level_of_a_list_is_marked_with_the_bulletins_fonts(minimal_issue, tmp_path):
    """The second and third levels' default markers (◦ and ▪) are in neither font: WeasyPrint drew them in a font
    of the system, and the preflight failed the build naming no file."""
    apply_edits(
        minimal_issue,
        [
            {
                "file": "en.yaml",
                "replace": "      Second paragraph.\n",
                "with": "      Second paragraph.\n\n" + NESTED_LISTS,
            }
        ],
    )
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--variant", "screen", "-q"]) == 0
    pdf = output / "2023-H1" / "since-the-victory-2023-H1-en-screen.pdf"
    assert all(font["name"].split("+")[1].startswith("Bulletin-") for font in pdf_fonts(pdf))
    lines = [" ".join(line.split()) for page in page_texts(pdf) for line in page.splitlines()]
    for marked in (
        "• Level one",
        "– Level two",
        "· Level three",
        "· Level four",
        "1. Numbered in a bulleted list",
        "· Bulleted in a numbered one",
        "1. Third",
        "• In a quote",
        "– Deeper in the quote",
        "– and a list in it",
    ):
        assert any(line.startswith(marked) for line in lines), marked


@pytest.mark.slow
def test_raw_html_in_content_is_printed_as_text(minimal_issue, tmp_path):
    apply_edits(minimal_issue, [{"file": "en.yaml", "replace": "      Text.", "with": "      Text <b>bold</b>."}])
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--variant", "screen", "-q"]) == 0
    pages = page_texts(output / "2023-H1" / "since-the-victory-2023-H1-en-screen.pdf")
    assert any("Text <b>bold</b>." in page for page in pages)


def test_missing_fonts_stop_the_build_naming_them(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path,))
    with pytest.raises(BuildError, match=r"fonts missing: .*NotoSerif-Regular\.ttf.*fonts-noto-core"):
        find_typefaces()


@pytest.mark.slow
def test_a_failed_build_keeps_the_previous_delivery_and_leaves_no_partial_file(
    minimal_issue, tmp_path, monkeypatch, capsys, in_process
):
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "-q"]) == 0
    delivery = output / "2023-H1"
    before = {path.name: path.read_bytes() for path in delivery.iterdir()}

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Document, "write_pdf", broken)
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--force"]) == 1
    assert "disk on fire" in capsys.readouterr().err
    assert {path.name: path.read_bytes() for path in delivery.iterdir()} == before
    assert sorted(os.listdir(output)) == [".cache", ".lock", ".staging", "2023-H1"]
    assert os.listdir(output / ".staging") == []


@pytest.mark.slow
def test_a_failed_write_names_the_file(minimal_issue, tmp_path, monkeypatch, capsys, in_process):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(printing.tempfile, "TemporaryFile", full_disk)
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--lang", "en"]) == 1
    error = capsys.readouterr().err
    assert error.splitlines()[-2:] == [
        "build failed: cannot write since-the-victory-2023-H1-en-print.pdf: disk full (No space left on device)",
        "nothing was delivered",
    ]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1/x.png", "file://host/etc/passwd"])
def test_the_fetcher_reads_nothing_outside_the_allowed_folders(tmp_path, url):
    with pytest.raises(ValueError, match="outside"):
        ConfinedFetcher((tmp_path,)).fetch(url)


def test_the_issues_urls_are_mapped_to_its_folder_and_confined_to_it(tmp_path):
    issue = tmp_path / "somewhere" / "2023-H1"
    (issue / "images").mkdir(parents=True)
    (issue / "images" / "a b.svg").write_text("<svg/>", encoding="utf-8")
    fetcher = ConfinedFetcher((issue,), issue=issue)
    assert fetcher.local_path("file:///issues/2023-H1/images/a%20b.svg") == (issue / "images" / "a b.svg").resolve()
    response = fetcher.fetch("file:///issues/2023-H1/images/a%20b.svg")
    assert response.read() == b"<svg/>"
    response.close()
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch("file:///issues/2023-H1/../../../etc/passwd")
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch("file:///issues/2022-H2/images/a%20b.svg")  # another issue is not this folder


def test_the_fetcher_resolves_dot_dot_before_deciding(tmp_path):
    (tmp_path / "issue").mkdir()
    with pytest.raises(ValueError):
        ConfinedFetcher((tmp_path / "issue",)).fetch((tmp_path / "issue").as_uri() + "/../../etc/passwd")


def test_a_font_folder_hidden_from_a_hardened_service_is_passed_over(monkeypatch):
    """systemd's ProtectHome= leaves HOME set but /home unreadable: the fonts are still found elsewhere."""

    class Hidden(type(Path())):
        def is_dir(self):
            raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr("bulletin.language.fonts.FONT_DIRS", (Hidden("/home/bulletin/.local/share/fonts"), *FONT_DIRS))
    assert len(find_typefaces().files) == 8


# What WeasyPrint warns about


def test_what_weasyprint_warns_about_becomes_findings_not_log_lines(tmp_path, caplog):
    issue = tmp_path / "2023-H1"
    issue.mkdir()
    (issue / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not a picture after all")
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>Test</title><style>p { colour: red }</style></head><body>'
        '<p id="twice">One</p><p id="twice">Two</p><p><a href="#nowhere">Nowhere</a></p>'
        '<img src="file:///issues/2023-H1/broken.png" alt="A broken picture"></body></html>'
    )
    printed = printing.print_pdf(
        html, TEMPLATES, issue, find_typefaces(), tmp_path / "test.pdf", "screen", PrintSettings()
    )
    assert not [record for record in caplog.records if record.name.startswith("weasyprint")]
    assert printed.unshown == [(1, (issue / "broken.png").resolve())]
    assert {(finding.check, finding.severity, finding.message) for finding in engine_findings(printed)} == {
        ("render", "error", "WeasyPrint: Failed to load image at 'file:///issues/2023-H1/broken.png'"),
        ("render", "error", "WeasyPrint: Anchor defined twice: 'twice'"),
        ("render", "error", "WeasyPrint: No anchor #nowhere for internal URI reference"),
        (
            "render",
            "warning",
            "WeasyPrint ignored a rule of the stylesheet: Ignored `colour: red ` at 1:5, unknown property.",
        ),
    }
    [unshown] = unshown_findings(printed)
    assert (unshown.check, unshown.severity, unshown.page) == ("pictures", "error", 1)


@pytest.mark.slow
def test_a_drawing_weasyprint_fails_to_draw_stops_the_build(minimal_issue, tmp_path, monkeypatch, capsys, in_process):
    """WeasyPrint printed what it had drawn before it failed, logged a line and the build went on to exit 0.
    Should such a drawing ever pass validation, the build now fails, naming it."""
    monkeypatch.setattr("bulletin.content.validation.picture_problem", lambda path: None)  # as if validation missed it
    apply_edits(
        minimal_issue,
        [
            {
                "file": "images/sketch.svg",
                "write": '<svg xmlns="http://www.w3.org/2000/svg"'
                ' width="300" height="200"><use id="a" href="#a"/></svg>',
            }
        ],
    )
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "-q"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert (
        "error: since-the-victory-2023-H1-en-print.pdf: render: WeasyPrint: Failed to render SVG image"
        " file:///issues/2023-H1/images/sketch.svg"
    ) in errors
    assert (
        "error: since-the-victory-2023-H1-en-screen.pdf: pictures: the picture described as 'Hills and a sun'"
        " came out blank: its marked content paints nothing on page 5 (images/sketch.svg)"
    ) in errors
    assert not (output / "2023-H1").exists()


@pytest.mark.slow
@pytest.mark.parametrize(
    "picture, drawing",
    [
        (
            "images/sketch.svg",
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 200"><rect width="300"'
            ' height="200" fill="none"/></svg>',
        ),
        ("images/dark.png", None),
    ],
)
def test_a_picture_that_came_out_blank_is_named_by_the_preflight(
    minimal_issue, tmp_path, monkeypatch, capsys, in_process, picture, drawing
):
    """Validation refuses both; should one pass it, the preflight's error names the file, not only its page."""
    monkeypatch.setattr("bulletin.content.validation.picture_problem", lambda path: None)
    apply_edits(
        minimal_issue,
        [
            {"file": picture, "write": drawing}
            if drawing
            else {"file": picture, "picture": {"mode": "RGB", "size": [1600, 1200], "colour": [20, 20, 20]}},
            {"file": "issue.yaml", "replace": "images/sketch.svg", "with": picture},
        ],
    )
    assert main([str(minimal_issue), "--output", str(tmp_path / "output"), "--lang", "en", "-q"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if ": pictures: " in line]
    assert errors and all(line.endswith(f" on page 5 ({picture})") for line in errors), errors


@pytest.mark.slow
def test_a_rule_weasyprint_ignores_is_a_named_warning_of_the_delivery(minimal_issue, tmp_path, monkeypatch, in_process):
    """Even when the build is quiet (-q), which hides WeasyPrint's warnings from the log."""
    stylesheet = printing.page_stylesheet
    monkeypatch.setattr(
        printing, "page_stylesheet", lambda variant, settings: stylesheet(variant, settings) + "\np { colour: red }"
    )
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "-q"]) == 0
    report = json.loads((output / "2023-H1" / "preflight.json").read_text(encoding="utf-8"))
    for name, group in report["files"].items():
        [warning] = [finding for finding in group["findings"] if finding["check"] == "render"]
        assert warning["severity"] == "warning", name
        assert re.fullmatch(
            r"WeasyPrint ignored a rule of the stylesheet: Ignored `colour: red ` at \d+:5, unknown"
            r" property\.",
            warning["message"],
        ), name


@pytest.mark.slow
def test_the_sample_issue_gives_weasyprint_nothing_to_warn_about(sample_build):
    report = json.loads((sample_build.folder / "preflight.json").read_text(encoding="utf-8"))
    assert report["errors"] == 0
    for name, group in report["files"].items():
        assert [finding["message"] for finding in group["findings"] if finding["check"] in ("render", "pictures")] == [
            "every picture paints something" if name.endswith("-screen.pdf") else "no image is blank",
            "WeasyPrint warned about nothing",
        ], name


ABOUT_THIS_ISSUE = {  # the about page's last sentence, as each catalog makes it from the issue's number and period
    "az": "Bu buraxılış (№ 4) iyul–dekabr 2022 dövrünü əhatə edir.",
    "ru": "Настоящий выпуск (№ 4) охватывает период: июль — декабрь 2022 г.",
    "en": "This issue, No. 4, covers July – December 2022.",
    "es": "Este número (N.º 4) abarca el período julio–diciembre de 2022.",
}


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_about_page_says_which_issue_it_is_from_the_issues_facts(sample_build, language):
    """No language file says the issue's number or period: a text carried to the next issue cannot say an old one."""
    about = page_texts(sample_build.pdf(language, "screen"))[2]
    assert " ".join(about.split()).endswith(ABOUT_THIS_ISSUE[language] + " 3")  # then the page's number
    for code in LANGUAGES:
        assert "№ 4" not in (SAMPLE / f"{code}.yaml").read_text(encoding="utf-8")
