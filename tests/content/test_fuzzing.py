"""Fuzzing the load and validate stages: whatever an editor's file holds, it is reported, never a crash.

Hypothesis writes arbitrary text and bytes to a file for `load_source`, and mutates the files of the
minimal issue the way hurried editing does (a line deleted, duplicated or moved, a value replaced with
one of YAML 1.1's surprises, an alias, a tab, stray characters) for `validate_issue` and `build.py
validate`. Every outcome must be either a result or problems that each name a file and a line.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.content.examination import validate_issue
from bulletin.content.loading import Source, load_source
from bulletin.util.errors import ContentError, Problem
from bulletin.workflow.cli import main

from conftest import LANGUAGES, MINIMAL

# The same examples on every run and every machine (derandomize): a failure in CI is one anyone can run
# again, and nothing is kept between runs (no database), so no run depends on the ones before it. 200
# examples per property take about ten seconds on two cores; no deadline, as a slow machine is no failure.
# Each example copies the issue itself (tempfile): no pytest fixture is shared between examples.
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None)
# A mutated issue is validated whole, in every language: fewer examples, each of which tries many fields at once.
FUZZ_ISSUE = settings(FUZZ, max_examples=60)

FILES = ("issue.yaml",) + tuple(f"{language}.yaml" for language in LANGUAGES)
# Values YAML 1.1 reads as something else than they look, the syntax editors stumble on, and numbers,
# dates and file names that are possible but odd.
ODDITIES = (
    "yes",
    "no",
    "on",
    "off",
    "1:30",
    "1.10",
    "2023-01-01",
    "2023-13-45",
    "~",
    "null",
    "[]",
    "{}",
    "''",
    "-",
    "*a",
    "&a",
    "!!str",
    "!!binary",
    "!!int x",
    "!source-00000000",
    "<<: *a",
    "? x",
    "|",
    ">-",
    "\t",
    "0x1F",
    "0o17",
    ".inf",
    ".nan",
    "1e999",
    "1.0e+300",
    "1" + "0" * 30,
    "-1",
    "'unclosed",
    '"\\x',
    "#",
    "0001-01-01",
    "9999-12-31",
    "2023-02-30",
    "2023-07-14 12:00",
    '"images/\\0.svg"',
    "a" * 300 + ".svg",
    "../issue.yaml",
    "images",
)
# A value in a block mapping (`key: value`) or a flow collection (`[a, b]`, `{id: x, date: y}`).
SCALAR = re.compile(r"(?<=: )[^,{}\[\]\n]+|(?<=[\[,] )[^,{}\[\]\n]+|(?<=\[)[^,{}\[\]\n]+")
# Pieces of YAML, so that random text is often close to YAML rather than noise; and deep nesting.
TOKENS = (
    ":",
    ": ",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ",",
    "&a ",
    "*a",
    "!",
    "!!",
    "|",
    ">",
    "'",
    '"',
    "#",
    "? ",
    "%YAML 1.1",
    "---",
    "...",
    "\n",
    "  ",
    "\t",
    "~",
    "key",
    "yes",
    "1",
    "2023-01-01",
    "é",
    "\ufeff",
)
NESTED = st.builds(
    lambda opener, depth: opener * depth, st.sampled_from(("[", "{a: ", "- ", "&a [*a, ")), st.integers(0, 30_000)
)
# Pieces of Markdown and of typography, for the texts: links, pictures, quotation marks, dashes.
MARKDOWN = (
    "[",
    "](",
    ")",
    "![",
    "<",
    ">",
    "http://a.az",
    "file:///x",
    "mailto:",
    "javascript:",
    "*",
    "_",
    "`",
    "\n",
    "\n\n",
    "  ",
    "«",
    "»",
    "„",
    "“",
    '"',
    "'",
    "¿",
    "?",
    "—",
    "#",
    "a",
    "Ş",
    "\u00ad",
    "\u2028",
)
TEXTS = st.one_of(st.text(), st.lists(st.sampled_from(MARKDOWN)).map("".join))


def line_of(draw, lines: list[str]) -> int:
    return draw(st.integers(0, len(lines) - 1))


def delete_line(draw, lines):
    del lines[line_of(draw, lines)]


def duplicate_line(draw, lines):
    index = line_of(draw, lines)
    lines.insert(index, lines[index])


def swap_lines(draw, lines):
    first, second = line_of(draw, lines), line_of(draw, lines)
    lines[first], lines[second] = lines[second], lines[first]


def replace_value(draw, lines):
    index = line_of(draw, lines)
    values = list(SCALAR.finditer(lines[index]))
    if values:
        value = draw(st.sampled_from(values))
        lines[index] = lines[index][: value.start()] + draw(st.sampled_from(ODDITIES)) + lines[index][value.end() :]


def write_text(draw, lines):
    """Put a random text, in double quotes, in the place of a value."""
    index = line_of(draw, lines)
    values = list(SCALAR.finditer(lines[index]))
    if values:
        value = draw(st.sampled_from(values))
        text = json.dumps(draw(TEXTS), ensure_ascii=False)
        lines[index] = lines[index][: value.start()] + text + lines[index][value.end() :]


def alias_value(draw, lines):
    """Anchor one value or mapping (`key: &a ...`) and repeat it elsewhere (`other: *a`)."""
    anchored, aliased = line_of(draw, lines), line_of(draw, lines)
    lines[anchored] = re.sub(r":( |$)", r": &a\1", lines[anchored], count=1)
    lines[aliased] = re.sub(r":( .*|$)", ": *a", lines[aliased], count=1)


def indent_line(draw, lines):
    index = line_of(draw, lines)
    lines[index] = draw(st.sampled_from(("", " ", "   ", "\t", " \t"))) + lines[index].lstrip(" ")


def insert_characters(draw, lines):
    index = line_of(draw, lines)
    column = draw(st.integers(0, len(lines[index])))
    lines[index] = lines[index][:column] + draw(st.text(min_size=1, max_size=4)) + lines[index][column:]


MUTATIONS = (
    delete_line,
    duplicate_line,
    swap_lines,
    replace_value,
    write_text,
    alias_value,
    indent_line,
    insert_characters,
)


@st.composite
def mutated_files(draw) -> dict[str, str]:
    """One to three files of the minimal issue, each changed by one to four mutations."""
    changed = {}
    for name in draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=3, unique=True)):
        lines = (MINIMAL / name).read_text(encoding="utf-8").splitlines()
        for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
            if lines:
                mutate(draw, lines)
        changed[name] = "\n".join(lines) + "\n"
    return changed


@contextlib.contextmanager
def minimal_issue_with(files: dict[str, str]):
    """A copy of the minimal issue with `files` written over its own, removed afterwards."""
    with tempfile.TemporaryDirectory() as root:
        folder = Path(root) / MINIMAL.name
        shutil.copytree(MINIMAL, folder)
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        yield folder


def assert_placed(problem: Problem, folder: Path) -> None:
    """The problem names a file of the issue, and a line that can be in it."""
    path = problem.mark.path
    assert path.parent == folder and path.is_file(), problem
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()  # more breaks than YAML's: a loose bound
    assert 1 <= problem.mark.line <= len(lines) + 1 and problem.mark.column >= 1, problem


def check_loaded(source: Source, path: Path) -> None:
    assert isinstance(source, Source) and source.path == path
    assert source.tree is not None or source.problems  # a file not read says why
    for problem in source.problems:
        assert problem.mark.path == path and problem.mark.line >= 1 and problem.mark.column >= 1, problem


@pytest.mark.slow
@FUZZ
@given(st.one_of(st.text(), st.lists(st.sampled_from(TOKENS)).map("".join), NESTED))
def test_any_text_loads_or_is_reported_with_its_place(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "en.yaml"
        path.write_text(text, encoding="utf-8")
        check_loaded(load_source(path), path)


@FUZZ
@given(st.binary())
def test_any_bytes_load_or_are_reported_with_their_place(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "issue.yaml"
        path.write_bytes(data)
        check_loaded(load_source(path), path)


@pytest.mark.slow
@FUZZ_ISSUE
@given(mutated_files(), st.booleans())
def test_a_mutated_issue_is_valid_or_its_problems_are_placed(files, draft):
    with minimal_issue_with(files) as folder:
        try:
            issue = validate_issue(folder, draft=draft)
        except ContentError as err:
            assert err.problems
            for problem in err.problems:
                assert_placed(problem, folder)
        else:  # a valid issue has every text in every language, stood in for in a draft
            assert all(set(section.title) == set(issue.languages) for section in issue.sections)


@pytest.mark.slow
@FUZZ_ISSUE
@given(mutated_files())
def test_validate_command_answers_a_mutated_issue_without_a_traceback(files):
    with minimal_issue_with(files) as folder:
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            status = main(["validate", str(folder)])
        said = output.getvalue()
        assert status in (0, 2) and "Traceback" not in said
        assert (status == 0) == (": valid" in said.splitlines()[-1]), said
