"""The command line: exit statuses, messages, the newest issue, output paths."""

from __future__ import annotations

from bulletin.cli import main
from bulletin.publishing import newest_issue


def test_an_unknown_language_is_a_usage_error(minimal_issue, capsys):
    assert main([str(minimal_issue), "--lang", "fr"]) == 2
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


def test_a_build_prints_the_delivered_files_on_stdout_and_progress_on_stderr(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path), "--lang", "az,es"]) == 0
    captured = capsys.readouterr()
    written = captured.out.splitlines()
    assert [line.rsplit("/", 1)[1] for line in written] == [
        "manifest.json", "preflight.json",
        "since-the-victory-2023-H1-az-print.pdf", "since-the-victory-2023-H1-az-screen.pdf",
        "since-the-victory-2023-H1-es-print.pdf", "since-the-victory-2023-H1-es-screen.pdf"]
    assert "az print: " in captured.err and "es screen: " in captured.err and "pages" in captured.err
    # the preflight table: a row per PDF, then the totals
    assert "since-the-victory-2023-H1-es-screen.pdf  ok" in captured.err
    assert "0 errors, 0 warnings in 4 files" in captured.err


def test_only_the_variants_asked_for_are_built(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path), "--lang", "en", "--variant", "screen", "-q"]) == 0
    assert sorted(path.name for path in (tmp_path / "2023-H1").glob("*.pdf")) == [
        "since-the-victory-2023-H1-en-screen.pdf"]


def test_an_unknown_variant_is_a_usage_error(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path), "--variant", "web"]) == 2
    assert "--variant web: unknown; choose from print, screen" in capsys.readouterr().err


def test_without_an_issue_folder_the_newest_issue_is_built(tmp_path, capsys):
    assert main(["--lang", "en", "--variant", "screen", "--output", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "2022-H2" / "since-the-victory-2022-H2-en-screen.pdf").is_file()
