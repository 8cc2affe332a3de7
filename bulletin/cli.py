"""Command line of the bulletin: parse arguments, run the pipeline, turn errors into exit codes.

Exit status: 0 success, 1 a build failed (including a preflight error), 2 invalid content
or bad usage. Progress and the preflight table go to stderr, the paths of the delivered
files to stdout.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .errors import BulletinError, ContentError, display_path
from .publishing import OUTPUT, PYPROJECT, newest_issue, publish_issue
from .settings import VARIANTS, load_settings


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the PDFs of an issue of the bulletin “Since the Victory”.")
    parser.add_argument("issue", nargs="?", type=Path,
                        help="the issue folder, such as issues/2022-H2 (default: the newest issue)")
    parser.add_argument("--lang", type=_names,
                        help="comma-separated languages to build, such as az,ru (default: all of the issue)")
    parser.add_argument("--variant", type=_names,
                        help="comma-separated variants: " + "; ".join(
                            f"{name}: {variant.purpose}" for name, variant in VARIANTS.items())
                        + " (default: both)")
    parser.add_argument("--output", type=Path, default=OUTPUT,
                        help="folder that receives <issue>/ with the delivery (default: output/)")
    parser.add_argument("--package", action="store_true",
                        help="also write a zip for the printing bureau: print PDFs, manifest and preflight report")
    parser.add_argument("--crop-marks", action="store_true", default=None,
                        help="draw crop marks outside the bleed of the print PDFs (default: none)")
    parser.add_argument("--icc-profile", type=Path,
                        help="the printing bureau's CMYK profile for the output intent"
                             " (default: [tool.bulletin.print] icc-profile in pyproject.toml, else Ghostscript's)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true", help="also print WeasyPrint's progress")
    return parser.parse_args(argv)


def _names(value: str) -> tuple[str, ...]:
    return tuple(filter(None, (name.strip() for name in value.split(","))))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        arguments = parse_arguments(argv)
    except SystemExit as exit_:
        return 0 if exit_.code in (0, None) else 2
    _configure_logging(arguments)
    try:
        folder = arguments.issue or newest_issue()
        if not folder.is_dir():
            print(f"{folder}: no such issue folder", file=sys.stderr)
            return 2
        settings = load_settings(PYPROJECT, crop_marks=arguments.crop_marks, icc_profile=arguments.icc_profile)
        delivered = publish_issue(folder, arguments.lang, arguments.variant, settings, arguments.output,
                                  arguments.package)
    except ContentError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{len(err.problems)} problem(s) in {display_path(folder)}; no PDF was written.", file=sys.stderr)
        return err.exit_status
    except BulletinError as err:
        print(f"{err.category}: {err}", file=sys.stderr)
        return err.exit_status
    for path in delivered.files:
        print(display_path(path))
    return 0


def _configure_logging(arguments: argparse.Namespace) -> None:
    level = logging.WARNING if arguments.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr, force=True)
    # WeasyPrint's warnings (an ignored CSS rule, an unreadable picture) are always worth seeing;
    # its step-by-step progress only with --verbose.
    weasyprint_level = logging.INFO if arguments.verbose else logging.WARNING
    logging.getLogger("weasyprint").setLevel(logging.ERROR if arguments.quiet else weasyprint_level)
