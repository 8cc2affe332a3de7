"""Scheduled builds: deliver the issue that is due on a date, once, safely unattended.

From 1 January the issue covering July–December of the year before is due; from 1 July, the
one covering January–June (`due_issue`). A run (`scheduled_run`) first refuses, as bad usage
and before it writes its log, an output folder that is not one (`outputs.check_output`); then
it holds the output folder's lock, waiting a while for a build that holds it, and then:

1. finds the delivery complete and current (`completeness.delivery_gaps`); then it does
   nothing, and says so;
2. otherwise checks the issue as `build.py validate` does; when the issue has no folder, or
   its content is invalid or incomplete, it delivers nothing and reports what the editors
   must fix (NOT_READY);
3. otherwise builds every language and variant with the package, as `build.py --package`.

Runs 2 and 3 write output/<issue>/build-report.json (`records`). The due issue stays due
until the next one is, so a run missed on the day is made good by the next one in the
half-year; an issue whose half-year went by undelivered is named in a warning, never built
unasked. This module neither builds (publishing does) nor decides when it runs (the systemd
timer, cron or the CI schedule under deploy/ and .github/ do).
"""

from __future__ import annotations

import errno
import logging
import os
import shlex
import stat
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ..delivery.completeness import delivery_gaps
from ..delivery.incremental import read_ingredients
from ..delivery.manifest import MANIFEST
from ..delivery.outputs import check_output
from ..delivery.ownership import delivered
from ..delivery.plan import EVERYTHING
from ..delivery.records import Record, delivered_files, logging_to, write_build_report
from ..model import period_of
from ..printing.settings import PrintSettings
from ..project import ISSUES, OUTPUT
from ..sending.destinations import DeliverySettings
from ..sending.mail import MailSettings
from ..util.errors import BuildError, BulletinError, ContentError, UsageError, display_path
from ..util.files import kind_of
from ..util.locking import hold_lock
from ..util.progress import Progress, make_progress
from .dispatch import after_run

NOT_READY = 3  # exit status: the due issue is missing, invalid or incomplete; nothing was delivered
INTERRUPTED = 130  # exit status: stopped by Ctrl-C or SIGTERM (systemd's stop or time-out)
NOWHERE = DeliverySettings()  # no destination: the package stays in the delivery

LOG = logging.getLogger("bulletin")


def scheduled_run(
    day: date,
    issues: Path,
    root: Path,
    settings: PrintSettings,
    quiet: bool = False,
    wait: float = 0,
    delivery: DeliverySettings | UsageError = NOWHERE,
    mail: MailSettings | UsageError | None = None,
) -> int:
    """Deliver the issue due on `day` from `issues` into `root`, unless its delivery is current;
    wait up to `wait` seconds for another build to release the output folder. Then send the package
    where `delivery` says, and mail the editors a notice with `mail` (`dispatch.after_run`).

    Return the exit status: 0, NOT_READY, INTERRUPTED, 5 when the package was not sent, 6 when the
    notice could not be mailed, or the status of the error that stopped it.
    """
    issue = due_issue(day)
    folder = issues / issue
    check_output(root, folder, issues)  # before the log, the lock or anything else is written there
    with logging_to(root):
        record = Record(issue, day)
        try:
            status = run_due_issue(folder, root, settings, record, quiet, wait)
        except KeyboardInterrupt:  # stopped (systemd's stop or time-out): the editors hear of it, then it stops
            if (stopped := record.outcome) is not None:
                if stopped["result"] != "interrupted":  # delivered, but stopped before it was sent
                    stopped |= {"result": "interrupted", "message": f"{stopped['message']}; then the run was stopped"}
                after_run(root, issue, INTERRUPTED, stopped, delivery, mail)
            raise
        sending = isinstance(delivery, UsageError) or delivery.to is not None
        if record.outcome is None and status == 0 and sending:  # current: only sending is left
            message = f"the delivery of {issue} in {display_path(delivered(root, issue))} was complete and current"
            record.outcome = record.report("current", 0, message, [], built=delivered_files(root, issue))
        return after_run(root, issue, status, record.outcome, delivery, mail, wait)


