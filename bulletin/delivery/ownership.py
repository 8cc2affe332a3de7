"""Which entries of an output folder are the builds' own: a build replaces or deletes those, and nothing else.

A build deletes what it wrote before: the previous delivery when it swaps in the new one, a staging
folder a killed build left, old page pictures. Recognised loosely (a folder was a delivery as soon as
it held a manifest.json naming the issue), that let a build delete an issue's own files, or an
editor's signed approval put beside the PDFs, with exit 0. So every entry is recognised here by what
a build writes at its place, strictly, and anything else is foreign:

- the output folder (and drafts/, its own output folder for drafts): `.lock`, `scheduled.log`,
  `cron.log`, `.gitkeep`, `<issue>.preflight-failed.json`, and the folders below;
- `<issue>/`, a delivery: a `manifest.json` a build wrote (a regular file naming the issue and listing
  its files, each a PDF of the issue or one of its reports), and besides it only regular files the
  manifest lists or that a delivery writes itself (the package and its checksum, the record of what was
  sent to the bureau);
  or, before any delivery, nothing but a scheduled run's `build-report.json` of the issue;
- `.staging/`: the folders of builds in progress, `<issue>.<process>.<random>/`, holding only files
  named as a delivery's are, and `<issue>.previous/`, a delivery moved aside;
- `.cache/`: `digests.json` and `pictures/<digest>.<jpg|png|svg>`;
- `previews/<issue>/`: `<language>-contact-sheet.png` and `<language>/page-<number>.png`.

A file being written under a temporary name (`.<name>.<random>.part`) counts as the file it will be.
A symbolic link is never a build's (it could lead anywhere), nor a pipe, a socket or a device.
This module only looks; `outputs` and the delivery stage decide what to do with what it finds.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from ..model import FILE_PREFIX, issue_name_problem, package_name
from ..printing.settings import VARIANTS
from ..project import CONTACT_SHEET, DRAFTS, PAGE_PICTURE, PREVIEWS
from ..util.files import read_file
from ..util.locking import LOCK
from .incremental import CACHE, DIGESTS, PICTURE_CACHE
from .layout import LAYOUT
from .manifest import FAILED_REPORT, MANIFEST, PREFLIGHT
from .package import CHECKSUM

STAGING = ".staging"  # folder under the output root that holds builds in progress
PREVIOUS = "previous"  # suffix of the folder that holds the previous delivery during a fallback commit
REPORT = "build-report.json"  # in output/<issue>/: what the last scheduled run of the issue did
SENT = "sent.json"  # in output/<issue>/: what was sent to the bureau (`sending.ledger`), kept by every build
SCHEDULE_LOG = "scheduled.log"  # in the output folder: a line per scheduled run
CRON_LOG = "cron.log"  # what cron catches of a scheduled run's output (deploy/cron)
GITKEEP = ".gitkeep"  # the repository's, which keeps the empty output/ in a clone
ROOT_FILES = frozenset({LOCK, SCHEDULE_LOG, CRON_LOG, GITKEEP})  # files a build (or its schedule) writes there
REPORTS = (PREFLIGHT, LAYOUT)  # what a manifest lists besides the PDFs
PART = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]+\.part")  # a file being written (`atomic.atomic_file`)
TEMPORARY = re.compile(r"tmp[a-z0-9_]{8}")  # tempfile's name for a file it unlinks at once (printing)
LANGUAGE = r"[a-z]{2,3}"  # a language code, as the edition's files are named with it
BUILDING = re.compile(r"(?P<issue>.+)\.[0-9]+\.[a-z0-9_]+")  # a staging folder: <issue>.<process>.<random>
CACHED_PICTURE = re.compile(r"[0-9a-f]{32}\.(?:jpg|png|svg)")  # `placing.cache_name`
PDFTOPPM = re.compile(r"\.pdftoppm-[a-z0-9_]+")  # the preview's scratch folder, left by a killed build
NAMED = 2  # the names given in a message about a folder that holds others
MAX_RECORD = 16_000_000  # bytes: a manifest or build report larger than this is no build's


def delivered(root: Path, issue: str) -> Path:
    """Return the folder that holds the issue's delivery."""
    return root / issue


