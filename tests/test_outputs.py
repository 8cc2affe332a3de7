"""The output folder never holds the input: every refusal comes before anything is written, and leaves every file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bulletin import outputs
from bulletin.cli import main
from bulletin.errors import UsageError
from bulletin.outputs import check_output, delivery_problem

from conftest import PROJECT, SAMPLE, every_file

INPUTS = "; a build replaces what is in its output folder, and would destroy the input. Give a folder of its own:" \
         " a new or empty one, or output/ (the default)"
FOREIGN = ", which no build wrote, and a build would mix its files with them{}. Move them elsewhere, or give a" \
          " folder of the output's own: a new or empty one, or one only builds have written to"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project laid out as the code expects it, with a copy of the sample issue: the working directory, and
    what the output check takes for the project's folders."""
    top = tmp_path / "project"
    shutil.copytree(SAMPLE, top / "issues" / SAMPLE.name)
    for name in ("templates", "translations"):
        shutil.copytree(PROJECT / name, top / name)
    (top / "bulletin").mkdir()
    (top / "bulletin" / "__init__.py").write_text("")
    (top / "output").mkdir()
    (top / "output" / ".gitkeep").write_text("")
    for name, path in (("PROJECT", top), ("ISSUES", top / "issues"), ("TEMPLATES", top / "templates"),
                       ("TRANSLATIONS", top / "translations"), ("OUTPUT", top / "output")):
        monkeypatch.setattr(outputs, name, path)
    monkeypatch.chdir(top)
    return top


def state(folder: Path) -> tuple[dict[str, bytes], list[str]]:
    """Every file with its bytes, and every path, folders and links included."""
    return every_file(folder), sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


REFUSED = [
    ("issues", "it is the folder of the issues" + INPUTS),
    ("issues/2022-H2", "it is the issue folder 2022-H2" + INPUTS),
    ("issues/2022-H2/out", "it is inside the issue folder 2022-H2 (issues/2022-H2)" + INPUTS),
    ("issues/2022-H2/images", "it is inside the issue folder 2022-H2 (issues/2022-H2)" + INPUTS),
    (".", "it is the project's top folder" + INPUTS),
    ("..", "it holds the project's top folder (project)" + INPUTS),
    ("templates", "it is the folder of the templates" + INPUTS),
    ("translations/ru", "it is inside the folder of the catalogs (translations)" + INPUTS),
    ("bulletin/out", "it is inside the folder of the code (bulletin)" + INPUTS),
    ("linked", "it is the folder of the issues (issues, through a symbolic link)" + INPUTS),
    ("linked/2022-H2", "it is the issue folder 2022-H2 (issues/2022-H2, through a symbolic link)" + INPUTS),
    ("notes.txt", "it is a file, not a folder"),
]


@pytest.mark.parametrize("given, message", REFUSED)
def test_an_output_folder_that_meets_the_input_is_refused_and_nothing_is_written(project, given, message, capsys):
    (project / "linked").symlink_to("issues")
    (project / "notes.txt").write_text("an editor's notes\n")
    if given == "..":
        message = message.replace("(project)", f"({project})")
    before = state(project.parent)
    assert main(["issues/2022-H2", "--output", given]) == 2
    assert capsys.readouterr().err == f"usage: {given}: cannot be the output folder: {message}\n"
    assert state(project.parent) == before  # not a lock, not a cache: nothing


