"""Pictures are checked whole before anything is rendered: damaged, mislabelled or oversized ones are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from bulletin.cli import main
from bulletin.pictures import picture_problem

from conftest import apply_edits, wrote_nothing


SVG = "<svg xmlns='http://www.w3.org/2000/svg'>\n{}</svg>"


def jpeg(size=(400, 300)) -> bytes:
    output = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(output, format="JPEG", quality=90)
    return output.getvalue()


def test_a_whole_photograph_and_drawing_pass(tmp_path):
    (tmp_path / "photo.jpg").write_bytes(jpeg())
    (tmp_path / "drawing.svg").write_text(SVG.format("<rect width='9' height='9'/>"), encoding="utf-8")
    assert picture_problem(tmp_path / "photo.jpg") is None and picture_problem(tmp_path / "drawing.svg") is None


def test_a_truncated_photograph_is_refused_although_weasyprint_would_print_it(tmp_path):
    import weasyprint  # noqa: F401 - WeasyPrint makes Pillow accept truncated files, process-wide
    assert ImageFile.LOAD_TRUNCATED_IMAGES
    (tmp_path / "photo.jpg").write_bytes(jpeg()[:5000])
    assert picture_problem(tmp_path / "photo.jpg").startswith("is damaged or not a picture (image file is truncated")
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint's own setting is given back


@pytest.mark.parametrize("name, content, message", [
    ("photo.jpg", b"\x89PNG\r\n\x1a\n", "is damaged or not a picture"),
    ("notes.png", b"plain text, not a picture", "is damaged or not a picture"),
    ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "is not well-formed SVG"),
    ("drawing.svg", b"<html/>", "is not an SVG drawing (its root element is <html>)"),
])
def test_damaged_or_foreign_files_are_refused(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    assert picture_problem(tmp_path / name).startswith(message)


def test_a_drawing_that_declares_entities_is_refused_before_they_expand(tmp_path):
    laughs = "".join(f"<!ENTITY l{n} '{f'&l{n - 1};' * 10}'>\n" for n in range(1, 10))
    (tmp_path / "drawing.svg").write_text(f"<!DOCTYPE svg [\n<!ENTITY l0 'ha'>\n{laughs}]>\n"
                                          + SVG.format("<text>&l9;</text>"), encoding="utf-8")
    assert picture_problem(tmp_path / "drawing.svg") == "declares XML entities (line 2), which a drawing must not"


def test_a_png_named_jpg_is_refused(tmp_path):
    Image.new("RGB", (10, 10)).save(tmp_path / "photo.jpg", format="PNG")
    assert picture_problem(tmp_path / "photo.jpg") == "holds a PNG picture, not JPEG"


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path, monkeypatch):
    Image.new("1", (10_000, 10_000)).save(tmp_path / "bomb.png")  # 100 million pixels, a few kilobytes
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded"))
    assert picture_problem(tmp_path / "bomb.png") == "is 10000 × 10000 pixels, more than the 80 million allowed"


def test_a_damaged_photograph_in_an_issue_is_a_content_error_naming_its_place(minimal_issue, tmp_path, capsys):
    (minimal_issue / "images" / "photo.jpg").write_bytes(jpeg()[:3000])
    apply_edits(minimal_issue, [{"file": "issue.yaml", "replace": "images/sketch.svg", "with": "images/photo.jpg"}])
    assert main([str(minimal_issue), "--output", str(tmp_path / "output")]) == 2
    error = capsys.readouterr().err
    assert "2023-H1/issue.yaml:19:19: illustration 'sketch': 'file' 'images/photo.jpg' is damaged or not a picture" \
        in error
    assert wrote_nothing(tmp_path / "output")
