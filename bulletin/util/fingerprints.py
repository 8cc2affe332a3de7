"""Fingerprints of a delivery: what its files are, what they were made from, and with which tools.

A file is known by its SHA-256 and size; the inputs of an issue (its folder, and the project's
templates, catalogs, settings and code) by one SHA-256 over each file's relative path and
digest; the tools by their versions. The manifest records all three, and the scheduled build
compares them with the present ones to tell whether a delivery is still current. This module
only reads files and asks programs their versions; it loads nothing of the rendering engine,
so that a scheduled run that finds nothing to do answers at once.

Hashing every picture of an issue on every run would cost more than the answer is worth: a
`DigestCache` remembers each file's SHA-256 with its size, time of change and inode, and
hashes again only a file whose stat differs (as make and git trust a file's stat).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sysconfig
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from .atomic import write_atomically
from .errors import BuildError, display_path, lies_within
from .files import open_file, read_file

# Distribution name in importlib.metadata for each library that shapes the files' bytes.
LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "cssselect2",
    "tinyhtml5",
    "pyphen",
    "pillow",
    "fonttools",
    "babel",
    "jinja2",
    "markdown-it-py",
    "pikepdf",
)
# External programs: name in the manifest -> command that prints the version on its first line.
PROGRAMS = {"qpdf": ("qpdf", "--version"), "poppler": ("pdftotext", "-v")}
# Debian packages whose version shapes the files: text layout, font subsetting, typefaces, the printing
# conditions' profiles (their data and colprof), and Ghostscript (PDF/X-1a).
DEBIAN_PACKAGES = (
    "libpango-1.0-0",
    "libharfbuzz-subset0",
    "fonts-noto-core",
    "icc-profiles-free",
    "argyll",
    "ghostscript",
)
DPKG_STATUS = "/var/lib/dpkg/status"  # changes whenever a Debian package is installed or removed
# The project's own inputs besides the issue: folders (every file but compiled catalogs) and files.
PROJECT_FOLDERS = ("templates", "translations")
PROJECT_FILES = ("babel.cfg", "pyproject.toml")
SETTLED = 2.0  # seconds since a file's last change before its digest is remembered: a write within the
# same tick of the clock could otherwise leave a changed file with the stat it had when it was hashed
_Value = TypeVar("_Value")  # what a cache entry holds: the cache gives back what was computed


@dataclass(frozen=True)
class Inputs:
    """Every file that shapes an issue's PDFs, each by its SHA-256."""

    issue: dict[str, str]  # path relative to the issue folder -> SHA-256
    project: dict[str, str]  # path relative to the project (templates/, translations/, bulletin/...) -> SHA-256

    @property
    def digest(self) -> str:
        """One SHA-256 for all of them; each part is relative to its own folder, so no checkout path counts."""
        return hashlib.sha256(f"{combine(self.issue)}:{combine(self.project)}".encode()).hexdigest()


class DigestCache:
    """SHA-256 digests of files, remembered by stat in a JSON file (none: remembered for this run only).

    Entries are keyed by a name that says what the file is (such as "issue:2022-H2/az.yaml"),
    never by where this checkout is; a file is hashed again when its size, times of change,
    inode or device differ from those remembered.
    """

    def __init__(self, path: Path | None = None):
        self.path = path
        self.entries: dict[str, list] = {}
        self.changed = False
        if path is not None:
            try:
                loaded = json.loads(read_file(path).decode("utf-8"))
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError, RecursionError):  # none yet, or damaged: everything is hashed again
                self.entries = {}

    def digest(self, path: Path, key: str) -> str:
        """Return the SHA-256 of `path`, hashing it only when its stat is not the one remembered under `key`."""
        stat = path.stat()
        settled = time.time() - stat.st_mtime > SETTLED
        return self.recall(key, _signature(stat), lambda: file_entry(path)["sha256"], remember=settled)

    def learn(self, path: Path, key: str, digest: str) -> None:
        """Remember the digest of a file this process has just written, and knows the digest of."""
        self.entries[key] = _signature(path.stat()) + [digest]
        self.changed = True

    def recall(self, key: str, signature: list, compute: Callable[[], _Value], remember: bool = True) -> _Value:
        """Return the value remembered under `key` with this `signature`, or compute (and remember) it."""
        known = self.entries.get(key)
        if isinstance(known, list) and len(known) == len(signature) + 1 and known[:-1] == signature:
            return known[-1]
        value = compute()
        if remember:
            self.entries[key] = signature + [value]
            self.changed = True
        return value

    def keep_only(self, prefix: str, keys: Iterable[str]) -> None:
        """Forget the entries under `prefix` other than `keys`: files that are gone, or no longer delivered."""
        kept = set(keys)
        gone = [key for key in self.entries if key.startswith(prefix) and key not in kept]
        for key in gone:
            del self.entries[key]
        self.changed |= bool(gone)

    def save(self) -> None:
        """Write what was learnt; a cache that cannot be written only costs hashing next time."""
        if self.path is None or not self.changed:
            return
        try:
            write_atomically(self.path, json.dumps(self.entries, sort_keys=True).encode("utf-8"))
            self.changed = False
        except OSError:
            pass


