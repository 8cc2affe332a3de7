"""The whole path of an issue, from its YAML files to a checked delivery in output/<issue>/.

    validate -> localize -> prepare pictures -> render HTML -> print PDF -> preflight -> deliver

Validation includes the check that the fonts can show every character of the texts
(`coverage`); rendering includes the typographic pass (`typography`); printing checks the
page make-up of each edition (`makeup`), and the delivery carries the layout report of
the pages each part takes in each language (`layout`).

`publish_issue` makes one call per stage and is the place to read first. Content is
validated for every language and every catalog is checked before the first PDF is laid out,
so that a build either fails early with every problem listed or renders everything. Every
file is written into a staging folder that becomes the delivery only once every PDF has
passed the preflight and the manifest (and the package) are written: a failed build leaves
the previous delivery exactly as it was.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from .colours import OutputProfile, load_profile, prepare_for_print, readable_profile
from .coverage import require_coverage
from .delivery import Staging, start_delivery, write_checksum, write_manifest, write_package
from .errors import BuildError, UsageError, display_path
from .fingerprints import Inputs, read_inputs
from .fonts import Typefaces, find_typefaces
from .layout import editions_layout, layout_entry, write_layout_report
from .localization import Formats, load_translations
from .manifest import (PREFLIGHT, Previous, carried_findings, describe_delivery, read_previous, still_fits,
                       write_failed_report)
from .model import Edition, Issue, package_name
from .project import EXTRACTION_CONFIG, OUTPUT, PROJECT, PYPROJECT, TEMPLATES, TRANSLATIONS
from .findings import Finding, count, write_report
from .preflight import MAKEUP, Expectation, format_table, preflight_pdf
from .printing import Printed, print_pdf
from .progress import Progress, Task
from .rendering import render_edition
from .settings import VARIANTS, PrintSettings, load_settings
from .typography import typeset_text
from .validation import validate_issue

PICTURE_CACHE = ".cache/pictures"  # under the output root: pictures converted for print
FAMILIES = ("Bulletin-Serif", "Bulletin-Sans")  # the only fonts a PDF may embed

LOG = logging.getLogger("bulletin")


@dataclass(frozen=True)
class Delivered:
    """What a build delivered."""

    folder: Path  # output/<issue>/
    printed: dict[tuple[str, str], Printed]  # the PDFs this build wrote, by language and variant
    files: list[Path]  # every file of the delivery, including those kept from the previous one
    inputs: Inputs  # what the delivery was made from


def publish_issue(folder: Path, languages: tuple[str, ...] | None = None,
                  variants: tuple[str, ...] | None = None, settings: PrintSettings | None = None,
                  output_root: Path = OUTPUT, package: bool = False, draft: bool = False,
                  progress: Progress | None = None) -> Delivered:
    """Validate the issue in `folder`, print each requested edition and variant, check and deliver them.

    A `draft` is built even when translations are missing: the source language's texts and
    interface strings stand in for them, marked, and every page carries a draft mark.
    `progress` shows the stages (bars on a terminal); by default each step is a log line.
    """
    if draft and package:
        raise UsageError("--package makes the printing bureau's zip; a draft is never sent to the bureau")
    settings = settings or load_settings(PYPROJECT)
    progress = progress or Progress()
    output_root = Path(os.path.abspath(output_root))  # pictures prepared under it are fetched by absolute URL
    inputs = read_inputs(folder, PROJECT)  # before anything is read: a file changed during the build counts
    with progress.step("validate"):
        issue = validate_issue(folder, draft)
        typefaces = find_typefaces()
        require_coverage(folder, issue.languages, TRANSLATIONS, typefaces.files.values())
        languages = select_languages(issue.languages, languages)
        variants = select_variants(variants)
    with progress.step("localize"):
        translations = load_catalogs(languages, issue.source_language if draft else None)
    with progress.step("prepare pictures"):
        # The profile is needed to print, and to tell whether kept print files were made with it.
        profile = load_profile(settings.icc_profile) if "print" in variants else readable_profile(settings.icc_profile)
        pictures = (prepare_for_print(issue.pictures, profile, output_root / PICTURE_CACHE)
                    if "print" in variants else {})
    with start_delivery(output_root, issue.period.name) as staging:
        previous = read_previous(output_root, issue.period.name)
        rebuilt = {Edition(issue, language).pdf_name(variant) for language in languages for variant in variants}
        kept = staging.carry_over(lambda name: name in previous.entries and name not in rebuilt
                                  and still_fits(previous.entries[name], settings, profile, draft))
        for name in sorted(set(previous.entries) - rebuilt - set(kept)):
            LOG.warning("%s: dropped from the delivery: it was made with other settings; build its language again",
                        name)
        printing = progress.task("print", len(languages) * len(variants))
        printed = [(edition, print_edition(edition, variant, translations[edition.language], typefaces, settings,
                                           pictures, staging, printing, draft))
                   for edition in (Edition(issue, language) for language in languages) for variant in variants]
        with progress.step("preflight"):
            findings = carried_findings(previous, kept) + inspect(printed, translations, settings,
                                                                  progress.task("preflight", len(printed)))
        with progress.step("deliver"):
            deliver(staging, issue, printed, kept, previous, findings, settings, profile, inputs, package, draft)
            files = sorted(path.name for path in staging.path.iterdir())
            delivery = staging.commit()
    (output_root / f"{issue.period.name}.preflight-failed.json").unlink(missing_ok=True)
    return Delivered(delivery, {(edition.language, result.variant): replace(result, path=delivery / result.path.name)
                                for edition, result in printed}, [delivery / name for name in files], inputs)


def deliver(staging: Staging, issue: Issue, printed: list[tuple[Edition, Printed]], kept: list[str],
            previous: Previous, findings: list[Finding], settings: PrintSettings,
            profile: OutputProfile | None, inputs: Inputs, package: bool, draft: bool = False) -> None:
    """Write the preflight report, the manifest and (with `package`) the bureau's zip into the staging folder."""
    table = format_table(findings)
    errors = count(findings, "error")
    if errors:
        report = write_failed_report(findings, staging.root, issue.period.name)
        raise BuildError(f"preflight found {errors} error(s); nothing was delivered.\n{table}"
                         f"The full report is {display_path(report)}.")
    for line in table.splitlines():  # a line each, so that each carries its time in a scheduled run's log
        LOG.info("%s", line)
    write_report(findings, staging.path / PREFLIGHT)
    kept_entries = [previous.entries[name] for name in kept]
    built = [{"language": edition.language, "variant": result.variant} | layout_entry(result)
             for edition, result in printed]
    kept_languages = {entry.get("language") for entry in kept_entries} - {entry["language"] for entry in built}
    write_layout_report(staging.path, editions_layout(kept_entries + built), issue.languages, kept_languages)
    manifest = write_manifest(staging, describe_delivery(issue, printed, kept, previous, settings, profile,
                                                         inputs, staging.path, draft))
    if package:
        prints = sorted(staging.path.glob("*-print.pdf"))
        if not prints:
            raise UsageError("--package needs the print variant: the package holds the print PDFs")
        zipped = write_package(staging, package_name(issue.period.name), prints + [manifest, staging.path / PREFLIGHT])
        write_checksum(staging, zipped)


