"""Fingerprints of a delivery: what its files are, what they were made from, and with which tools.

A file is known by its SHA-256 and size; the inputs of an issue (its folder, and the project's
templates, catalogs, settings and code) by one SHA-256 over each file's relative path and
digest; the tools by their versions. The manifest records all three, and the scheduled build
compares them with the present ones to tell whether a delivery is still current. This module
only reads files and asks programs their versions; it loads nothing of the rendering engine,
so that a scheduled run that finds nothing to do answers at once.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .errors import BuildError, display_path

# Distribution name in importlib.metadata for each library that shapes the files' bytes.
LIBRARIES = ("weasyprint", "pydyf", "pillow", "fonttools", "babel", "jinja2", "pikepdf")
# External programs: name in the manifest -> command that prints the version on its first line.
PROGRAMS = {"qpdf": ("qpdf", "--version"), "poppler": ("pdftotext", "-v")}
# Debian packages whose version shapes the files: text layout, font subsetting, typefaces, profile.
DEBIAN_PACKAGES = ("libpango-1.0-0", "libharfbuzz-subset0", "fonts-noto-core", "libgs-common")
# The project's own inputs besides the issue: folders (every file but compiled catalogs) and files.
PROJECT_FOLDERS = ("templates", "translations")
PROJECT_FILES = ("babel.cfg", "pyproject.toml")


@dataclass(frozen=True)
class Inputs:
    """Every file that shapes an issue's PDFs, each by its SHA-256."""

    issue: dict[str, str]  # path relative to the issue folder -> SHA-256
    project: dict[str, str]  # path relative to the project (templates/, translations/, bulletin/...) -> SHA-256

    @property
    def digest(self) -> str:
        """One SHA-256 for all of them; each part is relative to its own folder, so no checkout path counts."""
        return hashlib.sha256(f"{combine(self.issue)}:{combine(self.project)}".encode()).hexdigest()


def read_inputs(folder: Path, project: Path) -> Inputs:
    """Fingerprint the files of the issue in `folder` and those of the project that shape its PDFs.

    The settings of each PDF are recorded beside it (`made_with`), the tools' versions apart.
    """
    issue_files = files_under(folder)
    project_files = [path for name in PROJECT_FOLDERS for path in files_under(project / name) if path.suffix != ".mo"]
    project_files += [project / name for name in PROJECT_FILES] + sorted((project / "bulletin").glob("*.py"))
    return Inputs(digest_files(issue_files, folder), digest_files(project_files, project))


def files_under(folder: Path) -> list[Path]:
    """Every file under `folder` but those whose names start with a dot; BuildError when a folder cannot be
    read, since a file left out would make changed inputs look unchanged."""
    def refuse(err: OSError) -> None:
        raise BuildError(f"cannot read the input folder {display_path(Path(err.filename or folder))}:"
                         f" {err.strerror or err}") from err

    return [Path(directory, name) for directory, _folders, names in os.walk(folder, onerror=refuse)
            for name in sorted(names) if not name.startswith(".") and os.path.isfile(os.path.join(directory, name))]


def digest_files(files: Iterable[Path], base: Path) -> dict[str, str]:
    """Return the SHA-256 of each file by its path relative to `base`, in POSIX form."""
    base = Path(os.path.abspath(base))
    digests = {}
    for path in files:
        name = Path(os.path.abspath(path)).relative_to(base).as_posix()
        try:
            digests[name] = file_entry(Path(path))["sha256"]
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
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
    return {"file": path.name, "size": size, "sha256": digest.hexdigest()}


def tool_versions() -> dict[str, str]:
    """Versions of what made the files: Python, the libraries, qpdf, poppler and the Debian packages."""
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    for name, command in PROGRAMS.items():
        versions[name] = _program_version(command)
    for name in DEBIAN_PACKAGES:
        versions[name] = _debian_version(name)
    return versions


def _debian_version(package: str) -> str:
    """Return the installed version of a Debian package, or 'missing' (also where there is no dpkg)."""
    try:
        result = subprocess.run(("dpkg-query", "-W", "-f=${Version}", package), capture_output=True, text=True,
                                timeout=30)
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
