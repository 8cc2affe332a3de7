"""The plan of a build: what was asked for, and which PDFs it makes and which it keeps from the delivery in place.

A build is asked for some editions (`Asked`: languages, variants, a draft or not, the bureau's
package or not, every PDF again or only what changed). Before anything is laid out, it decides
once which PDFs to make and which to carry over from the delivery in place (`plan_delivery`),
and that decision (`Plan`) is what the rest of the build works from: the jobs of the print
stage, the manifest (`describe_delivery`) and the reports.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Edition, Issue
from ..printing.settings import OutputCondition, PrintSettings
from ..util.errors import UsageError
from ..util.fingerprints import Inputs, file_entry
from .incremental import Ingredients, changes, intact, same_settings
from .layout import LAYOUT, layout_entry
from .manifest import PREFLIGHT, Previous, made_with
from .ownership import SENT
from .swap import Staging

if TYPE_CHECKING:  # the printing stage's records and colours, which reading a plan does not need loaded
    from ..printing.colours import OutputProfile
    from ..printing.jobs import Printed
    from ..util.workers import Outcome

LOG = logging.getLogger("bulletin")


@dataclass(frozen=True)
class Asked:
    """What a build is asked for."""

    languages: tuple[str, ...] | None = None  # None: every language of the issue
    variants: tuple[str, ...] | None = None  # None: both variants
    package: bool = False  # the printing bureau's zip and its checksum too
    draft: bool = False  # missing translations stand in from the source language, marked, on marked pages
    force: bool = False  # every PDF asked for is made again, changed or not


EVERYTHING = Asked(package=True)  # what the scheduled run delivers: every edition, and the bureau's package


@dataclass(frozen=True)
class Plan:
    """What a build makes and keeps, decided once before anything is laid out."""

    issue: Issue  # the issue, validated
    asked: Asked  # what the build was asked for
    settings: PrintSettings  # the print settings of both variants
    ingredients: Ingredients  # what the PDFs are made from, read before the build began
    recipes: dict[str, dict]  # PDF name -> its recipe, for every edition of the issue in both variants
    previous: Previous  # what the delivery in place holds
    wanted: dict[str, tuple[Edition, str]]  # PDF name -> the edition and variant to make
    kept: list[str]  # PDF names carried over from the delivery in place


@dataclass(frozen=True)
class Delivered:
    """What a build delivered, or found delivered already."""

    folder: Path  # output/<issue>/
    printed: dict[tuple[str, str], Printed]  # the PDFs this build wrote, by language and variant
    files: list[Path]  # every file of the delivery, including those kept from the previous one
    inputs: Inputs | None  # what the delivery was made from (None when the build found nothing to do)
    outcomes: dict[tuple[str, str], Outcome]  # how each PDF this build wrote was made: time, memory, worker
    skipped: list[str] = field(default_factory=list)  # "az print"...: asked for, and current already
    previews: list[Path] = field(default_factory=list)  # pictures of the pages, when asked for


def plan_delivery(
    issue: Issue,
    languages: tuple[str, ...],
    variants: tuple[str, ...],
    asked: Asked,
    previous: Previous,
    recipes: dict[str, dict],
    staging: Staging,
) -> tuple[dict[str, tuple[Edition, str]], list[str]]:
    """Decide which PDFs to make and which to keep from the delivery (linked into the staging folder); say why.

    A PDF asked for is made when its recipe differs from the delivered one's, or its delivered file was
    changed or damaged since (every one, with `asked.force`). The others stay: those asked for are unchanged;
    those not asked for are kept when made with the same settings, with a warning when their other
    inputs changed, and the printing bureau's package is refused rather than made of such a mixed set.
    """
    whole = intact(staging.root, issue.period.name, previous.entries)
    # Why each PDF of the issue differs from the delivered one, if it does: worked out once, for all of them.
    outdated = {name: changes(previous.entries.get(name), made) for name, made in recipes.items()}
    wanted, unchanged = {}, []
    for language in languages:
        for variant in variants:
            name = Edition(issue, language).pdf_name(variant)
            reasons = ["asked for (--force)"] if asked.force else outdated[name]
            if not reasons and name not in whole:
                reasons = ["the delivered file was changed or damaged since"]
            if reasons:
                LOG.info("%s %s: to build: %s", language, variant, "; ".join(reasons))
                wanted[name] = (Edition(issue, language), variant)
            else:
                unchanged.append(f"{language} {variant}")
    if unchanged:
        LOG.info("unchanged since the delivery, kept as they are: %s", ", ".join(unchanged))
    staging.carry_over(lambda name: name == SENT)  # the record of what the bureau has, whatever is made again
    kept = staging.carry_over(
        lambda name: (
            name in previous.entries
            and name not in wanted
            and name in whole
            and name in recipes
            and same_settings(previous.entries[name], recipes[name])
        )
    )
    for name in sorted(set(previous.entries) - set(wanted) - set(kept)):
        LOG.warning(
            "%s: dropped from the delivery: it was made with other settings, or is not as delivered;"
            " build its language again",
            name,
        )
    stale = sorted(name for name in kept if outdated[name])
    for name in stale:
        LOG.warning(
            "%s: kept from the delivery, but out of date (%s); build its language again",
            name,
            "; ".join(outdated[name]),
        )
    mixed = [name for name in stale if name.endswith("-print.pdf")]
    if asked.package and mixed:
        raise UsageError(
            f"--package would send the bureau print files made from other inputs: {', '.join(mixed)};"
            " build every language (without --lang) to package them"
        )
    return wanted, kept


def describe_delivery(
    plan: Plan,
    printed: list[tuple[Edition, Printed]],
    profile: OutputProfile | None,
    folder: Path,
    signatures: dict[str, dict] | None = None,
) -> dict:
    """Return the manifest of the delivery being made in `folder` as `plan` says; each PDF built carries its
    recipe (`incremental`), and each signed one its signature (`signatures`, by file name).

    The inputs are those read before the build began: a file changed while it ran then makes
    the delivery look out of date, never up to date.
    """
    settings, issue, signatures = plan.settings, plan.issue, signatures or {}
    files = [plan.previous.entries[name] for name in plan.kept]
    for edition, result in printed:
        entry = file_entry(result.path)
        entry.update(
            language=edition.language,
            variant=result.variant,
            pages=result.pages,
            standard=settings.standard(result.variant),
            trim_mm=list(settings.trim_mm),
            bleed_mm=settings.bleed_mm if result.variant == "print" else 0,
            colour=_colour(result.variant, profile, settings.condition),
            recipe=plan.recipes[result.path.name],
            made_with=made_with(
                result.variant,
                settings,
                profile.digest if profile else None,
                plan.asked.draft,
                plan.ingredients.signing,
            ),
            **layout_entry(result),
        )
        if result.path.name in signatures:
            entry["signature"] = signatures[result.path.name]
        files.append(entry)
    files.append(file_entry(folder / PREFLIGHT) | {"purpose": "preflight report"})
    if (folder / LAYOUT).exists():
        files.append(file_entry(folder / LAYOUT) | {"purpose": "layout report"})
    return {
        "issue": issue.period.name,
        "number": issue.number,
        "period": {"start": issue.period.start.isoformat(), "end": issue.period.end.isoformat()},
        "published": issue.published.isoformat(),
        "languages": list(issue.languages),  # every language of the issue, built or kept
        "inputs": plan.ingredients.inputs.digest,
        "tools": plan.ingredients.tools,
        "files": sorted(files, key=lambda entry: entry["file"]),
    }


def _colour(variant: str, profile: OutputProfile | None, condition: OutputCondition) -> dict:
    if variant == "print" and profile is not None:
        return {
            "space": "CMYK",
            "output_condition": condition.identifier,
            "registry": condition.registry,
            "ink_limit": condition.ink_limit,
            "output_intent": profile.description,
            "profile": profile.path.name,
            "profile_sha256": profile.digest,
        }
    return {"space": "sRGB"}
