"""Print stage, one edition and variant per job: render its HTML, lay it out, write the PDF, check it.

Each job holds everything it needs (the validated issue, the settings, the font files, the
pictures prepared for its variant, where to write), so that jobs can run in worker processes
side by side (`workers`). The PDF is read back by the
preflight in the same job, while it is still in the page cache, and the job returns the
PDF's description, its findings and the time each step took.

What WeasyPrint warns about while it lays out and writes the PDF is not left in a log: each
message is a finding of the "render" check. A rule or declaration of the templates' stylesheet
it ignored is a warning (content sets no style), and so is a missing tool of this machine;
anything else is an error, the PDF not delivered: a picture it could not load or draw (it
prints the alternative text, or what it drew before it failed), an anchor defined twice or
missing, a glyph no font has. A picture shown as its alternative text is also an error of the
"pictures" check, on its page.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from pathlib import Path

from ..language.localization import Formats
from ..language.typography import typeset_text
from ..model import MEDIA
from ..preflight.checks import MAKEUP, PICTURES, RENDER, preflight_pdf
from ..preflight.findings import Expectation, Finding
from ..project import TEMPLATES
from ..util.errors import BuildError, display_path
from .jobs import Job, Made, Printed
from .pdf import print_pdf
from .rendering import render_edition
from .settings import VARIANTS, PrintSettings

FAMILIES = ("Bulletin-Serif", "Bulletin-Sans")  # the only fonts a PDF may embed
# What WeasyPrint says of a stylesheet's rules and declarations it does not apply (`weasyprint/css/`): the
# templates' own, since content sets no style; warnings. Everything else it warns about is an error.
STYLE_WARNINGS = (
    "Ignored `",
    "Parse error at ",
    "Unknown @page rule",
    "Unknown rule ",
    "Unknown empty rule ",
    "Invalid @import rule",
    "Invalid media type",
    "Invalid prelude ",
    "Invalid layer name",
    "Invalid math function",
    "Invalid counter style name",
    "Unsupported @page selector",
    "Unsupported @layer selector",
    "Expected a media type",
    "Deprecated `",
    "Empty @page rule",
    "@import rule ",
    "@counter-style rule was ignored",
    "In counter style ",
    "Error: ",
)
TOOL_WARNINGS = ("Using fontTools instead of HarfBuzz", "Please install HarfBuzz")  # this machine's, not the PDF's

LOG = logging.getLogger("bulletin")


def make_edition(job: Job) -> Made:
    """Render, print and check one edition's PDF in one variant."""
    steps = {}
    started = time.perf_counter()
    html = render_edition(
        job.edition,
        TEMPLATES,
        job.translations,
        job.settings.multiple(job.variant) - 1,
        job.draft,
        job.variant,
    )
    steps["render"], started = time.perf_counter() - started, time.perf_counter()
    printed = print_pdf(
        html, TEMPLATES, job.edition.issue.folder, job.typefaces, job.target, job.variant, job.settings, job.pictures
    )
    if job.variant == "print":
        check_resolution(printed, job.settings)
    steps["print"], started = time.perf_counter() - started, time.perf_counter()
    findings = (
        name_pictures(preflight_pdf(printed.path, expectation(job)), printed, job.edition.issue.folder)
        + makeup_findings(printed, job.makeup)
        + unshown_findings(printed)
        + engine_findings(printed)
    )
    steps["preflight"] = time.perf_counter() - started
    return Made(printed, findings, steps)


def expectation(job: Job) -> Expectation:
    """What the preflight must find in the job's PDF."""
    language, settings, variant = job.edition.language, job.settings, job.variant
    issns, medium = job.edition.issue.issn[language], VARIANTS[variant].medium
    return Expectation(
        variant=variant,
        language=language,
        title=typeset_text(job.translations.gettext("Since the Victory"), language),
        period=typeset_text(Formats.for_language(language).period(job.edition.issue.period), language),
        families=FAMILIES,
        trim=settings.trim_pt,
        bleed=settings.bleed_pt(variant),
        page_multiple=settings.multiple(variant),
        warn_ppi=settings.warn_ppi,
        min_ppi=settings.min_ppi,
        max_ppi=settings.screen_ppi if variant == "screen" else None,
        standard=settings.standard(variant),
        condition=settings.condition.identifier if variant == "print" else "",
        ink_limit=settings.condition.ink_limit if variant == "print" else 0.0,
        issn=issns.of(medium),
        issn_property=VARIANTS[variant].issn_property,
        other_issn=next(issns.of(other) for other in MEDIA if other != medium),
    )


