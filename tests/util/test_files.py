"""Files that are not files: named pipes, folders, sockets and devices are said as what they are, never waited on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment

from bulletin.printing.rendering import TemplateLoader
from bulletin.printing.settings import MAX_PROFILE
from bulletin.util import files
from bulletin.util.files import NotAFile, ProjectFileError, not_a_file, open_file, read_file
from bulletin.workflow.cli import main

from conftest import MINIMAL, copy_project, make_socket, within, wrote_nothing

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
def test_no_command_waits_on_a_named_pipe_in_the_issue(minimal_issue, tmp_path, name, capsys):
    # In this process: a command opening the pipe would block in this thread, and the alarm of `within` ends it.
    (minimal_issue / name).unlink()
    os.mkfifo(minimal_issue / name)
    issues = str(minimal_issue.parent)
    for arguments, statuses in (
        (["validate", str(minimal_issue)], (2,)),
        (["status", str(minimal_issue)], (1, 2)),
        ([str(minimal_issue), "--output", str(tmp_path / "out")], (2,)),
        (["scheduled", "--date", "2023-07-01", "--issues", issues, "--output", str(tmp_path / "scheduled")], (3,)),
    ):
        with within(BOUND):
            status = main(arguments)
        said = capsys.readouterr()
        assert status in statuses, (arguments, said.err)
        assert f"2023-H1/{name}:1:1: is a named pipe (FIFO), not a file" in said.out + said.err, arguments


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the project (code, templates, catalogs, settings) with the minimal issue, whose templates a test
    may break without touching the project's own: build.py run in it imports the copy's code."""
    return copy_project(tmp_path / "project", MINIMAL)


def put(path: Path, kind: str) -> None:
    """Put a named pipe, a folder or a loop of symbolic links where a file was (or was not)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    {"fifo": os.mkfifo, "folder": os.mkdir, "loop": lambda path: path.symlink_to(path.name)}[kind](path)


COMMANDS = {
    "validate": ["validate", "issues/2023-H1"],
    "status": ["status", "issues/2023-H1"],
    "build": ["issues/2023-H1", "--output", "out", "--lang", "en", "--variant", "screen", "-q"],
}
SAID = {
    "fifo": "is a named pipe (FIFO), not a file; put the file itself there",
    "folder": "is a folder, not a file; put the file itself there",
    "loop": "is a loop of symbolic links",
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, what, kind, commands",
    [
        ("cover.html", "template", "fifo", ("validate", "status", "build")),  # each waited forever
        ("cover.html", "template", "folder", ("validate", "build")),  # each a traceback
        ("cover.html", "template", "loop", ("validate", "status")),
        ("parts/note.html", "template", "fifo", ("validate", "status")),  # one only Babel's extraction reads
        ("bulletin.css", "stylesheet", "fifo", ("build",)),  # WeasyPrint waited on it
    ],
)
def test_a_template_or_stylesheet_that_is_not_a_file_stops_every_command_with_its_name(
    project_copy, name, what, kind, commands
):
    put(project_copy / "templates" / name, kind)
    for command in commands:
        done = subprocess.run(
            [sys.executable, "build.py", *COMMANDS[command]],
            cwd=project_copy,
            capture_output=True,
            text=True,
            timeout=BOUND,
        )
        said = f"error: {what} templates/{name}: {SAID[kind]}"
        assert (done.returncode, done.stderr.splitlines()[:1]) == (1, [said]), (command, done.stderr)
        assert wrote_nothing(project_copy / "out")


def test_the_template_loader_reads_only_regular_files(tmp_path, alarm):
    os.mkfifo(tmp_path / "cover.html")
    (tmp_path / "page.html").write_text("{% include 'cover.html' %}")
    environment = Environment(loader=TemplateLoader(tmp_path))
    with pytest.raises(ProjectFileError, match=r"template .*cover\.html: is a named pipe \(FIFO\), not a file"):
        environment.get_template("page.html").render()


@pytest.mark.parametrize("given", ["--icc-profile", "pyproject.toml"])
@pytest.mark.parametrize("kind", ["fifo", "large"])
def test_a_colour_profile_that_is_a_pipe_or_too_large_is_refused_unread(
    minimal_issue, tmp_path, monkeypatch, capsys, given, kind
):
    profile = tmp_path / "bureau.icc"
    if kind == "fifo":
        os.mkfifo(profile)
        said = "is a named pipe (FIFO), not a file; put the file itself there"
    else:  # holes, not bytes: as large as /dev/zero would be read, without the memory
        with open(profile, "wb") as file:
            file.truncate(MAX_PROFILE + 1)
        said = (
            f"is {MAX_PROFILE + 1:,} bytes, more than any colour profile takes (at most {MAX_PROFILE:,});"
            " give the right file"
        )
    options = ["--icc-profile", str(profile), "--output-condition", "FOGRA39"] if given == "--icc-profile" else []
    if given == "pyproject.toml":
        (tmp_path / "pyproject.toml").write_text(
            '[tool.bulletin.print]\nicc-profile = "bureau.icc"\noutput-condition = "FOGRA39"\n'
        )
        monkeypatch.setattr("bulletin.workflow.cli.PYPROJECT", tmp_path / "pyproject.toml")
    read_file, read = files.read_file, []
    monkeypatch.setattr(files, "read_file", lambda path, *limit: read.append(path) or read_file(path, *limit))
    with within(BOUND):
        assert (
            main(
                [
                    str(minimal_issue),
                    "--output",
                    str(tmp_path / "out"),
                    "--lang",
                    "en",
                    "--variant",
                    "print",
                    "-q",
                    *options,
                ]
            )
            == 1
        )
    assert f"error: colour profile {profile}: {said}" in capsys.readouterr().err.splitlines()
    assert profile not in read and not (tmp_path / "out" / "2023-H1").exists()
