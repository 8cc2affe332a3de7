"""Pictures: each picture an issue places is whole and what its name says (validate stage), and
photographs turned upright, in 8 bits a channel and scaled down to the size they are printed at
(prepare stage).

WeasyPrint lets Pillow print what it can of a truncated photograph (it sets Pillow's
LOAD_TRUNCATED_IMAGES for the whole process), so a damaged file would reach the press as
a grey box without a word. Here every photograph is decoded in full, strictly, before
anything is rendered; a picture too large to decode safely is refused before decoding, and
one that is all one colour (or wholly transparent) shows nothing and is refused too. A
drawing is checked by `drawings`. Every mode a JPEG or PNG can hold is printed as it looks:
WeasyPrint draws 16-bit grey as noise and Pillow cuts it to white, so such pictures are
brought to 8 bits with their tones scaled (`upright`), and `placing` prepares every
photograph for each variant. This module changes no file.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageFile, ImageMath, ImageOps

from ..util.files import open_file
from .drawings.checks import drawing_problem

# File suffix -> the formats it may hold (MPO: a camera's JPEG with a second frame, printed as its first).
FORMATS = {".jpg": ("JPEG", "MPO"), ".jpeg": ("JPEG", "MPO"), ".png": ("PNG",)}
MAX_PIXELS = 80_000_000  # about 300 ppi over 60 × 90 cm: anything larger is a mistake or an attack
ORIENTATION = 0x0112  # the EXIF tag of a camera's orientation
SIDEWAYS = (5, 6, 7, 8)  # orientations in which the stored picture is turned a quarter
KEPT = ("icc_profile", "transparency")  # what a prepared picture keeps of the original's metadata
DEEP = ("I;16", "I;16B", "I;16L", "I;16N")  # 16-bit grey, as Pillow reads it from a PNG
FAINT = 4  # levels in 255 by which a picture's every channel may vary and still show nothing: a margin for print


def picture_problem(path: Path) -> str | None:
    """Return what is wrong with a picture file, or None when it can be printed as it is."""
    if path.suffix.lower() == ".svg":
        return drawing_problem(path)
    expected = FORMATS[path.suffix.lower()]  # an issue's pictures have these types (validation), and the cache's
    try:
        with _strict(), open_file(path) as file, Image.open(file) as image:  # a regular file, never a pipe
            if image.format not in expected:
                return f"holds a {image.format or 'unknown'} picture, not {expected[0]}"
            width, height = image.size
            if width * height > MAX_PIXELS:
                return f"is {width} × {height} pixels, more than the {MAX_PIXELS // 1_000_000} million allowed"
            if (frames := getattr(image, "n_frames", 1)) > 1 and image.format == "PNG":
                return _animation_problem(image, frames)
            image.load()
            if shows_nothing(image):
                return (
                    "shows nothing: it is all one colour, or so nearly that no difference can be seen, or wholly"
                    " transparent; replace it with the picture meant"
                )
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        return f"is damaged or not a picture ({err})"
    return None


def _animation_problem(image: Image.Image, frames: int) -> str:
    if getattr(image, "default_image", False):  # its still image is not a frame of the animation
        return (
            "is an animated PNG whose still image is not one of its frames: the print shows that image, and a"
            " browser the animation; save the frame meant as a PNG of its own"
        )
    return (
        f"is an animated PNG of {frames} frames: the print shows the first, and a browser the animation;"
        " save the frame meant as a PNG of its own"
    )


def shows_nothing(image: Image.Image) -> bool:
    """Tell whether a picture, as a viewer shows it (in 8 bits a channel), is all one colour or so nearly that no
    difference shows, or wholly transparent.

    The margin (FAINT) is the print's: converted to CMYK, the darkest greys of a picture that varies by a level or
    two come out as one ink, and the preflight would find it blank (`picturescan`)."""
    image = eight_bits(image)
    if image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK") or "transparency" in image.info:
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    extrema = image.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    if image.mode in ("LA", "RGBA") and bands[-1][1] <= FAINT:
        return True
    return all(high - low <= FAINT for low, high in bands)


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
    """Return a photograph turned as its camera's orientation tag says, in 8 bits a channel, scaled down to
    `size` (width and height as it is shown) when that is smaller; a JPEG is decoded at the smallest scale
    that still gives it. What it returns carries no metadata (`info`) but its colour profile and transparency."""
    turned = original.getexif().get(ORIENTATION, 1) in SIDEWAYS
    if size and original.format in ("JPEG", "MPO"):
        original.draft(original.mode, size[::-1] if turned else size)  # decodes at 1/2, 1/4 or 1/8 when it can
    image = eight_bits(ImageOps.exif_transpose(original))
    if size and (size[0] < image.width or size[1] < image.height):
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    # Comments, XMP, IPTC, Photoshop blocks, EXIF: Pillow would write some of them again (a JPEG's comment).
    image.info = {key: image.info[key] for key in KEPT if key in image.info}
    return image


def eight_bits(image: Image.Image) -> Image.Image:
    """Return a 16-bit grey picture as 8-bit grey, its tones scaled (Pillow's own conversion cuts them at 255), and
    its transparent grey, if it has one, as an alpha channel; any other picture as it is."""
    if image.mode not in DEEP:
        return image
    grey = image.convert("I")
    # Rounded, as a viewer shows 16 bits in 8 (Pillow's point() would cut 128 to 0, and a dark picture to black).
    scaled = grey.point(lambda value: value / 257 + 0.5).convert("L")
    transparent = image.info.get("transparency")
    if isinstance(transparent, int):
        scaled.putalpha(
            ImageMath.lambda_eval(lambda names: (names["grey"] != transparent) * 255, grey=grey).convert("L")
        )
    scaled.info = {key: value for key, value in image.info.items() if key != "transparency"}
    return scaled
