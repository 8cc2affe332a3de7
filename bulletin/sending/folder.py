"""A local or mounted folder as the bureau's destination (a hot folder on a share): `file:///path`.

The folder must exist: a share that is not mounted leaves an empty mount point, and a package
written there would reach nobody, so nothing creates it. A file is written under a temporary name
(`.<name>.<random>.part`, which hot folders pass over), flushed to disk, then given its name in one
step: a hard link, which never replaces a file, or a rename over the old one when asked to replace.
Where the share cannot link, a rename after checking that the name is free.

What a share does when its server goes away (EIO, a stale handle, a timeout) may mend and is tried
again; a full disk, a quota or a folder that may not be written will not, and is said at once.
"""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from ..util.atomic import sync_dir
from .destinations import Destination, Dropped, NotSent, Watch, copy_watched

CHUNK = 1 << 20  # bytes copied, and read back, at a time
# The errors of a share whose server went away, or of a disk failing: a next try may mend them.
PASSING = frozenset({errno.EIO, errno.ESTALE, errno.ETIMEDOUT, errno.ENOTCONN, errno.EHOSTDOWN, errno.ECONNRESET})
NO_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS})


class FolderPlace:
    """A folder of this machine, or of a share mounted on it, opened for sending."""

    def __init__(self, destination: Destination) -> None:
        self.destination = destination
        self.folder = Path(destination.path)
        if not self.folder.is_dir():
            raise NotSent(
                f"{destination}: no such folder: when it is on a share, mount the share first; nothing is created"
                " here, since a package written into an unmounted share's mount point would reach nobody"
            )

    def names(self) -> list[str]:
        try:
            return sorted(os.listdir(self.folder))
        except OSError as err:
            raise self._failure("cannot list the folder", err) from err

    def digest(self, name: str) -> tuple[int, str | None] | None:
        path = self.folder / name
        try:
            with path.open("rb") as file:
                summary = hashlib.sha256()
                size = 0
                while chunk := file.read(CHUNK):
                    summary.update(chunk)
                    size += len(chunk)
        except FileNotFoundError:
            return None
        except PermissionError:  # a drop box: what is written there may not be read back
            try:
                return path.stat().st_size, None
            except OSError as err:
                raise self._failure(f"cannot see {name}", err) from err
        except OSError as err:
            raise self._failure(f"cannot read {name} back", err) from err
        return size, summary.hexdigest()

    def upload(self, source: BinaryIO, temporary: str, size: int, watch: Watch | None) -> None:
        path = self.folder / temporary
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(handle, "wb") as file:
                copy_watched(source, file.write, size, watch, CHUNK)
                file.flush()
                os.fsync(file.fileno())
        except OSError as err:
            raise self._failure(f"cannot write {temporary}", err) from err

    def rename(self, temporary: str, name: str, replace: bool) -> None:
        source, target = self.folder / temporary, self.folder / name
        try:
            if replace:
                os.replace(source, target)
            else:
                try:
                    os.link(source, target)  # fails with EEXIST rather than replace the bureau's file
                except OSError as err:
                    if err.errno not in NO_LINKS:
                        raise
                    if os.path.lexists(target):
                        raise FileExistsError(errno.EEXIST, "File exists", str(target)) from err
                    os.rename(source, target)
                else:
                    os.unlink(source)
            sync_dir(self.folder)
        except FileExistsError as err:
            raise NotSent(
                f"{self.destination}: {name} appeared there while it was being sent; it is left alone"
            ) from err
        except OSError as err:
            raise self._failure(f"cannot name {name}", err) from err

    def remove(self, name: str) -> None:
        try:
            os.unlink(self.folder / name)
        except FileNotFoundError:
            pass
        except OSError as err:
            raise self._failure(f"cannot remove {name}", err) from err

    def close(self) -> None:
        """Nothing to close: each file is closed when written."""

    def _failure(self, what: str, err: OSError) -> Exception:
        """The error of a file operation: one that may pass (Dropped), or one that will not (NotSent)."""
        message = f"{self.destination}: {what}: {err.strerror or err}"
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            message += " (the bureau's disk is full, or its quota used up)"
        elif err.errno == errno.EROFS:
            message += " (the folder is on a read-only file system, or a share mounted read-only)"
        elif err.errno in (errno.EACCES, errno.EPERM):
            message += " (this user must be allowed to list the folder, write into it and rename what it wrote)"
        return Dropped(message) if err.errno in PASSING else NotSent(message)
