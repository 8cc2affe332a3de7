"""Real faults during a whole build: a full disk, a read-only output folder, a build killed outright.

The disk and the read-only folder are real: a small tmpfs mounted for the test (which needs
root, as CI runs; elsewhere the tests are skipped). A build is killed at each named step of
writing and delivering (`bulletin.util.steps`), and once at a moment drawn at random. Each fault
must end the build with a message that says what happened (a killed build says nothing), leave
the previous delivery byte for byte as it was, and leave no partial file anywhere in the output
folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulletin.delivery.swap import start_delivery
from bulletin.workflow.cli import main

from conftest import MINIMAL, PROJECT, apply_edits, every_file, killed_at, made_once

pytestmark = pytest.mark.slow  # every test builds

ISSUE = "2023-H1"
CHANGE = [{"file": "en.yaml", "replace": "This is a *trial* issue.", "with": "This is a *trial* issue, changed."}]


@pytest.fixture
def disk(tmp_path):
    """A file system of its own, 24 MB, for the output folder; unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if result.returncode:
        pytest.skip(f"cannot mount a small file system here (root is needed): {result.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def partial_files(output: Path) -> list[str]:
    """The files under `output` that are not whole: temporary names, and PDFs that do not end as a PDF does."""

    def whole(path: Path) -> bool:
        if path.name.endswith(".part"):
            return False
        return path.suffix != ".pdf" or path.read_bytes().rstrip().endswith(b"%%EOF")

    return [path.relative_to(output).as_posix() for path in output.rglob("*") if path.is_file() and not whole(path)]


def build(issue: Path, output: Path) -> int:
    """Build the English print edition in this process."""
    return main([str(issue), "--output", str(output), "-q", "--lang", "en", "--variant", "print"])


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


def test_a_read_only_output_folder_ends_the_build_with_a_message_and_keeps_the_delivery(minimal_issue, disk, capsys):
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
        f"the previous delivery, {output / ISSUE}, is unchanged",
    ]
    assert every_file(output) == before


def run_build(issue: Path, output: Path, kill: str = "", kill_after: float | None = None) -> tuple[int, float]:
    """Build the English print edition in a process of its own (with --force: made again), killed with all its
    workers after `kill_after` seconds, or killing itself where the source `kill` says (`killed_at`), as the
    out-of-memory killer or a power cut would; return its exit status and time. Killed at a step, it makes the PDF
    in its own process, where the step is replaced (a worker process starts from a clean copy of the code)."""
    arguments = [str(issue), "--output", str(output), "-q", "--force", "--lang", "en", "--variant", "print"]
    script = kill + "import sys\nfrom bulletin.workflow.cli import main\nraise SystemExit(main(sys.argv[1:]))\n"
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", script, *arguments] + (["--workers", "1"] if kill else []),
        cwd=PROJECT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        child.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    return child.returncode, time.monotonic() - started


@pytest.fixture(scope="module")
def first_delivery(tmp_path_factory) -> tuple[Path, float]:
    """The English print edition of the minimal issue delivered once (into <folder>/output, from <folder>/issues),
    and how long the build took: made once in the session."""

    def build(folder: Path) -> None:
        shutil.copytree(MINIMAL, folder / "issues" / ISSUE)
        status, seconds = run_build(folder / "issues" / ISSUE, folder / "output")
        assert status == 0
        (folder / "seconds").write_text(str(seconds))

    folder = made_once(tmp_path_factory, "first-delivery", build)
    return folder, float((folder / "seconds").read_text())


@pytest.fixture
def delivered(first_delivery, tmp_path) -> tuple[Path, Path, float]:
    """A copy of the first delivery and of its issue, changed since: the issue, the output folder, and how long the
    build took."""
    folder, seconds = first_delivery
    for name in ("issues", "output"):
        shutil.copytree(folder / name, tmp_path / name, symlinks=True)
    apply_edits(tmp_path / "issues" / ISSUE, CHANGE)
    return tmp_path / "issues" / ISSUE, tmp_path / "output", seconds


