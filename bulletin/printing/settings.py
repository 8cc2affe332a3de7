"""Settings of the two PDF variants: what the printing bureau and the screen edition need.

Defaults are here; a team changes them for its bureau in pyproject.toml under
[tool.bulletin.print] (trim, bleed-mm, page-multiple, warn-ppi, min-ppi, screen-ppi,
output-condition, icc-profile, ink-limit, pdfx, crop-marks, and workers: how many PDFs are made at
once), and an editor may override some on the command line. A wrong value is reported with the
file and the key; nothing is built with it.

The printing condition is a registered one (`conditions`: FOGRA39 by default, FOGRA29, CGATS TR
006) with the profile made for it at set-up; a bureau's own profile (`icc-profile`) is given with
the condition it was made for (`output-condition`) and, when that is not one of those, its total
ink limit (`ink-limit`).

How the screen editions are signed is read beside them, from [tool.bulletin.signing]
(`signing.settings`): a screen edition's signature is a part of how it is made.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from ..signing.settings import SigningSettings, read_signing
from ..util.errors import UsageError
from .conditions import CONDITIONS, DEFAULT, REGISTRY, find_condition

DEFAULT_PROFILE = CONDITIONS[DEFAULT].profile  # made at set-up for the default printing condition
MAX_PROFILE = 10_000_000  # bytes: an ICC profile takes a few hundred kilobytes, the largest a few megabytes
TRIM_SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "B5": (176.0, 250.0)}  # name -> mm
PAGE_MULTIPLES = (1, 4, 8)  # 4: saddle stitching; 8: two sheets folded together; 1: no rule
MM_TO_PT = 72 / 25.4
PDFX = ("4", "1a")  # the print files' standards: PDF/X-4, or PDF/X-1a:2001 for a bureau that asks for it
MAX_WORKERS = 64  # more worker processes than this is a typo, not a machine


@dataclass(frozen=True)
class Variant:
    """One kind of PDF made of every edition."""

    name: str  # "print" or "screen", as in the file name and --variant
    pdf_variant: str  # WeasyPrint's name of the PDF standard it follows
    purpose: str  # who it is for, for --help and the manifest
    medium: str  # the edition it belongs to, whose ISSN it shows: "print" or "online" (model.MEDIA)
    issn_property: str  # the PRISM property of its XMP that gives that ISSN


VARIANTS = {
    "print": Variant("print", "pdf/x-4", "PDF/X-4 in CMYK with bleed, for the printing bureau", "print", "issn"),
    "screen": Variant("screen", "pdf/ua-1", "tagged PDF/UA-1 in sRGB, for readers", "online", "eIssn"),
}


@dataclass(frozen=True)
class PrintSettings:
    """How the PDFs are made; the defaults suit an A4 saddle-stitched bulletin."""

    trim: str = "A4"  # trimmed page size: A4, A5, B5 or WIDTHxHEIGHT in millimetres
    bleed_mm: float = 3.0  # bleed beyond the trim on every side of a print page
    page_multiple: int = 4  # the print page count is a multiple of this
    warn_ppi: float = 300.0  # a print picture below this resolution gets a warning
    min_ppi: float = 150.0  # a print picture below this resolution stops the build
    screen_ppi: float = 150.0  # screen pictures are downsampled to this resolution
    output_condition: str = DEFAULT  # the printing condition: a registered one, or the bureau's profile's
    icc_profile: Path | None = None  # the bureau's CMYK profile; None: the one made for the registered condition
    ink_limit: float | None = None  # total ink at most, in %; None: the registered condition's
    pdfx: str = "4"  # the print files' standard: PDF/X-4, or "1a" for PDF/X-1a:2001 made from it by Ghostscript
    crop_marks: bool = False  # draw crop marks outside the bleed (many bureaus add their own)
    workers: int = 0  # PDFs made at once, each in a worker process; 0: one per core (changes no byte of them)
    signing: SigningSettings | None = None  # how the screen editions are signed ([tool.bulletin.signing]); None: not

    @property
    def trim_mm(self) -> tuple[float, float]:
        """Return the trimmed page's width and height in millimetres."""
        return parse_trim(self.trim)

    @property
    def trim_pt(self) -> tuple[float, float]:
        """Return the trimmed page's width and height in PDF points."""
        width, height = self.trim_mm
        return width * MM_TO_PT, height * MM_TO_PT

    @property
    def condition(self) -> OutputCondition:
        """Return the printing condition the print files are made for (the settings are checked)."""
        known = find_condition(self.output_condition)
        if self.icc_profile is None:
            assert known is not None
            return OutputCondition(known.identifier, REGISTRY, known.condition, known.profile, known.ink_limit)
        limit = self.ink_limit if self.ink_limit is not None else known.ink_limit if known else 0.0
        registry = REGISTRY if known else ""
        identifier = known.identifier if known else self.output_condition
        return OutputCondition(identifier, registry, known.condition if known else "", self.icc_profile, limit)

    @property
    def profile(self) -> Path:
        """Return the CMYK profile the print files are separated for."""
        return self.condition.profile

    def standard(self, variant: str) -> str:
        """Return the name of the standard the files of `variant` follow, as a preflight names it."""
        if variant == "print" and self.pdfx == "1a":
            return "PDF/X-1a:2001"
        return {"print": "PDF/X-4", "screen": "PDF/UA-1"}[variant]

    def bleed_pt(self, variant: str) -> float:
        """Return the bleed of `variant` in PDF points (screen pages have none)."""
        return self.bleed_mm * MM_TO_PT if variant == "print" else 0.0

    def multiple(self, variant: str) -> int:
        """Return the page-count rule of `variant` (the screen edition has no blank pages)."""
        return self.page_multiple if variant == "print" else 1


