"""`build.py import`: a PO file changed as a translator's tool would (with polib) written back into the YAML."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import polib
import pytest

from bulletin.content.sources import FRESH, freshness, read_confirmations, read_translation, source_hash
from bulletin.workflow.cli import main

from .test_export import TRANSLATED_LANGUAGES, export
from conftest import SAMPLE, apply_edits


@pytest.fixture
def sample_issue(tmp_path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "issues" / SAMPLE.name))


def snapshot(issue: Path) -> dict[str, bytes]:
    """Every file of the issue folder's top, by name (the language files and the records of confirmations)."""
    return {path.name: path.read_bytes() for path in issue.iterdir() if path.is_file()}


def translate(path: Path, changes: dict[str, str], fuzzy: tuple[str, ...] = ()) -> None:
    """Give the units named in `changes` their new translation, as a CAT tool saves a PO file (polib)."""
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.msgctxt in changes:
            entry.msgstr = changes[entry.msgctxt]
            if "fuzzy" in entry.flags and entry.msgctxt not in fuzzy:
                entry.flags.remove("fuzzy")
        if entry.msgctxt in fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
    catalog.save(str(path))


def run_import(issue: Path, path: Path, capsys) -> tuple[int, str, str]:
    status = main(["import", str(issue), str(path)])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_round_trip_with_one_change_changes_that_text_alone_and_confirms_it(sample_issue, language, capsys):
    before = snapshot(sample_issue)
    _, path = export(sample_issue, language, capsys)
    assert run_import(sample_issue, path, capsys)[0] == 0
    assert snapshot(sample_issue) == before  # exported and imported with no change: byte for byte

    catalog = polib.pofile(str(path))
    entry = next(entry for entry in catalog if entry.msgctxt == "about.2")  # (a paragraph in every language)
    translate(path, {entry.msgctxt: 'A new second paragraph, "quoted",\nover two lines.'})
    status, out, err = run_import(sample_issue, path, capsys)
    assert status == 0, err
    assert out == f"{path}:{catalog_line(path, entry.msgctxt)}: imported about\n"
    yaml_file = f"{language}.yaml"
    changed = [
        line
        for line in difflib.unified_diff(
            before[yaml_file].decode().splitlines(), (sample_issue / yaml_file).read_text().splitlines(), n=0
        )
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    old_paragraph = entry.msgstr.replace("\n", " ")
    assert changed == [
        "-  " + old_paragraph,
        '+  A new second paragraph, "quoted",',
        "+  over two lines.",
    ]
    read = read_translation(sample_issue, language)
    body = next(item for item in read.texts.of(language) if item.name == "about")
    assert freshness(read.texts, body, "az") == FRESH
    recorded = read_confirmations(sample_issue, language).confirmed["about"]
    assert recorded["translation"] == source_hash(body.value)


def catalog_line(path: Path, context: str) -> int:
    """The line of the msgstr of the unit `context` in the PO file at `path`."""
    rows = path.read_text(encoding="utf-8").splitlines()
    start = rows.index(f'msgctxt "{context}"')
    return next(number for number in range(start, len(rows)) if rows[number].startswith("msgstr")) + 1


def test_fuzzy_and_empty_units_leave_their_text_as_it_was(sample_issue, capsys):
    before = snapshot(sample_issue)
    _, path = export(sample_issue, "en", capsys)
    translate(path, {"about.1": "Changed but still fuzzy.", "publisher": ""}, fuzzy=("about.1",))
    status, _, err = run_import(sample_issue, path, capsys)
    assert status == 0 and "0 text(s) imported" in err and "2 left as they were" in err
    assert snapshot(sample_issue) == before


def test_a_unit_whose_source_changed_since_the_export_is_not_taken_and_is_reported(sample_issue, capsys):
    _, path = export(sample_issue, "es", capsys)
    translate(path, {"about.2": "Otro párrafo.", "publisher": "Otra redacción"})
    az = (sample_issue / "az.yaml").read_text(encoding="utf-8")
    first_word = polib.pofile(str(path)).find("about.2", by="msgctxt").msgid.split()[0]
    assert f"  {first_word} " in az
    apply_edits(sample_issue, [{"file": "az.yaml", "replace": f"  {first_word} ", "with": f"  Yeni {first_word} "}])
    status, out, err = run_import(sample_issue, path, capsys)
    assert status == 1
    assert out == f"{path}:{catalog_line(path, 'publisher')}: imported publisher\n"
    line = catalog_line(path, "about.2")
    assert f"{path}:{line}:1: warning: about.2: the source text in this file is not the issue's (it changed" in err
    assert f"{{+Yeni+}} {first_word}" in err
    assert ", 0 left as they were" in err and "; 1 unit(s) not taken (see above)" in err  # each said once
    assert "Otro párrafo" not in (sample_issue / "es.yaml").read_text(encoding="utf-8")


def test_a_translation_with_problems_is_reported_at_the_po_line_and_nothing_is_written(sample_issue, capsys):
    before = snapshot(sample_issue)
    _, path = export(sample_issue, "ru", capsys)
    translate(
        path,
        {
            "articles.vagif-mausoleum.body.3": "Абзац с картинкой ![x](images/a.png).",
            "articles.vagif-mausoleum.lead": "Символ \x07 тут.",
            "publisher": "Новая редакция",  # fine, but not written: all or nothing
        },
    )
    status, out, err = run_import(sample_issue, path, capsys)
    assert status == 2 and out == ""
    assert err.splitlines() == [
        f"{path}:{catalog_line(path, 'articles.vagif-mausoleum.lead')}:1: article 'vagif-mausoleum': 'lead':"
        " character '\\x07' (U+0007 <control-0007>) is a control character, which prints as nothing or as a box;"
        " remove it",
        f"{path}:{catalog_line(path, 'articles.vagif-mausoleum.body.3')}:1: article 'vagif-mausoleum': 'body':"
        " 'images/a.png': a picture in the text; pictures are placed as illustrations",
        "2 problem(s); nothing was imported; the language file is as it was.",
    ]
    assert snapshot(sample_issue) == before


def test_a_file_of_another_issue_or_with_places_the_issue_lacks_is_told(sample_issue, minimal_issue, capsys):
    _, path = export(sample_issue, "en", capsys)
    status, _, err = run_import(minimal_issue, path, capsys)
    assert status == 2 and f"{path} holds the texts of 2022-H2, not of 2023-H1" in err
    text = path.read_text(encoding="utf-8").replace('msgctxt "publisher"', 'msgctxt "articles.gone.title"')
    path.write_text(text, encoding="utf-8")
    status, _, err = run_import(sample_issue, path, capsys)
    assert status == 1 and "articles.gone.title: the issue has no text at this place (renamed or removed?)" in err
    path.write_text(text.replace('msgstr ""', "msgstr", 1), encoding="utf-8")
    status, _, err = run_import(sample_issue, path, capsys)
    assert status == 2 and f"{path}:4:1: cannot read the PO file: Syntax error" in err


def test_texts_a_new_issue_lacks_are_inserted_in_the_issue_order(minimal_issue, capsys):
    """The entries `new` leaves out of a translator's file come back from the export, in their places."""
    ru = minimal_issue / "ru.yaml"
    text = ru.read_text(encoding="utf-8")
    ru.write_text(text[: text.index("articles:")] + text[text.index("illustrations:") :], encoding="utf-8")
    _, path = export(minimal_issue, "ru", capsys)
    empty = {
        entry.msgctxt: f"Перевод {number}" for number, entry in enumerate(polib.pofile(str(path))) if not entry.msgstr
    }
    assert any(context.startswith("articles.") for context in empty)
    translate(path, empty)
    status, out, err = run_import(minimal_issue, path, capsys)
    assert status == 0, err
    read = read_translation(minimal_issue, "ru")
    assert all(freshness(read.texts, item, "az") == FRESH for item in read.texts.of("ru"))
    keys = [line.split(":")[0].strip() for line in ru.read_text(encoding="utf-8").splitlines() if line[:1] != " "]
    assert keys.index("articles") == keys.index("sections") + 1  # between the groups, in the issue's order
