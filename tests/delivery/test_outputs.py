"""The output folder never holds the input: every refusal comes before anything is written, and leaves every file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bulletin.delivery import outputs
from bulletin.delivery.outputs import check_output, delivery_problem
from bulletin.util.errors import UsageError
from bulletin.workflow.cli import main

from conftest import PROJECT, SAMPLE, every_file

MANIFEST = (
    '{"issue": "2022-H2", "files": [{"file": "since-the-victory-2022-H2-az-print.pdf"},'
    ' {"file": "preflight.json"}]}'
)  # as a build writes it: naming the issue, listing its files

INPUTS = (
    "; a build replaces what is in its output folder, and would destroy the input. Give a folder of its own:"
    " a new or empty one, or output/ (the default)"
)
FOREIGN = (
    ", which no build wrote{}; a build would delete them with what it replaces, or mix its files with them."
    " Move them elsewhere, or give a folder of the output's own: a new or empty one, or one only builds have"
    " written to"
)


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
    for name, path in (
        ("PROJECT", top),
        ("ISSUES", top / "issues"),
        ("TEMPLATES", top / "templates"),
        ("TRANSLATIONS", top / "translations"),
        ("OUTPUT", top / "output"),
    ):
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


PROJECT_FOLDER = (
    "it is inside {}, where a build's files would corrupt or mix with the project's own. In the"
    " project, give output/ (the default) or a folder at its top level, or a folder elsewhere"
)


@pytest.mark.parametrize(
    "given, inside",
    [
        (".git/objects/zz", ".git/, a folder of the project"),  # git would find garbage among its objects
        (".venv/lib/newout", ".venv/, a folder of the project"),
        ("tests/cases/out", "tests/, a folder of the project"),  # it would be taken for a bad-input case
        ("linked-venv/out", ".venv/, a folder of the project"),
        (
            "output/new",
            "output/, the project's output folder, where only builds write",
        ),  # the next build refuses output/
        ("output/drafts/2022-H2", "output/, the project's output folder, where only builds write"),
    ],
)
def test_an_output_folder_inside_another_folder_of_the_project_is_refused(project, given, inside, capsys):
    for folder in (".git/objects/ab", ".venv/lib", "tests/cases"):
        (project / folder).mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "linked-venv").symlink_to(".venv")
    before = state(project)
    assert main(["issues/2022-H2", "--output", given]) == 2
    assert capsys.readouterr().err == f"usage: {given}: cannot be the output folder: {PROJECT_FOLDER.format(inside)}\n"
    assert state(project) == before


def test_a_preview_folder_that_is_a_link_into_the_issue_is_refused_before_anything_is_written(project, capsys):
    images = project / "issues" / "2022-H2" / "images"
    (project / "output" / "previews" / "2022-H2").mkdir(parents=True)
    (project / "output" / "previews" / "2022-H2" / "en").symlink_to(images)
    before = state(project)
    assert main(["issues/2022-H2", "--output", "output", "--lang", "en", "--preview"]) == 2
    assert capsys.readouterr().err == (
        "usage: output: not an output folder: it holds 'previews/2022-H2/en'" + FOREIGN.format("") + "\n"
    )
    assert state(project) == before


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
    assert capsys.readouterr().err == (
        f"usage: {issues / 'out'}: cannot be the output folder: it is inside the"
        f" folder of the issues ({issues}){INPUTS}\n"
    )
    assert not (issues / "out").exists()


@pytest.mark.parametrize(
    "files, foreign, why",
    [
        ({"notes.txt": "the bureau's address"}, "'notes.txt'", ""),
        ({".git/HEAD": "ref: refs/heads/main", "README.md": "#", "src/a.py": ""}, "'.git', 'README.md' and 1 more", ""),
        ({"photos/a.jpg": "", "photos/b.jpg": ""}, "'photos'", ""),
        (
            {".lock": "", "drafts/2022-H2/notes.txt": ""},
            "'drafts/2022-H2'",
            " (drafts/2022-H2 is no delivery: it holds 'notes.txt', which no build of 2022-H2 delivered, and no"
            " manifest.json)",
        ),
        (
            {"2022-H2/manifest.json": MANIFEST, "2022-H2/notes.txt": "", "2022-H2/photos/a.jpg": ""},
            "'2022-H2/notes.txt', '2022-H2/photos'",
            "",
        ),  # an editor's files in a delivery
        ({"drafts/drafts/2022-H2/manifest.json": MANIFEST}, "'drafts/drafts'", ""),  # drafts/ holds no drafts/
        # A copy of an issue where builds alone write.
        (
            {".staging/2022-H2.123.abcd/issue.yaml": "", ".staging/2022-H2.123.abcd/images/a.jpg": ""},
            "'.staging/2022-H2.123.abcd/images', '.staging/2022-H2.123.abcd/issue.yaml'",
            "",
        ),
        ({".staging/2022-H2/issue.yaml": ""}, "'.staging/2022-H2'", ""),
        ({".staging/2022-H2.previous/issue.yaml": ""}, "'.staging/2022-H2.previous'", ""),
        (
            {".cache/2022-H2/issue.yaml": "", ".cache/pictures/photo.jpg": ""},
            "'.cache/2022-H2', '.cache/pictures/photo.jpg'",
            "",
        ),
        (
            {"previews/2022-H2/issue.yaml": "", "previews/2022-H2/images/a.jpg": "", "previews/2022-H2/az/az.yaml": ""},
            "'previews/2022-H2/az/az.yaml', 'previews/2022-H2/images' and 1 more",
            "",
        ),
        ({"previews/issues/2022-H2/issue.yaml": ""}, "'previews/issues'", ""),
    ],
)
def test_a_folder_holding_what_no_build_wrote_is_not_an_output_folder(project, files, foreign, why, capsys):
    for name, text in files.items():
        (project / "elsewhere" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "elsewhere" / name).write_text(text)
    before = state(project)
    assert main(["issues/2022-H2", "--output", "elsewhere"]) == 2
    assert (
        capsys.readouterr().err == f"usage: elsewhere: not an output folder: it holds {foreign}{FOREIGN.format(why)}\n"
    )
    assert state(project) == before


@pytest.mark.parametrize(
    "manifest, why",
    [
        (
            None,
            "it holds '.en.confirmed.json', '.es.confirmed.json' and 7 more, which no build of 2022-H2 delivered,"
            " and no manifest.json",
        ),
        ('{"issue": "2022-H2"}', "its manifest.json is not a manifest a build of 2022-H2 wrote"),
    ],
)
def test_a_delivery_replaced_by_a_folder_that_is_none_is_refused_and_kept(project, manifest, why, capsys):
    delivery = project / "output" / "2022-H2"
    shutil.copytree(project / "issues" / "2022-H2", delivery)  # the issue's own files where its delivery was
    if manifest:  # one line of JSON made it a delivery, which the next build deleted with exit 0
        (delivery / "manifest.json").write_text(manifest)
    (project / "output" / ".lock").write_text("")
    before = state(project)
    assert main(["issues/2022-H2", "--output", "output"]) == 2
    assert capsys.readouterr().err == (
        "usage: output: not an output folder: it holds '2022-H2'"
        + FOREIGN.format(f" (2022-H2 is no delivery: {why})")
        + "\n"
    )
    assert state(project) == before


def test_another_projects_issues_are_never_taken_for_deliveries(project, tmp_path, capsys):
    other = tmp_path / "other" / "issues"
    shutil.copytree(project / "issues" / "2022-H2", other / "2022-H2")
    (other / "2022-H2" / "manifest.json").write_text('{"issue": "2022-H2"}\n')
    before = state(other)
    assert main(["issues/2022-H2", "--output", str(other), "--lang", "en", "--variant", "screen"]) == 2
    assert capsys.readouterr().err == (
        f"usage: {other}: not an output folder: it holds '2022-H2'"
        + FOREIGN.format(" (2022-H2 is no delivery: its manifest.json is not a manifest a build of 2022-H2 wrote)")
        + "\n"
    )
    assert state(other) == before


def test_a_link_in_the_output_folder_is_not_what_a_build_made(project, capsys):
    (project / "output" / "2022-H2").symlink_to(project / "issues" / "2022-H2")
    (project / "output" / ".cache").symlink_to(project / "templates")
    before = state(project)
    assert main(["issues/2022-H2", "--output", "output"]) == 2
    assert (
        capsys.readouterr().err == f"usage: output: not an output folder: it holds '.cache', '2022-H2'"
        f"{FOREIGN.format('')}\n"
    )
    assert state(project) == before


def test_what_builds_leave_in_an_output_folder_is_accepted(project):
    output = project / "output"
    pdf, package = "since-the-victory-2022-H2-az-print.pdf", "since-the-victory-2022-H2-print.zip"
    files = {
        ".lock": "",
        "scheduled.log": "",
        "cron.log": "",
        "2022-H2.preflight-failed.json": "{}",
        ".2022-H2.preflight-failed.json.1f2e.part": "",
        "2022-H2/manifest.json": MANIFEST,
        f"2022-H2/{pdf}": "%PDF",
        "2022-H2/preflight.json": "{}",
        f"2022-H2/{package}": "PK",
        f"2022-H2/{package}.sha256": "",
        "2022-H2/build-report.json": "{}",
        "2022-H2/.build-report.json.0a1b2c.part": "",
        "2023-H1/build-report.json": '{"issue": "2023-H1", "result": "not ready"}',
        ".cache/digests.json": "{}",
        ".cache/.digests.json.9f8e.part": "",
        ".cache/pictures/0123456789abcdef0123456789abcdef.jpg": "",
        f".staging/2022-H2.123.abc_9/{pdf}": "%PDF",
        ".staging/2022-H2.123.abc_9/tmpa1b2c3d4": "",
        f".staging/2022-H2.123.abc_9/.{pdf}.77aa.part": "",
        ".staging/2022-H2.previous/manifest.json": MANIFEST,
        "previews/2022-H2/az/page-001.png": "",
        "previews/2022-H2/az/.pdftoppm-x1y2/page-01.png": "",
        "previews/2022-H2/az-contact-sheet.png": "",
        "previews/2022-H2/.az-contact-sheet.png.5e5e.part": "",
        "drafts/.lock": "",
        "drafts/.cache/digests.json": "{}",
        "drafts/2022-H2/manifest.json": MANIFEST,
        "drafts/previews/2022-H2/en/page-1.png": "",
    }
    for name, text in files.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(text)
    (output / "2023-H2").mkdir()  # empty: nothing to lose
    check_output(output, project / "issues" / "2022-H2")
    check_output(output / "drafts", project / "issues" / "2022-H2")
    for new in ("new", "new/folder", "output/drafts"):  # not there yet, at the project's top level: made by the build
        check_output(project / new, project / "issues" / "2022-H2")


@pytest.mark.parametrize(
    "files, problem",
    [
        ({}, None),  # an empty folder: nothing to lose
        ({"build-report.json": '{"issue": "2022-H2"}'}, None),  # a scheduled run found the issue not ready
        ({"manifest.json": MANIFEST, "since-the-victory-2022-H2-az-print.pdf": "%PDF changed"}, None),  # rebuilt
        (
            {
                "manifest.json": MANIFEST,
                "since-the-victory-2022-H2-az-print.pdf": "",
                "preflight.json": "{}",
                "layout.txt": "",
                "since-the-victory-2022-H2-print.zip": "",
                "since-the-victory-2022-H2-print.zip.sha256": "",
                "build-report.json": "{}",
            },
            None,
        ),
        (
            {"build-report.json": '{"issue": "2023-H1"}'},
            "it holds 'build-report.json', which no build of 2022-H2 delivered, and no manifest.json",
        ),
        (
            {"manifest.json": "not JSON", "preflight.json": "{}", "since-the-victory-2022-H2-az-print.pdf": "%PDF"},
            "its manifest.json is not a manifest a build of 2022-H2 wrote",
        ),  # damaged: which files it listed is unknown
        (
            {"manifest.json": '{"issue": "2023-H1", "files": []}', "notes.txt": ""},
            "its manifest.json is not a manifest a build of 2022-H2 wrote",
        ),
        (
            {"manifest.json": '{"issue": "2022-H2", "files": [{"file": "../issue.yaml"}]}'},
            "its manifest.json is not a manifest a build of 2022-H2 wrote",
        ),
        (
            {"manifest.json": MANIFEST, "since-the-victory-2022-H2-ru-print.pdf": "", "bureau-approval-signed.pdf": ""},
            "it holds 'bureau-approval-signed.pdf', 'since-the-victory-2022-H2-ru-print.pdf', which no build of 2022-H2"
            " delivered",
        ),  # the Russian PDF is not in the manifest
        (
            {"since-the-victory-2023-H1-az-print.pdf": ""},
            "it holds 'since-the-victory-2023-H1-az-print.pdf', which no build of 2022-H2 delivered, and no "
            "manifest.json",
        ),
    ],
)
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
    assert delivery_problem(folder, "2022-H2") == "its manifest.json is not a manifest a build of 2022-H2 wrote"
    with pytest.raises(UsageError, match="not an output folder: it holds '2022-H2'"):
        check_output(tmp_path, None)


@pytest.mark.slow
def test_an_editors_files_in_a_delivery_are_never_deleted_by_the_next_build(minimal_issue, tmp_path, capsys):
    output = tmp_path / "out"
    build = [str(minimal_issue), "--output", str(output), "--lang", "en", "--variant", "screen", "-q"]
    assert main(build) == 0
    delivery = output / minimal_issue.name
    (delivery / "bureau-approval-signed.pdf").write_bytes(b"%PDF signed by the bureau")
    (delivery / "photos-originals").mkdir()
    (delivery / "photos-originals" / "DSC001.jpg").write_bytes(b"\xff\xd8 the original")
    capsys.readouterr()
    before = state(output)
    assert main(build + ["--force"]) == 2
    assert capsys.readouterr().err == (
        f"usage: {output}: not an output folder: it holds"
        " '2023-H1/bureau-approval-signed.pdf', '2023-H1/photos-originals'" + FOREIGN.format("") + "\n"
    )
    assert state(output) == before
