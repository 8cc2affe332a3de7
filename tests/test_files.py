"""Files that are not files: named pipes, folders, sockets and devices are said as what they are, never waited on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from bulletin import files
from bulletin.files import NotAFile, not_a_file, open_file, read_file

from conftest import PROJECT, make_socket

BOUND = 60  # seconds for a command on a small issue: far below a build's own, far above what the command takes


@pytest.fixture
def alarm():
    """Fail a test that would block, rather than let it wait forever."""
    def expire(_signal, _frame):
        raise AssertionError("blocked on a file that is not one")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_what_a_path_is_when_it_is_not_a_file(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    make_socket(tmp_path / "socket")
    (tmp_path / "file").write_text("text")
    (tmp_path / "link").symlink_to(tmp_path / "pipe")
    assert not_a_file(tmp_path / "pipe") == not_a_file(tmp_path / "link") == "a named pipe (FIFO)"
    assert not_a_file(tmp_path) == "a folder"
    assert not_a_file(tmp_path / "socket") == "a socket"
    assert not_a_file("/dev/null") == "a character device"
    assert not_a_file(tmp_path / "file") is None and not_a_file(tmp_path / "nothing") is None


def test_a_named_pipe_is_refused_unopened(tmp_path, alarm, monkeypatch):
    os.mkfifo(tmp_path / "az.yaml")
    opened = []
    monkeypatch.setattr(files.os, "open", lambda *args: opened.append(args))
    with pytest.raises(NotAFile, match=r"is a named pipe \(FIFO\), not a file") as raised:
        read_file(tmp_path / "az.yaml")
    assert raised.value.kind == "a named pipe (FIFO)" and opened == []


def test_a_named_pipe_put_in_place_after_the_check_is_refused_without_waiting(tmp_path, alarm, monkeypatch):
    os.mkfifo(tmp_path / "az.yaml")
    kind_of = files.kind_of
    checks = []

    def late(mode: int):  # the first check, on the path, saw a file: the pipe came between the check and the open
        checks.append(mode)
        return None if len(checks) == 1 else kind_of(mode)

    monkeypatch.setattr(files, "kind_of", late)
    with pytest.raises(NotAFile, match="named pipe"):
        open_file(tmp_path / "az.yaml")
    assert len(checks) == 2


def test_a_regular_file_is_read_up_to_its_limit(tmp_path):
    (tmp_path / "a.yaml").write_bytes(b"x" * 100)
    assert read_file(tmp_path / "a.yaml") == b"x" * 100
    assert read_file(tmp_path / "a.yaml", 10) == b"x" * 11  # one more than the limit: the caller sees it is over
    with open_file(tmp_path / "a.yaml") as file:
        assert os.get_blocking(file.fileno())


@pytest.mark.parametrize("name", ["az.yaml", "issue.yaml"])
def test_no_command_waits_on_a_named_pipe_in_the_issue(minimal_issue, tmp_path, name):
    (minimal_issue / name).unlink()
    os.mkfifo(minimal_issue / name)
    issues = str(minimal_issue.parent)
    for arguments, statuses in ((["validate", str(minimal_issue)], (2,)), (["status", str(minimal_issue)], (1, 2)),
                                ([str(minimal_issue), "--output", str(tmp_path / "out")], (2,)),
                                (["scheduled", "--date", "2023-07-01", "--issues", issues, "--output",
                                  str(tmp_path / "scheduled")], (3,))):
        done = subprocess.run([sys.executable, "build.py", *arguments], cwd=PROJECT, capture_output=True, text=True,
                              timeout=BOUND)
        assert done.returncode in statuses, (arguments, done.stderr)
        assert f"2023-H1/{name}:1:1: is a named pipe (FIFO), not a file" in done.stdout + done.stderr, arguments
