"""Small print and screen PDFs made with WeasyPrint as a build makes them, for the preflight's tests; what each
must be; the findings of one check."""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from bulletin.language.fonts import find_typefaces
from bulletin.preflight.findings import Expectation, Finding
from bulletin.printing.settings import DEFAULT_PROFILE

PROFILE = DEFAULT_PROFILE  # the profile of the default printing condition, FOGRA39, made at set-up
A4 = (595.2756, 841.8898)  # 210 × 297 mm in points
BLEED = 3 / 25.4 * 72  # 3 mm in points
# The title and period as the edition gives them, with a soft hyphen and no-break spaces.
TITLE, PERIOD = "Zəfər\u00addən\u00a0bəri", "İyul–Dekabr\u202f2022"
# The cover breaks the title at its soft hyphen: pdftotext then reads "Zəfər-" and "dən bəri".
COVER = '<h1 style="width: 35mm">Zəfər&shy;dən bəri</h1><p>İyul–Dekabr 2022</p>'
NEXT = '<p style="break-before: page">Səhifə</p>'
PRINT = Expectation(
    variant="print",
    language="az",
    title=TITLE,
    period=PERIOD,
    families=("Bulletin-Serif", "Bulletin-Sans"),
    trim=A4,
    bleed=BLEED,
    page_multiple=2,
    warn_ppi=300,
    min_ppi=150,
    max_ppi=None,
    condition="FOGRA39",
    ink_limit=300,
)
SCREEN = dataclasses.replace(
    PRINT,
    variant="screen",
    language="en",
    title="Since the Victory",
    period="July–December 2022",
    bleed=0,
    page_multiple=1,
    max_ppi=150,
    condition="",
    ink_limit=0,
)
SCREEN_COVER = "<h1>Since the Victory</h1><p>July–December 2022</p>"


def pdf_maker(folder: Path) -> Callable[..., Path]:
    """Put the pictures the tests place into `folder`; return a function that writes a small print or screen PDF of
    `body` there and returns its path."""
    fonts = find_typefaces().stylesheet()

    def write(name: str, body: str, variant: str = "print", lang: str | None = "az", bleed: bool = True) -> Path:
        rules = [
            fonts,
            "html { font-family: 'Bulletin Serif' } h1 { font-family: 'Bulletin Sans' }",
            f"@page {{ size: 210mm 297mm; margin: 20mm; {'bleed: 3mm' if bleed and variant == 'print' else ''} }}",
        ]
        if variant == "print":
            rules += [
                "html { color: device-cmyk(0 0 0 1) }",
                f"@color-profile device-cmyk {{ src: url('{PROFILE.as_uri()}'); components: c, m, y, k }}",
            ]
        language = f' lang="{lang}"' if lang else ""
        html = f"<html{language}><head><title>Bülleten</title></head><body>{body}</body></html>"
        font_config, profiles = FontConfiguration(), {}
        target = folder / name
        HTML(string=html, base_url=folder.as_uri() + "/").write_pdf(
            target,
            pdf_variant="pdf/x-4" if variant == "print" else "pdf/ua-1",
            font_config=font_config,
            color_profiles=profiles,
            stylesheets=[CSS(string="\n".join(rules), font_config=font_config, color_profiles=profiles)],
        )
        return target

    for mode, colours, name in (
        ("CMYK", ((0, 60, 100, 10), (80, 0, 20, 0)), "cmyk.jpg"),
        ("RGB", ((200, 40, 20), (20, 40, 200)), "rgb.png"),
    ):
        image = Image.new(mode, (300, 200), colours[0])
        image.paste(colours[1], (100, 50, 200, 150))  # a picture that shows something: one colour shows nothing
        image.save(folder / name)
    Image.new("RGB", (300, 200), (200, 40, 20)).save(folder / "flat.png")
    silhouette = Image.new("RGBA", (300, 200), (20, 40, 200, 0))
    silhouette.paste((20, 40, 200, 255), (100, 50, 200, 150))  # one colour, shaped by its transparency
    silhouette.save(folder / "silhouette.png")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not a picture after all")
    (folder / "loop.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><use id="a" href="#a"/></svg>', encoding="utf-8"
    )
    return write


def only(findings: list[Finding], check: str, severity: str = "error") -> list[Finding]:
    """Return the findings of one check and severity."""
    return [finding for finding in findings if finding.check == check and finding.severity == severity]


def looks_the_same(first: Path, second: Path, folder: Path) -> bool:
    """Whether two PDFs have as many pages and poppler renders every page of both alike, to the pixel."""
    for name, pdf in (("first", first), ("second", second)):
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(folder / name)], check=True)
    ones, others = sorted(folder.glob("first*.png")), sorted(folder.glob("second*.png"))
    return len(ones) == len(others) >= 1 and all(
        ImageChops.difference(Image.open(one).convert("RGB"), Image.open(other).convert("RGB")).getbbox() is None
        for one, other in zip(ones, others, strict=True)
    )