def whole(delivery: Path) -> bool:
    """Tell whether a delivery holds every file its manifest lists, each with the digest listed."""
    manifest = json.loads((delivery / "manifest.json").read_text(encoding="utf-8"))
    return all(
        hashlib.sha256((delivery / entry["file"]).read_bytes()).hexdigest() == entry["sha256"]
        for entry in manifest["files"]
    )


NO_EXCHANGE = (
    "import errno\nfrom bulletin.delivery import swap\n\n\ndef no_exchange(*paths):\n"
    "    raise OSError(errno.ENOSYS, 'Function not implemented')\n\n\nswap._exchange = no_exchange\n"
)


@pytest.mark.parametrize(
    "step, target",
    [
        ("file written", f"*/since-the-victory-{ISSUE}-en-print.pdf"),  # in the middle of writing the PDF
        ("file on disk", f"*/since-the-victory-{ISSUE}-en-print.pdf"),  # on disk, under its temporary name
        ("file written", "*/preflight.json"),
        ("delivery staged", f"*/{ISSUE}"),  # before the flush of the swap
        ("delivery aside", f"*/{ISSUE}"),  # between the two renames of a swap without renameat2
        ("delivery swapped", f"*/{ISSUE}"),
    ],
)
def test_a_build_killed_at_each_step_keeps_a_whole_delivery_and_leaves_no_partial_file(delivered, step, target):
    """Killed at each step, a build leaves the previous delivery as it was, or the new one whole once swapped in;
    between the two renames, the previous one aside until the next build puts it back. What it leaves in .staging
    (whole files only) the next build removes before it writes."""
    issue, output, _ = delivered
    before = every_file(output / ISSUE)
    status, _ = run_build(issue, output, killed_at(step, target) + (NO_EXCHANGE if step == "delivery aside" else ""))
    assert status == -signal.SIGKILL
    assert (
        partial_files(output) == []
        or step == "file on disk"
        and all(path.startswith(".staging/") and path.endswith(".part") for path in partial_files(output))
    )
    if step == "delivery aside":
        assert not (output / ISSUE).exists() and every_file(output / ".staging" / f"{ISSUE}.previous") == before
    elif step == "delivery swapped":
        assert every_file(output / ISSUE) != before and whole(output / ISSUE)
    else:
        assert every_file(output / ISSUE) == before
    assert list((output / ".staging").iterdir())
    start_delivery(output, ISSUE).discard()  # what the next build does before it writes
    assert list((output / ".staging").iterdir()) == [] and partial_files(output) == []
    assert every_file(output / ISSUE) == before if step != "delivery swapped" else whole(output / ISSUE)


def test_a_build_killed_at_a_random_moment_keeps_the_delivery_and_leaves_no_partial_file(delivered):
    """A smoke test of every moment between the named steps, which are where a kill is likeliest to do harm: the kill
    comes at a moment drawn at random, while validating, preparing pictures, printing or checking."""
    issue, output, seconds = delivered
    before = every_file(output / ISSUE)
    after = random.uniform(0.1, 0.9) * seconds
    status, _ = run_build(issue, output, kill_after=after)
    assert partial_files(output) == [], f"killed after {after:.2f} s"
    if not (output / ISSUE).exists():  # killed between the two renames of a swap without renameat2
        assert every_file(output / ".staging" / f"{ISSUE}.previous") == before, f"killed after {after:.2f} s"
    elif status == 0 or every_file(output / ISSUE) != before:
        # It delivered before the kill came (quicker than the first build this time, or killed between the swap
        # and its exit): the new delivery is whole.
        assert status in (0, -signal.SIGKILL) and whole(output / ISSUE), f"killed after {after:.2f} s"
    else:
        assert status == -signal.SIGKILL, f"killed after {after:.2f} s"
    assert build(issue, output) == 0  # the next build clears what the killed one left
    assert list((output / ".staging").iterdir()) == []
