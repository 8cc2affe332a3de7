"""Delivery stage: make a build's files the issue's delivery in output/<issue>/ in one step.

A build writes everything (PDFs, preflight report, manifest, package) into its own staging
folder, output/.staging/<issue>.<pid>.<random>/. Only when every step has succeeded does
`Staging.commit` swap that folder with output/<issue>/ by renameat2(RENAME_EXCHANGE), one
atomic step, and then delete the previous delivery. Where the kernel or the file system
cannot exchange, the previous delivery is first renamed to output/.staging/<issue>.previous
and the next build puts it back if the process died between the two renames. So a build
that fails, or is killed at any moment, leaves the previous complete delivery as it was and
never a partial file in output/<issue>/; what it leaves in .staging (whole files only: a file
being written has no name until it is whole, see `atomic_file`) is removed by the next build
once the process named in the folder's name is no longer running.

Files of the current delivery that a build keeps (the other languages when an editor
rebuilds one) are hard-linked into the staging folder, so the delivered files are shared,
never copied. That is safe only because no file in a staging folder is ever opened for
writing in place: every file is written fresh, to a temporary name then renamed over its
target (`write_atomically`), which gives it a new inode and leaves the linked one,
still part of the current delivery, untouched.

This module does not decide what goes into a delivery (the pipeline does), does not check
the files (the preflight does), and does not serialize two builds of the same issue run at
the same moment: one build of an issue at a time, as the command line runs it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..util import steps
from ..util.atomic import describe_os_error, sync_dir, sync_tree, write_atomically
from ..util.errors import BuildError, BulletinError, display_path
from .outputs import check_replaceable
from .ownership import PREVIOUS, STAGING, delivered, is_delivery, staging_problem

RENAME_EXCHANGE = 2  # renameat2 flag: swap the two paths (linux/fs.h)
AT_FDCWD = -100  # renameat2 directory argument: paths are relative to the working directory

# Errors that mean "this system cannot exchange two paths", not "this exchange failed".
NO_EXCHANGE = (errno.ENOSYS, errno.EINVAL)


@dataclass
class Staging:
    """A delivery being made: files are written into `path`, then `commit` makes it output/<issue>/.

    As a context manager it removes the staging folder on leaving the block: after a commit
    that leaves the delivery alone; on an exception, or without a commit, it discards the build.
    """

    root: Path  # the output root, e.g. output/
    issue: str  # the issue's name, e.g. "2022-H2"
    path: Path  # the staging folder, root/.staging/<issue>.<pid>.<random>/
    # Set once commit() has made the delivery: a handle with a lifecycle, hence not frozen.
    committed: bool = field(default=False, init=False)
    # Set once commit() begins: from then on, its own errors say what they left in place.
    committing: bool = field(default=False, init=False)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        # On an error, or a success that never committed, the folder is garbage; after a
        # commit it holds at most the old delivery that could not be deleted.
        self.discard()
        if isinstance(exc, BulletinError) and not self.committing:
            _tell_what_is_left(exc, self.root, self.issue)

    def carry_over(self, keep: Callable[[str], bool]) -> list[str]:
        """Hard-link (copy when linking fails) into the staging folder every file of the current delivery
        whose name `keep` accepts; return the names."""
        current = delivered(self.root, self.issue)
        if not current.is_dir() or not is_delivery(current, self.issue):  # only ever an earlier delivery's files
            return []
        carried = []
        for source in sorted(current.iterdir()):
            target = self.path / source.name
            # A file the build already wrote is newer than the delivered one; a link is no file a build delivered.
            if source.is_symlink() or not source.is_file() or not keep(source.name) or os.path.lexists(target):
                continue
            try:
                try:
                    os.link(source, target)
                except OSError:  # a file system without hard links, or another device
                    shutil.copy2(source, target)
            except OSError as err:
                raise BuildError(f"cannot keep {display_path(source)}: {describe_os_error(err)}") from err
            carried.append(source.name)
        return carried

    def commit(self) -> Path:
        """Make the staging folder the delivery root/<issue>/ atomically; remove the previous one; return the
        delivery's path."""
        if self.committed or not self.path.is_dir():
            raise BuildError(f"nothing to deliver: {display_path(self.path)} was already committed or discarded")
        target = delivered(self.root, self.issue)
        _check_target(target, self.issue)
        steps.reached("delivery staged", target)
        sync_tree(self.path)
        self.committing = True
        try:
            if not os.path.lexists(target):
                os.rename(self.path, target)
                self.committed = True
            else:
                try:
                    _exchange(self.path, target)
                except OSError as err:
                    if err.errno not in NO_EXCHANGE:
                        raise
                    self._commit_by_renames(target)
                else:
                    self.committed = True
                    steps.reached("delivery swapped", target)
        except OSError as err:
            raise BuildError(
                f"cannot deliver {self.issue} to {display_path(target)}: {describe_os_error(err)};"
                " the previous delivery is unchanged"
            ) from err
        sync_dir(self.root)
        sync_dir(self.path.parent)
        # The old delivery now sits at self.path; what cannot be deleted now, the next build will.
        shutil.rmtree(self.path, ignore_errors=True)
        return target

    def discard(self) -> None:
        """Remove the staging folder and everything in it."""
        # Best effort: this runs while another error is on its way up, which must not be masked.
        shutil.rmtree(self.path, ignore_errors=True)

    def _commit_by_renames(self, target: Path) -> None:
        """Deliver without renameat2: move the old delivery aside, move the new one in."""
        previous = _previous(self.root, self.issue)
        if os.path.lexists(previous):  # left by a crash after the delivery was already in place
            _remove_previous(previous, self.issue)
        os.rename(target, previous)
        sync_dir(self.path.parent)
        steps.reached("delivery aside", target)
        try:
            os.rename(self.path, target)
        except OSError:
            try:
                os.rename(previous, target)
            except OSError as err:
                raise BuildError(
                    f"cannot deliver {self.issue}: the previous delivery is left in"
                    f" {display_path(previous)}; the next build puts it back"
                    f" ({describe_os_error(err)})"
                ) from err
            raise
        self.committed = True
        sync_dir(self.root)
        steps.reached("delivery swapped", target)
        # What cannot be deleted now, the next build will (see _recover).
        shutil.rmtree(previous, ignore_errors=True)


