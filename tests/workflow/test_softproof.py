"""Soft proofs: a print file's pages shown as its printing condition will print them."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from weasyprint import HTML

from bulletin.printing.finishing import finish_print
from bulletin.printing.settings import DEFAULT_PROFILE, MM_TO_PT, PrintSettings
from bulletin.workflow.preview import PAGE_PPI, write_previews
from bulletin.workflow.softproof import output_profile, proof_pages

NAVY = "device-cmyk(0.68 0.39 0.11 0.71)"  # the palette's navy, as FOGRA39's profile separates it
PAGE = (
    "<style>@page { size: 60mm 60mm; bleed: 3mm; margin: 0 } body { margin: 0 } div { overflow: hidden }"
    f" @color-profile device-cmyk {{ src: url('{DEFAULT_PROFILE.as_uri()}'); components: c, m, y, k }}</style>"
    f'<div style="height: 20mm; background: {NAVY}"></div>'
    '<div style="height: 20mm; background: device-cmyk(0.4 0 0 0)">'
    '<span style="font: 40pt/1 sans-serif; color: device-cmyk(0 0 0 1)">IIIII</span></div>'
    '<div style="height: 20mm"><span style="font: 40pt/1 sans-serif; color: device-cmyk(0 0 0 1)">IIIII</span></div>'
)


def print_file(folder: Path, condition: str) -> Path:
    """A page with a navy band and black type over a cyan tint, finished for `condition`."""
    raw = HTML(string=PAGE).write_pdf(pdf_variant="pdf/x-4")
    path = folder / f"{condition}.pdf"
    settings = PrintSettings(output_condition=condition)
    path.write_bytes(finish_print(raw, 3 * MM_TO_PT, crop_marks=False, condition=settings.condition))
    return path


def proof(tmp_path: Path, condition: str) -> Image.Image:
    path = print_file(tmp_path, condition)
    profile = output_profile(path)
    assert profile == PrintSettings(output_condition=condition).profile.read_bytes()
    [page] = proof_pages(path, profile, tmp_path / condition, 72)
    return Image.open(page).convert("RGB")


def test_uncoated_paper_shows_the_navy_paler_and_the_paper_as_it_is(tmp_path):
    coated, uncoated = proof(tmp_path, "FOGRA39"), proof(tmp_path, "FOGRA29")
    point = (coated.width // 2, round(6 * 72 / 25.4))  # in the navy band, below the bleed
    assert sum(uncoated.getpixel(point)) > sum(coated.getpixel(point)) + 60  # the same inks, duller on uncoated
    assert coated.getpixel(point)[2] > coated.getpixel(point)[0]  # and still a blue
    assert max(coated.getpixel((1, 1))) < 255  # the bleed's bare paper, as the paper's own white, not the screen's
    for proofed in (coated, uncoated):
        assert proofed.size == (round(66 * 72 / 25.4), round(66 * 72 / 25.4))  # the crop box: trim and bleed


def test_black_type_overprints_the_tint_in_the_proof(tmp_path):
    coated = proof(tmp_path, "FOGRA39")
    millimetre = 72 / 25.4

    def darkest(top_mm: float) -> tuple[int, ...]:
        """The darkest pixel of the band of type `top_mm` below the trim's top: a letter's stroke."""
        band = coated.crop((0, round((3 + top_mm) * millimetre), coated.width, round((3 + top_mm + 20) * millimetre)))
        data = band.tobytes()
        return min((tuple(data[index : index + 3]) for index in range(0, len(data), 3)), key=sum)

    on_tint, on_paper = darkest(20), darkest(40)
    assert sum(on_tint) < sum(on_paper) - 10  # black and the cyan beneath it: a deeper black than black alone
    assert on_tint[2] - on_tint[0] > on_paper[2] - on_paper[0]  # and a cooler one


def test_a_print_only_preview_is_a_soft_proof_and_a_screen_file_is_pictured_as_it_is(tmp_path):
    path = print_file(tmp_path, "FOGRA29")
    [page, _sheet] = write_previews({"en": path}, tmp_path / "previews", PAGE_PPI)
    with Image.open(page) as shown:
        assert sum(shown.convert("RGB").getpixel((shown.width // 2, 10))) > 150  # uncoated navy, not pdftoppm's
    screen = tmp_path / "screen.pdf"
    HTML(string="<p>Ekran</p>").write_pdf(screen, pdf_variant="pdf/ua-1")
    assert output_profile(screen) is None  # pictured by pdftoppm, as it is
