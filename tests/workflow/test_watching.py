"""Watching an edition's sources: a build at the start and after each change, errors told, the watching kept."""

from __future__ import annotations

import io
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bulletin.util.errors import BuildError, ContentError, Mark, Problem
from bulletin.workflow.watching import Sources, watch

from conftest import PROJECT

WAIT = 5.0  # seconds: the longest a test waits for the watcher to answer
BUILT = "built in "  # how a successful build's last line begins, after the time of day
# Made before the watching starts: a file written at once into a new folder can go unseen, as the
# watcher only watches a new folder once it has been told of it.
FOLDERS = ("images", "output/2022-H2", ".cache/pictures")


@dataclass
class Watcher:
    """`watch` running in a thread over a folder, with builds that follow a script."""

    folder: Path  # the watched folder
    outcomes: list  # what each build does in turn: None, an exception to raise or a function to call
    out: io.StringIO = field(default_factory=io.StringIO)  # what the watching told
    stop: threading.Event = field(default_factory=threading.Event)  # set to end the watching
    calls: int = 0  # builds started so far
    thread: threading.Thread | None = None  # where `watch` runs, once started

    def rebuild(self) -> object:
        """Build as the script says; return the number of the build."""
        self.calls += 1
        outcome = self.outcomes[self.calls - 1] if self.calls <= len(self.outcomes) else None
        if isinstance(outcome, BaseException):
            raise outcome
        if callable(outcome):
            outcome()
        return self.calls

    def start(self, paths: list[Path]) -> Watcher:
        """Start watching `paths` in a thread."""
        self.thread = threading.Thread(
            target=watch,
            args=(paths, self.rebuild),
            daemon=True,
            kwargs=dict(describe=lambda number: f"build {number}", stop=self.stop, out=self.out),
        )
        self.thread.start()
        return self

    def wait_for(self, text: str, times: int = 1) -> str:
        """Wait until the watching has told `text` `times` times; return all it told."""
        return self.wait_until(lambda told: told.count(text) >= times, f"{text!r} {times} time(s)")

    def wait_until(self, condition: Callable[[str], bool], what: str) -> str:
        """Wait until what the watching told meets `condition`; fail the test after WAIT seconds."""
        deadline = time.monotonic() + WAIT
        while not condition(told := self.out.getvalue()):
            if time.monotonic() > deadline:
                pytest.fail(f"waited {WAIT} s for {what}; the watching told:\n{told}")
            time.sleep(0.02)
        return told


@pytest.fixture
def watching(tmp_path):
    """Start a watcher over a folder holding the sources of an issue; stop it after the test."""
    started = []

    def start(*outcomes, paths: list[Path] | None = None) -> Watcher:
        save(tmp_path / "issue" / "en.yaml", "title: Since the Victory\n")
        for folder in FOLDERS:
            (tmp_path / "issue" / folder).mkdir(parents=True)
        watcher = Watcher(tmp_path / "issue", list(outcomes)).start(paths or [tmp_path / "issue"])
        started.append(watcher)
        watcher.wait_for(BUILT)
        return watcher

    yield start
    for watcher in started:
        watcher.stop.set()
        watcher.thread.join(WAIT)
        assert not watcher.thread.is_alive(), "the watching did not stop"