@dataclass(frozen=True)
class OutputCondition:
    """The printing condition of the print files, as their output intent names it."""

    identifier: str  # OutputConditionIdentifier: FOGRA39, or the bureau's name of its condition
    registry: str  # RegistryName: the ICC's registry for a registered condition, else empty
    condition: str  # OutputCondition: the paper and process in words (empty when the bureau's is not known)
    profile: Path  # the CMYK profile: made at set-up, or the bureau's
    ink_limit: float  # total ink at most, in %


KEYS = {
    "trim": "trim",
    "bleed-mm": "bleed_mm",
    "page-multiple": "page_multiple",
    "warn-ppi": "warn_ppi",
    "min-ppi": "min_ppi",
    "screen-ppi": "screen_ppi",
    "output-condition": "output_condition",
    "icc-profile": "icc_profile",
    "ink-limit": "ink_limit",
    "pdfx": "pdfx",
    "crop-marks": "crop_marks",
    "workers": "workers",
}


def parse_trim(value: str) -> tuple[float, float]:
    """Return the size in millimetres of a trim such as A4 or 210x280."""
    if value in TRIM_SIZES:
        return TRIM_SIZES[value]
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(?:mm)?\s*", value)
    if not match:
        raise ValueError(f"{value!r} is not a trim size; give {', '.join(TRIM_SIZES)} or WIDTHxHEIGHT in mm")
    width, height = float(match.group(1)), float(match.group(2))
    if not width or not height:
        raise ValueError(f"{value!r} has no area; give a width and a height above 0 mm")
    return width, height


def load_settings(pyproject: Path, **overrides) -> PrintSettings:
    """Read [tool.bulletin.print] from `pyproject`, apply the command line's `overrides`, and check them."""
    values: dict = {}
    where = f"{pyproject.name} [tool.bulletin.print]"
    if pyproject.is_file():
        try:
            table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise UsageError(f"{pyproject.name}: {err}") from err
        section = table.get("tool", {}).get("bulletin", {}).get("print", {})
        if not isinstance(section, dict):
            raise UsageError(f"{where}: expected a table of settings, found {section!r}")
        for key, value in section.items():
            if key not in KEYS:
                raise UsageError(f"{where}: unknown setting {key!r}; known: {', '.join(KEYS)}")
            if key == "icc-profile":
                if not isinstance(value, str) or not value:
                    raise UsageError(f"{where}: icc-profile must be the path of a file, not {value!r}")
                value = pyproject.parent / value
            values[KEYS[key]] = value
        values["signing"] = read_signing(table.get("tool", {}).get("bulletin", {}).get("signing"), pyproject)
    _condition_beside(values, where, "icc-profile", "output-condition")
    settings = check_settings(replace(PrintSettings(), **values), where)
    given = {name: value for name, value in overrides.items() if value is not None}
    if not given:
        return settings
    _condition_beside(given, "the command line", "--icc-profile", "--output-condition")
    # What the file holds is right by now: a value wrong with the overrides came from the command line.
    options = ", ".join(f"--{name.replace('_', '-')}" for name in given)
    return check_settings(replace(settings, **given), f"the command line ({options})")


