"""Scheduled builds: the due issue on a fixed clock, idempotency, catch-up, not-ready, the lock and the record."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bulletin.delivery.completeness import delivery_gaps
from bulletin.delivery.incremental import read_ingredients
from bulletin.printing.settings import load_settings
from bulletin.util.fingerprints import tool_versions
from bulletin.workflow import cli
from bulletin.workflow.cli import main
from bulletin.workflow.schedule import NOT_READY, due_issue, scheduled_run

from conftest import LANGUAGES, PROJECT, VARIANTS

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d (INFO|WARNING|ERROR) ", re.MULTILINE)


@pytest.mark.parametrize(
    "day, due",
    [
        ("2023-06-30", "2022-H2"),  # the last day before July: still the previous half-year's issue
        ("2023-07-01", "2023-H1"),
        ("2023-12-31", "2023-H1"),
        ("2024-01-01", "2023-H2"),
        ("2024-02-29", "2023-H2"),  # a leap day
        ("2024-06-30", "2023-H2"),  # in a leap year
        ("2024-07-01", "2024-H1"),
        ("2000-01-01", "1999-H2"),
    ],
)
def test_the_due_issue_changes_on_1_january_and_1_july(day, due):
    assert due_issue(date.fromisoformat(day)) == due


@pytest.mark.parametrize(
    "day, message",
    [
        ("2023-02-30", "'2023-02-30' is not a date: day is out of range for month"),
        ("2023-13-01", "'2023-13-01' is not a date: month must be in 1..12"),
        ("1 July", "'1 July' is not a date written YYYY-MM-DD"),
        ("20230701", "'20230701' is not a date written YYYY-MM-DD"),
        ("2023-W27-6", "'2023-W27-6' is not a date written YYYY-MM-DD"),
        (
            "0001-01-01",
            "'0001-01-01': too early: issues are named for the years 2020, the year of the liberation,"
            " to 2999, so one is due on the days from 2020-07-01 to 3000-06-30",
        ),
        ("1000-06-30", "'1000-06-30': too early"),
        ("2020-06-30", "'2020-06-30': too early"),  # 2019-H2 would be due
        ("3000-07-01", "'3000-07-01': too late: issues are named for the years 2020"),  # 3000-H1 would be due
        ("9999-12-31", "'9999-12-31': too late"),  # the day after the issue's half-year is past what a date can hold
        ("٢٠٢٣-٠٧-٠١", "is not a date written YYYY-MM-DD"),  # digits, but not ASCII ones
    ],
)
def test_a_date_that_is_not_one_is_bad_usage(day, message, capsys):
    assert main(["scheduled", "--date", day]) == 2
    assert message in capsys.readouterr().err


def scheduled(issues: Path, output: Path, day: str | None, *options: str) -> list[str]:
    """The command line of a scheduled run on a copy of the issues, into a test output folder."""
    return ["scheduled", *(["--date", day] if day else []), "--issues", str(issues), "--output", str(output), *options]


def test_without_a_date_the_clock_decides(monkeypatch, tmp_path, capsys):
    class FixedClock(date):
        @classmethod
        def today(cls):
            return date(2024, 7, 1)

    monkeypatch.setattr(cli, "date", FixedClock)
    assert main(scheduled(tmp_path / "issues", tmp_path / "output", None)) == NOT_READY
    assert "issue 2024-H1 is not ready" in capsys.readouterr().out
    report = json.loads((tmp_path / "output/2024-H1/build-report.json").read_text(encoding="utf-8"))
    assert report["date"] == "2024-07-01" and report["issue"] == "2024-H1"


def test_a_missing_issue_is_not_ready_and_nothing_is_delivered(tmp_path, capsys):
    output = tmp_path / "output"
    assert main(scheduled(tmp_path / "issues", output, "2023-07-01")) == NOT_READY
    captured = capsys.readouterr()
    assert "issue 2023-H1 is not ready: 1 problem(s)" in captured.out and "nothing was delivered" in captured.out
    assert "build.py new 2023-H1 --issues" in captured.err
    assert [path.name for path in (output / "2023-H1").iterdir()] == ["build-report.json"]
    report = json.loads((output / "2023-H1/build-report.json").read_text(encoding="utf-8"))
    assert report["result"] == "not ready" and report["exit_status"] == NOT_READY
    issues = tmp_path / "issues"
    assert report["problems"] == [
        f"{issues / '2023-H1'}: no such folder: issue 2023-H1, due from 2023-07-01,"
        f" has not been started (start it with build.py new 2023-H1 --issues {issues})"
    ]
    assert report["built"] == []
    assert STAMP.search((output / "scheduled.log").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "issue, day, kind, said",
    [
        ("2024-H2", "2025-01-02", "loop", "a loop of symbolic links"),  # was "cannot be the output folder", exit 2
        ("2024-H1", "2024-07-02", "fifo", "a named pipe (FIFO)"),  # was "has not been started"
        ("2024-H1", "2024-07-02", "file", "a file"),
    ],
)
def test_something_else_in_the_issues_place_is_said_as_what_it_is_and_not_ready(
    tmp_path, capsys, issue, day, kind, said
):
    issues, output = tmp_path / "issues", tmp_path / "output"
    issues.mkdir()
    {"loop": lambda path: path.symlink_to(path.name), "fifo": os.mkfifo, "file": lambda path: path.write_text("notes")}[
        kind
    ](issues / issue)
    assert main(scheduled(issues, output, day)) == NOT_READY
    captured = capsys.readouterr()
    assert f"issue {issue} is not ready: 1 problem(s)" in captured.out
    report = json.loads((output / issue / "build-report.json").read_text(encoding="utf-8"))
    assert report["problems"] == [
        f"{issues / issue}: is {said}, not the folder of issue {issue}, due from"
        f" {day[:-1]}1: move it away, and put the issue's folder there (or start it with"
        f" build.py new {issue} --issues {issues})"
    ]


def test_an_earlier_issue_never_delivered_is_named_not_built(minimal_issue, tmp_path, capsys):
    assert main(scheduled(minimal_issue.parent, tmp_path / "output", "2024-01-05")) == NOT_READY
    assert (
        "issue 2023-H1, due from 2023-07-01, has never been delivered; to deliver it:"
        f" build.py scheduled --date 2023-07-01 --issues {minimal_issue.parent} --output {tmp_path / 'output'}"
    ) in capsys.readouterr().err
    assert not (tmp_path / "output/2023-H1").exists()


def test_invalid_content_is_not_ready_and_names_each_place(minimal_issue, tmp_path, capsys):
    text = (minimal_issue / "en.yaml").read_text(encoding="utf-8")
    (minimal_issue / "en.yaml").write_text(
        text.replace('  second-event: !source-a05cafcc "Second event."\n', ""), encoding="utf-8"
    )
    text = (minimal_issue / "issue.yaml").read_text(encoding="utf-8")
    assert "2023-03-" in text
    (minimal_issue / "issue.yaml").write_text(text.replace("2023-03-", "2023-13-", 1), encoding="utf-8")
    output = tmp_path / "output"
    assert main(scheduled(minimal_issue.parent, output, "2023-07-01")) == NOT_READY
    report = json.loads((output / "2023-H1/build-report.json").read_text(encoding="utf-8"))
    problems = "\n".join(report["problems"])
    assert re.search(r"2023-H1/en\.yaml:\d+:\d+: .*second-event", problems)
    assert re.search(r"2023-H1/issue\.yaml:\d+:\d+: .*2023-13-", problems)
    assert len(report["problems"]) >= 2 and [step["name"] for step in report["steps"]] == ["check readiness"]
    assert not list(output.rglob("*.pdf")) and not list(output.rglob("*.zip"))
    assert "not ready" in capsys.readouterr().out


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of a folder with its modification time and bytes."""
    return {path.name: (path.stat().st_mtime_ns, path.read_bytes()) for path in sorted(folder.iterdir())}


