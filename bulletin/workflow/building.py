"""The making of a delivery, once the build knows there is something to make: every stage, in order.

    validate -> localize -> plan -> prepare pictures -> render HTML -> print PDF -> preflight -> deliver
                                          └─ each edition and variant in a worker process ─┘

Validation includes the check that the fonts can show every character of the texts
(`coverage`); rendering includes the typographic pass (`typography`); printing checks the
page make-up of each edition (`makeup`), and the delivery carries the layout report of
the pages each part takes in each language (`layout`).

Only the PDFs whose recipe (everything that makes them: `incremental`) changed since the
delivery are made again (`plan`); the others are kept as delivered. The PDFs to make are
rendered, printed and checked side by side, one worker process per core (`workers`, `editions`).

`build_issue` makes one call per stage and is the place to read first. Content is
validated for every language and every catalog is checked before the first PDF is laid out,
so that a build either fails early with every problem listed or renders everything. Every
file is written into a staging folder that becomes the delivery only once every PDF has
passed the preflight and the manifest (and the package) are written: a failed build leaves
the previous delivery exactly as it was. `publishing.publish_issue`, the entry point, comes
here only when the delivery in place does not already hold what was asked for.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from ..content.examination import validate_issue
from ..delivery.incremental import PICTURE_CACHE, read_ingredients, recipe, remember_delivery
from ..delivery.layout import editions_layout, layout_entry, write_layout_report
from ..delivery.manifest import PREFLIGHT, carried_findings, failed_report, read_previous, write_failed_report
from ..delivery.package import write_checksum, write_package
from ..delivery.plan import Asked, Delivered, Plan, describe_delivery, plan_delivery
from ..delivery.signed import sign_editions
from ..delivery.swap import Staging, start_delivery, write_manifest
from ..language.fonts import Typefaces, find_typefaces
from ..language.localization import check_catalogs, compile_catalogs
from ..model import Edition, package_name
from ..preflight.findings import Finding, count, format_table, write_report
from ..printing.colours import OutputProfile, load_profile, readable_profile
from ..printing.inworker import make_edition
from ..printing.jobs import Job, Printed
from ..printing.placing import prepare_pictures
from ..printing.settings import VARIANTS, PrintSettings
from ..project import EXTRACTION_CONFIG, MAX_TEMPLATE, STYLESHEET, TEMPLATES, TRANSLATIONS
from ..signing.keys import SigningKey, load_signing_key
from ..util.errors import BuildError, UsageError, display_path
from ..util.files import check_project_file
from ..util.progress import Progress
from ..util.workers import Outcome, Workers, available_cores

LOG = logging.getLogger("bulletin")


def build_issue(
    folder: Path, asked: Asked, settings: PrintSettings, output_root: Path, progress: Progress
) -> Delivered:
    """Validate the issue in `folder`, print each edition and variant `asked` for, check and deliver them.

    Only the PDFs whose recipe changed since the delivery are made again (all of them with `asked.force`),
    as many at a time as the settings' `workers` (0: one per core); the others are kept. A draft is
    built even when translations are missing: the source language's texts and interface strings
    stand in for them, marked, and every page carries a draft mark.
    """
    # Before anything is read: a file changed during the build makes the delivery look out of date.
    ingredients = read_ingredients(folder, settings, output_root)
    with progress.step("validate"):
        issue = validate_issue(folder, asked.draft, TRANSLATIONS)  # the catalogs and the fonts' coverage included
        check_project_file(TEMPLATES / STYLESHEET, "stylesheet", MAX_TEMPLATE)  # WeasyPrint would wait on a pipe
        typefaces = find_typefaces()
        languages = select_languages(issue.languages, asked.languages)
        variants = select_variants(asked.variants)
        fallback_language = issue.source_language if asked.draft else None
        catalogs = check_catalogs(languages, fallback_language, TRANSLATIONS, EXTRACTION_CONFIG)
        # Before a page is laid out: a key that does not open or a certificate out of date stops the build now.
        signing = (
            load_signing_key(settings.signing)
            if settings.signing and "screen" in variants and not asked.draft
            else None
        )
    with progress.step("localize"):
        translations = compile_catalogs(catalogs, fallback_language)
    with start_delivery(output_root, issue.period.name) as staging:
        previous = read_previous(output_root, issue.period.name)
        recipes = {
            Edition(issue, language).pdf_name(variant): recipe(
                ingredients, language, variant, settings, asked.draft, issue.source_language
            )
            for language in issue.languages
            for variant in VARIANTS
        }
        wanted, kept = plan_delivery(issue, languages, variants, asked, previous, recipes, staging)
        plan = Plan(issue, asked, settings, ingredients, recipes, previous, wanted, kept)
        building = {variant for _edition, variant in wanted.values()}
        with Workers(min(settings.workers or available_cores(), len(wanted))) as workers:
            with progress.step("prepare pictures"):
                # The profile is needed to print, and to describe kept print files made with it.
                profile = load_profile(settings.profile) if "print" in building else readable_profile(settings.profile)
                pictures = (
                    prepare_pictures(
                        issue,
                        building,
                        settings,
                        typefaces,
                        profile,
                        ingredients.inputs,
                        output_root / PICTURE_CACHE,
                        workers,
                    )
                    if wanted
                    else {}
                )
            made = make_editions(plan, translations, typefaces, pictures, staging.path, progress, workers)
        printed = [(edition, result.value.printed) for (edition, _variant), result in made]
        findings = carried_findings(previous, kept) + [
            finding for _job, result in made for finding in result.value.findings
        ]
        with progress.step("deliver"):
            digests = deliver(plan, staging, printed, findings, profile, signing)
            files = sorted(path.name for path in staging.path.iterdir())
            delivery = staging.commit()
            remember_delivery(output_root, issue.period.name, digests)
    failed_report(output_root, issue.period.name).unlink(missing_ok=True)
    return Delivered(
        delivery,
        {
            (edition.language, result.variant): replace(result, path=delivery / result.path.name)
            for edition, result in printed
        },
        [delivery / name for name in files],
        ingredients.inputs,
        {(edition.language, variant): result for (edition, variant), result in made},
    )


def make_editions(
    plan: Plan,
    translations: dict,
    typefaces: Typefaces,
    pictures: dict[str, dict[Path, Path]],
    folder: Path,
    progress: Progress,
    workers: Workers,
) -> list[tuple[tuple[Edition, str], Outcome]]:
    """Make each edition's PDF in its variant that `plan` wants, side by side in the `workers`, into the staging
    `folder`.

    The faults of make-up of an edition are told once: with the first variant made, unless a variant kept
    from the delivery (laid out alike) carries them already."""
    first: dict[str, str] = {}  # each language, and the variant whose make-up faults are told
    wanted = list(plan.wanted.values())
    for edition, variant in wanted:
        if not any(edition.pdf_name(other) in plan.kept for other in VARIANTS):
            first.setdefault(edition.language, variant)
    jobs = [
        Job(
            edition,
            variant,
            plan.settings,
            typefaces,
            translations[edition.language],
            pictures[variant],
            folder / edition.pdf_name(variant),
            plan.asked.draft,
            makeup=first.get(edition.language) == variant,
        )
        for edition, variant in wanted
    ]
    task = progress.task("print", len(jobs))

    def done(job: Job, outcome: Outcome) -> None:
        made = outcome.value
        for step, seconds in (
            ("print", made.steps["render"] + made.steps["print"]),
            ("preflight", made.steps["preflight"]),
        ):
            progress.record(f"{step} {job}", seconds)
        task.advance(
            f"{job}: {made.printed.pages} pages in {made.steps['render'] + made.steps['print']:.1f} s;"
            f" preflight: {count(made.findings, 'error')} error(s), {count(made.findings, 'warning')}"
            f" warning(s) in {made.steps['preflight']:.1f} s"
        )

    # The longest first (print files, whose photographs make their preflight long), so that no worker is left
    # with a long job at the end while the others idle.
    order = sorted(range(len(jobs)), key=lambda index: jobs[index].variant != "print")
    outcomes = dict(zip(order, workers.run(make_edition, [jobs[index] for index in order], done)))
    return [(wanted[index], outcomes[index]) for index in range(len(jobs))]


def deliver(
    plan: Plan,
    staging: Staging,
    printed: list[tuple[Edition, Printed]],
    findings: list[Finding],
    profile: OutputProfile | None,
    signing: SigningKey | None = None,
) -> dict[str, str]:
    """Sign the screen PDFs made (with a `signing` key), write the preflight report, the manifest and (with
    `package`) the bureau's zip into the staging folder; return the SHA-256 of each PDF delivered, by name."""
    issue, table, errors = plan.issue, format_table(findings), count(findings, "error")
    if errors:
        report = write_failed_report(findings, staging.root, issue.period.name)
        raise BuildError(
            f"preflight found {errors} error(s); nothing was delivered.\n{table}"
            f"The full report is {display_path(report)}."
        )
    for line in table.splitlines():  # a line each, so that each carries its time in a scheduled run's log
        LOG.info("%s", line)
    write_report(findings, staging.path / PREFLIGHT)
    kept_entries = [plan.previous.entries[name] for name in plan.kept]
    built = [
        {"language": edition.language, "variant": result.variant} | layout_entry(result) for edition, result in printed
    ]
    kept_languages = {language for entry in kept_entries if isinstance(language := entry.get("language"), str)} - {
        entry["language"] for entry in built
    }
    write_layout_report(staging.path, editions_layout(kept_entries + built), issue.languages, kept_languages)
    # Before the manifest takes their checksums.
    signatures = sign_editions(plan, staging, printed, signing, recheck_signed_edition)
    description = describe_delivery(plan, printed, profile, staging.path, signatures)
    manifest = write_manifest(staging, description)
    if plan.asked.package:
        prints = sorted(staging.path.glob("*-print.pdf"))
        if not prints:
            raise UsageError("--package needs the print variant: the package holds the print PDFs")
        zipped = write_package(
            staging.path, package_name(issue.period.name), prints + [manifest, staging.path / PREFLIGHT]
        )
        write_checksum(zipped)
    return {entry["file"]: entry["sha256"] for entry in description["files"] if entry["file"].endswith(".pdf")}


def select_languages(available: tuple[str, ...], wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the requested languages in the order asked for, or all in the issue's order."""
    if not wanted:
        return available
    unknown = [language for language in wanted if language not in available]
    if unknown:
        raise UsageError(f"--lang {','.join(unknown)}: not a language of this issue (it has {', '.join(available)})")
    return tuple(dict.fromkeys(wanted))


def select_variants(wanted: tuple[str, ...] | None) -> tuple[str, ...]:
    """Return the requested variants in a fixed order, or all of them."""
    if not wanted:
        return tuple(VARIANTS)
    unknown = [variant for variant in wanted if variant not in VARIANTS]
    if unknown:
        raise UsageError(f"--variant {','.join(unknown)}: unknown; choose from {', '.join(VARIANTS)}")
    return tuple(variant for variant in VARIANTS if variant in wanted)


def recheck_signed_edition(path: Path) -> list[Finding]:
    """The screen edition's checks run again on its signed file (loaded here: only a build that signs needs the
    PDF libraries in its own process, which otherwise leaves them to its workers)."""
    from ..preflight.checks import recheck_signed

    return recheck_signed(path)
