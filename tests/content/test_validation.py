"""Validation of bad input: each case under tests/cases/ edits the minimal issue (or a copy of
the project's catalogs) and names the exact messages `build.py` must print, with file, line and
column."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bulletin.workflow.cli import main

from conftest import CASES, MINIMAL, apply_edits, every_file, load_case, read_catalogs_beside, within

SLOW_CASES = {"long-body", "animated-png", "drawing-uses-multiply"}  # each a second or more
CASE_NAMES = [
    pytest.param(name, marks=[pytest.mark.slow] if name in SLOW_CASES else [])
    for name in sorted(path.parent.name for path in CASES.glob("*/case.yaml"))
]
CASE_SECONDS = 60  # a case that takes longer hangs: the build and `validate` answer each in about a second
OUTSIDE = ("/etc/passwd", "/etc/hostname", "/etc/shadow")  # where the hostile references of the cases point
OPENED: list[str] = []  # every file this process opens while `reading` is on (an audit hook cannot be removed)


def _record_opens(event: str, arguments: tuple) -> None:
    if event == "open" and OPENED and isinstance(arguments[0], (str, bytes, Path)):
        OPENED.append(str(Path(str(arguments[0])).resolve()) if not isinstance(arguments[0], bytes) else "")


sys.addaudithook(_record_opens)


def test_the_minimal_issue_is_valid(minimal_issue, capsys):
    # The cases edit it: each of their problems is its own. (The `minimal_delivery` fixture builds it whole.)
    assert main(["validate", str(minimal_issue)]) == 0
    assert capsys.readouterr().err == f"{minimal_issue}: valid\n"


@pytest.fixture(scope="module")
def earlier_delivery(tmp_path_factory) -> Path:
    """An output folder holding a delivery of the minimal issue, as a case finds it when a build came before:
    the build's quick check of what changed then reads the case's files too."""
    output = tmp_path_factory.mktemp("earlier") / "out"
    assert main([str(MINIMAL), "--output", str(output), "--lang", "en", "--variant", "screen", "-q"]) == 0
    return output


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_is_reported_with_its_place_and_writes_no_pdf(
    name, minimal_issue, earlier_delivery, tmp_path, monkeypatch, capsys
):
    case = load_case(name)
    apply_edits(minimal_issue, case["edits"])
    read_catalogs_beside(minimal_issue, monkeypatch)
    monkeypatch.chdir(minimal_issue.parent)
    output = tmp_path / "out"
    shutil.copytree(earlier_delivery, output, symlinks=True)
    before = every_file(output / minimal_issue.name)
    OPENED[:] = ["(reading)"]
    try:
        with within(CASE_SECONDS):
            status = main([minimal_issue.name, "--output", str(output)])
            errors = capsys.readouterr().err.splitlines()
            checked = main(["validate", minimal_issue.name])
    finally:
        opened, OPENED[:] = OPENED[1:], []
    listed = capsys.readouterr().out.splitlines()
    assert not [path for path in opened if path.startswith(OUTSIDE)]  # nothing outside the issue was read
    assert status == 2
    hint = [line for line in errors if "build with --draft to use the az text in their place" in line]
    assert [line for line in errors[:-1] if line not in hint] == case["expected"]
    assert len(hint) == (1 if case.get("draft_hint") else 0)  # only missing translations suggest a draft
    assert errors[-1].endswith("no PDF was written.")
    assert every_file(output / minimal_issue.name) == before  # the delivery there is as it was
    # `validate` refuses what the build refuses, with the same messages at the same places.
    assert checked == 2 and [line for line in listed if ": warning: " not in line] == case["expected"]


def test_every_problem_of_an_issue_is_reported_in_one_run(minimal_issue, tmp_path, monkeypatch, capsys):
    for name in ("missing-russian-title", "date-outside-period", "missing-image", "no-as-text"):
        apply_edits(minimal_issue, load_case(name)["edits"])
    monkeypatch.chdir(minimal_issue.parent)
    assert main([minimal_issue.name, "--output", str(tmp_path / "out")]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 4 + 2  # the problems, the hint to build a draft, the count
