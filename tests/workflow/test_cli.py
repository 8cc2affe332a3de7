"""The command line: exit statuses, messages, the newest issue, output paths."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from bulletin.project import newest_issue
from bulletin.workflow.cli import main

from conftest import MINIMAL, PROJECT, SAMPLE, apply_edits, copy_project, page_texts, run_in_terminal


def test_an_unknown_language_is_a_usage_error(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--lang", "fr"]) == 2
    assert "--lang fr: not a language of this issue (it has az, ru, en, es)" in capsys.readouterr().err


def test_a_missing_issue_folder_is_a_usage_error(tmp_path, capsys):
    assert main([str(tmp_path / "2030-H1")]) == 2
    assert "no such issue folder" in capsys.readouterr().err


def test_bad_options_exit_with_status_2(capsys):
    assert main(["--no-such-option"]) == 2


def test_the_newest_issue_is_the_latest_half_year(tmp_path):
    for name in ("2022-H2", "2023-H1", "2021-H2", "drafts", "2023-H3"):
        (tmp_path / name).mkdir()
    assert newest_issue(tmp_path).name == "2023-H1"


@pytest.mark.slow
def test_a_build_prints_the_delivered_files_on_stdout_and_progress_on_stderr(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--lang", "az,es"]) == 0
    captured = capsys.readouterr()
    written = captured.out.splitlines()
    assert [line.rsplit("/", 1)[1] for line in written] == [
        "layout.txt",
        "manifest.json",
        "preflight.json",
        "since-the-victory-2023-H1-az-print.pdf",
        "since-the-victory-2023-H1-az-screen.pdf",
        "since-the-victory-2023-H1-es-print.pdf",
        "since-the-victory-2023-H1-es-screen.pdf",
    ]
    assert "az print: " in captured.err and "es screen: " in captured.err and "pages" in captured.err
    # the preflight table: a row per PDF, then the totals
    assert "since-the-victory-2023-H1-es-screen.pdf  ok" in captured.err
    assert "0 errors, 0 warnings in 4 files" in captured.err


@pytest.mark.slow
def test_only_the_variants_asked_for_are_built(minimal_issue, tmp_path, capsys):
    output = tmp_path / "out"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "en", "--variant", "screen", "-q"]) == 0
    assert sorted(path.name for path in (output / "2023-H1").glob("*.pdf")) == [
        "since-the-victory-2023-H1-en-screen.pdf"
    ]


def test_an_unknown_variant_is_a_usage_error(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--variant", "web"]) == 2
    assert "--variant web: unknown; choose from print, screen" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "-2", "two", "", "65", "100000"])
def test_a_number_of_workers_out_of_bounds_is_bad_usage_of_the_option(minimal_issue, tmp_path, value, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--workers", value]) == 2
    err = capsys.readouterr().err
    assert f"argument --workers: {value!r} is not a number of workers (1 to 64)" in err and "pyproject" not in err


@pytest.mark.slow
def test_without_an_issue_folder_the_newest_issue_is_built(tmp_path):
    """In a copy of the project holding the sample and the minimal issue, whatever the project's issues/ holds."""
    project = copy_project(tmp_path / "project", SAMPLE, MINIMAL)
    done = subprocess.run(
        [sys.executable, "build.py", "--lang", "en", "--variant", "screen", "--output", "out", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [path.name for path in (project / "out").glob("*/*.pdf")] == ["since-the-victory-2023-H1-en-screen.pdf"]


@pytest.mark.slow
def test_a_build_on_a_terminal_draws_progress_bars(minimal_issue, tmp_path):
    script = (
        f"from bulletin.workflow.cli import main; raise SystemExit(main([{str(minimal_issue)!r},"
        f" '--lang', 'en,es', '--variant', 'screen', '--output', {str(tmp_path / 'out')!r}]))"
    )
    output = run_in_terminal(script, timeout=120)
    assert "━" in output, output  # rich's bars
    assert "print" in output and "preflight" in output and "2/2" in output
    assert "en screen: " in output and "es screen: 9 pages in" in output and "preflight: 0 error(s)" in output
    assert (tmp_path / "out" / "2023-H1" / "since-the-victory-2023-H1-es-screen.pdf").is_file()


@pytest.mark.slow
def test_off_a_terminal_a_build_writes_plain_lines(minimal_issue, tmp_path):
    process = subprocess.run(
        [
            sys.executable,
            "build.py",
            str(minimal_issue),
            "--lang",
            "en",
            "--variant",
            "screen",
            "--output",
            str(tmp_path / "out"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert process.returncode == 0
    assert "\x1b" not in process.stderr and "━" not in process.stderr
    assert re.search(
        r"^en screen: \d+ pages in \d+\.\d s; preflight: 0 error\(s\), 0 warning\(s\) in \d+\.\d s$",
        process.stderr,
        re.M,
    )


class Watcher:
    """`build.py watch` running in its own process, with what it says read as it comes."""

    def __init__(self, arguments: list[str]):
        self.process = subprocess.Popen(
            [sys.executable, "build.py", "watch"] + arguments,
            cwd=PROJECT,
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.said: list[str] = []
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stderr], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 90) -> str:
        """Read what the watcher says until a line matches `pattern`; return that line."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.said.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"the watcher never said {pattern!r}; it said:\n{''.join(self.said)}")


@pytest.mark.slow
def test_watch_rebuilds_the_edition_on_each_change_and_survives_errors(minimal_issue, tmp_path):
    output = tmp_path / "out"
    watcher = Watcher([str(minimal_issue), "--lang", "en", "--output", str(output)])
    pdf = output / "2023-H1" / "since-the-victory-2023-H1-en-screen.pdf"
    try:
        watcher.wait_for(r"built in \d+\.\d s")
        watcher.wait_for(r"watching .* for changes")
        assert pdf.is_file() and not (output / "2023-H1" / "since-the-victory-2023-H1-ru-screen.pdf").exists()
        apply_edits(minimal_issue, [{"file": "en.yaml", "replace": '"First article"', "with": '"A renamed article"'}])
        watcher.wait_for(r"changed: .*en\.yaml")
        watcher.wait_for(r"built in \d+\.\d s")
        assert "A renamed article" in "".join(page_texts(pdf))
        apply_edits(minimal_issue, [{"file": "en.yaml", "replace": "language: en", "with": "language: [en"}])
        watcher.wait_for(r"en\.yaml:\d+:\d+: YAML syntax")
        watcher.wait_for(r"problem\(s\)")
        assert watcher.process.poll() is None, "an error must not end the watching"
        assert "A renamed article" in "".join(page_texts(pdf))  # the last good edition is still there
        apply_edits(minimal_issue, [{"file": "en.yaml", "replace": "language: [en", "with": "language: en"}])
        watcher.wait_for(r"built in \d+\.\d s")
    finally:
        watcher.process.send_signal(signal.SIGINT)
        assert watcher.process.wait(timeout=30) == 0


@pytest.mark.slow
def test_an_output_folder_given_relative_to_the_working_directory(minimal_issue, tmp_path, monkeypatch):
    """Pictures prepared for print under a relative output folder are still found by WeasyPrint."""
    monkeypatch.chdir(tmp_path)
    assert main([str(minimal_issue), "--output", "out", "--lang", "az", "--variant", "print", "-q"]) == 0
    assert (tmp_path / "out/2023-H1/since-the-victory-2023-H1-az-print.pdf").is_file()