@pytest.mark.slow
def test_deliver_once_catch_up_then_do_nothing_until_an_input_changes(minimal_issue, tmp_path, capsys, monkeypatch):
    output = tmp_path / "output"
    issues = minimal_issue.parent
    # Not ready on 1 July: a translation is missing.
    en = minimal_issue / "en.yaml"
    complete = en.read_text(encoding="utf-8")
    en.write_text(complete.replace('  first-event: !source-b93ac7d9 "First event."\n', ""), encoding="utf-8")
    assert main(scheduled(issues, output, "2023-07-01")) == NOT_READY
    capsys.readouterr()

    # Fixed, and the next run (whenever it comes in the half-year) makes the delivery good.
    en.write_text(complete, encoding="utf-8")
    assert main(scheduled(issues, output, "2023-09-14")) == 0
    assert "2023-H1 delivered" in capsys.readouterr().out
    folder = output / "2023-H1"
    names = {f"since-the-victory-2023-H1-{language}-{variant}.pdf" for language in LANGUAGES for variant in VARIANTS}
    assert names | {
        "manifest.json",
        "preflight.json",
        "layout.txt",
        "since-the-victory-2023-H1-print.zip",
        "since-the-victory-2023-H1-print.zip.sha256",
        "build-report.json",
    } == {path.name for path in folder.iterdir()}
    with zipfile.ZipFile(folder / "since-the-victory-2023-H1-print.zip") as package:
        assert sorted(package.namelist()) == sorted(
            {name for name in names if name.endswith("-print.pdf")} | {"manifest.json", "preflight.json"}
        )
    report = json.loads((folder / "build-report.json").read_text(encoding="utf-8"))
    assert report["result"] == "delivered" and report["exit_status"] == 0 and report["date"] == "2023-09-14"
    assert report["reasons"] == ["there is no delivery yet"]
    assert report["inputs"]["issue"]["en.yaml"] and "templates/bulletin.css" in report["inputs"]["project"]
    assert {entry["file"] for entry in report["built"]} == names | {
        "manifest.json",
        "preflight.json",
        "layout.txt",
        "since-the-victory-2023-H1-print.zip",
        "since-the-victory-2023-H1-print.zip.sha256",
    }
    steps = [step["name"] for step in report["steps"]]
    assert steps[:4] == ["check readiness", "validate", "localize", "prepare pictures"]
    assert {
        f"{step} {language} {variant}"
        for step in ("print", "preflight")
        for language in LANGUAGES
        for variant in VARIANTS
    } <= set(steps)
    assert steps[-1] == "deliver"
    assert all(step["outcome"] == "done" and step["seconds"] >= 0 for step in report["steps"])
    assert report["tools"]["weasyprint"] and report["finished"] >= report["started"]
    log = (output / "scheduled.log").read_text(encoding="utf-8")
    assert len(STAMP.findall(log)) == len(log.splitlines())  # every line carries its time
    assert "print ru print" not in log and re.search(r"ru print: \d+ pages in [\d.]+ s; preflight: 0 error", log)

    # A second run finds the delivery complete: it touches nothing, and does not load the rendering engine.
    before = snapshot(folder)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from bulletin.workflow.cli import main;"
            " status = main(sys.argv[1:]); print('weasyprint' in sys.modules); sys.exit(status)",
            *scheduled(issues, output, "2023-12-31"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        f"{folder}: the delivery of 2023-H1 is complete and current; nothing to build",
        "False",
    ]
    assert snapshot(folder) == before

    # An edited source text rebuilds, says why, and warns that its translations are now stale.
    az = minimal_issue / "az.yaml"
    az.write_text(az.read_text(encoding="utf-8").replace('"Birinci hadisə."', '"İlk hadisə."'), encoding="utf-8")
    assert main(scheduled(issues, output, "2023-12-31")) == 0
    assert "2023-H1 delivered with 3 warning(s). Report: " in capsys.readouterr().out
    report = json.loads((folder / "build-report.json").read_text(encoding="utf-8"))
    assert report["reasons"] == ["its inputs changed since it was made: issue az.yaml"] + [
        f"since-the-victory-2023-H1-az-{variant}.pdf must be made again: text changed"
        for variant in ("print", "screen")
    ]
    assert [warning.split(": ", 2)[1:] for warning in report["warnings"]] == [
        [
            "warning",
            "event 'first-event' is stale: the az text is not the one this translation was confirmed against;"
            " it changed: [-Birinci-] {+İlk+} hadisə.",
        ]
    ] * 3
    edited = "since-the-victory-2023-H1-az-print.pdf"
    assert snapshot(folder)[edited] != before[edited]

    # A delivered file damaged or deleted afterwards is made again, and so is a damaged package.
    damaged = folder / "since-the-victory-2023-H1-az-screen.pdf"
    damaged.write_bytes(damaged.read_bytes()[:-100])
    (folder / "since-the-victory-2023-H1-en-print.pdf").unlink()
    assert main(scheduled(issues, output, "2023-12-31")) == 0
    report = json.loads((folder / "build-report.json").read_text(encoding="utf-8"))
    assert report["reasons"] == [
        f"{damaged.name} is missing or not as delivered",
        "since-the-victory-2023-H1-en-print.pdf is missing or not as delivered",
        "since-the-victory-2023-H1-print.zip does not hold this delivery's print files",
    ]
    package = folder / "since-the-victory-2023-H1-print.zip"
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0xFF  # a flipped bit inside a member: names, sizes and manifest all still agree
    package.write_bytes(bytes(data))
    assert main(scheduled(issues, output, "2023-12-31")) == 0
    report = json.loads((folder / "build-report.json").read_text(encoding="utf-8"))
    assert report["reasons"] == [
        "since-the-victory-2023-H1-print.zip is not the package its checksum"
        " since-the-victory-2023-H1-print.zip.sha256 names"
    ]
    checksum = (folder / "since-the-victory-2023-H1-print.zip.sha256").read_text(encoding="utf-8")
    assert checksum == f"{hashlib.sha256(package.read_bytes()).hexdigest()}  {package.name}\n"

    # Content broken after the delivery: not ready, and the delivery stays as it was.
    before = snapshot(folder)
    en.write_text(complete.replace('  first-event: !source-b93ac7d9 "First event."\n', ""), encoding="utf-8")
    assert main(scheduled(issues, output, "2023-12-31")) == NOT_READY
    assert "nothing was delivered; the earlier delivery in" in capsys.readouterr().out
    after = snapshot(folder)
    assert after.pop("build-report.json") != before.pop("build-report.json") and after == before
    en.write_text(complete, encoding="utf-8")  # put back as it was delivered
    assert main(scheduled(issues, output, "2023-12-31")) == 0
    assert "nothing to build" in capsys.readouterr().out

    # Other tools, or other print settings, make the delivery out of date too.
    settings = load_settings(PROJECT / "pyproject.toml")
    ingredients = read_ingredients(minimal_issue, settings, output)
    assert delivery_gaps(output, minimal_issue, ingredients, settings) == []
    newer = replace(ingredients, tools=tool_versions() | {"weasyprint": "99.0"})
    assert delivery_gaps(output, minimal_issue, newer, settings) == [
        f"tools changed: weasyprint {tool_versions()['weasyprint']} → 99.0"
    ] + [
        f"since-the-victory-2023-H1-{language}-{variant}.pdf must be made again: tools changed"
        for language in LANGUAGES
        for variant in ("print", "screen")
    ]
    assert delivery_gaps(output, minimal_issue, ingredients, replace(settings, bleed_mm=5)) == [
        f"since-the-victory-2023-H1-{language}-print.pdf must be made again: settings changed" for language in LANGUAGES
    ]