def foreign_entries(root: Path) -> list[str]:
    """The paths (relative to the output folder `root`, sorted) of what it holds that no build wrote there: a
    foreign folder is named, not what is inside it."""
    return _foreign(root, "", _root_folder(drafts=True), _root_file)


def delivery_problem(folder: Path, issue: str) -> str | None:
    """Say what keeps `folder` from being what builds leave at <output>/<issue>/; None when it is that."""
    try:
        problem, foreign = _delivery(folder, issue)
    except OSError as err:
        return f"it cannot be read ({err.strerror or err})"
    if problem is None and foreign:
        problem = f"it holds {name_some(foreign)}, which no build of {issue} delivered"
    return problem


def is_delivery(folder: Path, issue: str) -> bool:
    """Tell whether `folder` is what builds leave at <output>/<issue>/ (see `delivery_problem`)."""
    return delivery_problem(folder, issue) is None


def staging_problem(folder: Path) -> str | None:
    """Say what keeps `folder`, in <output>/.staging/, from being a build's staging folder; None when it is one."""
    try:
        foreign = _foreign(folder, "", _no_folder, _building_file(folder.name))
    except OSError as err:
        return f"it cannot be read ({err.strerror or err})"
    return f"it holds {name_some(foreign)}, which no build writes there" if foreign else None


def name_some(names: list[str]) -> str:
    """Name the first few of `names` for a message, and say how many more there are."""
    first = ", ".join(repr(name) for name in names[:NAMED])
    return first + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


# What each folder of an output folder may hold: a test of the name of each file, and for each subfolder
# the function that lists what it holds that no build wrote there (None: a folder no build makes).
FileTest = Callable[[str], object]  # any true value passes a name: a match, say
FolderRule = Callable[[Path, str], list[str]]


def _foreign(folder: Path, prefix: str, folders: Callable[[str], FolderRule | None], files: FileTest) -> list[str]:
    """The paths (after `prefix`) of the entries of `folder` that are no build's, by the rules given."""
    found = []
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda entry: entry.name):
            name, path = entry.name, prefix + entry.name
            if entry.is_symlink():
                found.append(path)
            elif entry.is_file(follow_symlinks=False):
                part = PART.fullmatch(name)
                if not (files(name) or part and files(part["name"])):
                    found.append(path)
            elif entry.is_dir(follow_symlinks=False) and (rule := folders(name)) is not None:
                found += rule(Path(entry.path), path + "/")
            else:  # a folder no build makes; a named pipe, a socket or a device
                found.append(path)
    return found


def _root_file(name: str) -> bool:
    failed = name.removesuffix(FAILED_REPORT)
    return name in ROOT_FILES or failed != name and issue_name_problem(failed) is None


def _root_folder(drafts: bool) -> Callable[[str], FolderRule | None]:
    def rule(name: str) -> FolderRule | None:
        if name == DRAFTS and drafts:  # draft builds' own output folder, which holds no drafts/ of its own
            return lambda folder, prefix: _foreign(folder, prefix, _root_folder(drafts=False), _root_file)
        if name in OWN_FOLDERS:
            return OWN_FOLDERS[name]
        if issue_name_problem(name) is None:
            return _delivery_rule(name)
        return None

    return rule


def _delivery_rule(issue: str) -> FolderRule:
    def foreign(folder: Path, prefix: str) -> list[str]:
        problem, names = _delivery(folder, issue)
        return [prefix.rstrip("/")] if problem else [prefix + name for name in names]

    return foreign


def _delivery(folder: Path, issue: str) -> tuple[str | None, list[str]]:
    """Say why `folder` as a whole is no delivery of `issue`, if it is none, and name what it holds besides a
    delivery's files (OSError when it cannot be read)."""
    listed = _listed(folder / MANIFEST, issue)
    if listed is None and os.path.lexists(folder / MANIFEST):
        return f"its {MANIFEST} is not a manifest a build of {issue} wrote", []
    if listed is None:
        report = _names_issue(folder / REPORT, issue)
        others = _foreign(folder, "", _no_folder, lambda name: name == REPORT and report)
        if others:
            return f"it holds {name_some(others)}, which no build of {issue} delivered, and no {MANIFEST}", []
        return None, []  # nothing at all, or a scheduled run's report that the issue was not ready
    own = {MANIFEST, REPORT, SENT, package_name(issue), package_name(issue) + CHECKSUM, *REPORTS} | listed
    return None, _foreign(folder, "", _no_folder, lambda name: name in own)