@pytest.mark.parametrize("given", ["issues", "issues/2022-H2", ".", "linked"])
def test_the_watcher_and_the_scheduled_run_refuse_them_too(project, given, capsys):
    (project / "linked").symlink_to("issues")
    before = state(project)
    assert main(["watch", "issues/2022-H2", "--lang", "az", "--output", given]) == 2
    assert main(["scheduled", "--date", "2023-01-05", "--issues", "issues", "--output", given]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 2 and errors[0] == errors[1] and errors[0].startswith(f"usage: {given}: cannot be the")
    assert state(project) == before  # no scheduled.log, no lock, no build report


def test_the_folder_of_issues_a_scheduled_run_is_given_is_an_input(project, tmp_path, capsys):
    issues = tmp_path / "elsewhere" / "issues"
    shutil.copytree(project / "issues", issues)
    assert main(["scheduled", "--date", "2023-01-05", "--issues", str(issues), "--output", str(issues / "out")]) == 2
    assert capsys.readouterr().err == (f"usage: {issues / 'out'}: cannot be the output folder: it is inside the"
                                       f" folder of the issues ({issues}){INPUTS}\n")
    assert not (issues / "out").exists()


@pytest.mark.parametrize("files, foreign, why", [
    ({"notes.txt": "the bureau's address"}, "'notes.txt'", ""),
    ({".git/HEAD": "ref: refs/heads/main", "README.md": "#", "src/a.py": ""}, "'.git', 'README.md' and 1 more", ""),
    ({"photos/a.jpg": "", "photos/b.jpg": ""}, "'photos'", ""),
    ({".lock": "", "drafts/2022-H2/notes.txt": ""}, "'drafts/2022-H2'",
     " (drafts/2022-H2 is no delivery: it holds 'notes.txt', which no build of 2022-H2 delivered, and no"
     " manifest.json naming 2022-H2)"),
])
def test_a_folder_holding_what_no_build_wrote_is_not_an_output_folder(project, files, foreign, why, capsys):
    for name, text in files.items():
        (project / "elsewhere" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "elsewhere" / name).write_text(text)
    before = state(project)
    assert main(["issues/2022-H2", "--output", "elsewhere"]) == 2
    assert capsys.readouterr().err == f"usage: elsewhere: not an output folder: it holds {foreign}" \
                                      f"{FOREIGN.format(why)}\n"
    assert state(project) == before


def test_a_delivery_replaced_by_a_folder_that_is_none_is_refused_and_kept(project, capsys):
    delivery = project / "output" / "2022-H2"
    shutil.copytree(project / "issues" / "2022-H2", delivery)  # the issue's own files where its delivery was
    (project / "output" / ".lock").write_text("")
    before = state(project)
    assert main(["issues/2022-H2", "--output", "output"]) == 2
    assert capsys.readouterr().err == (
        "usage: output: not an output folder: it holds '2022-H2'"
        + FOREIGN.format(" (2022-H2 is no delivery: it holds 'az.yaml', 'en.yaml' and 4 more, which no build of"
                         " 2022-H2 delivered, and no manifest.json naming 2022-H2)") + "\n")
    assert state(project) == before


def test_a_link_in_the_output_folder_is_not_what_a_build_made(project, capsys):
    (project / "output" / "2022-H2").symlink_to(project / "issues" / "2022-H2")
    (project / "output" / ".cache").symlink_to(project / "templates")
    before = state(project)
    assert main(["issues/2022-H2", "--output", "output"]) == 2
    assert capsys.readouterr().err == f"usage: output: not an output folder: it holds '.cache', '2022-H2'" \
                                      f"{FOREIGN.format('')}\n"
    assert state(project) == before


def test_what_builds_leave_in_an_output_folder_is_accepted(project):
    output = project / "output"
    for folder in (".cache/pictures", ".staging/2022-H2.123.abc", "previews/2022-H2/az", "drafts/2023-H1",
                   "drafts/.cache", "2023-H1", "2022-H2"):
        (output / folder).mkdir(parents=True)
    for name, text in ((".lock", ""), ("scheduled.log", ""), ("cron.log", ""), ("2022-H2.preflight-failed.json", "{}"),
                       (".2022-H2.preflight-failed.json.1f2e.part", ""), ("drafts/.lock", ""),
                       ("2022-H2/manifest.json", '{"issue": "2022-H2", "files": []}'), ("2022-H2/notes.txt", ""),
                       ("drafts/2023-H1/manifest.json", '{"issue": "2023-H1"}'),
                       ("2023-H1/build-report.json", '{"issue": "2023-H1", "result": "not ready"}')):
        (output / name).write_text(text)
    check_output(output, project / "issues" / "2022-H2")
    check_output(project / "new" / "folder", project / "issues" / "2022-H2")  # not there yet: made by the build


@pytest.mark.parametrize("files, problem", [
    ({}, None),  # an empty folder: nothing to lose
    ({"build-report.json": '{"issue": "2022-H2"}'}, None),  # a scheduled run found the issue not ready
    ({"manifest.json": "not JSON", "preflight.json": "{}", "since-the-victory-2022-H2-az-print.pdf": "%PDF"},
     None),  # a damaged manifest among a delivery's files: built over
    ({"manifest.json": '{"issue": "2023-H1"}', "notes.txt": ""},
     "it holds 'notes.txt', which no build of 2022-H2 delivered, and no manifest.json naming 2022-H2"),
    ({"since-the-victory-2023-H1-az-print.pdf": ""},
     "it holds 'since-the-victory-2023-H1-az-print.pdf', which no build of 2022-H2 delivered, and no manifest.json"
     " naming 2022-H2"),
])
def test_what_is_a_delivery_of_an_issue(tmp_path, files, problem):
    folder = tmp_path / "2022-H2"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    assert delivery_problem(folder, "2022-H2") == problem


def test_a_named_pipe_for_a_manifest_is_never_waited_on(tmp_path):
    folder = tmp_path / "2022-H2"
    folder.mkdir()
    os.mkfifo(folder / "manifest.json")
    assert delivery_problem(folder, "2022-H2") == ("it holds 'manifest.json', which no build of 2022-H2 delivered,"
                                                   " and no manifest.json naming 2022-H2")
    with pytest.raises(UsageError, match="not an output folder: it holds '2022-H2'"):
        check_output(tmp_path, None)
