"""Scheduled builds: deliver the issue that is due on a date, once, safely unattended.

From 1 January the issue covering July–December of the year before is due; from 1 July, the
one covering January–June (`due_issue`). A run (`run_scheduled`) holds the output folder's
lock and then:

1. finds the delivery current when output/<issue>/ holds every language of the issue in
   every variant and the printing bureau's package, each file as the manifest says, made
   from the present inputs with the present tools and settings (`delivery_gaps`); then it
   does nothing, and says so;
2. otherwise checks the issue as `build.py validate` does; when the issue has no folder, or
   its content is invalid or incomplete, it delivers nothing and reports what the editors
   must fix (NOT_READY);
3. otherwise builds every language and variant with the package, as `build.py --package`.

Runs 2 and 3 write output/<issue>/build-report.json (`records`). The due issue stays due
until the next one is, so a run missed on the day is made good by the next one in the
half-year. This module neither builds (publishing does) nor decides when it runs (the
systemd timer, cron or the CI schedule under deploy/ and .github/ do).
"""

from __future__ import annotations

import json
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .colours import readable_profile
from .delivery import delivered
from .errors import BuildError, ContentError, Problem, display_path
from .fingerprints import Inputs, file_entry, read_inputs, tool_versions
from .locking import Busy, hold_lock
from .manifest import MANIFEST, PREFLIGHT, still_fits
from .model import package_name, pdf_name, period_of
from .progress import Progress, make_progress
from .project import PROJECT
from .records import Record, delivered_files, logging_to, read_report, write_report
from .settings import VARIANTS, PrintSettings

NOT_READY = 3  # exit status: the due issue is missing, invalid or incomplete; nothing was delivered
LISTED = 5  # changed inputs named in a reason before "and N more"

LOG = logging.getLogger("bulletin")


def run_scheduled(day: date, issues: Path, root: Path, settings: PrintSettings, quiet: bool = False) -> int:
    """Deliver the issue due on `day` from `issues` into `root`, unless its delivery is current.

    Return the exit status: 0, NOT_READY, a failed build's, or Busy's when another build holds the lock.
    """
    issue = due_issue(day)
    folder = issues / issue
    with logging_to(root):
        try:
            with hold_lock(root, f"scheduled run for {issue}"):
                LOG.info("scheduled run for %s: issue %s (%s) is due", day.isoformat(), issue, issue_period(issue))
                warn_undelivered(issues, root, issue)
                record = Record(issue, day, inputs=current_inputs(folder))
                record.reasons = (delivery_gaps(root, issue, record.inputs, settings) if record.inputs
                                  else [f"{display_path(folder)} does not exist"])
                if not record.reasons:
                    LOG.info("%s: complete and current; nothing to do", display_path(delivered(root, issue)))
                    print(f"{display_path(delivered(root, issue))}: the delivery of {issue} is complete and current;"
                          " nothing to do")
                    return 0
                for reason in record.reasons:
                    LOG.info("%s is to be delivered: %s", issue, reason)
                return deliver_due(folder, root, settings, record, quiet)
        except Busy as err:
            LOG.error("%s", err)
            return err.exit_status


def deliver_due(folder: Path, root: Path, settings: PrintSettings, record: Record, quiet: bool) -> int:
    """Check the due issue and, when it is ready, build and deliver it; report either way."""
    with make_progress(quiet=quiet) as progress:
        with progress.step("check readiness"):
            readiness = check_readiness(folder, record.day)
        if readiness.warnings:
            LOG.warning("%d warning(s), stale or unconfirmed translations: the build report lists them",
                        len(readiness.warnings))
        if readiness.problems:
            return not_ready(root, record, progress, readiness.problems, readiness.warnings)
        from .publishing import publish_issue  # the rendering engine, loaded only when there is work for it

        try:
            publish_issue(folder, settings=settings, output_root=root, package=True, progress=progress)
        except ContentError as err:  # what the check above did not catch, the build's own validation did
            return not_ready(root, record, progress, [str(problem) for problem in err.problems], readiness.warnings)
        except BuildError as err:
            return finish(root, record, progress, "failed", err.exit_status,
                          f"the build of {record.issue} failed; the previous delivery, if any, is unchanged: {err}",
                          warnings=readiness.warnings)
        except KeyboardInterrupt:
            finish(root, record, progress, "interrupted", 130,
                   f"the build of {record.issue} was interrupted; the previous delivery, if any, is unchanged")
            raise
    return finish(root, record, progress, "delivered", 0, f"{record.issue} delivered",
                  built=delivered_files(root, record.issue), warnings=readiness.warnings)


