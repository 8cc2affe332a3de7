"""The printing bureau's package: one zip of an issue's print files with its manifest, and its checksum.

The package is written reproducibly (the same members give the same bytes: sorted, with fixed
times and permissions), with a `.sha256` file beside it in the form `sha256sum -c` reads. Whether
a delivered package is still the one its checksum names and holds the delivery's current print
files is asked by the incremental build and by the scheduled run alike (`package_gaps`).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path

from ..model import package_name
from ..util.atomic import atomic_file, describe_os_error, write_atomically
from ..util.errors import BuildError, display_path
from ..util.files import read_file
from ..util.fingerprints import file_entry
from .manifest import MANIFEST, PREFLIGHT

CHECKSUM = ".sha256"  # suffix of the file that holds the package's SHA-256, beside it
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold: no build's clock leaks in
ZIP_MODE = 0o100644  # a regular file, rw-r--r--, whoever's umask built it


def write_package(staging: Path, name: str, members: list[Path]) -> Path:
    """Write a zip `name` into the staging folder holding `members` (files in the staging folder) under their
    names; reproducible: sorted members, fixed timestamp 1980-01-01 00:00:00, fixed permissions 0o644,
    ZIP_DEFLATED, no extra fields, so the same members give identical bytes."""
    folder = Path(os.path.abspath(staging))
    outside = [str(path) for path in members if Path(os.path.abspath(path)).parent != folder]
    names = [Path(path).name for path in members]
    if outside or len(set(names)) != len(names) or name in names or "/" in name:
        raise BuildError(
            f"package {name}: members must be distinct files of the staging folder other than"
            f" the package itself: {', '.join(outside) or ', '.join(sorted(names))}"
        )
    target = staging / name
    try:
        with atomic_file(target) as file, zipfile.ZipFile(file, "w") as package:
            for path in sorted(members, key=lambda path: Path(path).name):
                package.writestr(_zip_info(Path(path).name), Path(path).read_bytes())
    except OSError as err:
        raise BuildError(f"cannot write {display_path(target)}: {describe_os_error(err)}") from err
    return target


def write_checksum(path: Path) -> Path:
    """Write `<name>.sha256` beside a file of the staging folder, as sha256sum writes it, so that the
    printing bureau can check the package it received (`sha256sum -c`); return its path."""
    target = path.with_name(path.name + CHECKSUM)
    try:
        write_atomically(target, f"{file_entry(path)['sha256']}  {path.name}\n".encode())
    except OSError as err:
        raise BuildError(f"cannot write {display_path(target)}: {describe_os_error(err)}") from err
    return target


def _zip_info(name: str) -> zipfile.ZipInfo:
    """Return a zip entry whose header depends on nothing but the name."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, on any machine, so the permissions below mean the same
    info.external_attr = ZIP_MODE << 16
    info.extra = b""
    return info


def package_gaps(folder: Path, issue: str, prints: list[str]) -> list[str]:
    """Say what is wrong with the printing bureau's package: it must be the one its checksum file
    names, and hold this delivery's print files and manifest."""
    name = package_name(issue)
    path = folder / name
    try:
        recorded = read_file(folder / (name + CHECKSUM)).decode("utf-8").split()
        if recorded != [file_entry(path)["sha256"], name]:
            return [f"{name} is not the package its checksum {name}{CHECKSUM} names"]
        with zipfile.ZipFile(path) as package:
            members = {info.filename: info.file_size for info in package.infolist()}
            same_manifest = package.read(MANIFEST) == read_file(folder / MANIFEST)
    # A damaged member can fail to inflate (zlib.error), name a method zipfile lacks or be encrypted.
    except (
        OSError,
        UnicodeDecodeError,
        KeyError,
        EOFError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
        zipfile.BadZipFile,
    ):
        return [f"{name} or its checksum {name}{CHECKSUM} is missing or unreadable"]
    if (
        set(members) != set(prints) | {MANIFEST, PREFLIGHT}
        or not same_manifest
        or any(members[member] != _size(folder / member) for member in prints)
    ):
        return [f"{name} does not hold this delivery's print files"]
    return []


def _size(path: Path) -> int | None:
    """The size of a file, or None when there is none."""
    try:
        return path.stat().st_size
    except OSError:
        return None
