"""Real faults during a whole build: a full disk, a read-only output folder, a build killed outright.

The disk and the read-only folder are real: a small tmpfs mounted for the test (which needs
root, as CI runs; elsewhere the tests are skipped). Each fault must end the build with a
message that says what happened, leave the previous delivery byte for byte as it was, and
leave no partial file anywhere in the output folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulletin.workflow.cli import main

from conftest import PROJECT, apply_edits, every_file

ISSUE = "2023-H1"
CHANGE = [{"file": "en.yaml", "replace": "This is a *trial* issue.", "with": "This is a *trial* issue, changed."}]


@pytest.fixture
def disk(tmp_path):
    """A file system of its own, 24 MB, for the output folder; unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)],
                            capture_output=True, text=True)
    if result.returncode:
        pytest.skip(f"cannot mount a small file system here (root is needed): {result.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def partial_files(output: Path) -> list[str]:
    """The files under `output` that are not whole: temporary names, and PDFs that do not end as a PDF does."""
    return [path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file()
            and (path.name.endswith(".part") or path.suffix == ".pdf" and not path.read_bytes().rstrip().endswith(b"%%EOF"))]


def build(issue: Path, output: Path) -> int:
    return main([str(issue), "--output", str(output), "-q"])


def test_a_full_disk_ends_the_build_with_a_message_and_keeps_the_delivery(minimal_issue, disk, capsys):
    output = disk / "output"
    assert build(minimal_issue, output) == 0
    before = every_file(output / ISSUE)
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "filler").write_bytes(b"\0" * (free - 64 * 1024))  # 64 kB left: not enough for one PDF
    apply_edits(minimal_issue, CHANGE)
    capsys.readouterr()
    assert build(minimal_issue, output) == 1
    err = capsys.readouterr().err
    assert "disk full (No space left on device)" in err, err
    assert err.splitlines()[-1] == f"the previous delivery, {output / ISSUE}, is unchanged"
    assert every_file(output / ISSUE) == before and partial_files(output) == []
    assert list((output / ".staging").iterdir()) == []


def test_a_read_only_output_folder_ends_the_build_with_a_message_and_keeps_the_delivery(minimal_issue, disk,
                                                                                       capsys):
    output = disk / "output"
    assert build(minimal_issue, output) == 0
    before = every_file(output)
    apply_edits(minimal_issue, CHANGE)
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    capsys.readouterr()
    assert build(minimal_issue, output) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"build failed: cannot start delivering {ISSUE} in {output}: output folder is read-only"
        " (Read-only file system)",
        f"the previous delivery, {output / ISSUE}, is unchanged"]
    assert every_file(output) == before


def run_build(issue: Path, output: Path, kill_after: float | None = None) -> tuple[int, float]:
    """Build the issue in a process of its own (with --force: every PDF made again), killed with all its workers
    after `kill_after` seconds, as the out-of-memory killer or a power cut would; return its exit status and time."""
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "build.py", str(issue), "--output", str(output), "-q", "--force"],
                             cwd=PROJECT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        child.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    return child.returncode, time.monotonic() - started


def test_a_build_killed_at_any_moment_keeps_the_delivery_and_leaves_no_partial_file(minimal_issue, tmp_path):
    output = tmp_path / "output"
    status, seconds = run_build(minimal_issue, output)
    assert status == 0
    apply_edits(minimal_issue, CHANGE)
    killed = 0
    for fraction in (0.1, 0.25, 0.4, 0.55, 0.7, 0.85):  # validating, preparing pictures, printing, checking
        before = every_file(output / ISSUE)
        status, _ = run_build(minimal_issue, output, kill_after=fraction * seconds)
        assert partial_files(output) == [], f"killed after {fraction * seconds:.2f} s"
        if status == -signal.SIGKILL:
            killed += 1
            assert every_file(output / ISSUE) == before, f"killed after {fraction * seconds:.2f} s"
        else:  # quicker than the first build this time: it delivered, and whole (no partial file, above)
            assert status == 0
    assert killed >= 4
    assert build(minimal_issue, output) == 0  # the next build clears what the killed ones left
    assert list((output / ".staging").iterdir()) == []