def not_ready(root: Path, record: Record, progress: Progress, problems: list[str], warnings: list[str]) -> int:
    """Report an issue that cannot be delivered yet: each problem logged and listed in the report."""
    for problem in problems:
        LOG.error("%s", problem)
    earlier = delivered(root, record.issue) / MANIFEST
    kept = f"; the earlier delivery in {display_path(earlier.parent)} is unchanged" if earlier.is_file() else ""
    return finish(root, record, progress, "not ready", NOT_READY,
                  f"issue {record.issue} is not ready: {len(problems)} problem(s) for the editors to fix;"
                  f" nothing was delivered{kept}", problems=problems, warnings=warnings)


def finish(root: Path, record: Record, progress: Progress, result: str, status: int, message: str,
           **found: list) -> int:
    """Write the build report, log and print the outcome; return the exit status."""
    path = write_report(root, record.report(result, status, message, progress.steps, **found))
    LOG.log(logging.INFO if status == 0 else logging.ERROR, "%s (exit status %d)", message, status)
    print(f"{message}. Report: {display_path(path)}")
    return status


def due_issue(day: date) -> str:
    """Return the name of the issue due on `day`: from 1 July the year's H1, before it the previous year's H2."""
    return f"{day.year}-H1" if day.month >= 7 else f"{day.year - 1}-H2"


def due_date(issue: str) -> date:
    """Return the day from which `issue` is due: the day after its half-year ends."""
    return period_of(issue).end + timedelta(days=1)


def warn_undelivered(issues: Path, root: Path, issue: str) -> None:
    """Warn when the issue due before `issue` was started but never delivered: its half-year went by unbuilt.

    Only a warning: an old issue is built when someone asks for it, never behind their back.
    """
    previous = due_issue(due_date(issue) - timedelta(days=1))
    if (issues / previous).is_dir() and not (delivered(root, previous) / MANIFEST).is_file():
        LOG.warning("issue %s, due from %s, has never been delivered; to deliver it: build.py scheduled --date %s",
                    previous, due_date(previous).isoformat(), due_date(previous).isoformat())


@dataclass(frozen=True)
class Readiness:
    """Whether the due issue can be built, and what the editors must do first."""

    problems: list[str]  # what stops the build, each with its place
    warnings: list[str]  # what is worth a look but does not stop it (stale translations)


def check_readiness(folder: Path, day: date) -> Readiness:
    """Check the issue in `folder` as `validate` does, without rendering anything."""
    from .status import issue_status, validation_problems  # reads the catalogs: only when it must

    if not folder.is_dir():
        return Readiness([f"{display_path(folder)}: no such folder: issue {folder.name}, due on {day.isoformat()},"
                          f" has not been started (start it with build.py new {folder.name})"], [])
    try:
        problems, warnings = validation_problems(issue_status(folder))
    except ContentError as err:
        problems, warnings = err.problems, []
    return Readiness([str(problem) for problem in problems], [_warning(problem) for problem in warnings])


def _warning(problem: Problem) -> str:
    return f"{problem.mark}: warning: {problem.message}"