def _signature(stat: os.stat_result) -> list[int]:
    # The time of the last change of the inode, which no one can set back (cp -p and touch set the mtime).
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def read_inputs(folder: Path, project: Path, cache: DigestCache | None = None) -> Inputs:
    """Fingerprint the files of the issue in `folder` and those of the project that shape its PDFs.

    The settings of each PDF are recorded beside it (`made_with`), the tools' versions apart.
    """
    cache = cache or DigestCache()
    # A link out of the issue is never read, not even to fingerprint it: validation refuses it where it is used.
    # (os.walk does not enter linked folders, so only a file that is itself a link can lead out.)
    issue_files = [path for path in files_under(folder) if not path.is_symlink() or lies_within(path, folder)]
    project_files = [path for name in PROJECT_FOLDERS for path in files_under(project / name) if path.suffix != ".mo"]
    project_files += [project / name for name in PROJECT_FILES] + sorted((project / "bulletin").rglob("*.py"))
    inputs = Inputs(
        digest_files(issue_files, folder, cache, f"issue:{folder.name}/"),
        digest_files(project_files, project, cache, "project:"),
    )
    cache.keep_only(f"issue:{folder.name}/", (f"issue:{folder.name}/{name}" for name in inputs.issue))
    cache.keep_only("project:", (f"project:{name}" for name in inputs.project))
    return inputs


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder` but those whose names start with a dot; BuildError when a folder cannot be
    read, since a file left out would make changed inputs look unchanged."""

    def refuse(err: OSError) -> None:
        raise BuildError(
            f"cannot read the input folder {display_path(Path(err.filename or folder))}: {err.strerror or err}"
        ) from err

    return [
        Path(directory, name)
        for directory, _folders, names in os.walk(folder, onerror=refuse)
        for name in sorted(names)
        if not name.startswith(".") and os.path.isfile(os.path.join(directory, name))
    ]


def digest_files(files: Iterable[Path], base: Path, cache: DigestCache | None = None, kind: str = "") -> dict[str, str]:
    """Return the SHA-256 of each file by its path relative to `base`, in POSIX form (remembered in
    `cache` under that path after `kind`)."""
    base = Path(os.path.abspath(base))
    cache = cache or DigestCache()
    digests = {}
    for path in files:
        name = Path(os.path.abspath(path)).relative_to(base).as_posix()
        try:
            digests[name] = cache.digest(Path(path), kind + name)
        except OSError as err:
            raise BuildError(f"cannot read the input {display_path(path)}: {err.strerror or err}") from err
    return dict(sorted(digests.items()))


def combine(digests: dict[str, str]) -> str:
    """Return one SHA-256 over names and digests, sorted; lengths delimit each name, so no two sets run together.

    The same files give the same hash on any machine, wherever the checkout is.
    """
    digest = hashlib.sha256()
    for name, value in sorted(digests.items()):
        encoded = name.encode("utf-8")
        digest.update(b"%d:%s%s;" % (len(encoded), encoded, value.encode("ascii")))
    return digest.hexdigest()


def file_entry(path: Path) -> dict:
    """Describe a delivered file for the manifest: name, size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with open_file(path) as file:  # a named pipe in the place of a file is refused (NotAFile), not waited on
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"file": path.name, "size": size, "sha256": digest.hexdigest()}


def tool_versions(cache: DigestCache | None = None) -> dict[str, str]:
    """Versions of what made the files: Python, the libraries, qpdf, poppler and the Debian packages.

    Asking the programs and dpkg, and reading the libraries' metadata, takes a tenth of a second;
    with a `cache` it is done again only when a Debian package, a program or a Python package
    was installed, upgraded or removed since.
    """
    if cache is None:
        return _versions()
    return cache.recall("tools", _system_signature(), _versions)


def _versions() -> dict[str, str]:
    from importlib import metadata  # a few hundredths of a second to load: only when the versions are asked

    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    versions |= {name: _program_version(command) for name, command in PROGRAMS.items()}
    return versions | {name: _debian_version(name) for name in DEBIAN_PACKAGES}


def _system_signature() -> list:
    """What changes when a program, a Debian package or a Python package is installed, upgraded or removed."""
    signature: list = [platform.python_version()]
    # Installing or removing a Python package adds or removes its folder in site-packages.
    folders = sorted({sysconfig.get_paths()[kind] for kind in ("purelib", "platlib")})
    for location in folders + [DPKG_STATUS] + [shutil.which(command[0]) for command in PROGRAMS.values()]:
        try:
            signature += _signature(os.stat(location)) if location else ["missing"]
        except OSError:
            signature.append("missing")
    return signature


def _debian_version(package: str) -> str:
    """Return the installed version of a Debian package, or 'missing' (also where there is no dpkg)."""
    try:
        result = subprocess.run(
            ("dpkg-query", "-W", "-f=${Version}", package), capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else "missing"


def _program_version(command: tuple[str, ...]) -> str:
    """Return the version number on the first line a program prints, or 'missing'."""
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "missing"
    # pdftotext prints its version on stderr, qpdf on stdout.
    lines = (result.stdout + result.stderr).strip().splitlines()
    found = re.search(r"\d+(?:\.\d+)+", lines[0]) if lines else None
    return found.group(0) if found else "unknown"
