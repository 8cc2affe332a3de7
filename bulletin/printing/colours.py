"""Colour stage: the bulletin's palette in both variants, and pictures made ready for print.

The screen edition is sRGB throughout. The print edition is CMYK throughout, separated
for the printing condition through its profile, so that no colour passes its ink limit:
the palette's colours (black text and grey type in black ink alone, coloured type in two
inks, so that neither can fall out of register), drawings (SVG), whose colours are rewritten
as `device-cmyk()`, and photographs, converted to CMYK JPEG through LittleCMS (Pillow's
ImageCms). The prepare-pictures stage (`placing`) calls these conversions and
keeps what they make.

This stage does not decide where pictures go or how large; it only changes their colours.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import PIL
from PIL import Image, ImageCms
from tinycss2.color3 import RGBA, parse_color

from ..content.pictures import ORIENTATION, upright
from ..util.errors import BuildError
from ..util.files import ProjectFileError, read_project_file
from .conditions import PROFILES
from .settings import MAX_PROFILE

# The palette: name -> sRGB, as the screen edition shows it. Print separates each colour through the output
# profile, whose separation keeps to the printing condition's ink limit, except those printed in black ink
# alone (PRINTED_IN_BLACK), which cannot fall out of register.
PALETTE: dict[str, str] = {
    "navy": "#17324d",
    "teal": "#1f6f78",
    "red": "#b3263a",
    "gold": "#c8a24a",
    "sand": "#efe6d2",
    "light-sand": "#f7f2e7",
    "rose": "#f5d9dc",  # drafts only: the draft mark, untranslated texts
    "ink": "#1d232a",
    "grey": "#5d6670",
    "paper": "#ffffff",
}
PRINTED_IN_BLACK = {"ink": (0.0, 0.0, 0.0, 1.0), "grey": (0.0, 0.0, 0.0, 0.72), "paper": (0.0, 0.0, 0.0, 0.0)}
# Type in a colour (--navy-type ...): in print, two inks at most, so that small letters stay sharp however
# the plates register. Each is the two-ink mixture nearest the palette's colour (in CIELAB, through the
# FOGRA39 profile); on screen, the palette's colour itself.
TYPE_INKS: dict[str, tuple[float, float, float, float]] = {
    "navy": (0.8, 0.0, 0.0, 0.9),
    "teal": (0.7, 0.0, 0.0, 0.6),
    "red": (0.0, 0.85, 0.55, 0.0),
    "gold": (0.0, 0.0, 0.7, 0.35),
}

ROOT_ELEMENT = re.compile(rb"<svg(?![^>]*\sfill\s*=)")  # the root element, when it sets no fill
COLOUR_PROPERTIES = rb"fill|stroke|stop-color|flood-color|lighting-color|color"  # SVG's colour properties
COLOUR_ATTRIBUTE = re.compile(rb"(?<![\w-])(" + COLOUR_PROPERTIES + rb")(\s*=\s*)([\"'])(.*?)\3", re.S)
COLOUR_DECLARATION = re.compile(rb"(?<![\w-])(" + COLOUR_PROPERTIES + rb")(\s*:\s*)([^;\"'}<>]+)")
JPEG_QUALITY = 92  # print pictures are converted once; keep the loss invisible
# What a converted picture depends on besides its source, the profile and this code: part of its cache key.
CONVERTER = f"{JPEG_QUALITY}:{PIL.__version__}:{ImageCms.core.littlecms_version}"


def palette_stylesheet(variant: str, profile: OutputProfile | None = None) -> str:
    """Return the CSS custom properties of the palette for the `print` variant (separated through `profile`)
    or the `screen` variant: each colour as --name, and the colours of type as --name-type."""
    if variant == "print":
        assert profile is not None, "print colours are separated through the output profile"
        inks = cmyk_of_all(PALETTE.values(), profile)
        values = {name: cmyk_css(inks[rgb]) for name, rgb in PALETTE.items()}
        values |= {f"{name}-type": cmyk_css(cmyk) for name, cmyk in TYPE_INKS.items()}
    else:
        values = dict(PALETTE) | {f"{name}-type": PALETTE[name] for name in TYPE_INKS}
    return ":root { " + " ".join(f"--{name}: {value};" for name, value in values.items()) + " }"


def cmyk_css(cmyk: tuple[float, float, float, float]) -> str:
    """Write a CMYK colour as CSS."""
    return "device-cmyk(" + " ".join(f"{value:g}" for value in cmyk) + ")"


@dataclass(frozen=True)
class OutputProfile:
    """The CMYK ICC profile of the printing condition, read once."""

    path: Path  # the profile file
    data: bytes  # its bytes, embedded in the PDF's output intent

    @property
    def description(self) -> str:
        """Return the profile's own name, such as 'FOGRA39 (300 %), ArgyllCMS from FOGRA39L.ti3'."""
        return ImageCms.getProfileDescription(self._profile).strip()

    @property
    def digest(self) -> str:
        """Return the SHA-256 of the profile."""
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def _profile(self) -> ImageCms.ImageCmsProfile:
        return ImageCms.ImageCmsProfile(io.BytesIO(self.data))

    @cached_property
    def from_srgb(self) -> ImageCms.ImageCmsTransform:
        """Return the sRGB to CMYK transform of this profile (relative colorimetric)."""
        return ImageCms.buildTransform(
            ImageCms.createProfile("sRGB"),
            self._profile,
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        )