def delivery_gaps(root: Path, issue: str, inputs: Inputs, settings: PrintSettings) -> list[str]:
    """Say what keeps the delivery of `issue` under `root` from being complete and current; [] when nothing does."""
    folder = delivered(root, issue)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        entries = {entry["file"]: entry for entry in manifest["files"]}
        languages = manifest.get("languages") or []
    except FileNotFoundError:
        return ["there is no delivery yet"]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return [f"{display_path(folder / MANIFEST)} cannot be read"]
    gaps = []
    if manifest.get("inputs") != inputs.digest:
        gaps.append(_changed_inputs(folder, inputs))
    tools = tool_versions()
    if manifest.get("tools") != tools:
        old = manifest.get("tools") if isinstance(manifest.get("tools"), dict) else {}
        gaps.append("tools changed: " + ", ".join(f"{name} {old.get(name, 'none')} → {version}"
                                                  for name, version in tools.items() if old.get(name) != version))
    if not languages:
        gaps.append("the manifest does not list the issue's languages (made by an older version)")
    gaps += _missing_editions(issue, languages, entries, inputs, settings)
    gaps += [f"{name} is missing or not as delivered" for name, entry in sorted(entries.items())
             if not _intact(folder / name, entry)]
    gaps += _package_gaps(folder, issue, [name for name in entries if name.endswith("-print.pdf")])
    return gaps


def _changed_inputs(folder: Path, inputs: Inputs) -> str:
    """Name the inputs that changed since the last build report, when it tells."""
    last = read_report(folder).get("inputs", {})
    changed = [f"{part} {name}" for part, now in (("issue", inputs.issue), ("project", inputs.project))
               for name in sorted(set(now) | set(last.get(part, {})))
               if now.get(name) != last.get(part, {}).get(name)]
    if not last or not changed:
        return "its inputs changed since it was made"
    more = f" and {len(changed) - LISTED} more" if len(changed) > LISTED else ""
    return f"its inputs changed since it was made: {', '.join(changed[:LISTED])}{more}"


def _missing_editions(issue: str, languages: list[str], entries: dict[str, dict], inputs: Inputs,
                      settings: PrintSettings) -> list[str]:
    """Say which edition of which language and variant is absent, from other inputs, or made otherwise."""
    gaps = []
    profile = readable_profile(settings.icc_profile)
    for language in languages:
        for variant in VARIANTS:
            name = pdf_name(issue, language, variant)
            entry = entries.get(name)
            if entry is None:
                gaps.append(f"{name} is not in the delivery")
            elif entry.get("inputs") != inputs.digest:
                gaps.append(f"{name} was made from other inputs")
            elif not still_fits(entry, settings, profile):
                gaps.append(f"{name} was made with other settings, or as a draft")
    return gaps


def _intact(path: Path, entry: dict) -> bool:
    """Tell whether a delivered file is still the one the manifest describes."""
    try:
        found = file_entry(path)
    except OSError:
        return False
    return found["size"] == entry.get("size") and found["sha256"] == entry.get("sha256")


def _package_gaps(folder: Path, issue: str, prints: list[str]) -> list[str]:
    """Say what is wrong with the printing bureau's package: it must hold this delivery's print files."""
    name = package_name(issue)
    try:
        with zipfile.ZipFile(folder / name) as package:
            members = {info.filename: info.file_size for info in package.infolist()}
            same_manifest = package.read(MANIFEST) == (folder / MANIFEST).read_bytes()
    except (OSError, KeyError, zipfile.BadZipFile):
        return [f"{name} is missing or unreadable"]
    expected = set(prints) | {MANIFEST, PREFLIGHT}
    if set(members) != expected or not same_manifest or any(
            members[member] != (folder / member).stat().st_size for member in prints):
        return [f"{name} does not hold this delivery's print files"]
    return []


def current_inputs(folder: Path) -> Inputs | None:
    """Fingerprint the issue's inputs, or None when it has no folder."""
    return read_inputs(folder, PROJECT) if folder.is_dir() else None


def issue_period(issue: str) -> str:
    """Say which months an issue covers, for the log."""
    period = period_of(issue)
    return f"{period.start:%B}–{period.end:%B %Y}" if period else issue
