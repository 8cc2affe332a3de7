"""Pictures: each picture an issue places is whole and what its name says (validate stage), and
photographs turned upright and scaled down to the size they are printed at (prepare stage).

WeasyPrint lets Pillow print what it can of a truncated photograph (it sets Pillow's
LOAD_TRUNCATED_IMAGES for the whole process), so a damaged file would reach the press as
a grey box without a word. Here every photograph is decoded in full, strictly, before
anything is rendered; a picture too large to decode safely is refused before decoding. A
drawing is checked by `drawings`. This module changes no file.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageFile, ImageOps

from .drawings import drawing_problem

FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}  # file suffix -> the format it must hold
MAX_PIXELS = 80_000_000  # about 300 ppi over 60 × 90 cm: anything larger is a mistake or an attack
ORIENTATION = 0x0112  # the EXIF tag of a camera's orientation
SIDEWAYS = (5, 6, 7, 8)  # orientations in which the stored picture is turned a quarter


def picture_problem(path: Path) -> str | None:
    """Return what is wrong with a picture file, or None when it can be printed as it is."""
    if path.suffix.lower() == ".svg":
        return drawing_problem(path)
    expected = FORMATS.get(path.suffix.lower())
    try:
        with _strict(), Image.open(path) as image:
            if image.format != expected:
                return f"holds a {image.format or 'unknown'} picture, not {expected}"
            width, height = image.size
            if width * height > MAX_PIXELS:
                return f"is {width} × {height} pixels, more than the {MAX_PIXELS // 1_000_000} million allowed"
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        return f"is damaged or not a picture ({err})"
    return None


@contextmanager
def _strict():
    """Decode pictures in full: a truncated file or a decompression bomb is an error, not a warning."""
    truncated, limit = ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS
    # Opening reads only the header; the size is checked against MAX_PIXELS before decoding.
    ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = False, None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES, Image.MAX_IMAGE_PIXELS = truncated, limit


def upright(original: Image.Image, size: tuple[int, int] | None = None) -> Image.Image:
    """Return a photograph turned as its camera's orientation tag says, scaled down to `size` (width and
    height as it is shown) when that is smaller; a JPEG is decoded at the smallest scale that still gives it."""
    turned = original.getexif().get(ORIENTATION, 1) in SIDEWAYS
    if size and original.format == "JPEG":
        original.draft(original.mode, size[::-1] if turned else size)  # decodes at 1/2, 1/4 or 1/8 when it can
    image = ImageOps.exif_transpose(original)
    if size and (size[0] < image.width or size[1] < image.height):
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image
