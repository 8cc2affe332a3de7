"""Prepress: each page its own resources, transparency only where painted, solid black overprinting, the condition
named; each judged by Ghostscript as a RIP would see it, not by reading back what this stage wrote."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from urllib.parse import quote

import pikepdf
import pytest
from PIL import Image
from weasyprint import HTML

from bulletin.printing.finishing import finish_print
from bulletin.printing.settings import DEFAULT_PROFILE, MM_TO_PT, PrintSettings

TINT = "device-cmyk(0.4 0 0 0)"  # a cyan tint box
DRAWING = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="20mm" viewBox="0 0 40 20">'
    '<rect width="40" height="20" fill="device-cmyk(0 0.5 0.5 0)" opacity="{opacity}"/>'
    '<text x="20" y="12" font-size="6" text-anchor="middle">Ağdam</text></svg>'  # a grouped form, centred text
)
PAGES = (
    # Page 1: a translucent drawing. Page 2: an opaque drawing, and black type on a tint.
    '<img src="data:image/svg+xml,{translucent}">'
    '<div style="break-before: page"><img src="data:image/svg+xml,{opaque}"></div>'
    f'<div style="background: {TINT}; padding: 5mm; font-size: 40pt; color: device-cmyk(0 0 0 1)">IIIII</div>'
    '<p style="color: device-cmyk(0 0 0 0.5)">Grey type knocks out as drawn.</p>'
)


def laid_out(tmp_path: Path, condition: str = "FOGRA39") -> tuple[bytes, Path]:
    """The two pages as WeasyPrint writes them, and the same finished for the press."""
    body = PAGES.format(translucent=quote(DRAWING.format(opacity="0.5")), opaque=quote(DRAWING.format(opacity="1")))
    style = (
        "<style>@page { size: A5; bleed: 3mm; margin: 15mm } html { font-family: sans-serif }"
        f" @color-profile device-cmyk {{ src: url('{DEFAULT_PROFILE.as_uri()}'); components: c, m, y, k }}</style>"
    )
    raw = HTML(string=f"<html lang='en'><head>{style}</head><body>{body}</body></html>").write_pdf(
        pdf_variant="pdf/x-4"
    )
    settings = PrintSettings(output_condition=condition)
    target = tmp_path / "finished.pdf"
    target.write_bytes(finish_print(raw, 3 * MM_TO_PT, crop_marks=False, condition=settings.condition))
    return raw, target


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[bytes, Path]:
    return laid_out(tmp_path_factory.mktemp("prepress"))


def test_only_the_page_that_paints_something_translucent_is_transparent(finished):
    raw, path = finished
    with pikepdf.open(path) as pdf:
        first, second = (page.obj for page in pdf.pages)
        assert first.Group.S == "/Transparency" and first.Group.CS == "/DeviceCMYK"
        assert "/Group" not in second
        assert all("/Group" not in form for form in second.Resources.XObject.values())  # its drawing is opaque
        states = list(second.Resources.ExtGState.values())
        assert not any(float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1 for state in states)
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        assert pdf.pages[0].obj.Resources == pdf.pages[1].obj.Resources  # WeasyPrint's: one for all pages


def test_each_page_lists_only_the_resources_its_content_names(finished):
    _raw, path = finished
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            content = page.obj.Contents.read_bytes()
            for category in ("/Font", "/ExtGState", "/XObject", "/ColorSpace"):
                for name in page.obj.Resources.get(category, {}).keys():  # noqa: SIM118
                    assert name.encode() + b" " in content or name.encode() + b"\n" in content, (category, name)


def test_a_flattening_rip_keeps_the_text_of_the_opaque_page_live(finished, tmp_path):
    """Ghostscript's PDF 1.3 output flattens a transparent page into a picture; the second page keeps its fonts."""
    raw, path = finished
    for name, source in (("raw.pdf", raw), ("finished.pdf", path.read_bytes())):
        (tmp_path / name).write_bytes(source)
        flat = tmp_path / f"flat-{name}"
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite", "-dCompatibilityLevel=1.3",
             "-r72", f"-sOutputFile={flat}", str(tmp_path / name)],
            check=True,
        )  # fmt: skip
        fonts = subprocess.run(
            ["pdffonts", "-f", "2", "-l", "2", str(flat)], capture_output=True, text=True, check=True
        ).stdout
        if name == "raw.pdf":
            assert len(fonts.splitlines()) == 2  # WeasyPrint's own file: every page flattened, no font left
        else:
            assert len(fonts.splitlines()) > 2  # a font under the table's two heading lines: live text


def test_black_type_overprints_the_tint_and_grey_type_knocks_out(finished, tmp_path):
    raw, path = finished
    (tmp_path / "raw.pdf").write_bytes(raw)
    # The strokes of "IIIII", 40 pt high, in the tint box: black over 40 % cyan.
    finished_ink = _darkest_black(path)
    raw_ink = _darkest_black(tmp_path / "raw.pdf")
    assert finished_ink[3] == 255 and finished_ink[0] == pytest.approx(0.4 * 255, abs=2)  # the cyan stays beneath
    assert raw_ink[3] == 255 and raw_ink[0] == 0  # WeasyPrint's own: the letters cut out of the tint


def _darkest_black(path: Path) -> tuple[int, ...]:
    """Return the inks of the first solid black pixel of page 2 within the tint box."""
    picture = path.with_name(path.stem + "-2.tif")
    subprocess.run(
        ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiff32nc", "-r72", "-dFirstPage=2", "-dLastPage=2",
         f"-sOutputFile={picture}", str(path)],
        check=True,
    )  # fmt: skip
    with Image.open(picture) as image:
        data = image.tobytes()
    pixels = [tuple(data[index : index + 4]) for index in range(0, len(data), 4)]
    return next(pixel for pixel in pixels if pixel[3] == 255)


@pytest.mark.parametrize("condition, registry", [("FOGRA29", "http://www.color.org")])
def test_the_output_intent_names_the_registered_condition(tmp_path, condition, registry):
    _raw, path = laid_out(tmp_path, condition)
    with pikepdf.open(path) as pdf:
        [intent] = pdf.Root.OutputIntents
        assert (str(intent.OutputConditionIdentifier), str(intent.RegistryName)) == (condition, registry)
        assert "uncoated" in str(intent.OutputCondition) and str(intent.Info).startswith("FOGRA29: ")
