"""Reading files without waiting on them: only a regular file is ever opened for reading.

A path where a file is expected may hold something else: a folder, a named pipe (FIFO), a
socket or a device. Opening a named pipe for reading waits until something writes to it, that
is forever, and opening a device can have effects of its own; so each reader of the pipeline's
files asks here first. The kind of the path is checked (links followed) before it is opened, and
the file is opened without blocking and checked again on its descriptor, so that a pipe put in
its place between the two checks is refused too. What the path is instead is said in an editor's
words ("a folder", "a named pipe (FIFO)"), for the messages of the readers; what is not there at
all is the reader's to say ("missing").

The files the project and its operator provide (the templates, the stylesheet, the fonts, the
colour profile) are read through `read_project_file`, which also bounds their size before reading
(a profile given as /dev/zero, or a file of gigabytes, would fill the memory) and stops the build
with a message naming the file (`ProjectFileError`) where anything else would hang or crash.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from .errors import BuildError, display_path

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


class ProjectFileError(BuildError):
    """A file of the project or of its operator (a template, the stylesheet, a font, the colour profile) cannot
    be read: not a regular file, too large, or unreadable."""

    category = "error"


def check_project_file(path: Path, what: str, limit: int) -> None:
    """Stop (ProjectFileError naming `what` and the file) unless `path` is a regular file of at most `limit`
    bytes, without opening it."""
    try:
        status = os.stat(path)
    except (OSError, ValueError) as err:  # missing, a loop of links, a name too long
        said = (
            "is a loop of symbolic links"
            if getattr(err, "errno", None) == errno.ELOOP
            else getattr(err, "strerror", None) or str(err)
        )
        raise ProjectFileError(f"{what} {display_entry(path)}: {said}") from err
    kind = kind_of(status.st_mode)
    if kind is not None:
        raise ProjectFileError(f"{what} {display_entry(path)}: is {kind}, not a file; put the file itself there")
    if status.st_size > limit:
        raise ProjectFileError(
            f"{what} {display_entry(path)}: is {status.st_size:,} bytes, more than any {what}"
            f" takes (at most {limit:,}); give the right file"
        )


def read_project_file(path: Path, what: str, limit: int) -> bytes:
    """Return the bytes of a file of the project or its operator, checked first (`check_project_file`)."""
    check_project_file(path, what, limit)
    try:
        data = read_file(path, limit)
    except OSError as err:  # swapped for something else since the check, or unreadable
        raise ProjectFileError(f"{what} {display_entry(path)}: {err.strerror or err}") from err
    if len(data) > limit:  # grew since the check
        raise ProjectFileError(
            f"{what} {display_entry(path)}: is more than {limit:,} bytes, more than any {what}"
            " takes; give the right file"
        )
    return data


def read_project_text(path: Path, what: str, limit: int) -> str:
    """Return the text of a file of the project (UTF-8), read as `read_project_file` reads it."""
    try:
        return read_project_file(path, what, limit).decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProjectFileError(
            f"{what} {display_entry(path)}: is not UTF-8 text (byte {err.start}); save it as UTF-8"
        ) from err


def display_entry(path: Path) -> str:
    """Show `path` as display_path shows its folder, its own name as it is: a link there is not followed (it may
    lead elsewhere, or nowhere)."""
    folder = display_path(Path(path).parent)
    return Path(path).name if folder == "." else os.path.join(folder, Path(path).name)