def run_due_issue(folder: Path, root: Path, settings: PrintSettings, record: Record, quiet: bool, wait: float) -> int:
    """Build the due issue unless its delivery is current; return the exit status."""
    issue = record.issue
    issues = folder.parent
    try:
        with hold_lock(root, f"scheduled run for {issue}", wait):
            LOG.info("scheduled run for %s: issue %s (%s) is due", record.day.isoformat(), issue, issue_period(issue))
            warn_undelivered(issues, root, issue)
            if (missing := folder_problem(folder)) is None:
                ingredients = read_ingredients(folder, settings, root)
                record.inputs = ingredients.inputs
                record.reasons = delivery_gaps(root, folder, ingredients, settings)
            else:
                record.reasons = [missing]
            if not record.reasons:
                LOG.info("%s: complete and current; nothing to build", display_path(delivered(root, issue)))
                print(
                    f"{display_path(delivered(root, issue))}: the delivery of {issue} is complete and current;"
                    " nothing to build"
                )
                return 0
            for reason in record.reasons:
                LOG.info("%s needs building: %s", issue, reason)
            return build_due_issue(folder, root, settings, record, quiet)
    except BulletinError as err:  # the lock, or an input that cannot be read: said with its time
        log_lines(logging.ERROR, f"{err.category}: {err}")
        record.outcome = record.report("could not run", err.exit_status, f"{err.category}: {err}", [])
        return err.exit_status
    except KeyboardInterrupt:
        LOG.error("interrupted")
        raise
    except Exception:  # a bug: its traceback goes to the log too, where the operator will look
        LOG.exception("the scheduled run stopped on an unexpected error")
        raise


def build_due_issue(folder: Path, root: Path, settings: PrintSettings, record: Record, quiet: bool) -> int:
    """Check the due issue and, when it is ready, build and deliver it; report either way."""
    with make_progress(quiet=quiet) as progress:
        with progress.step("check readiness"):
            readiness = check_readiness(folder)
        if readiness.warnings:
            LOG.warning(
                "%d warning(s), stale or unconfirmed translations: the build report lists them", len(readiness.warnings)
            )
        if readiness.problems:
            return not_ready(root, record, progress, readiness.problems, readiness.warnings)
        from .publishing import publish_issue  # the pipeline, loaded only when there is work for it

        before = _identity(delivered(root, record.issue))
        try:
            record.inputs = publish_issue(folder, EVERYTHING, settings, root, progress).inputs
        except ContentError as err:  # what the check above did not catch, the build's own validation did
            return not_ready(root, record, progress, [str(problem) for problem in err.problems], readiness.warnings)
        except BuildError as err:
            return finish(
                root,
                record,
                progress,
                "failed",
                err.exit_status,
                f"the build of {record.issue} failed; the previous delivery, if any, is unchanged: {err}",
                warnings=readiness.warnings,
            )
        except KeyboardInterrupt:
            swapped = _identity(delivered(root, record.issue)) != before
            finish(
                root,
                record,
                progress,
                "interrupted",
                INTERRUPTED,
                f"the build of {record.issue} was interrupted after its new delivery was in place; the next run"
                " checks it"
                if swapped
                else f"the build of {record.issue} was interrupted; the previous delivery, if any, is unchanged",
            )
            raise
    warned = f" with {len(readiness.warnings)} warning(s)" if readiness.warnings else ""
    return finish(
        root,
        record,
        progress,
        "delivered",
        0,
        f"{record.issue} delivered{warned}",
        built=delivered_files(root, record.issue),
        warnings=readiness.warnings,
    )


def _identity(folder: Path) -> tuple[int, int] | None:
    """The device and inode of a delivery folder: a build's swap puts another folder in its place."""
    try:
        found = folder.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def not_ready(root: Path, record: Record, progress: Progress, problems: list[str], warnings: list[str]) -> int:
    """Report an issue that cannot be delivered yet: each problem logged and listed in the report."""
    for problem in problems:
        LOG.error("%s", problem)
    earlier = delivered(root, record.issue) / MANIFEST
    kept = f"; the earlier delivery in {display_path(earlier.parent)} is unchanged" if earlier.is_file() else ""
    return finish(
        root,
        record,
        progress,
        "not ready",
        NOT_READY,
        f"issue {record.issue} is not ready: {len(problems)} problem(s) for the editors to fix;"
        f" nothing was delivered{kept}",
        problems=problems,
        warnings=warnings,
    )


