"""Command line of the bulletin: parse arguments, run a command, turn errors into exit codes.

    build.py [build] [ISSUE] [options]     build an issue's PDFs (the default command)
    build.py validate [ISSUE...]           check issues without rendering
    build.py status [ISSUE] [--json]       what is left to translate, per language
    build.py confirm ISSUE LANG FIELD...   confirm translations against the current source texts
    build.py catalogs [--check]            extract the template strings and update every catalog
    build.py new YYYY-Hn                   start the next issue from the previous one
    build.py watch [ISSUE] --lang LANG     rebuild one edition whenever its files change
    build.py scheduled [--date YYYY-MM-DD] deliver the issue due on a date, unless already delivered; send it
    build.py send ISSUE [--to URL]         send an issue's package to the printing bureau
    build.py notify --unit UNIT            mail the editors that the scheduled service failed (systemd)
    build.py verify FILE...                check signed editions: signer, unchanged since, trusted

Exit status: 0 success; 1 a build failed (including a preflight error or a key that cannot sign),
or `status` found work left, or `catalogs --check` found catalogs out of date, or `verify` found a
file that did not pass; 2 invalid content (a catalog that cannot be read, compiled or formatted
included) or bad usage;
3 (scheduled) the due issue is not ready: missing, invalid or incomplete; 4 another build is
writing to the same output folder; 5 (send, scheduled) the package did not reach the bureau;
6 (scheduled) the notice to the editors could not be mailed; 130 interrupted (Ctrl-C, or SIGTERM
for `scheduled`).
Progress goes to stderr, results (delivered files, problems, the status) to stdout.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import re
import signal
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ..project import DRAFTS, ISSUES, OUTPUT, PYPROJECT, TEMPLATES, TRANSLATIONS, issue_folder
from ..util.errors import BulletinError, ContentError, UsageError, display_path
from . import commands, dispatch, verification

if TYPE_CHECKING:
    from ..delivery.plan import Delivered

LOG = logging.getLogger("bulletin")
T = TypeVar("T")
OUTCOMES = {  # what invalid content means for each command that stops on it
    "status": "the issue's status cannot be told until they are fixed",
    "confirm": "nothing was confirmed",
    "new": "no issue was created",
    "catalogs": "no catalog was written",
    "export": "no file was written",
    "import": "nothing was imported; the language file is as it was",
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    name = argv.pop(0) if argv and argv[0] in COMMANDS else "build"
    describe, run = COMMANDS[name]
    parser = argparse.ArgumentParser(
        prog=f"build.py {name}" if name != "build" else "build.py", formatter_class=argparse.RawDescriptionHelpFormatter
    )
    describe(parser)
    parser.description = textwrap.fill(parser.description or "", 100)  # the epilog keeps its own lines
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code in (0, None) else 2
    configure_logging(getattr(arguments, "quiet", False), getattr(arguments, "verbose", False))
    try:
        return run(arguments)
    except ContentError as err:
        report_problems(err, OUTCOMES.get(name, "no PDF was written"))
        return err.exit_status
    except BulletinError as err:
        print(f"{err.category}: {err}", file=sys.stderr)
        for note in getattr(err, "__notes__", ()):  # what the failure left in place (`delivery`)
            print(note, file=sys.stderr)
        return err.exit_status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of the output went away (| head): nothing left to say
        # Left open, so that the interpreter's final flush does not fail.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 1


def report_problems(err: ContentError, outcome: str) -> None:
    """Print the problems of invalid content, then what they meant for the command."""
    for problem in err.problems:
        print(problem, file=sys.stderr)
    if err.hint:
        print(err.hint, file=sys.stderr)
    print(f"{len(err.problems)} problem(s); {outcome}.", file=sys.stderr)


def describe_build(parser: argparse.ArgumentParser, watching: bool = False) -> None:
    """The arguments of a build (of the watcher's builds, which must name their languages)."""
    from ..printing.settings import VARIANTS  # the settings module is light; the pipeline is imported only to run

    parser.description = "Build the PDFs of an issue of the bulletin “Since the Victory”."
    parser.epilog = __doc__.split("\n\n")[1]
    parser.add_argument(
        "issue",
        nargs="?",
        type=Path,
        help="the issue folder or name, such as issues/2022-H2 or 2022-H2 (default: the newest)",
    )
    parser.add_argument(
        "--lang",
        type=names,
        required=watching,
        help="comma-separated languages to build, such as az,ru" + ("" if watching else " (default: all of the issue)"),
    )
    parser.add_argument(
        "--variant",
        type=names,
        help="comma-separated variants: "
        + "; ".join(f"{name}: {variant.purpose}" for name, variant in VARIANTS.items())
        + " (default: both)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help=f"folder that receives <issue>/ with the delivery (default: output/, or output/{DRAFTS}/ for a draft)",
    )
    parser.add_argument(
        "--package",
        action="store_true",
        help="also write a zip for the printing bureau: print PDFs, manifest and preflight report",
    )
    parser.add_argument(
        "--crop-marks",
        action="store_true",
        default=None,
        help="draw crop marks outside the bleed of the print PDFs (default: none)",
    )
    parser.add_argument(
        "--output-condition",
        metavar="NAME",
        help="the printing condition of the print files: FOGRA39 (coated), FOGRA29 (uncoated), CGATS TR 006"
        " (GRACoL), or the condition of the bureau's --icc-profile (default: [tool.bulletin.print]"
        " output-condition in pyproject.toml, else FOGRA39)",
    )
    parser.add_argument(
        "--icc-profile",
        type=Path,
        help="the printing bureau's CMYK profile, made for --output-condition (default: the profile made at"
        " set-up for the condition)",
    )
    parser.add_argument(
        "--pdfx",
        choices=("4", "1a"),
        help="the print files' standard: 4 for PDF/X-4, 1a for PDF/X-1a:2001, made from it by Ghostscript, for a"
        " bureau that asks for it (default: [tool.bulletin.print] pdfx in pyproject.toml, else 4)",
    )
    parser.add_argument(
        "--ink-limit",
        type=float,
        metavar="PERCENT",
        help="the total ink limit of the bureau's profile, when its condition is not a registered one",
    )
    describe_draft(parser)
    parser.add_argument(
        "--force", action="store_true", help="make every PDF asked for again, even those whose inputs did not change"
    )
    parser.add_argument(
        "--workers",
        type=workers,
        help="how many PDFs to make at once, each in a process of its own"
        " (default: [tool.bulletin.print] workers in pyproject.toml, else one per core)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print WeasyPrint's progress")


def describe_draft(parser: argparse.ArgumentParser) -> None:
    """The options a build and the watcher share: draft and preview."""
    parser.add_argument(
        "--draft",
        action="store_true",
        help="build even with missing translations: the source language's text stands in,"
        " marked, and every page carries a draft mark",
    )
    parser.add_argument(
        "--preview",
        action="store_true",
        help="also write PNG pictures of every page and a contact sheet per language (with --variant print, as the"
        " press will print them: a soft proof through the printing condition's profile)",
    )


def run_build(arguments: argparse.Namespace) -> int:
    """Build, deliver, and (with --preview) picture the pages; print the delivered files."""
    delivered = build_once(arguments)
    for path in delivered.files + delivered.previews:
        print(display_path(path))
    return 0


def build_once(arguments: argparse.Namespace, output: Path | None = None) -> Delivered:
    """Build the issue as the arguments say, into `output` (default: as --output and --draft say)."""
    from ..delivery.plan import Asked
    from ..printing.settings import load_settings
    from ..util.progress import make_progress
    from .publishing import publish_issue

    asked = Asked(arguments.lang, arguments.variant, arguments.package, arguments.draft, arguments.force)
    settings = load_settings(
        PYPROJECT,
        crop_marks=arguments.crop_marks,
        output_condition=arguments.output_condition,
        icc_profile=arguments.icc_profile,
        ink_limit=arguments.ink_limit,
        pdfx=arguments.pdfx,
        workers=getattr(arguments, "workers", None),
    )
    output = arguments.output or output or (OUTPUT / DRAFTS if arguments.draft else OUTPUT)
    with make_progress(quiet=arguments.quiet) as progress:
        return publish_issue(issue_folder(arguments.issue), asked, settings, output, progress, arguments.preview)


def made(delivered: Delivered) -> str:
    """Name what a build made, one file a line: its PDFs and contact sheets."""
    sheets = [path for path in delivered.previews if path.name.endswith("contact-sheet.png")]
    return "\n".join(
        display_path(path) for path in sorted(printed.path for printed in delivered.printed.values()) + sheets
    )


def describe_watch(parser: argparse.ArgumentParser) -> None:
    """The arguments of the watcher: those of a build, with the language required."""
    describe_build(parser, watching=True)
    parser.description = (
        "Build one edition, then build it again whenever a content, picture, template, style or"
        " catalog file changes, until Ctrl-C. Errors are reported and the watching goes on;"
        " each build says what changed and how long it took. The variant is screen unless"
        f" --variant says otherwise, since it is the quicker to build. It writes to"
        f" output/{DRAFTS}/ unless --output says otherwise: work in progress is not a delivery."
    )
    parser.epilog = None
    parser.set_defaults(variant=("screen",))


def run_watch(arguments: argparse.Namespace) -> int:
    """Rebuild the edition whenever its sources change (the settings are read again at each build)."""
    from ..delivery.outputs import check_output
    from .watching import watch

    arguments.issue = issue_folder(arguments.issue)
    check_output(arguments.output or OUTPUT / DRAFTS, arguments.issue)  # once before watching, and at each build
    watch([arguments.issue, TEMPLATES, TRANSLATIONS], lambda: build_once(arguments, OUTPUT / DRAFTS), describe=made)
    return 0


def describe_scheduled(parser: argparse.ArgumentParser) -> None:
    """The arguments of the scheduled build, which the systemd timer, cron or CI run."""
    parser.description = (
        "Deliver the issue that is due: from 1 January the one covering July–December of the"
        " year before, from 1 July the one covering January–June. Does nothing when its delivery"
        " is complete and made from the present files. Otherwise checks the issue, and builds"
        " every language in both variants with the printing bureau's package. Exit status 3 when"
        " the issue is not ready (missing, invalid or incomplete): nothing is delivered, and"
        " output/<issue>/build-report.json lists what the editors must fix. Exit status 4 when"
        " another build holds the output folder. Then, when [tool.bulletin.delivery] in pyproject.toml names"
        " a destination, sends the package to the bureau as build.py send does (exit status 5 when it did not"
        " arrive), and when [tool.bulletin.notice] names the editors, mails them what the run did, unless it"
        " found everything current and sent (exit status 6 when the notice could not be mailed). Every step"
        " is logged with its time, also to output/scheduled.log."
    )
    parser.add_argument(
        "--date", type=iso_date, default=None, help="the day to deliver for, YYYY-MM-DD (default: today)"
    )
    parser.add_argument("--issues", type=Path, default=ISSUES, help="the folder of the issues (default: issues/)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the output folder (default: output/)")
    parser.add_argument(
        "--wait",
        type=minutes,
        default=30,
        metavar="MINUTES",
        help="how long to wait for another build that holds the output folder (default: 30)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log WeasyPrint's progress")


def run_scheduled(arguments: argparse.Namespace) -> int:
    """Deliver the due issue; a stop from systemd (SIGTERM) ends the build as Ctrl-C does, cleanly."""
    from ..printing.settings import load_settings
    from ..sending.destinations import load_delivery_settings
    from ..sending.mail import load_mail_settings
    from .schedule import scheduled_run

    def interrupt(_signal, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        return scheduled_run(
            arguments.date or date.today(),
            arguments.issues,
            arguments.output,
            load_settings(PYPROJECT),
            arguments.quiet,
            arguments.wait * 60,
            settings_or_mistake(load_delivery_settings),
            settings_or_mistake(load_mail_settings),
        )
    finally:
        signal.signal(signal.SIGTERM, previous)


def settings_or_mistake(load: Callable[[Path], T]) -> T | UsageError:
    """Sending's or notice's settings, or the mistake in them: the scheduled run builds all the same, and the send
    or the notice then fails with it."""
    try:
        return load(PYPROJECT)
    except UsageError as err:
        return err


def iso_date(value: str) -> date:
    """Read a date written YYYY-MM-DD, in the years an issue can be named for."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: {err}") from None
    from ..model import FIRST_YEAR, LAST_YEAR
    from .schedule import due_date

    first = due_date(f"{FIRST_YEAR}-H1")
    last = due_date(f"{LAST_YEAR}-H2").replace(month=6, day=30)  # the day before the issue after it would be due
    if not first <= day <= last:
        raise argparse.ArgumentTypeError(
            f"{value!r}: too {'early' if day < first else 'late'}: issues are named for the years {FIRST_YEAR}, the"
            f" year of the liberation, to {LAST_YEAR}, so one is due on the days from {first} to {last}"
        )
    return day


def minutes(value: str) -> float:
    """Read a number of minutes to wait: zero or more, and finite."""
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 <= number < math.inf:  # also refuses nan, which compares false to everything
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of minutes (0 or more)")
    return number


def workers(value: str) -> int:
    """Read a number of worker processes: 1 to MAX_WORKERS."""
    from ..printing.settings import MAX_WORKERS

    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers (1 to {MAX_WORKERS})")
    return int(value)


def names(value: str) -> tuple[str, ...]:
    """Read a comma-separated list of names."""
    return tuple(filter(None, (name.strip() for name in value.split(","))))


def configure_logging(quiet: bool, verbose: bool) -> None:
    """Messages to stderr: warnings and errors only with -q; WeasyPrint's own progress with -v."""
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO, format="%(message)s", stream=sys.stderr, force=True
    )
    # WeasyPrint's warnings (an ignored CSS rule, an unreadable picture) are always worth seeing;
    # its step-by-step progress only with --verbose.
    weasyprint_level = logging.INFO if verbose else logging.WARNING
    logging.getLogger("weasyprint").setLevel(logging.ERROR if quiet else weasyprint_level)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # the watcher says itself what changed
    logging.getLogger("pikepdf").setLevel(logging.WARNING)  # it announces its own start at INFO
    # paramiko logs a dropped connection with its traceback; sending says what went wrong in plain words.
    logging.getLogger("paramiko").setLevel(logging.CRITICAL)


COMMANDS = {
    "build": (describe_build, run_build),
    **commands.COMMANDS,
    "watch": (describe_watch, run_watch),
    "scheduled": (describe_scheduled, run_scheduled),
    "send": (dispatch.describe_send, dispatch.run_send),
    "notify": (dispatch.describe_notify, dispatch.run_notify),
    "verify": (verification.describe_verify, verification.run_verify),
}
