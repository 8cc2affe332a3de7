"""Printing: the bulletin's fonts for every character, confined fetching, atomic files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from weasyprint.document import Document

from bulletin import printing
from bulletin.cli import main
from bulletin.errors import BuildError
from bulletin.delivery import write_atomically
from bulletin import fonts
from bulletin.fonts import FONT_DIRS, find_typefaces
from bulletin.printing import ConfinedFetcher
from bulletin.typography import plain_text

from conftest import LANGUAGES, apply_edits, page_texts, pdf_fonts

SPECIAL = "Əə Ğğ İı Şş Çç Öö Üü Шуша Ёё № « » „ “ — ñ ¿ ¡ ’"


def test_every_character_of_the_four_languages_comes_from_the_bulletins_fonts(minimal_issue, tmp_path):
    for language in LANGUAGES:
        # the about text is the first block of each file (after its source tag in the translations)
        apply_edits(minimal_issue, [{"file": f"{language}.yaml", "replace": " |\n",
                                     "with": f" |\n  {SPECIAL} *{SPECIAL}* **{SPECIAL}**\n\n"}])
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "-q"]) == 0
    for pdf in (tmp_path / "out" / "2023-H1").glob("*.pdf"):
        assert all(font["name"].split("+")[1].startswith("Bulletin-") for font in pdf_fonts(pdf))
        text = " ".join(" ".join(page.split()) for page in page_texts(pdf))
        language = pdf.stem.split("-")[-2]
        # The paragraph as the typographic pass sets it (in Spanish the rayas of its three copies pair
        # up); the word joiner that ties a raya to its word is not a glyph and leaves no text.
        paragraph = plain_text(" ".join([SPECIAL] * 3), language)
        assert " ".join(paragraph.split()) in text


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


def test_a_failed_build_keeps_the_previous_delivery_and_leaves_no_partial_file(minimal_issue, tmp_path, monkeypatch,
                                                                               capsys, in_process):
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


def test_a_failed_write_names_the_file(minimal_issue, tmp_path, monkeypatch, capsys, in_process):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(printing.tempfile, "TemporaryFile", full_disk)
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--lang", "en"]) == 1
    error = capsys.readouterr().err
    assert error.splitlines()[-2:] == ["build failed: cannot write since-the-victory-2023-H1-en-print.pdf: disk full"
                                       " (No space left on device)", "nothing was delivered"]


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch):
    def failing_fsync(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_atomically(tmp_path / "a.pdf", b"%PDF-1.7")
    assert list(tmp_path.iterdir()) == []


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

    monkeypatch.setattr("bulletin.fonts.FONT_DIRS", (Hidden("/home/bulletin/.local/share/fonts"), *FONT_DIRS))
    assert len(find_typefaces().files) == 8
