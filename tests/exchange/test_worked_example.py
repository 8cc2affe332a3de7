"""The worked example of docs/cat-tools.md is what the commands do: its excerpts are checked against a real round."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib

from bulletin.workflow.cli import main

from conftest import PROJECT, SAMPLE, apply_edits

PAGE = PROJECT / "docs" / "cat-tools.md"


def blocks(kind: str) -> list[str]:
    """The fenced blocks of the page written in `kind` (po, diff)."""
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.DOTALL)


def shown(command: str) -> list[str]:
    """The output lines the page shows under `$ ./run <command>`."""
    text = PAGE.read_text(encoding="utf-8")
    found = re.findall(rf"    \$ \./run {re.escape(command)}\n((?:    (?!\$).*\n)+)", text)
    return [line[4:] for block in found for line in block.splitlines()]


def test_the_worked_example_is_what_export_and_import_do(tmp_path, monkeypatch, capsys):
    issues = tmp_path / "issues"
    issue = Path(shutil.copytree(SAMPLE, issues / SAMPLE.name))
    change = {
        "file": "az.yaml",
        "replace": '  victory-day: "Zəfər Günü qeyd',
        "with": '  victory-day: "Zəfər Günü təntənə ilə qeyd',
    }
    apply_edits(issue, [change])
    monkeypatch.chdir(tmp_path)  # where ./run works: the project's folder, with issues/ in it
    assert main(["export", "issues/2022-H2", "--lang", "en"]) == 0
    out, err = capsys.readouterr()
    assert (out + err).splitlines() == shown("export 2022-H2 --lang en")
    path = tmp_path / "2022-H2.en.po"
    text = path.read_text(encoding="utf-8")
    [entry] = blocks("po")
    assert entry in text

    catalog = polib.pofile(str(path))
    event = catalog.find("chronology.victory-day", by="msgctxt")
    event.msgstr = (
        "Victory Day is celebrated with ceremony on the second anniversary of the liberation of Shusha on 8 November"
        " 2020."
    )
    event.flags.remove("fuzzy")  # Poedit's Needs work, switched off
    catalog.save(str(path))
    before = (issue / "en.yaml").read_text(encoding="utf-8").splitlines()
    assert main(["import", "issues/2022-H2", "2022-H2.en.po"]) == 0
    out, err = capsys.readouterr()
    assert (out + err).splitlines() == shown("import 2022-H2 2022-H2.en.po")[:2]
    after = (issue / "en.yaml").read_text(encoding="utf-8").splitlines()
    [diff] = blocks("diff")
    assert diff.splitlines() == [f"-{line}" for line in before if line not in after] + [
        f"+{line}" for line in after if line not in before
    ]

    about = catalog.find("about.3", by="msgctxt")
    about.msgstr += " ![Map](images/map.png)"
    catalog.save(str(path))
    assert main(["import", "issues/2022-H2", "2022-H2.en.po"]) == 2
    assert capsys.readouterr().err.splitlines() == shown("import 2022-H2 2022-H2.en.po")[2:]
