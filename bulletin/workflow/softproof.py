"""Soft proof: a print file's pages as the press will print them, for an editor's previews.

A print file's colours are inks for one paper and press (its output intent's profile). Shown on
a screen as they are, by a viewer that takes them for any CMYK, a navy separated for uncoated
paper looks as dark as on coated paper. Here Ghostscript renders each page to its four inks, as
the RIP does (overprint included), and LittleCMS turns the inks into sRGB through the file's own
output profile, absolute colorimetric: the paper's own white and the press's dull darks show as
they will on the sheet. The pictures are named as pdftoppm names them (prefix-1.png ...) and cover
the page's CropBox, so that the preview stage cuts them to the trim as it cuts any page.

This module only looks: it changes no PDF.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
from PIL import ImageCms

from ..util.errors import BuildError, display_path
from ..util.pam import CmykPages

TIMEOUT = 300  # seconds Ghostscript may take for one file


def output_profile(pdf: Path) -> bytes | None:
    """Return the ICC profile of a print file's PDF/X output intent; None for a file without one, or one that
    cannot be read (pdftoppm then says what is wrong with it, in its own words)."""
    try:
        with pikepdf.open(pdf) as document:
            for intent in document.Root.get("/OutputIntents", pikepdf.Array()):
                profile = intent.get("/DestOutputProfile")
                if intent.get("/S") == "/GTS_PDFX" and isinstance(profile, pikepdf.Stream):
                    return profile.read_bytes()
    except (pikepdf.PdfError, OSError):
        return None
    return None


def proof_pages(pdf: Path, profile: bytes, prefix: Path, resolution: int) -> list[Path]:
    """Render every page of `pdf` through `profile` as prefix-1.png, prefix-2.png ...; return them in order."""
    try:
        press = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        to_screen = ImageCms.buildTransform(
            press, ImageCms.createProfile("sRGB"), "CMYK", "RGB", ImageCms.Intent.ABSOLUTE_COLORIMETRIC
        )
    except (OSError, ImageCms.PyCMSError) as err:
        raise BuildError(f"{display_path(pdf)}: its output profile cannot be read: {err}") from err
    # The crop box: what pdftoppm renders with -cropbox, which the preview cuts to the trim.
    rendered = CmykPages(pdf, resolution, "-dUseCropBox", TIMEOUT)
    pages: list[Path] = []
    try:
        for number, inks in enumerate(rendered, 1):
            target = prefix.with_name(f"{prefix.name}-{number}.png")
            shown = ImageCms.applyTransform(inks, to_screen)
            assert shown is not None
            shown.save(target, format="PNG")
            pages.append(target)
    except (RuntimeError, ValueError) as err:
        raise BuildError(f"{display_path(pdf)}: cannot make soft proofs: {err}") from err
    if rendered.status:
        told = "; ".join(rendered.said) or f"exit status {rendered.status}"
        raise BuildError(f"{display_path(pdf)}: Ghostscript could not render it: {told}")
    return pages
