"""Pictures are checked whole before anything is rendered: damaged, mislabelled or oversized ones are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageFile

from bulletin.content.pictures import eight_bits, picture_problem
from bulletin.printing.colours import OutputProfile, print_raster
from bulletin.printing.settings import DEFAULT_PROFILE
from bulletin.workflow.cli import main

from conftest import apply_edits, make_picture, wrote_nothing

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


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("photo.jpg", b"\x89PNG\r\n\x1a\n", "is damaged or not a picture"),
        ("notes.png", b"plain text, not a picture", "is damaged or not a picture"),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "is not well-formed SVG"),
        ("drawing.svg", b"<html/>", "is not an SVG drawing (its root element is <html>)"),
    ],
)
def test_damaged_or_foreign_files_are_refused(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    assert picture_problem(tmp_path / name).startswith(message)


def test_a_drawing_that_declares_entities_is_refused_before_they_expand(tmp_path):
    laughs = "".join(f"<!ENTITY l{n} '{f'&l{n - 1};' * 10}'>\n" for n in range(1, 10))
    (tmp_path / "drawing.svg").write_text(
        f"<!DOCTYPE svg [\n<!ENTITY l0 'ha'>\n{laughs}]>\n" + SVG.format("<text>&l9;</text>"), encoding="utf-8"
    )
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
    assert (
        "2023-H1/issue.yaml:19:19: illustration 'sketch': 'file' 'images/photo.jpg' is damaged or not a picture"
        in error
    )
    assert wrote_nothing(tmp_path / "output")


@pytest.mark.parametrize(
    "default_image, message",
    [
        (
            True,
            "is an animated PNG whose still image is not one of its frames: the print shows that image, and a browser"
            " the animation; save the frame meant as a PNG of its own",
        ),
        (
            False,
            "is an animated PNG of 3 frames: the print shows the first, and a browser the animation; save the frame"
            " meant as a PNG of its own",
        ),
    ],
)
def test_an_animated_png_is_refused(tmp_path, default_image, message):
    make_picture(tmp_path / "moving.png", frames=3, default_image=default_image)
    assert picture_problem(tmp_path / "moving.png") == message


def test_a_png_of_one_frame_passes(tmp_path):
    make_picture(tmp_path / "still.png", frames=1)
    assert picture_problem(tmp_path / "still.png") is None


NOTHING = (
    "shows nothing: it is all one colour, or so nearly that no difference can be seen, or wholly transparent;"
    " replace it with the picture meant"
)


def test_a_16_bit_picture_is_judged_as_a_viewer_shows_it(tmp_path):
    """Tones in the lowest 256 of 65,536 levels: nearly black in a viewer, whose 8 bits cannot tell them apart."""
    dark = make_picture(tmp_path / "dark.png", mode="I;16", tones=256)
    assert picture_problem(dark) == NOTHING
    assert picture_problem(make_picture(tmp_path / "full.png", mode="I;16")) is None
    assert eight_bits(Image.open(make_picture(tmp_path / "mid.png", mode="I;16", colour=129))).getextrema() == (1, 1)


def test_a_picture_a_level_from_one_colour_is_refused_for_print_makes_it_one(tmp_path):
    faint = Image.linear_gradient("L").resize((64, 64)).point(lambda value: value // 128)  # levels 0 and 1
    faint.save(tmp_path / "faint.png")
    assert picture_problem(tmp_path / "faint.png") == NOTHING
    printed = Image.open(
        io.BytesIO(
            print_raster(
                (tmp_path / "faint.png").read_bytes(), OutputProfile(DEFAULT_PROFILE, DEFAULT_PROFILE.read_bytes())
            )
        )
    )
    # In print it is the darkest shadow of the press, a few eight-bit steps of ink apart: a black square.
    assert all(high - low <= 3 for low, high in printed.getextrema())


def test_a_picture_whose_difference_shows_passes(tmp_path):
    Image.linear_gradient("L").resize((64, 64)).point(lambda value: value // 32).save(tmp_path / "dim.png")  # 0-7
    assert picture_problem(tmp_path / "dim.png") is None