def finish(
    root: Path, record: Record, progress: Progress, result: str, status: int, message: str, **found: list
) -> int:
    """Log and print the outcome, then write the build report; return the exit status, whatever becomes of
    the report (a report that cannot be written is logged, and does not change what happened)."""
    log_lines(logging.INFO if status == 0 else logging.ERROR, f"{message} (exit status {status})")
    record.outcome = record.report(result, status, message, progress.steps, **found)
    try:
        path = write_build_report(root, record.outcome)
    except BuildError as err:
        LOG.error("%s", err)
        print(f"{message}.")
        return status
    print(f"{message}. Report: {display_path(path)}")
    return status


def log_lines(level: int, message: str) -> None:
    """Log a message of several lines (a preflight table) a line at a time, so that each carries its time."""
    for line in message.splitlines():
        LOG.log(level, "%s", line)


def due_issue(day: date) -> str:
    """Return the name of the issue due on `day`: from 1 July the year's H1, before it the previous year's H2."""
    return f"{day.year}-H1" if day.month >= 7 else f"{day.year - 1}-H2"


def due_date(issue: str) -> date:
    """Return the day from which `issue` is due: the day after its half-year ends."""
    period = period_of(issue)
    assert period is not None, "an issue is named for its half-year"
    return period.end + timedelta(days=1)


def warn_undelivered(issues: Path, root: Path, issue: str) -> None:
    """Warn when the issue due before `issue` was started but never delivered: its half-year went by unbuilt.

    Only a warning: an old issue is built when someone asks for it, never behind their back.
    """
    previous = due_issue(due_date(issue) - timedelta(days=1))
    if period_of(previous) is None:  # before the first issue there can be: 2020-H1 has no issue before it
        return
    if (issues / previous).is_dir() and not (delivered(root, previous) / MANIFEST).is_file():
        LOG.warning(
            "issue %s, due from %s, has never been delivered; to deliver it: build.py scheduled --date %s%s",
            previous,
            due_date(previous).isoformat(),
            due_date(previous).isoformat(),
            folder_options(issues, root),
        )


def folder_options(issues: Path, root: Path = OUTPUT) -> str:
    """The command-line options that name the folders of this run, where they are not the default ones."""
    options = [] if _same(issues, ISSUES) else ["--issues", display_path(issues)]
    options += [] if _same(root, OUTPUT) else ["--output", display_path(root)]
    return "".join(f" {shlex.quote(option)}" for option in options)


def _same(one: Path, other: Path) -> bool:
    return Path(one).resolve() == Path(other).resolve()


@dataclass(frozen=True)
class Readiness:
    """Whether the due issue can be built, and what the editors must do first."""

    problems: list[str]  # what stops the build, each with its place
    warnings: list[str]  # what is worth a look but does not stop it (stale translations)


def check_readiness(folder: Path) -> Readiness:
    """Check the issue in `folder` as `validate` does, without rendering anything."""
    from ..content.examination import check_problems  # reads the catalogs: only when it must

    missing = folder_problem(folder)
    if missing is not None:
        return Readiness([missing], [])
    problems, warnings = check_problems(folder)
    return Readiness([str(problem) for problem in problems], [problem.as_warning() for problem in warnings])


def folder_problem(folder: Path) -> str | None:
    """Say why there is no issue folder at `folder` to build: nothing is there, or something else is (a named
    pipe, a file, a loop of symbolic links); None when there is a folder."""
    start = f"start it with build.py new {folder.name}{folder_options(folder.parent)}"
    try:
        mode = os.stat(folder).st_mode
    except OSError as err:
        if not os.path.lexists(folder):
            return (
                f"{display_path(folder)}: no such folder: issue {folder.name}, due from"
                f" {due_date(folder.name).isoformat()}, has not been started ({start})"
            )
        found = "a loop of symbolic links" if err.errno == errno.ELOOP else f"unreadable ({err.strerror or err})"
    else:
        if stat.S_ISDIR(mode):
            return None
        found = kind_of(mode) or "a file"  # (None for a regular file)
    return (
        f"{display_path(folder)}: is {found}, not the folder of issue {folder.name}, due from"
        f" {due_date(folder.name).isoformat()}: move it away, and put the issue's folder there (or {start})"
    )


def issue_period(issue: str) -> str:
    """Say which months an issue covers, for the log."""
    period = period_of(issue)
    return f"{period.start:%B}–{period.end:%B %Y}" if period else issue