def load_profile(path: Path) -> OutputProfile:
    """Read a CMYK output profile, or stop with a message naming the file."""
    try:
        data = read_project_file(path, "colour profile", MAX_PROFILE)  # a named pipe or a device is never read
    except ProjectFileError as err:
        if os.path.lexists(path):
            raise
        raise ProjectFileError(
            f"{err}. The profiles of the registered printing conditions are made by ./run setup (from the Debian"
            " packages icc-profiles-free and argyll); run it"
            if path.parent == PROFILES
            else f"{err}. Give the printing bureau's profile with --icc-profile, or leave it out for the profile"
            " of the output condition"
        ) from err
    if len(data) < 128 or data[36:40] != b"acsp":
        raise BuildError(f"colour profile {path}: not an ICC profile")
    if data[16:20] != b"CMYK":
        raise BuildError(
            f"colour profile {path}: describes {data[16:20].decode('latin-1').strip()},"
            " not CMYK; print needs the bureau's CMYK profile"
        )
    try:
        profile = OutputProfile(path, data)
        # Read for LittleCMS to parse the profile now, so that a bad one fails here, named.
        profile.description  # noqa: B018
    except (OSError, ImageCms.PyCMSError) as err:
        raise BuildError(f"colour profile {path}: unreadable ({err})") from err
    return profile


def readable_profile(path: Path) -> OutputProfile | None:
    """Return the output profile if it can be read, for a build that prints nothing with it
    (or a check that only compares it with the one recorded)."""
    try:
        return load_profile(path)
    except BuildError:
        return None


def cmyk_of(rgb: str, profile: OutputProfile) -> tuple[float, float, float, float]:
    """Return the print colour of an sRGB colour: black ink for the palette's blacks and for greys, else the
    profile's separation."""
    return cmyk_of_all([rgb], profile)[expand_hex(rgb)]


def cmyk_of_all(colours: Iterable[str], profile: OutputProfile) -> dict[str, tuple[float, float, float, float]]:
    """Return the print colour of each sRGB colour (as `cmyk_of`), keyed as lower-case #rrggbb, those the profile
    converts in one pass of LittleCMS (a pass per colour takes milliseconds: a drawing may hold thousands)."""
    palette = {PALETTE[name]: cmyk for name, cmyk in PRINTED_IN_BLACK.items()}
    found, others = {}, []
    for rgb in {expand_hex(colour) for colour in colours}:
        red, green, blue = (int(rgb[index : index + 2], 16) for index in (1, 3, 5))
        if rgb in palette:
            found[rgb] = palette[rgb]
        elif red == green == blue:
            found[rgb] = (0.0, 0.0, 0.0, round(1 - red / 255, 3))
        else:
            others.append(rgb)
    if others:
        strip = Image.frombytes("RGB", (len(others), 1), bytes.fromhex("".join(rgb[1:] for rgb in others)))
        inks = _made(ImageCms.applyTransform(strip, profile.from_srgb)).tobytes()
        for index, rgb in enumerate(others):
            cyan, magenta, yellow, black = (round(value / 255, 3) for value in inks[index * 4 : index * 4 + 4])
            found[rgb] = (cyan, magenta, yellow, black)
    return found


def expand_hex(colour: str) -> str:
    """Return a #rgb or #rrggbb colour as lower-case #rrggbb."""
    colour = colour.lower()
    return "#" + "".join(digit * 2 for digit in colour[1:]) if len(colour) == 4 else colour


def print_svg(data: bytes, profile: OutputProfile) -> bytes:
    """Rewrite every colour of an SVG drawing (attributes and style declarations) as device-cmyk()."""
    # An element without a fill is filled black; say so on the root, where it is inherited,
    # so that the default black is rewritten like every other colour.
    data = ROOT_ELEMENT.sub(lambda match: match.group(0) + b' fill="#000000"', data, count=1)
    inks = print_colours([match.group(4) for match in COLOUR_ATTRIBUTE.finditer(data)], profile)
    data = COLOUR_ATTRIBUTE.sub(
        lambda match: match.group(1) + match.group(2) + match.group(3) + inks[match.group(4)] + match.group(3), data
    )
    inks = print_colours([match.group(3) for match in COLOUR_DECLARATION.finditer(data)], profile)
    return COLOUR_DECLARATION.sub(lambda match: match.group(1) + match.group(2) + inks[match.group(3)], data)


