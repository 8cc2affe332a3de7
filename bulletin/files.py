"""Reading files without waiting on them: only a regular file is ever opened for reading.

A path where a file is expected may hold something else: a folder, a named pipe (FIFO), a
socket or a device. Opening a named pipe for reading waits until something writes to it, that
is forever, and opening a device can have effects of its own; so each reader of the pipeline's
files asks here first. The kind of the path is checked (links followed) before it is opened, and
the file is opened without blocking and checked again on its descriptor, so that a pipe put in
its place between the two checks is refused too. What the path is instead is said in an editor's
words ("a folder", "a named pipe (FIFO)"), for the messages of the readers; what is not there at
all is the reader's to say ("missing").
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

KINDS = {  # what a path is when it is not a regular file, as messages say it
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFLNK: "a symbolic link",
}


class NotAFile(OSError):
    """The path exists but is not a regular file; `kind` says what it is ("a folder"...)."""

    def __init__(self, path: Path | str, kind: str):
        super().__init__(errno.EINVAL, f"is {kind}, not a file", os.fspath(path))
        self.kind = kind


def kind_of(mode: int) -> str | None:
    """Say what a file mode stands for when it is not a regular file, such as "a folder"; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def not_a_file(path: Path | str) -> str | None:
    """Say what `path` is (links followed) when it exists but is not a regular file; None for a regular file,
    or when there is nothing there or it cannot be looked at (the reader then says so)."""
    try:
        return kind_of(os.stat(path).st_mode)
    except (OSError, ValueError):  # absent, a loop of links, a name too long or holding a null character
        return None


def open_file(path: Path | str) -> BinaryIO:
    """Open a regular file for reading in binary; NotAFile, before it is opened, when it is anything else."""
    kind = kind_of(os.stat(path).st_mode)
    if kind is not None:
        raise NotAFile(path, kind)
    # O_NONBLOCK: were a named pipe put here since the check, opening it returns at once (and is refused below).
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        kind = kind_of(os.fstat(handle).st_mode)
        if kind is not None:
            raise NotAFile(path, kind)
        os.set_blocking(handle, True)
        return os.fdopen(handle, "rb")
    except BaseException:
        os.close(handle)
        raise


def read_file(path: Path | str, limit: int | None = None) -> bytes:
    """Return the bytes of a regular file (NotAFile for anything else); with `limit`, at most limit + 1 of
    them, so that the caller can tell a file over the limit without reading it whole."""
    with open_file(path) as file:
        return file.read(-1 if limit is None else limit + 1)