def _listed(manifest: Path, issue: str) -> set[str] | None:
    """The files a manifest lists when it is one a build of `issue` wrote, else None: a regular file (no link) of
    JSON, naming the issue and listing each file by its name, every one a PDF of the issue or a report."""
    record = _record(manifest)
    if record is None or record.get("issue") != issue or not isinstance(record.get("files"), list):
        return None
    names = [
        name
        for entry in record["files"]
        if isinstance(entry, dict)
        and isinstance(name := entry.get("file"), str)
        and (_pdf(name, issue) or name in REPORTS)
    ]
    return set(names) if len(names) == len(record["files"]) else None


def _pdf(name: str, issue: str) -> bool:
    return (
        re.fullmatch(rf"{re.escape(FILE_PREFIX)}-{re.escape(issue)}-{LANGUAGE}-(?:{'|'.join(VARIANTS)})\.pdf", name)
        is not None
    )


def _names_issue(path: Path, issue: str) -> bool:
    """Tell whether `path` is a record a build wrote (a manifest, a build report) of `issue`."""
    record = _record(path)
    return record is not None and record.get("issue") == issue


def _record(path: Path) -> dict | None:
    """The JSON object a regular file (not a link) holds, or None."""
    if os.path.islink(path):
        return None
    try:
        data = read_file(path, MAX_RECORD)  # never waits on a named pipe
        record = json.loads(data.decode("utf-8")) if len(data) <= MAX_RECORD else None
    except (OSError, ValueError, RecursionError):
        return None
    return record if isinstance(record, dict) else None


def _building_file(name: str) -> FileTest:
    """What the staging folder `name` (<issue>.<process>.<random>) may hold: a delivery's files, whole or being
    written, kept from the delivery or (after the swap) the previous delivery's."""
    match = BUILDING.fullmatch(name)
    issue = match["issue"] if match else name
    own = {MANIFEST, REPORT, SENT, package_name(issue), package_name(issue) + CHECKSUM, *REPORTS}
    return lambda file: file in own or _pdf(file, issue) or TEMPORARY.fullmatch(file) is not None


def _staging_folder(name: str) -> FolderRule | None:
    match = BUILDING.fullmatch(name)
    if match and issue_name_problem(match["issue"]) is None:
        return lambda folder, prefix: _foreign(folder, prefix, _no_folder, _building_file(name))
    previous = name.removesuffix(f".{PREVIOUS}")
    if previous != name and issue_name_problem(previous) is None:  # a delivery a commit moved aside
        return _delivery_rule(previous)
    return None


def _preview_folder(name: str) -> FolderRule | None:
    if issue_name_problem(name) is not None:
        return None
    return lambda folder, prefix: _foreign(
        folder, prefix, _preview_language, lambda file: re.fullmatch(LANGUAGE + re.escape(CONTACT_SHEET), file)
    )


def _preview_language(name: str) -> FolderRule | None:
    if not re.fullmatch(LANGUAGE, name):
        return None
    return lambda folder, prefix: _foreign(folder, prefix, _scratch, PAGE_PICTURE.fullmatch)


def _scratch(name: str) -> FolderRule | None:
    return (
        (lambda folder, prefix: _foreign(folder, prefix, _no_folder, PAGE_PICTURE.fullmatch))
        if PDFTOPPM.fullmatch(name)
        else None
    )


def _no_folder(_name: str) -> None:
    return None


def _holding(folders: dict[str, FolderRule], files: FileTest) -> FolderRule:
    return lambda folder, prefix: _foreign(folder, prefix, folders.get, files)


OWN_FOLDERS: dict[str, FolderRule] = {  # the output folder's folders that builds alone write into
    CACHE: _holding(
        {PICTURE_CACHE.removeprefix(f"{CACHE}/"): _holding({}, CACHED_PICTURE.fullmatch)},
        lambda name: name == DIGESTS.removeprefix(f"{CACHE}/"),
    ),
    STAGING: lambda folder, prefix: _foreign(folder, prefix, _staging_folder, lambda name: False),
    PREVIEWS: lambda folder, prefix: _foreign(folder, prefix, _preview_folder, lambda name: False),
}
