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


def test_a_build_prints_the_pdfs_on_stdout_and_progress_on_stderr(minimal_issue, tmp_path, capsys):
    assert main([str(minimal_issue), "--output", str(tmp_path), "--lang", "az,es"]) == 0
    captured = capsys.readouterr()
    written = captured.out.splitlines()
    assert [line.rsplit("/", 1)[1] for line in written] == [
        "since-the-victory-2023-H1-az.pdf", "since-the-victory-2023-H1-es.pdf"]
    assert "az: " in captured.err and "es: " in captured.err and "pages" in captured.err


def test_without_an_issue_folder_the_newest_issue_is_built(tmp_path, capsys):
    assert main(["--lang", "en", "--output", str(tmp_path), "-q"]) == 0
    assert (tmp_path / "2022-H2" / "since-the-victory-2022-H2-en.pdf").is_file()