@pytest.mark.slow
def test_a_delivery_missing_its_package_or_a_language_is_not_complete(minimal_issue, tmp_path):
    # What the scheduled run then gives as its reasons to build (it takes them from delivery_gaps, see above).
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "az", "--variant", "screen", "-q"]) == 0
    settings = load_settings(PROJECT / "pyproject.toml")
    ingredients = read_ingredients(minimal_issue, settings, output)
    assert delivery_gaps(output, minimal_issue, ingredients, settings) == [
        f"since-the-victory-2023-H1-{language}-{variant}.pdf is not in the delivery"
        for language in LANGUAGES
        for variant in VARIANTS
        if (language, variant) != ("az", "screen")
    ] + [
        "since-the-victory-2023-H1-print.zip or its checksum since-the-victory-2023-H1-print.zip.sha256 is missing"
        " or unreadable"
    ]


def test_a_failed_build_reports_and_keeps_nothing(minimal_issue, tmp_path, capsys):
    settings = load_settings(
        PROJECT / "pyproject.toml", icc_profile=tmp_path / "missing.icc", output_condition="FOGRA39"
    )
    output = tmp_path / "output"
    cli.configure_logging(quiet=False, verbose=False)  # as main() does, onto this test's stderr
    assert scheduled_run(date(2023, 7, 1), minimal_issue.parent, output, settings) == 1
    report = json.loads((output / "2023-H1/build-report.json").read_text(encoding="utf-8"))
    assert report["result"] == "failed" and "missing.icc" in report["message"]
    assert report["steps"][-1] | {"started": None, "seconds": None} == {
        "name": "prepare pictures",
        "outcome": "failed",
        "started": None,
        "seconds": None,
    }
    assert "failed" in capsys.readouterr().out
    assert os.listdir(output / "2023-H1") == ["build-report.json"] and not list(output.rglob("*.pdf"))