def check_resolution(printed: Printed, settings: PrintSettings) -> None:
    """Warn about print pictures under the warning resolution; stop on those under the minimum."""
    too_low = []
    for picture in printed.pictures:
        place = (
            f"{display_path(picture.source)} on page {picture.page}: {picture.ppi:.0f} ppi"
            f" ({picture.pixels[0]}×{picture.pixels[1]} px over {picture.size_mm[0]:.0f}×"
            f"{picture.size_mm[1]:.0f} mm)"
        )
        if picture.ppi < settings.min_ppi:
            too_low.append(f"{place}, under the minimum of {settings.min_ppi:g} ppi")
        elif picture.ppi < settings.warn_ppi:
            LOG.warning("%s: %s, under %g ppi for print", printed.path.name, place, settings.warn_ppi)
    if too_low:
        raise BuildError(
            f"{printed.path.name}: pictures too coarse for print:\n  "
            + "\n  ".join(too_low)
            + "\nReplace them with larger originals, or place them smaller."
        )


def makeup_findings(result: Printed, told: bool) -> list[Finding]:
    """Return the faults of make-up found when `result` was laid out, as preflight warnings.

    Both variants of an edition are laid out alike: the faults are told (`told`) with the first variant built.
    """
    if not told:
        return []
    name = result.path.name
    return [Finding(name, MAKEUP, "warning", str(fault), fault.page) for fault in result.faults] or [
        Finding(
            name,
            MAKEUP,
            "pass",
            "no widow, orphan, stranded heading, parted caption, overfull, short or loose line,"
            " stranded ending, parted figure, overflowing running head or hidden draft mark",
        )
    ]


def name_pictures(findings: list[Finding], result: Printed, issue: Path) -> list[Finding]:
    """Name, in each error of a picture that came out wrong on a page of `result` (the preflight reads the PDF, which
    does not know the files), the pictures of the `issue` folder placed on that page, as issue.yaml names them."""
    placed: dict[int, list[str]] = {}
    for page, source in result.shown:
        try:
            placed.setdefault(page, []).append(source.resolve().relative_to(issue.resolve()).as_posix())
        except ValueError:  # not the issue's: no folder of this machine goes into the report
            placed.setdefault(page, []).append(source.name)
    return [
        dataclasses.replace(
            finding,
            message=f"{finding.message} ("
            + (
                placed[finding.page][0]
                if len(placed[finding.page]) == 1
                else "one of " + ", ".join(placed[finding.page])
            )
            + ")",
        )
        if finding.check == PICTURES and finding.severity == "error" and finding.page in placed
        else finding
        for finding in findings
    ]


def unshown_findings(result: Printed) -> list[Finding]:
    """Return, as preflight errors, the pictures WeasyPrint printed as their alt text (it could not draw them)."""
    return [
        Finding(
            result.path.name,
            PICTURES,
            "error",
            f"{display_path(source)} came out as its alternative text on page {page}: WeasyPrint could not draw it",
            page,
        )
        for page, source in result.unshown
    ]


def engine_findings(result: Printed) -> list[Finding]:
    """Return what WeasyPrint warned about while making `result` as findings of the "render" check."""
    findings = []
    for message, times in Counter(result.engine).items():
        told = message + (f" ({times} times)" if times > 1 else "")
        if message.startswith(STYLE_WARNINGS):
            findings.append(
                Finding(result.path.name, RENDER, "warning", f"WeasyPrint ignored a rule of the stylesheet: {told}")
            )
        else:
            findings.append(
                Finding(
                    result.path.name,
                    RENDER,
                    "warning" if message.startswith(TOOL_WARNINGS) else "error",
                    f"WeasyPrint: {told}",
                )
            )
    return findings or [Finding(result.path.name, RENDER, "pass", "WeasyPrint warned about nothing")]
