"""Validation of bad input: each case under tests/cases/ edits the minimal issue (or a copy of
the project's catalogs) and names the exact messages `build.py` must print, with file, line and
column."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bulletin.cli import main

from conftest import CASES, apply_edits, load_case, read_catalogs_beside

CASE_NAMES = sorted(path.parent.name for path in CASES.glob("*/case.yaml"))
OUTSIDE = ("/etc/passwd", "/etc/hostname", "/etc/shadow")  # where the hostile references of the cases point
OPENED: list[str] = []  # every file this process opens while `reading` is on (an audit hook cannot be removed)


def _record_opens(event: str, arguments: tuple) -> None:
    if event == "open" and OPENED and isinstance(arguments[0], (str, bytes, Path)):
        OPENED.append(str(Path(str(arguments[0])).resolve()) if not isinstance(arguments[0], bytes) else "")


sys.addaudithook(_record_opens)


def test_the_minimal_issue_is_valid(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path / "out"), "--lang", "en", "-q"]) == 0


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_is_reported_with_its_place_and_writes_no_pdf(name, minimal_issue, tmp_path, monkeypatch, capsys):
    case = load_case(name)
    apply_edits(minimal_issue, case["edits"])
    read_catalogs_beside(minimal_issue, monkeypatch)
    monkeypatch.chdir(minimal_issue.parent)
    output = tmp_path / "out"
    OPENED[:] = ["(reading)"]
    try:
        status = main([minimal_issue.name, "--output", str(output)])
    finally:
        opened, OPENED[:] = OPENED[1:], []
    errors = capsys.readouterr().err.splitlines()
    assert not [path for path in opened if path.startswith(OUTSIDE)]  # nothing outside the issue was read
    assert status == 2
    hint = [line for line in errors if "build with --draft to use the az text in their place" in line]
    assert [line for line in errors[:-1] if line not in hint] == case["expected"]
    assert len(hint) == (1 if case.get("draft_hint") else 0)  # only missing translations suggest a draft
    assert errors[-1].endswith("no PDF was written.")
    assert not output.exists() or not any(output.rglob("*.pdf"))


def test_every_problem_of_an_issue_is_reported_in_one_run(minimal_issue, monkeypatch, capsys):
    for name in ("missing-russian-title", "date-outside-period", "missing-image", "no-as-text"):
        apply_edits(minimal_issue, load_case(name)["edits"])
    monkeypatch.chdir(minimal_issue.parent)
    assert main([minimal_issue.name]) == 2
    assert len(capsys.readouterr().err.splitlines()) == 4 + 2  # the problems, the hint to build a draft, the count