def hold(output: Path) -> subprocess.Popen:
    """Start a process that takes the output folder's lock and keeps it until killed."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path\n"
            "from bulletin.util.locking import hold_lock\n"
            "with hold_lock(Path(sys.argv[1]), 'a test holder'):\n    print('held', flush=True); time.sleep(600)",
            str(output),
        ],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline() == "held\n"
    return holder


def test_one_run_at_a_time_and_a_dead_holder_is_no_obstacle(minimal_issue, tmp_path, capsys):
    output = tmp_path / "output"
    holder = hold(output)
    try:
        assert main(scheduled(minimal_issue.parent, output, "2023-07-01", "--wait", "0")) == 4
        err = capsys.readouterr().err
        assert f"is in use by a test holder, process {holder.pid}, since " in err and "nothing was done" in err
        assert not (output / "2023-H1").exists()
        # A build into the same output folder is refused at once.
        assert main([str(minimal_issue), "--output", str(output), "--lang", "az", "-q"]) == 4
        assert "busy: " in capsys.readouterr().err
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # The holder died without releasing anything: the next run goes ahead and says so.
    assert main(scheduled(tmp_path / "elsewhere", output, "2023-07-01")) == NOT_READY
    assert f"recovered the lock of {output}: a test holder, process {holder.pid}" in capsys.readouterr().err
    assert (output / ".lock").read_text() == ""  # released on the way out, so the next one finds no dead holder


@pytest.mark.slow
def test_a_scheduled_run_waits_for_a_build_that_holds_the_lock(tmp_path, capsys):
    output = tmp_path / "output"
    holder = hold(output)
    threading.Timer(1, holder.terminate).start()  # the build ends a little later
    try:
        assert main(scheduled(tmp_path / "issues", output, "2023-07-01", "--wait", "0.5")) == NOT_READY
    finally:
        holder.wait()
    err = capsys.readouterr().err
    assert f"waiting up to 0.5 min for {output}, in use by a test holder, process {holder.pid}" in err
    assert "recovered" in err  # terminated, the holder had no time to clear its record


@pytest.mark.slow
def test_a_stop_from_systemd_ends_the_build_cleanly(minimal_issue, tmp_path):
    output = tmp_path / "output"
    run = subprocess.Popen(
        [sys.executable, "build.py", *scheduled(minimal_issue.parent, output, "2023-07-01")],
        cwd=PROJECT,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    for line in run.stderr:
        if "az print: " in line:  # in the middle of printing
            break
    run.send_signal(signal.SIGTERM)
    out, _ = run.communicate(timeout=60)
    assert run.returncode == 130
    report = json.loads((output / "2023-H1/build-report.json").read_text(encoding="utf-8"))
    assert report["result"] == "interrupted" and "unchanged" in out
    assert not list(output.rglob("*.pdf")) and not list((output / ".staging").iterdir())
    assert os.listdir(output / "2023-H1") == ["build-report.json"]


@pytest.mark.parametrize(
    "manifest",
    [
        '{"files": [{"file": 1}], "languages": ["az"], "inputs": "x"}',
        '{"files": [{"file": "../../etc/passwd", "size": 1}], "languages": ["az", 2]}',
        '{"files": "none"}',
        "[]",
        "not JSON",
    ],
)
def test_a_damaged_manifest_means_build_again_never_a_crash(manifest, minimal_issue, tmp_path):
    folder = tmp_path / "output" / "2023-H1"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(manifest, encoding="utf-8")
    settings = load_settings(PROJECT / "pyproject.toml")
    ingredients = read_ingredients(minimal_issue, settings, tmp_path / "output")
    gaps = delivery_gaps(tmp_path / "output", minimal_issue, ingredients, settings)
    assert gaps and all(isinstance(gap, str) for gap in gaps)


@pytest.mark.parametrize("wait", ["nan", "inf", "-1", "soon"])
def test_a_wait_that_is_not_a_number_of_minutes_is_bad_usage(wait, capsys):
    assert main(["scheduled", "--wait", wait]) == 2
    assert f"{wait!r} is not a number of minutes (0 or more)" in capsys.readouterr().err


def test_a_damaged_manifest_is_never_built_over_blind(minimal_issue, tmp_path, capsys):
    folder = tmp_path / "output" / "2023-H1"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text('{"files": [{"file": 1}], "languages": ["az"]}', encoding="utf-8")
    (folder / "preflight.json").write_text('{"files": {"x.pdf": {"findings": [1]}}}', encoding="utf-8")
    assert main(scheduled(minimal_issue.parent, tmp_path / "output", "2023-07-01", "-q")) == 2
    assert (
        "(2023-H1 is no delivery: its manifest.json is not a manifest a build of 2023-H1 wrote)"
        in capsys.readouterr().err
    )
    assert sorted(path.name for path in folder.iterdir()) == ["manifest.json", "preflight.json"]


def test_a_report_that_cannot_be_written_does_not_change_the_outcome(tmp_path, capsys, monkeypatch):
    output = tmp_path / "output"

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    # (A folder in the way of the report is no longer possible: such an output folder is refused from the start.)
    monkeypatch.setattr("bulletin.delivery.records.write_atomically", full_disk)
    assert main(scheduled(tmp_path / "issues", output, "2023-07-01")) == NOT_READY
    assert "issue 2023-H1 is not ready" in capsys.readouterr().out
    log = (output / "scheduled.log").read_text(encoding="utf-8")
    assert re.search(r"ERROR cannot write the build report .*build-report\.json", log)
    assert len(STAMP.findall(log)) == len(log.splitlines())