def save(path: Path, text: str) -> None:
    """Write a file as an editor saves it in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def missing_title(path: Path) -> ContentError:
    """Return the error of an article without its title at line 3, column 7 of `path`."""
    return ContentError([Problem(Mark(path, 3, 7), "article 'vagif-poetry-days': 'title' is missing")])


@pytest.mark.slow
def test_a_build_at_the_start_and_after_each_change_errors_included(watching):
    watcher = watching(None, missing_title(Path("issue/en.yaml")))
    told = watcher.out.getvalue()
    assert watcher.calls == 1 and "build 1\n" in told and "watching " in told
    save(watcher.folder / "en.yaml", "title: [\n")
    told = watcher.wait_for("problem(s)")
    assert watcher.calls == 2
    assert "changed: " in told and "en.yaml" in told.split("changed: ")[1].splitlines()[0]
    assert "issue/en.yaml:3:7: article 'vagif-poetry-days': 'title' is missing\n" in told
    assert "1 problem(s) in the content; no PDF was written (" in told
    assert "Traceback" not in told
    save(watcher.folder / "en.yaml", "title: Since the Victory\n")  # the editor's fix
    told = watcher.wait_for(BUILT, times=2)
    assert watcher.calls == 3 and "build 3\n" in told


@pytest.mark.slow
def test_a_file_saved_during_the_first_build_starts_another(watching, tmp_path):
    watcher = watching(lambda: save(tmp_path / "issue" / "en.yaml", "title: Since the Victory!\n"))
    watcher.wait_for(BUILT, times=2)
    assert watcher.calls == 2


@pytest.mark.slow
def test_a_build_error_is_told_by_its_category(watching):
    watcher = watching(None, BuildError("templates/bulletin.html:12: template error: 'issue' is undefined"))
    save(watcher.folder / "style.css", "body { color: black }\n")
    told = watcher.wait_for("failed after ")
    assert "build failed: templates/bulletin.html:12: template error: 'issue' is undefined\n" in told
    assert "Traceback" not in told


@pytest.mark.slow
def test_a_bug_is_told_with_its_traceback_and_the_watching_goes_on(watching):
    watcher = watching(None, ZeroDivisionError("division by zero"))
    save(watcher.folder / "bulletin.html", "<p>{{ _('Since the Victory') }}</p>\n")
    told = watcher.wait_for("is a bug in the build program")
    assert "Traceback (most recent call last):" in told and "ZeroDivisionError: division by zero" in told
    save(watcher.folder / "bulletin.html", "<p>{{ _('Since the Victory') }}!</p>\n")
    watcher.wait_for(BUILT, times=2)
    assert watcher.calls == 3


@pytest.mark.slow
def test_editors_and_builds_files_start_no_build(watching):
    watcher = watching()
    folder = watcher.folder
    for name in (
        ".en.yaml.swp",
        "en.yaml~",
        ".#en.yaml",
        "#en.yaml#",
        "en.yaml.kate-swp",
        "notes.txt",
        "output/2022-H2/manifest.toml",
        ".cache/pictures/cover.png",
        "images/.cover.png.part",
    ):
        save(folder / name, "ignored\n")
    # A source saved last: once its build is told, the files saved before it have had their chance.
    save(folder / "images" / "cover.jpg", "a picture\n")
    told = watcher.wait_for(BUILT, times=2)
    assert watcher.calls == 2
    assert [line.split("changed: ")[1] for line in told.splitlines() if "changed: " in line] == [
        str(folder / "images" / "cover.jpg")
    ]


@pytest.mark.slow
def test_a_single_file_is_still_watched_after_an_editor_replaces_it(watching, tmp_path):
    settings = tmp_path / "pyproject.toml"
    save(settings, "[tool.bulletin.print]\n")
    watcher = watching(paths=[tmp_path / "issue", settings])
    for number in (2, 3):  # the second save would go unseen if the file itself were watched
        save(tmp_path / "pyproject.toml.new", f"[tool.bulletin.print]\nbleed-mm = {number}\n")
        os.replace(tmp_path / "pyproject.toml.new", settings)
        watcher.wait_for(BUILT, times=number)
    assert watcher.calls == 3
    assert "pyproject.toml.new" not in watcher.out.getvalue()


def test_stop_ends_the_watching(watching):
    watcher = watching()
    watcher.stop.set()
    watcher.thread.join(WAIT)
    assert not watcher.thread.is_alive()


def test_ctrl_c_during_a_build_ends_the_watching_quietly(watching):
    watcher = watching(None, KeyboardInterrupt())
    save(watcher.folder / "en.yaml", "title: Since the Victory!\n")
    watcher.thread.join(WAIT)
    assert not watcher.thread.is_alive() and watcher.calls == 2
    assert "Traceback" not in watcher.out.getvalue()


def test_ctrl_c_while_waiting_ends_the_watching_quietly(tmp_path):
    script = (
        f"from pathlib import Path; from bulletin.workflow.watching import watch;"
        f" watch([Path({str(tmp_path)!r})], lambda: 'ok'); print('returned')"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, PYTHONPATH=str(PROJECT)),
    )
    try:
        told = read_until(process.stderr.fileno(), b"Ctrl-C to stop")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
    assert process.returncode == 0 and out == b"returned\n"
    assert b"Traceback" not in told + err


def read_until(descriptor: int, text: bytes) -> bytes:
    """Read from a pipe until `text` has come; fail the test after WAIT seconds."""
    read, deadline = b"", time.monotonic() + WAIT
    while text not in read:
        ready, _, _ = select.select([descriptor], [], [], max(0, deadline - time.monotonic()))
        chunk = os.read(descriptor, 4096) if ready else b""
        if not chunk:
            pytest.fail(f"waited {WAIT} s for {text!r}; read:\n{read.decode()}")
        read += chunk
    return read


@pytest.mark.parametrize(
    "name, included",
    [
        ("issue/en.yaml", True),
        ("issue/images/cover.JPG", True),
        ("templates/bulletin.css", True),
        ("translations/ru/LC_MESSAGES/messages.po", True),
        ("translations/ru/LC_MESSAGES/messages.mo", False),  # compiled by the build, never read from here
        ("translations/messages.pot", False),  # pybabel's, not the build's
        ("issue/.en.yaml.swp", False),
        ("issue/en.yaml~", False),
        ("issue/.#en.yaml", False),
        ("issue/output/en.yaml", False),
        ("issue/.venv/lib/site.toml", False),
        ("pyproject.toml", True),  # named on its own
        ("setup.toml", False),  # beside a file named on its own
    ],
)
def test_sources_are_the_files_a_build_reads(tmp_path, name, included):
    for folder in ("issue", "templates", "translations"):
        (tmp_path / folder).mkdir()
    sources = Sources.of(
        [tmp_path / "issue", tmp_path / "templates", tmp_path / "translations", tmp_path / "pyproject.toml"]
    )
    assert sources.include(tmp_path / name) is included
