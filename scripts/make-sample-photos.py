"""Make the sample issue's "photographs": JPEGs rendered from hand-drawn SVGs.

A printed bulletin carries photographs, and the print pipeline must handle
raster pictures (CMYK conversion, effective-resolution checks at 300 ppi,
downsampling for the screen edition).  The sample issue 2022-H2 has only
drawings, so this script turns six of them into photograph-like JPEGs:

1. the SVG in scripts/sample-photos/ is rendered by WeasyPrint to a one-page
   PDF and rasterised by pdftoppm (poppler-utils) to 2000 x 1244 px, about
   340 ppi where the bulletin places it (about 148 x 92 mm);
2. a slight blur, a tint, uneven light, a vignette and film grain make it look
   photographed; all randomness comes from a seeded random.Random;
3. it is written to issues/2022-H2/images/<name>.jpg: RGB, quality 88, an
   embedded sRGB profile, 340 ppi, no EXIF.

The output is byte-identical from run to run.  Run it with the project's
virtualenv:  .venv/bin/python scripts/make-sample-photos.py
"""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
import zlib
from pathlib import Path

import weasyprint
from PIL import Image, ImageChops, ImageCms, ImageFilter

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / "scripts" / "sample-photos"
TARGET = REPO / "issues" / "2022-H2" / "images"
SIZE = (2000, 1244)  # pixels; the SVGs are 900 x 560
PPI = 340

# Picture -> tint multiplied in (warm: more red, cool: more blue).
PICTURES: dict[str, tuple[int, int, int]] = {
    "vagif-mausoleum": (255, 246, 232),  # warm afternoon
    "poetry-days": (255, 243, 228),  # warm lamplight
    "shusha-skyline": (240, 246, 255),  # cool morning
    "jidir-plain": (252, 250, 238),  # dry summer light
    "victory-road": (238, 244, 252),  # cool overcast
    "fortress": (250, 245, 236),  # old print
}

PAGE = """<!DOCTYPE html><html><head><style>
@page {{ size: 900px 560px; margin: 0 }}
html, body {{ margin: 0 }}
img {{ display: block; width: 900px; height: 560px }}
</style></head><body><img src="{src}"></body></html>"""


def srgb_profile() -> bytes:
    """An sRGB ICC profile with a fixed creation date (LittleCMS stamps 'now')."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    date = (2023, 1, 16, 0, 0, 0)  # the sample issue's publication date
    icc[24:36] = b"".join(n.to_bytes(2, "big") for n in date)
    return bytes(icc)


def rasterise(svg: Path) -> Image.Image:
    """Render an SVG without text to an RGB image of SIZE pixels."""
    if "<text" in svg.read_text(encoding="utf-8"):
        raise SystemExit(f"{svg.name} has text: its rendering would depend on fonts")
    html = PAGE.format(src=svg.name)
    pdf = weasyprint.HTML(string=html, base_url=str(svg.parent) + "/").write_pdf()
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "page.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-singlefile",
                "-png",
                "-scale-to-x",
                str(SIZE[0]),
                "-scale-to-y",
                str(SIZE[1]),
                "page.pdf",
                "page",
            ],
            cwd=tmp,
            check=True,
        )
        image = Image.open(Path(tmp) / "page.png").convert("RGB")
    if image.size != SIZE:
        raise SystemExit(f"{svg.name}: rendered at {image.size}, expected {SIZE}")
    return image


def noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """Uniform grey noise from a seeded generator (Image.effect_noise has no seed)."""
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def vignette(size: tuple[int, int], strength: float = 0.18) -> Image.Image:
    """A greyscale mask: white in the centre, darker towards the corners."""
    w, h = 200, 124
    mask = Image.new("L", (w, h))
    for y in range(h):
        for x in range(w):
            r2 = (((2 * x + 1) / w - 1) ** 2 + ((2 * y + 1) / h - 1) ** 2) / 2
            mask.putpixel((x, y), round(255 * (1 - strength * r2**1.5)))
    return mask.resize(size, Image.Resampling.BICUBIC)


def photograph(image: Image.Image, tint: tuple[int, int, int], seed: int) -> Image.Image:
    """Give a flat drawing the look of a slightly grainy colour photograph."""
    rng = random.Random(seed)
    size = image.size
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image = ImageChops.multiply(image, Image.new("RGB", size, tint))
    # Uneven light: a few broad, soft patches of brighter and darker.
    light = noise(rng, (8, 5)).resize(size, Image.Resampling.BICUBIC)
    light = light.point(lambda v: 128 + (v - 128) * 10 // 128)
    image = ImageChops.add(image, Image.merge("RGB", [light] * 3), offset=-128)
    image = ImageChops.multiply(image, Image.merge("RGB", [vignette(size)] * 3))
    # Film grain: fine noise, softened a little, added equally to R, G and B.
    grain = noise(rng, size).filter(ImageFilter.GaussianBlur(0.6))
    grain = grain.point(lambda v: 128 + round((v - 128) * 0.15))
    return ImageChops.add(image, Image.merge("RGB", [grain] * 3), offset=-128)


def main() -> None:
    icc = srgb_profile()
    for name, tint in PICTURES.items():
        image = photograph(rasterise(SOURCES / f"{name}.svg"), tint, zlib.crc32(name.encode()))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=88, optimize=True, icc_profile=icc, dpi=(PPI, PPI))
        target = TARGET / f"{name}.jpg"
        target.write_bytes(buffer.getvalue())
        print(f"{target.relative_to(REPO)}: {len(buffer.getvalue()) // 1024} KB")


if __name__ == "__main__":
    main()
