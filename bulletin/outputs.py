"""Where a build may write: an output folder never holds the input, nor anything a build did not put there.

A build replaces output/<issue>/ whole with its new delivery, and writes beside it its lock, its
caches and its logs. Given an output folder that was the folder of the issues, the swap took the
issue's own folder for a previous delivery and replaced its YAML files and pictures with PDFs.
So before a build, the watcher or a scheduled run writes anything at all (not even the lock),
`check_output` refuses, as bad usage, an output folder

- that is, holds or lies inside an input: the issue folder, the folder of the issues, templates/,
  translations/ or the code (bulletin/); or that is or holds the project's top folder;
- that is there and holds anything a build did not write (`BUILT_FILES`, `BUILT_FOLDERS`): an
  editor's file, a folder of pictures, a git checkout. A folder named as an issue must be that
  issue's delivery, or what a scheduled run left of it (`delivery_problem`); drafts/ is an
  output folder of its own.

Symbolic links are followed on both sides, and an entry of the output folder that is a link is
not one a build made. The delivery stage asks again (`check_replaceable`) before it replaces
anything, so that nothing but an earlier delivery is ever replaced, whoever calls it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .delivery import STAGING
from .errors import BuildError, UsageError, display_path
from .files import read_file
from .incremental import CACHE
from .locking import LOCK
from .layout import LAYOUT
from .manifest import FAILED_REPORT, MANIFEST, PREFLIGHT
from .model import FILE_PREFIX, issue_name_problem
from .project import DRAFTS, ISSUES, OUTPUT, PREVIEWS, PROJECT, TEMPLATES, TRANSLATIONS
from .records import REPORT, SCHEDULE_LOG

CRON_LOG = "cron.log"  # what cron catches of a scheduled run's output (deploy/cron)
GITKEEP = ".gitkeep"  # the repository's, which keeps the empty output/ in a clone
BUILT_FILES = frozenset({LOCK, SCHEDULE_LOG, CRON_LOG, GITKEEP})  # files a build (or its schedule) writes
BUILT_FOLDERS = frozenset({CACHE, STAGING, PREVIEWS})  # folders a build makes and alone writes into
PART = re.compile(r"\..+\.part")  # a file being written, left by a build killed while it named it (`atomic_file`)
DELIVERED = frozenset({MANIFEST, PREFLIGHT, LAYOUT, REPORT})  # a delivery's files besides since-the-victory-<issue>-*
NAMED = 2  # the files named in a message about a folder that holds others
MAX_RECORD = 16_000_000  # bytes: a manifest or build report larger than this is no build's


def check_output(root: Path, issue: Path | None = None, issues: Path = ISSUES) -> None:
    """Refuse (UsageError) an output folder that is, holds or lies in an input, or holds what no build wrote."""
    where = _resolve(root)
    inputs = [(f"the issue folder {issue.name}", issue)] if issue is not None else []
    inputs += [("the folder of the issues", folder) for folder in dict.fromkeys((issues, ISSUES))]
    inputs += [("the folder of the templates", TEMPLATES), ("the folder of the catalogs", TRANSLATIONS),
               ("the folder of the code", PROJECT / "bulletin")]
    linked = where != Path(os.path.abspath(root))  # then the folder it names is said too
    clash = _clash(where, [(what, _resolve(folder)) for what, folder in inputs], _resolve(PROJECT), linked)
    if clash:
        raise UsageError(f"{shown(root)}: cannot be the output folder: it {clash}; a build replaces what is in"
                         " its output folder, and would destroy the input. Give a folder of its own: a new or empty"
                         f" one, or {display_path(OUTPUT)}/ (the default)")
    if not os.path.lexists(where):
        return
    if not where.is_dir():
        raise UsageError(f"{shown(root)}: cannot be the output folder: it is a file, not a folder")
    try:
        foreign = _foreign(where)
    except OSError as err:
        raise UsageError(f"{shown(root)}: cannot be the output folder: it cannot be read"
                         f" ({err.strerror or err})") from err
    if foreign:
        named = [where / name for name in foreign if issue_name_problem(Path(name).name) is None
                 and (where / name).is_dir() and not (where / name).is_symlink()]
        why = (f" ({named[0].relative_to(where)} is no delivery: {delivery_problem(named[0], named[0].name)})"
               if named else "")
        raise UsageError(f"{shown(root)}: not an output folder: it holds {name_some(foreign)}, which no build"
                         f" wrote, and a build would mix its files with them{why}. Move them elsewhere, or give a"
                         " folder of the output's own: a new or empty one, or one only builds have written to")


def is_delivery(folder: Path, issue: str) -> bool:
    """Tell whether `folder` is what builds leave at <output>/<issue>/ (see `delivery_problem`)."""
    return delivery_problem(folder, issue) is None


def delivery_problem(folder: Path, issue: str) -> str | None:
    """Say what keeps `folder` from being what builds leave at <output>/<issue>/; None when it is that: a delivery
    whose manifest names `issue`, or a folder holding only files a delivery of `issue` holds (its manifest
    damaged, or a scheduled run's report alone), or nothing at all."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as err:
        return f"it cannot be read ({err.strerror or err})"
    if MANIFEST in names and _names_issue(folder / MANIFEST, issue):
        return None
    others = [name for name in names if not _delivered(folder / name, issue)]
    if others:
        return f"it holds {name_some(others)}, which no build of {issue} delivered, and no {MANIFEST} naming {issue}"
    return None


def check_replaceable(target: Path, issue: str) -> None:
    """Stop (BuildError) when <output>/<issue>/ holds anything but an earlier delivery of `issue`, which alone a
    build may replace: a file, a link or a folder of other files is left as it is."""
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_dir():
        raise BuildError(f"{display_path(target)} exists and is not a folder: move it away,"
                         " the issue's delivery goes there")
    problem = delivery_problem(target, issue)
    if problem:
        raise BuildError(f"{display_path(target)} is not a delivery of {issue}: {problem}. A build replaces only an"
                         " earlier delivery, and left this as it was: move it elsewhere, or deliver into another"
                         " output folder")


def name_some(names: list[str]) -> str:
    """Name the first few of `names` for a message, and say how many more there are."""
    first = ", ".join(repr(name) for name in names[:NAMED])
    return first + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


def shown(path: Path) -> str:
    """The output folder as the command line gave it when relative, else as display_path shows it; never as `.`,
    which would hide what it is."""
    if not Path(path).is_absolute():
        return str(path)
    return display_path(path) if display_path(path) != "." else str(path)


def _resolve(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError) as err:  # Path.resolve's words for a loop of symbolic links
        raise UsageError(f"{shown(path)}: cannot be the output folder: {err}") from err


def _clash(root: Path, inputs: list[tuple[str, Path]], project: Path, linked: bool) -> str | None:
    """Say how the (resolved) output folder meets an input, if it does: it is one, lies inside one, or holds one;
    `linked` when it was named through a symbolic link."""
    for what, folder in inputs + [("the project's top folder", project)]:
        if root == folder:
            return f"is {what}" + (f" ({shown(folder)}, through a symbolic link)" if linked else "")
    for what, folder in inputs:
        if root.is_relative_to(folder):
            return f"is inside {what} ({shown(folder)})"
    for what, folder in [("the project's top folder", project)] + inputs:  # the widest first
        if folder.is_relative_to(root):
            return f"holds {what} ({shown(folder)})"
    return None


def _foreign(root: Path, prefix: str = "") -> list[str]:
    """The names of what the output folder `root` holds that no build wrote there, sorted."""
    foreign = []
    with os.scandir(root) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            name = entry.name
            if entry.is_symlink():  # a build makes no link: one could lead anywhere
                foreign.append(prefix + name)
            elif entry.is_dir() and name == DRAFTS:  # draft builds' own output folder
                foreign += _foreign(Path(entry.path), f"{prefix}{name}/")
            elif not (entry.is_file() and (name in BUILT_FILES or PART.fullmatch(name) or _failed_report(name))
                      or entry.is_dir() and (name in BUILT_FOLDERS or _delivery(Path(entry.path)))):
                foreign.append(prefix + name)
    return foreign


def _failed_report(name: str) -> bool:
    return name.endswith(FAILED_REPORT) and issue_name_problem(name.removesuffix(FAILED_REPORT)) is None


def _delivery(folder: Path) -> bool:
    return issue_name_problem(folder.name) is None and is_delivery(folder, folder.name)


def _delivered(path: Path, issue: str) -> bool:
    """Tell whether `path` is a file of the kind a delivery of `issue` holds, by its name."""
    return path.is_file() and not path.is_symlink() and (
        path.name in DELIVERED or path.name.startswith(f"{FILE_PREFIX}-{issue}-") or bool(PART.fullmatch(path.name)))


def _names_issue(path: Path, issue: str) -> bool:
    """Tell whether `path` is a record a build wrote (a manifest, a build report) of `issue`."""
    if os.path.islink(path):
        return False
    try:
        data = read_file(path, MAX_RECORD)  # never waits on a named pipe
        record = json.loads(data.decode("utf-8")) if len(data) <= MAX_RECORD else None
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(record, dict) and record.get("issue") == issue
