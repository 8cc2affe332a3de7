"""Atomic writes: a file is whole under its name or not there, on disk before it is named, and a process killed at
each step of the write leaves the previous file as it was."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest

from bulletin.util import atomic
from bulletin.util.atomic import write_atomically

from conftest import PROJECT, killed_at

OLD, NEW = b"%PDF old" * 1000, b"%PDF new " * 200_000  # the new file is larger than any buffer: it is written in parts
PART = re.compile(r"\.a\.pdf\.[a-z0-9_]+\.part")  # a temporary name, as the delivery recognises one


@pytest.fixture(params=[True, False], ids=["unnamed", "named"])
def unnamed(request, monkeypatch) -> bool:
    """Write with O_TMPFILE, and where the file system has none (the file is named from the start)."""
    if not request.param:
        monkeypatch.setattr(atomic, "_open_unnamed", lambda folder: None)
    return request.param


def test_a_file_is_written_whole_under_its_name_and_nothing_else(tmp_path, unnamed):
    (tmp_path / "a.pdf").write_bytes(b"old")
    write_atomically(tmp_path / "a.pdf", b"new", mode=0o640)
    assert [path.name for path in tmp_path.iterdir()] == ["a.pdf"] and (tmp_path / "a.pdf").read_bytes() == b"new"
    assert (tmp_path / "a.pdf").stat().st_mode & 0o777 == 0o640


def test_an_interrupted_write_leaves_nothing_behind(tmp_path, monkeypatch, unnamed):
    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_atomically(tmp_path / "a.pdf", b"%PDF-1.7")
    assert list(tmp_path.iterdir()) == []


def test_a_file_is_on_disk_before_it_takes_its_name(tmp_path, monkeypatch, unnamed):
    """Renamed before its data is flushed, a file could be found empty under its name after a power cut."""
    events, fsync, replace = [], os.fsync, os.replace

    def recorded_fsync(handle):
        events.append(("fsync", os.fstat(handle).st_ino))
        fsync(handle)

    def recorded_replace(source, target):
        events.append(("replace", os.stat(source).st_ino))
        replace(source, target)

    monkeypatch.setattr(os, "fsync", recorded_fsync)
    monkeypatch.setattr(os, "replace", recorded_replace)
    write_atomically(tmp_path / "a.pdf", NEW)
    written = (tmp_path / "a.pdf").stat().st_ino
    assert events == [("fsync", written), ("replace", written)]


@pytest.mark.parametrize("step", ["file written", "file on disk"])
def test_a_write_killed_at_each_step_leaves_the_previous_file_whole(tmp_path, step, unnamed):
    """Killed in the middle of the write (the data written, not flushed) or once the file is on disk but not yet
    renamed, the writing process leaves the previous file as it was; a file it leaves under a temporary name is whole
    when on disk, and only without O_TMPFILE is there one at all before that."""
    target = tmp_path / "a.pdf"
    target.write_bytes(OLD)
    child = (
        killed_at(step, str(target))
        + "import sys\nfrom pathlib import Path\nfrom bulletin.util import atomic\n"
        + ("" if unnamed else "atomic._open_unnamed = lambda folder: None\n")
        + "atomic.write_atomically(Path(sys.argv[1]), b'%PDF new ' * 200_000)\n"
    )
    done = subprocess.run([sys.executable, "-c", child, str(target)], cwd=PROJECT)
    assert done.returncode == -signal.SIGKILL
    assert target.read_bytes() == OLD
    left = sorted(path.name for path in tmp_path.iterdir() if path != target)
    if step == "file written" and unnamed:
        assert left == []  # the file had no name yet: nothing of it is left
    else:
        assert len(left) == 1 and PART.fullmatch(left[0]), left
    if step == "file on disk":
        assert (tmp_path / left[0]).read_bytes() == NEW
