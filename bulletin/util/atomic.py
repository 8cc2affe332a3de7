"""Writing files whole or not at all, and flushing them to disk.

Every file the pipeline writes (PDFs, pictures prepared for print, reports, catalogs, caches) goes
through `atomic_file`: written beside its target, unnamed where the kernel allows, flushed, then
renamed over the target in one step. A reader, a hot folder or a killed build never sees half a
file. The swap of a whole delivery (`delivery`) builds on the same flushes.
"""

from __future__ import annotations

import errno
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from . import steps


@contextmanager
def atomic_file(target: Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """Open a file beside `target` for writing; when the block ends, flush it to disk, give it `mode` and
    rename it over `target` in one step. On an error `target` stays as it was, so nothing ever sees half a file.

    Where the kernel can (Linux), the file has no name at all while it is written (O_TMPFILE): a process killed
    in the middle leaves nothing behind. It is named, under a temporary name, only once whole and on disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _open_unnamed(target.parent), None
    if handle is None:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            yield file
            steps.reached("file written", target)
            file.flush()
            os.fsync(file.fileno())
            if temporary is None:
                temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.part"
                _name(file.fileno(), temporary)
        os.chmod(temporary, mode)
        steps.reached("file on disk", target)
        os.replace(temporary, target)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise


def _name(handle: int, path: Path) -> None:
    """Give the unnamed file open as `handle` the name `path` (linkat through /proc, following the link: with
    a folder handle given, os.link calls linkat and not link, which would link the /proc entry itself)."""
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(f"/proc/self/fd/{handle}", path.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _open_unnamed(folder: Path) -> int | None:
    """Open a new file without a name in `folder`, or return None where the system or the file system has none."""
    if not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"):  # naming it later needs /proc
        return None
    try:
        return os.open(folder, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError as err:
        if err.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise


def write_atomically(target: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to `target` through a temporary file in the same folder, then rename (`atomic_file`)."""
    with atomic_file(target, mode) as file:
        file.write(data)


def sync_tree(folder: Path) -> None:
    """Flush a folder's files and subfolders to disk, so the swap never exposes unwritten data."""
    for directory, _, files in os.walk(folder):
        for name in files:
            _sync_path(os.path.join(directory, name))
        sync_dir(Path(directory))


def sync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, new names) to disk."""
    _sync_path(os.fspath(folder))


def _sync_path(path: str) -> None:
    """fsync one file or folder, best effort: some file systems refuse, and nothing depends on it."""
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def describe_os_error(err: OSError) -> str:
    """Say in an editor's words why a file operation failed."""
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"output folder is read-only ({err.strerror})"
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full ({err.strerror})"
    return err.strerror or str(err)