def select_languages(available: tuple[str, ...], wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the requested languages in the order asked for, or all in the issue's order."""
    if not wanted:
        return available
    unknown = [language for language in wanted if language not in available]
    if unknown:
        raise UsageError(f"--lang {','.join(unknown)}: not a language of this issue"
                         f" (it has {', '.join(available)})")
    return tuple(dict.fromkeys(wanted))


def select_variants(wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the requested variants in a fixed order, or all of them."""
    if not wanted:
        return tuple(VARIANTS)
    unknown = [variant for variant in wanted if variant not in VARIANTS]
    if unknown:
        raise UsageError(f"--variant {','.join(unknown)}: unknown; choose from {', '.join(VARIANTS)}")
    return tuple(variant for variant in VARIANTS if variant in wanted)


def load_catalogs(languages: tuple[str, ...], fallback_language: str | None = None) -> dict:
    """Compile the catalog of every language, reporting all incomplete ones at once; with a
    `fallback_language` (a draft), its complete catalog stands in for untranslated strings."""
    fallback = load_translations(fallback_language, TRANSLATIONS, EXTRACTION_CONFIG) if fallback_language else None
    translations, failures = {}, []
    for language in languages:
        try:
            translations[language] = (fallback if language == fallback_language else
                                      load_translations(language, TRANSLATIONS, EXTRACTION_CONFIG, fallback))
        except BuildError as err:
            failures.append(str(err))
    if failures:
        raise BuildError("\n".join(failures))
    return translations


def print_edition(edition: Edition, variant: str, translations, typefaces: Typefaces, settings: PrintSettings,
                  pictures: dict[Path, Path], staging: Staging, task: Task, draft: bool = False) -> Printed:
    """Render one edition and print it as `variant` into the staging folder."""
    started = time.monotonic()
    with task.timed(f"print {edition.language} {variant}"):
        spare_pages = settings.multiple(variant) - 1
        html = render_edition(edition, TEMPLATES, translations, spare_pages, draft)
        target = staging.path / edition.pdf_name(variant)
        printed = print_pdf(html, TEMPLATES, edition.issue.folder, typefaces, target, variant, settings,
                            pictures if variant == "print" else None)
        if variant == "print":
            check_resolution(printed, settings)
    task.advance(f"{edition.language} {variant}: {printed.pages} pages ({time.monotonic() - started:.1f} s)")
    return printed


def check_resolution(printed: Printed, settings: PrintSettings) -> None:
    """Warn about print pictures under the warning resolution; stop on those under the minimum."""
    too_low = []
    for picture in printed.pictures:
        place = (f"{display_path(picture.source)} on page {picture.page}: {picture.ppi:.0f} ppi"
                 f" ({picture.pixels[0]}×{picture.pixels[1]} px over {picture.size_mm[0]:.0f}×"
                 f"{picture.size_mm[1]:.0f} mm)")
        if picture.ppi < settings.min_ppi:
            too_low.append(f"{place}, under the minimum of {settings.min_ppi:g} ppi")
        elif picture.ppi < settings.warn_ppi:
            LOG.warning("%s: %s, under %g ppi for print", printed.path.name, place, settings.warn_ppi)
    if too_low:
        raise BuildError(f"{printed.path.name}: pictures too coarse for print:\n  " + "\n  ".join(too_low)
                         + "\nReplace them with larger originals, or place them smaller.")


def inspect(printed: list[tuple[Edition, Printed]], translations: dict, settings: PrintSettings,
            task: Task) -> list[Finding]:
    """Preflight every PDF this build wrote against what its edition and variant must be."""
    expectations = [Expectation(
        variant=result.variant, language=edition.language,
        title=typeset_text(translations[edition.language].gettext("Since the Victory"), edition.language),
        period=typeset_text(Formats.for_language(edition.language).period(edition.issue.period), edition.language),
        families=FAMILIES, trim=settings.trim_pt, bleed=settings.bleed_pt(result.variant),
        page_multiple=settings.multiple(result.variant), warn_ppi=settings.warn_ppi,
        min_ppi=settings.min_ppi, max_ppi=settings.screen_ppi if result.variant == "screen" else None)
        for edition, result in printed]
    # Most of the time goes to qpdf and poppler in their own processes: a thread per core keeps them busy.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        findings = []
        for (edition, result), report in zip(printed, pool.map(preflight_pdf, [result.path for _, result in printed],
                                                                expectations)):
            task.advance(f"{edition.language} {result.variant}: checked, {count(report, 'error')} error(s)")
            findings += report + makeup_findings(result, printed[0][1].variant)
        return findings


def makeup_findings(result: Printed, first_variant: str) -> list[Finding]:
    """Return the faults of make-up found when `result` was laid out, as preflight warnings.

    Both variants of an edition share one layout: its faults are told with the first variant built.
    """
    if result.variant != first_variant:
        return []
    name = result.path.name
    return ([Finding(name, MAKEUP, "warning", str(fault), fault.page) for fault in result.faults]
            or [Finding(name, MAKEUP, "pass", "no widow, orphan, stranded heading, parted caption, overfull or"
                                              " short line")])
