"""Issue names: <YYYY>-H1 or <YYYY>-H2 in ASCII digits, for the years 2020 to 2999; anything else is a problem at the
folder for every command, never a traceback."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from bulletin.model import issue_name_problem, period_of
from bulletin.workflow.cli import main

from conftest import MINIMAL

OUT_OF_RANGE = (
    "the year {} is out of range: an issue is named for a year from 2020, the year of the liberation,"
    " to 2999, such as 2022-H2"
)
NOT_A_NAME = "an issue is named <YYYY>-H1 or <YYYY>-H2, such as 2022-H2"


@pytest.mark.parametrize(
    "name, period",
    [
        ("2020-H1", (date(2020, 1, 1), date(2020, 6, 30))),
        ("2022-H2", (date(2022, 7, 1), date(2022, 12, 31))),
        ("2999-H2", (date(2999, 7, 1), date(2999, 12, 31))),
    ],
)
def test_an_issue_name_gives_its_half_year(name, period):
    assert (period_of(name).start, period_of(name).end) == period and issue_name_problem(name) is None


@pytest.mark.parametrize(
    "name, problem",
    [
        ("0000-H1", OUT_OF_RANGE.format("0000")),  # no year 0 in a date: it was a traceback
        ("2019-H2", OUT_OF_RANGE.format("2019")),
        ("3000-H1", OUT_OF_RANGE.format("3000")),
        ("9999-H2", OUT_OF_RANGE.format("9999")),  # the day after its half-year is past what a date can hold
        ("٢٠٢٢-H2", NOT_A_NAME),  # Arabic-Indic digits, which \d took and int() reads
        ("２０２２-H2", NOT_A_NAME),  # full-width digits
        ("2022-H2\n", NOT_A_NAME),  # $ took a name ending in a newline
        ("2022-H3", NOT_A_NAME),
        ("22-H2", NOT_A_NAME),
    ],
)
def test_a_name_that_is_no_issue_name_says_why(name, problem):
    assert issue_name_problem(name) == problem and period_of(name) is None


@pytest.fixture
def issues(tmp_path, monkeypatch):
    """A folder of issues holding the minimal issue under names that are no issue's, as the working directory."""
    for name in ("0000-H1", "3000-H2", "٢٠٢٣-H1", "2023-H1"):
        shutil.copytree(MINIMAL, tmp_path / "issues" / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "issues"


@pytest.mark.parametrize(
    "name, problem",
    [("0000-H1", OUT_OF_RANGE.format("0000")), ("3000-H2", OUT_OF_RANGE.format("3000")), ("٢٠٢٣-H1", NOT_A_NAME)],
)
def test_every_command_says_the_folder_is_no_issue(issues, name, problem, capsys):
    folder = f"issues/{name}"
    assert main(["validate", folder]) == 2
    captured = capsys.readouterr()
    assert captured.out == f"{folder}:1:1: {problem}\n" and captured.err == f"{folder}: 1 problem(s)\n"
    assert main(["status", folder]) == 2
    assert capsys.readouterr().err == (
        f"{folder}:1:1: {problem}\n1 problem(s); the issue's status cannot be told until they are fixed.\n"
    )
    assert main([folder, "--output", "out"]) == 2
    assert capsys.readouterr().err == f"{folder}:1:1: {problem}\n1 problem(s); no PDF was written.\n"
    assert main(["new", name, "--issues", "issues"]) == 2
    assert capsys.readouterr().err == f"usage: {name!r}: {problem}\n"
    assert not list((issues.parent / "out").rglob("*.pdf"))


def test_folders_that_are_no_issues_are_passed_over_when_looking_for_one(issues, capsys):
    assert main(["new", "2023-H2", "--issues", "issues"]) == 0  # from 2023-H1: not 3000-H2, which is no issue
    assert "issues/2023-H2: started" in capsys.readouterr().err
