"""Incremental builds: each PDF's recipe, what a change rebuilds, and a build with nothing to do."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bulletin.delivery.incremental import Ingredients, changes, recipe
from bulletin.delivery.plan import Asked
from bulletin.printing.settings import PrintSettings
from bulletin.util.errors import BuildError
from bulletin.util.fingerprints import Inputs, read_inputs
from bulletin.util.workers import Workers
from bulletin.workflow.cli import main
from bulletin.workflow.publishing import publish_issue

from conftest import LANGUAGES, PROJECT, SAMPLE, VARIANTS, apply_edits

SETTINGS = PrintSettings()


@pytest.fixture(scope="module")
def ingredients() -> Ingredients:
    return Ingredients(
        read_inputs(SAMPLE, PROJECT),
        {"NotoSerif-Regular.ttf": "f" * 64},
        "p" * 64,
        {"weasyprint": "70.0", "qpdf": "11.3.0"},
    )


def recipes(ingredients: Ingredients, settings: PrintSettings = SETTINGS, draft: bool = False) -> dict:
    return {
        (language, variant): recipe(ingredients, language, variant, settings, draft, "az")
        for language in LANGUAGES
        for variant in VARIANTS
    }


def changed_with(ingredients: Ingredients, issue: dict | None = None, project: dict | None = None, **other) -> dict:
    """The reasons each PDF would be made again after the change."""
    inputs = Inputs(ingredients.inputs.issue | (issue or {}), ingredients.inputs.project | (project or {}))
    after = recipes(dataclasses.replace(ingredients, inputs=inputs, **other))
    before = recipes(ingredients)
    return {key: reasons for key in before if (reasons := changes({"recipe": before[key]}, after[key]))}


def test_a_language_file_changes_only_that_language(ingredients):
    assert changed_with(ingredients, issue={"ru.yaml": "0" * 64}) == {
        ("ru", "print"): ["text changed"],
        ("ru", "screen"): ["text changed"],
    }
    assert set(changed_with(ingredients, project={"translations/es/LC_MESSAGES/messages.po": "0" * 64})) == {
        ("es", "print"),
        ("es", "screen"),
    }


def test_what_every_edition_shares_changes_every_edition(ingredients):
    every = {(language, variant) for language in LANGUAGES for variant in VARIANTS}
    for issue, project, other, reason in [
        ({"issue.yaml": "0" * 64}, None, {}, "text changed"),
        ({"images/fortress.jpg": "0" * 64}, None, {}, "pictures changed"),
        (None, {"templates/bulletin.css": "0" * 64}, {}, "templates changed"),
        (None, {"bulletin/language/typography.py": "0" * 64}, {}, "code changed"),
        (None, None, {"fonts": {"NotoSerif-Regular.ttf": "0" * 64}}, "fonts changed"),
        (None, None, {"tools": {"weasyprint": "71.0", "qpdf": "11.3.0"}}, "tools changed"),
    ]:
        changed = changed_with(ingredients, issue, project, **other)
        assert set(changed) == every and {tuple(reasons) for reasons in changed.values()} == {(reason,)}


def test_a_change_to_any_module_of_the_package_rebuilds_every_edition(ingredients, tmp_path):
    project = tmp_path / "project"
    for name in ("templates", "translations", "bulletin"):
        shutil.copytree(PROJECT / name, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    for name in ("babel.cfg", "pyproject.toml"):
        shutil.copyfile(PROJECT / name, project / name)
    before = dataclasses.replace(ingredients, inputs=read_inputs(SAMPLE, project))
    nested = project / "bulletin" / "content" / "drawings" / "checks.py"  # two folders down the package
    nested.write_text(nested.read_text(encoding="utf-8") + "# changed\n", encoding="utf-8")
    after = dataclasses.replace(ingredients, inputs=read_inputs(SAMPLE, project))
    changed = {key: changes({"recipe": recipes(before)[key]}, recipes(after)[key]) for key in recipes(before)}
    assert changed == {(language, variant): ["code changed"] for language in LANGUAGES for variant in VARIANTS}


def test_print_settings_change_the_print_files_only(ingredients):
    before, after = recipes(ingredients), recipes(ingredients, PrintSettings(bleed_mm=5))
    assert {key for key in before if before[key] != after[key]} == {(language, "print") for language in LANGUAGES}
    other_profile = recipes(dataclasses.replace(ingredients, profile="q" * 64))
    assert {key for key in before if before[key] != other_profile[key]} == {
        (language, "print") for language in LANGUAGES
    }


def test_a_draft_depends_on_the_source_language_it_stands_in_with(ingredients):
    inputs = Inputs(ingredients.inputs.issue | {"az.yaml": "0" * 64}, ingredients.inputs.project)
    before = recipes(ingredients, draft=True)
    after = recipes(dataclasses.replace(ingredients, inputs=inputs), draft=True)
    assert all(before[key] != after[key] for key in before)  # every draft may show the source's texts
    assert recipes(ingredients)[("ru", "print")] != before[("ru", "print")]  # a draft is never taken for a delivery


def test_an_entry_without_a_recipe_is_made_again(ingredients):
    wanted = recipes(ingredients)[("en", "print")]
    assert changes(None, wanted) == ["not built yet"]
    assert changes({"file": "x.pdf", "inputs": "old"}, wanted) == ["made by an earlier version of the pipeline"]
    assert changes({"recipe": wanted}, wanted) == []


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and time of change: a file not written again keeps both."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in folder.iterdir()}


@pytest.mark.slow
def test_a_build_with_nothing_changed_writes_nothing_and_says_what_it_skipped(minimal_issue, delivered_output, capsys):
    output = delivered_output
    delivery = output / minimal_issue.name
    before, folder = snapshot(delivery), delivery.stat().st_ino
    capsys.readouterr()
    assert main([str(minimal_issue), "--output", str(output)]) == 0
    out, err = capsys.readouterr()
    assert (
        "nothing changed since the delivery was made; skipped az print, az screen, ru print, ru screen,"
        " en print, en screen, es print, es screen"
    ) in err
    assert snapshot(delivery) == before and delivery.stat().st_ino == folder  # the very same delivery
    assert sorted(out.split()) == sorted(str(path) for path in delivery.iterdir())  # its files are still listed
    # --force makes them all again.
    assert main([str(minimal_issue), "--output", str(output), "--force", "--lang", "en", "-q"]) == 0
    rebuilt = snapshot(delivery)
    assert {name for name in before if rebuilt[name] != before[name]} >= {
        "since-the-victory-2023-H1-en-print.pdf",
        "since-the-victory-2023-H1-en-screen.pdf",
    }


@pytest.mark.slow
def test_the_answer_that_nothing_changed_loads_neither_the_engine_nor_the_content(minimal_issue, delivered_output):
    output = delivered_output
    script = (
        "import sys; from bulletin.workflow.cli import main; status = main(sys.argv[1:]);"
        " loaded = [name for name in ('weasyprint', 'bulletin.content.validation',"
        " 'bulletin.workflow.building', 'PIL') if name in sys.modules]; print(status, loaded)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(minimal_issue), "--output", str(output)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr


@pytest.mark.slow
def test_a_change_to_one_language_rebuilds_that_language_alone(minimal_issue, delivered_output, capsys):
    output = delivered_output
    delivery = output / minimal_issue.name
    before = snapshot(delivery)
    apply_edits(minimal_issue, [{"file": "ru.yaml", "replace": "      Текст.", "with": "      Другой текст."}])
    capsys.readouterr()
    assert main([str(minimal_issue), "--output", str(output)]) == 0
    err = capsys.readouterr().err
    after = snapshot(delivery)
    pdfs = {name for name in before if name.endswith(".pdf")}
    assert {name for name in pdfs if after[name] != before[name]} == {
        "since-the-victory-2023-H1-ru-print.pdf",
        "since-the-victory-2023-H1-ru-screen.pdf",
    }
    assert "ru print: to build: text changed" in err and "ru screen: to build: text changed" in err
    assert "unchanged since the delivery, kept as they are: az print, az screen, en print" in err
    manifest = json.loads((delivery / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == read_inputs(minimal_issue, PROJECT).digest
    # Now the delivery is current again: nothing to do.
    assert main([str(minimal_issue), "--output", str(output)]) == 0
    assert "nothing changed since the delivery was made" in capsys.readouterr().err


@pytest.mark.slow
def test_editions_are_made_side_by_side_in_worker_processes_with_the_same_bytes(minimal_issue, tmp_path):
    asked = Asked(languages=("az", "ru"))  # four editions: two for each worker
    one = publish_issue(minimal_issue, asked, PrintSettings(workers=1), tmp_path / "one")
    two = publish_issue(minimal_issue, asked, PrintSettings(workers=2), tmp_path / "two")
    assert {outcome.worker for outcome in one.outcomes.values()} == {os.getpid()}
    workers = {outcome.worker for outcome in two.outcomes.values()}
    assert len(workers) == 2 and os.getpid() not in workers
    assert all(outcome.peak_mb > 0 and outcome.seconds > 0 for outcome in two.outcomes.values())
    for key, printed in one.printed.items():
        assert printed.path.read_bytes() == two.printed[key].path.read_bytes(), key


@pytest.mark.slow
def test_a_build_with_workers_leaves_the_rendering_engine_to_them(minimal_issue, tmp_path):
    # Loading WeasyPrint takes half a second: the build's own process would spend it while both cores could print.
    script = (
        "import sys; from bulletin.workflow.cli import main; status = main(sys.argv[1:]);"
        " print(status, [name for name in ('weasyprint', 'pikepdf') if name in sys.modules])"
    )
    output = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-c", script, str(minimal_issue), "--output", str(output), "-q", "--workers", "2"]
        + ["--lang", "az,ru", "--variant", "screen"],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=True,
    )
    assert result.stdout.splitlines()[-1] == "0 []", result.stderr
    assert len(list((output / minimal_issue.name).glob("*.pdf"))) == 2


def test_a_worker_that_dies_is_a_build_error_naming_its_job():
    with pytest.raises(BuildError, match=r"job 3: a worker process ended without finishing it"), Workers(2) as workers:
        workers.run(os._exit, [3], describe=lambda job: f"job {job}")


@pytest.mark.slow
def test_a_delivered_file_damaged_since_is_made_again_and_only_it(minimal_issue, tmp_path, capsys):
    output = tmp_path / "output"
    assert main([str(minimal_issue), "--output", str(output), "--lang", "az", "-q"]) == 0
    damaged = output / minimal_issue.name / "since-the-victory-2023-H1-az-screen.pdf"
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[:-100])
    capsys.readouterr()
    assert main([str(minimal_issue), "--output", str(output), "--lang", "az"]) == 0
    err = capsys.readouterr().err
    assert "az screen: to build: the delivered file was changed or damaged since" in err
    assert "kept as they are: az print" in err
    assert damaged.read_bytes() == whole  # made again, the same bytes


@pytest.mark.slow
def test_files_kept_out_of_date_are_told_and_never_packaged(minimal_issue, delivered_output, capsys):
    output = delivered_output
    apply_edits(minimal_issue, [{"file": "issue.yaml", "replace": "number: 5", "with": "number: 6"}])
    capsys.readouterr()
    assert main([str(minimal_issue), "--output", str(output), "--lang", "ru", "--package"]) == 2
    err = capsys.readouterr().err
    assert (
        "--package would send the bureau print files made from other inputs: since-the-victory-2023-H1-az-print"
        ".pdf, since-the-victory-2023-H1-en-print.pdf, since-the-victory-2023-H1-es-print.pdf"
    ) in err
    assert main([str(minimal_issue), "--output", str(output), "--lang", "ru"]) == 0
    assert (
        "since-the-victory-2023-H1-az-print.pdf: kept from the delivery, but out of date (text changed);"
        " build its language again"
    ) in capsys.readouterr().err


def log_then_fail(message: str) -> None:
    """A job that says something, then fails (run in a worker process)."""
    logging.getLogger("bulletin").warning("%s", message)
    raise BuildError(f"failed after {message}")


def test_a_job_that_fails_in_a_worker_tells_its_messages_then_its_error(caplog):
    with pytest.raises(BuildError, match="failed after half-way"), Workers(2) as workers:
        workers.run(log_then_fail, ["half-way"])
    assert "half-way" in caplog.text
