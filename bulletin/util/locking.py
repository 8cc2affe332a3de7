"""One build at a time in an output folder, with a lock that a dead process cannot leave behind.

The lock is an advisory flock(2) on <output>/.lock. The kernel releases it when the process
that holds it ends, however it ends (SIGKILL, an out-of-memory kill, a power cut), so a lock
is never obeyed forever: the next run takes it at once. The file records who holds the lock
(process id, what it is doing, since when), so that a refused run can say who is in the way,
and a run that finds the record of a holder that ended without clearing it says that it
recovered the lock. The scheduled run and every build into an output folder take the lock;
nothing else does (the commands that only read content need none). A build refuses at once
when the lock is held; the scheduled run waits for it a while, since on its day an editor's
build may well be running, and nobody is there to start it again.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from .errors import BuildError, BulletinError, display_path

LOCK = ".lock"  # the lock file's name in the output folder
POLL = 1.0  # seconds between two tries while waiting for the lock

LOG = logging.getLogger("bulletin")
_HELD: set[tuple[int, str]] = set()  # the output folders whose lock this process holds, with its pid


class Busy(BulletinError):
    """Another build holds the output folder's lock."""

    category = "busy"
    exit_status = 4


@contextmanager
def hold_lock(root: Path, purpose: str, wait: float = 0, again: bool = False) -> Iterator[None]:
    """Hold the lock of the output folder `root` while the block runs; Busy when another process
    holds it and keeps it longer than `wait` seconds.

    `purpose` says what this process does with the folder, such as "scheduled run for 2022-H2".
    With `again`, a process that holds the lock already (the scheduled run, which then builds) goes on
    under it; without, it is refused like any other.
    """
    key = (os.getpid(), os.path.realpath(root))
    if again and key in _HELD:
        yield
        return
    path = root / LOCK
    handle, writable = _open(root, path)
    try:
        _take(handle, root, wait)
        left = _read(handle)
        if left:  # whoever wrote this holds the lock no more, yet never cleared it: it died
            LOG.warning(
                "recovered the lock of %s: %s, which ended without releasing it%s",
                display_path(root),
                _describe(left),
                "" if writable else f" (only the owner of {display_path(path)} can clear its record)",
            )
        if writable:
            _write(
                handle,
                {"pid": os.getpid(), "purpose": purpose, "since": datetime.now(UTC).isoformat(timespec="seconds")},
            )
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            if writable:
                os.ftruncate(handle, 0)  # a cleared record tells the next holder that this one ended well
    finally:
        os.close(handle)  # closing releases the flock


def _open(root: Path, path: Path) -> tuple[int, bool]:
    """Open the lock file, made if need be; read-only where another user made it (flock needs no more)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o664), True
    except OSError as err:
        if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and path.is_file():
            try:
                return os.open(path, os.O_RDONLY), False
            except OSError:
                pass
        raise BuildError(f"cannot lock {display_path(root)}: {display_path(path)}: {err.strerror or err}") from err


def _take(handle: int, root: Path, wait: float) -> None:
    """Take the flock, trying again for up to `wait` seconds; Busy when it stays taken."""
    deadline = time.monotonic() + wait
    announced = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _describe(_read(handle))
            if time.monotonic() >= deadline:
                waited = f" (waited {wait / 60:g} min)" if wait else ""
                raise Busy(
                    f"{display_path(root)} is in use by {holder}{waited}; nothing was done."
                    " Run again once it has finished."
                ) from None
            if not announced:
                LOG.info("waiting up to %g min for %s, in use by %s", wait / 60, display_path(root), holder)
                announced = True
            time.sleep(min(POLL, max(deadline - time.monotonic(), 0)))


def _read(handle: int) -> dict:
    """Return the record of the lock's holder, or {} when there is none (or it cannot be read)."""
    os.lseek(handle, 0, os.SEEK_SET)
    try:
        record = json.loads(os.read(handle, 4096).decode("utf-8") or "{}")
    except (ValueError, UnicodeDecodeError):
        return {"purpose": "an unknown process"}
    return record if isinstance(record, dict) else {"purpose": "an unknown process"}


def _write(handle: int, record: dict) -> None:
    """Replace the lock file's record with `record`."""
    os.ftruncate(handle, 0)
    os.lseek(handle, 0, os.SEEK_SET)
    os.write(handle, json.dumps(record).encode("utf-8") + b"\n")


def _describe(record: dict) -> str:
    """Say who holds (or held) the lock, as far as its record tells."""
    if not record:
        return "another process"
    parts = [str(record.get("purpose", "another build"))]
    if "pid" in record:
        parts.append(f"process {record['pid']}")
    if "since" in record:
        parts.append(f"since {record['since']}")
    return ", ".join(parts)