def _condition_beside(values: dict, where: str, profile: str, condition: str) -> None:
    """Stop when a bureau's profile is given without the printing condition it was made for, given with it: a
    profile is separated for one paper and press, which the output intent must name, not take from elsewhere."""
    if values.get("icc_profile") is not None and values.get("output_condition") is None:
        raise UsageError(
            f"{where}: {profile} is given without {condition}: name the printing condition the bureau's profile was"
            f" made for (FOGRA39, FOGRA29, CGATS TR 006, or another with its ink limit), as the bureau gives it"
        )


def check_settings(settings: PrintSettings, where: str) -> PrintSettings:
    """Return `settings` if every value makes sense, or stop naming the first one that does not."""
    names = {name: key for key, name in KEYS.items()}
    for name in ("bleed_mm", "warn_ppi", "min_ppi", "screen_ppi"):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
            raise UsageError(f"{where}: {names[name]} must be a number of at least 0, not {value!r}")
    if type(settings.page_multiple) is not int or settings.page_multiple not in PAGE_MULTIPLES:
        raise UsageError(
            f"{where}: page-multiple must be one of {', '.join(map(str, PAGE_MULTIPLES))},"
            f" not {settings.page_multiple!r}"
        )
    if settings.min_ppi > settings.warn_ppi:
        raise UsageError(f"{where}: min-ppi ({settings.min_ppi:g}) is above warn-ppi ({settings.warn_ppi:g})")
    if type(settings.workers) is not int or not 0 <= settings.workers <= MAX_WORKERS:
        raise UsageError(
            f"{where}: workers must be a whole number from 0 (one per core) to {MAX_WORKERS}, not {settings.workers!r}"
        )
    _check_condition(settings, where)
    if settings.pdfx not in PDFX:
        raise UsageError(f"{where}: pdfx must be one of {', '.join(PDFX)}, not {settings.pdfx!r}")
    if not isinstance(settings.crop_marks, bool):
        raise UsageError(f"{where}: crop-marks must be true or false, not {settings.crop_marks!r}")
    try:
        parse_trim(str(settings.trim))
    except ValueError as err:
        raise UsageError(f"{where}: trim: {err}") from err
    return replace(settings, icc_profile=None if settings.icc_profile is None else Path(settings.icc_profile))


def _check_condition(settings: PrintSettings, where: str) -> None:
    """Stop unless the printing condition is known: registered, or the bureau's with its ink limit."""
    name, limit = settings.output_condition, settings.ink_limit
    if not isinstance(name, str) or not name.strip():
        raise UsageError(f"{where}: output-condition must be the name of a printing condition, not {name!r}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 < limit <= 400):
        raise UsageError(f"{where}: ink-limit must be a total ink in % above 0 and at most 400, not {limit!r}")
    known = find_condition(name)
    if settings.icc_profile is None:
        if known is None:
            raise UsageError(
                f"{where}: output-condition {name!r} is not one this project makes a profile for"
                f" ({', '.join(CONDITIONS)}); for another, give the bureau's profile with icc-profile"
                " (--icc-profile) and its ink limit with ink-limit"
            )
        if limit is not None and limit != known.ink_limit:
            raise UsageError(
                f"{where}: ink-limit {limit:g} differs from {known.identifier}'s {known.ink_limit} %, which its"
                " profile's separation keeps to; give the bureau's profile (icc-profile) made for that limit"
            )
    elif known is None and limit is None:
        raise UsageError(
            f"{where}: the profile {settings.icc_profile} is for {name!r}, which is not a registered condition this"
            " project knows: give its total ink limit in % with ink-limit (--ink-limit)"
        )
