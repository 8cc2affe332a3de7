"""Prepare pictures stage: each picture made the size it is printed at, in each variant's resolution and colours.

Where a picture goes, and how large, is the stylesheet's business and the same in every
language: the cover's picture, and each article's illustrations across the text's width under
a height limit. Before the editions are laid out, WeasyPrint lays out one stand-in of the same
pixel size in each picture's place, once per variant (`pdf.measure_slots`), which gives
the size at which each picture is drawn. Each photograph is then scaled down to that size at
the variant's resolution (print: the warning resolution, 300 ppi by default, so that no
photograph falls under it by scaling; screen: screen-ppi), never up; print pictures are
converted to CMYK with the output profile and drawings get CMYK colours, screen photographs to
sRGB (`colours`). Every photograph is prepared for both variants, however small: made
upright and brought to 8 bits a channel (`pictures.upright`), it also loses its metadata on the
way (EXIF, comments, XMP, IPTC, Photoshop blocks), which would otherwise be embedded in the PDF
as it is; only its colour profile and transparency are kept.

What is made is kept in output/.cache/pictures under a name made of the digest of the
source, the variant, the pixel size, the profile, and the code that makes it (this module,
`colours`, `pictures`, Pillow and LittleCMS), so each picture is prepared once for every
language of the issue and for every later build that needs the same. The jobs run in the
build's worker processes. Drawings are used as they are on screen.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageCms

from ..content.pictures import ORIENTATION, SIDEWAYS, picture_problem, upright
from ..language.fonts import Typefaces
from ..model import Issue
from ..util.atomic import write_atomically
from ..util.errors import BuildError, display_path
from ..util.fingerprints import Inputs, combine
from ..util.workers import Workers
from .colours import CONVERTER, OutputProfile, print_raster, print_svg, screen_colours
from .inworker import measure
from .jobs import SlotProbe
from .settings import PrintSettings

SCREEN_QUALITY = 88  # JPEG quality of photographs scaled down for the screen edition
# What makes a prepared picture: its code is part of the cache key.
CODE = ("bulletin/printing/placing.py", "bulletin/printing/colours.py", "bulletin/content/pictures.py")


@dataclass(frozen=True)
class PictureJob:
    """One picture to make for one variant."""

    source: Path  # the issue's picture
    digest: str  # its SHA-256 when the build began
    variant: str
    size: tuple[int, int] | None  # the pixels it needs (as shown), or None to keep its own
    target: Path  # where the prepared file goes, in the cache
    profile: tuple[Path, bytes] | None  # print: the output profile's file and bytes


def prepare_pictures(
    issue: Issue,
    variants: set[str],
    settings: PrintSettings,
    typefaces: Typefaces,
    profile: OutputProfile | None,
    inputs: Inputs,
    cache: Path,
    workers: Workers,
) -> dict[str, dict[Path, Path]]:
    """Return, per variant, each picture of the issue and the file that stands for it, making those not in
    the cache yet. `inputs` are the digests of the issue's and the project's files."""
    pictures = slots(issue)
    pixels = {picture: pixel_size(picture) for picture in pictures}
    rasters = {picture: size for picture, size in pixels.items() if size is not None}  # the photographs
    shown = tuple((pictures[picture], size) for picture, size in rasters.items())
    probes = [SlotProbe(variant, settings, typefaces, shown) for variant in sorted(variants)] if rasters else []
    measured = dict(
        zip(
            sorted(variants),
            (
                outcome.value
                for outcome in workers.run(
                    measure, probes, describe=lambda probe: f"the places of the photographs ({probe.variant})"
                )
            ),
        )
    )
    code = combine({name: inputs.project.get(name, "") for name in CODE})
    folder = issue.folder.resolve()
    prepared: dict[str, dict[Path, Path]] = {variant: {} for variant in variants}
    jobs = []
    for variant in sorted(variants):
        sizes = dict(zip(rasters, measured.get(variant, [])))
        for picture in pictures:
            size = (
                needed_pixels(rasters[picture], sizes[picture], resolution(variant, settings))
                if picture in sizes
                else None
            )
            if variant == "screen" and pixels[picture] is None:
                continue  # a drawing: as it is
            digest = inputs.issue[picture.resolve().relative_to(folder).as_posix()]
            job = PictureJob(
                picture,
                digest,
                variant,
                size,
                cache / cache_name(picture, digest + code, variant, size, profile),
                (profile.path, profile.data) if profile else None,
            )
            prepared[variant][picture.resolve()] = job.target
            jobs.append(job)
    workers.run(prepare_picture, jobs, describe=lambda job: f"{display_path(job.source)} ({job.variant})")
    return prepared


def slots(issue: Issue) -> dict[Path, str]:
    """Each picture of the issue, with the slot it is placed in."""
    found = {issue.cover_image: "cover"} if issue.cover_image else {}
    for article in issue.articles:
        for illustration in article.illustrations:
            found.setdefault(illustration.file, "illustration")
    return found


def pixel_size(picture: Path) -> tuple[int, int] | None:
    """The width and height of a photograph as it is shown (turned by its orientation tag); None for a drawing."""
    if picture.suffix.lower() == ".svg":
        return None
    with Image.open(picture) as image:
        turned = image.getexif().get(ORIENTATION, 1) in SIDEWAYS
        return image.size[::-1] if turned else image.size


def resolution(variant: str, settings: PrintSettings) -> float:
    """The resolution pictures are prepared at: print at the warning resolution, screen at its own."""
    return settings.warn_ppi if variant == "print" else settings.screen_ppi


def needed_pixels(pixels: tuple[int, int], drawn_mm: tuple[float, float], ppi: float) -> tuple[int, int] | None:
    """The pixels a photograph needs to be drawn at `drawn_mm` with `ppi`, keeping its proportions; None when
    it has no more than that."""
    scale = max(drawn_mm[0] / 25.4 * ppi / pixels[0], drawn_mm[1] / 25.4 * ppi / pixels[1])
    if scale >= 1:
        return None
    return max(1, math.ceil(pixels[0] * scale)), max(1, math.ceil(pixels[1] * scale))


def cache_name(
    picture: Path, source_digest: str, variant: str, size: tuple[int, int] | None, profile: OutputProfile | None
) -> str:
    """The name of a prepared picture in the cache: the digest of what it is made of, and its format."""
    digest = hashlib.sha256(f"{source_digest}:{variant}:{size}:{CONVERTER}:{SCREEN_QUALITY}".encode())
    if profile:  # print converts to it; screen from it, for a CMYK photograph without a profile of its own
        digest.update(profile.data)
    suffix = ".svg" if picture.suffix.lower() == ".svg" else ".png" if _keeps_png(picture, variant) else ".jpg"
    return digest.hexdigest()[:32] + suffix


def _keeps_png(picture: Path, variant: str) -> bool:
    """A screen PNG stays PNG: it may be a drawing in pixels, or have transparency, which JPEG would spoil."""
    return variant == "screen" and picture.suffix.lower() == ".png"


def prepare_picture(job: PictureJob) -> None:
    """Make one picture for one variant in the cache (in a worker process), unless it is there and whole (the
    cache is outside the delivery: anything may have happened to it)."""
    if job.target.is_file() and not picture_problem(job.target):
        return
    data = job.source.read_bytes()
    if hashlib.sha256(data).hexdigest() != job.digest:  # it would be kept under the name of what it was
        raise BuildError(f"{display_path(job.source)}: changed while the build ran; build again")
    profile = OutputProfile(*job.profile) if job.profile else None
    try:
        if job.variant == "print":
            assert profile is not None, "the build loads the output profile for print"
            made = (
                print_svg(data, profile)
                if job.source.suffix.lower() == ".svg"
                else print_raster(data, profile, job.size)
            )
        else:
            made = screen_raster(data, job.size, png=_keeps_png(job.source, job.variant), profile=profile)
    except (OSError, ValueError, ImageCms.PyCMSError) as err:
        raise BuildError(f"{display_path(job.source)}: cannot prepare the picture for {job.variant}: {err}") from err
    write_atomically(job.target, made)


def screen_raster(data: bytes, size: tuple[int, int] | None, png: bool, profile: OutputProfile | None = None) -> bytes:
    """Make a photograph ready for the screen: upright, in 8 bits a channel and sRGB (`profile` is the one a CMYK
    photograph without its own is taken to be in), scaled down to `size` if given, without its metadata."""
    with Image.open(io.BytesIO(data)) as original:
        image = screen_colours(upright(original, size), profile)
    output = io.BytesIO()
    if png:
        image.save(output, format="PNG", optimize=False)
    else:
        image = image if image.mode in ("RGB", "L") else image.convert("RGB")
        image.save(output, format="JPEG", quality=SCREEN_QUALITY)
    return output.getvalue()