def print_colours(values: list[bytes], profile: OutputProfile) -> dict[bytes, bytes]:
    """Return each SVG paint value with its sRGB colour as device-cmyk(); none, url(), currentColor as they are."""
    colours = {value: parse_color(value.decode("utf-8", "replace").strip()) for value in set(values)}
    rgbs = {
        value: "#" + "".join(f"{round(channel * 255):02x}" for channel in colour[:3])
        for value, colour in colours.items()
        if isinstance(colour, RGBA)
    }
    cmyks = cmyk_of_all(rgbs.values(), profile)
    written = {}
    for value, colour in colours.items():
        if value not in rgbs:
            written[value] = value  # none, url(#id), currentColor, inherit, or not a colour at all
            continue
        cmyk = cmyk_css(cmyks[rgbs[value]])
        written[value] = (cmyk if colour.alpha == 1 else cmyk[:-1] + f" / {colour.alpha:g})").encode()
    return written


def print_raster(data: bytes, profile: OutputProfile, size: tuple[int, int] | None = None) -> bytes:
    """Convert a photograph to a CMYK JPEG through its own profile (sRGB when untagged) and the output profile,
    scaled down to `size` pixels if given."""
    with Image.open(io.BytesIO(data)) as original:
        resolution = original.info.get("dpi", (300, 300))
        if (
            original.mode == "CMYK"
            and original.format == "JPEG"
            and size is None
            and original.getexif().get(ORIENTATION, 1) == 1
        ):
            # Ready for print: saved again with its own quantization, so that nothing is lost but its metadata
            # (comments, EXIF, XMP, IPTC), which Pillow writes only when asked (a comment unless it is emptied).
            original.info = {}
            output = io.BytesIO()
            original.save(output, format="JPEG", quality="keep", dpi=resolution)
            return output.getvalue()
        embedded = original.info.get("icc_profile")
        image = upright(original, size)  # a camera's orientation tag would be lost below
    source = ImageCms.ImageCmsProfile(io.BytesIO(embedded)) if embedded else None
    space = source.profile.xcolor_space.strip() if source else ""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = _flatten(image)
    if image.mode == "CMYK":
        converted = image
    elif image.mode in ("L", "1", "I", "I;16") and source is not None and space == "GRAY":
        converted = _made(
            ImageCms.profileToProfile(
                image.convert("L"),
                source,
                profile._profile,
                outputMode="CMYK",
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
            )
        )
    else:
        converted = _made(
            ImageCms.profileToProfile(
                image.convert("RGB"),
                source if source is not None and space == "RGB" else ImageCms.createProfile("sRGB"),
                profile._profile,
                outputMode="CMYK",
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
            )
        )
    output = io.BytesIO()
    converted.save(output, format="JPEG", quality=JPEG_QUALITY, dpi=resolution)
    return output.getvalue()


def screen_colours(image: Image.Image, profile: OutputProfile | None) -> Image.Image:
    """Return a photograph in sRGB, as the screen edition shows every colour: through its own profile, a CMYK one
    through the output profile when it has none of its own; grey stays grey."""
    embedded = image.info.get("icc_profile")
    source = ImageCms.ImageCmsProfile(io.BytesIO(embedded)) if embedded else None
    space = source.profile.xcolor_space.strip() if source else ""
    through = None  # for a CMYK photograph: its own profile, or else the output profile
    if image.mode == "CMYK":
        through = source if source is not None and space == "CMYK" else profile._profile if profile else None
    if through is not None:
        converted = _made(
            ImageCms.profileToProfile(
                image,
                through,
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
            )
        )
    elif image.mode in ("RGB", "RGBA") and source is not None and space == "RGB":
        converted = _made(
            ImageCms.profileToProfile(
                image,
                source,
                ImageCms.createProfile("sRGB"),
                outputMode=image.mode,
                renderingIntent=ImageCms.Intent.PERCEPTUAL,
            )
        )
    else:
        return image.convert("RGB") if image.mode == "CMYK" else image
    converted.info = {key: value for key, value in image.info.items() if key != "icc_profile"}
    return converted


def _made(image: Image.Image | None) -> Image.Image:
    """The image a conversion of LittleCMS made: Pillow's give None only when asked to convert in place."""
    assert image is not None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """Lay a picture with transparency on white paper, as it will be printed."""
    image = image.convert("RGBA")
    flattened = Image.new("RGB", image.size, "white")
    flattened.paste(image, mask=image.getchannel("A"))
    return flattened