def start_delivery(root: Path, issue: str) -> Staging:
    """Recover from an interrupted earlier commit, clear stale staging folders, and open a new one."""
    if issue in ("", ".", "..") or issue.startswith(".") or "/" in issue or os.sep in issue or "\0" in issue:
        raise BuildError(f"cannot deliver an issue named {issue!r}: not a plain folder name")
    staging_root = root / STAGING
    try:
        _check_target(delivered(root, issue), issue)  # before anything is written
        staging_root.mkdir(parents=True, exist_ok=True)
        _recover(root, issue)
        _check_target(delivered(root, issue), issue)
        _clear_stale(staging_root)
        path = Path(tempfile.mkdtemp(prefix=f"{issue}.{os.getpid()}.", dir=staging_root))
        os.chmod(path, 0o755)  # mkdtemp's 0o700 would become the delivery's permissions
    except OSError as err:
        error = BuildError(f"cannot start delivering {issue} in {display_path(root)}: {describe_os_error(err)}")
        raise _tell_what_is_left(error, root, issue) from err
    except BuildError as err:
        _tell_what_is_left(err, root, issue)
        raise
    return Staging(root, issue, path)


def _tell_what_is_left(error: BulletinError, root: Path, issue: str) -> BulletinError:
    """Add to a failed build's error what it left in place: the editor's next question."""
    current = delivered(root, issue)
    error.add_note(
        f"the previous delivery, {display_path(current)}, is unchanged"
        if current.is_dir() and not current.is_symlink() and is_delivery(current, issue)
        else "nothing was delivered"
    )
    return error


def write_manifest(staging: Staging, manifest: dict) -> Path:
    """Write manifest.json (UTF-8, indent 2, sorted keys, ensure_ascii False, trailing newline) into the staging
    folder atomically; return its path."""
    target = staging.path / "manifest.json"
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        write_atomically(target, text.encode("utf-8"))
    except OSError as err:
        raise BuildError(f"cannot write {display_path(target)}: {describe_os_error(err)}") from err
    return target


def _previous(root: Path, issue: str) -> Path:
    """Return where a fallback commit keeps the previous delivery between its two renames."""
    return root / STAGING / f"{issue}.{PREVIOUS}"


def _recover(root: Path, issue: str) -> None:
    """Put back a previous delivery that a fallback commit moved aside and then died."""
    previous = _previous(root, issue)
    if previous.is_symlink() or not previous.is_dir():
        return
    if not os.path.lexists(delivered(root, issue)):
        _check_target(previous, issue)  # only a delivery is put in the delivery's place
        os.rename(previous, delivered(root, issue))
        sync_dir(root)
    else:  # the new delivery was already in place: this is the old one
        _remove_previous(previous, issue)


def _remove_previous(previous: Path, issue: str) -> None:
    """Remove the previous delivery that a fallback commit moved aside, once it is known to be one."""
    _check_target(previous, issue)
    shutil.rmtree(previous)


def _clear_stale(staging_root: Path) -> None:
    """Remove the staging folders of builds whose process is no longer running; stop, removing none, when one of
    them holds what no build writes there."""
    stale = [
        folder
        for folder in sorted(staging_root.iterdir())
        if len(parts := folder.name.rsplit(".", 2)) == 3 and parts[1].isdigit() and not _running(int(parts[1]))
    ]
    for folder in stale:
        problem = staging_problem(folder) if folder.is_dir() and not folder.is_symlink() else "it is not a folder"
        if problem:
            raise BuildError(
                f"{display_path(folder)} is not a staging folder a build left: {problem}. A build"
                " removes only what builds wrote, and left this as it was: move it elsewhere"
            )
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    """Tell whether a process with this id exists."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:  # an id the system cannot even look up is no running build
        return False
    return True


def _check_target(target: Path, issue: str) -> None:
    """Stop when the delivery's place is taken by anything but an earlier delivery of `issue` (`outputs`)."""
    check_replaceable(target, issue)


def _exchange(source: Path, target: Path) -> None:
    """Swap two paths in one step with renameat2(RENAME_EXCHANGE); OSError ENOSYS where impossible."""
    renameat2 = _renameat2()
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    if renameat2(AT_FDCWD, os.fsencode(source), AT_FDCWD, os.fsencode(target), RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(source), None, str(target))


@functools.cache
def _renameat2():
    """Return libc's renameat2 (glibc >= 2.28), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function
