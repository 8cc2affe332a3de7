"""XLIFF 1.2: judged by the OASIS strict schema (as Debian ships it), read and changed by translate-toolkit."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import xliff

from bulletin.content.sources import FRESH, freshness, read_translation
from bulletin.workflow.cli import main

from .test_export import TRANSLATED_LANGUAGES
from .test_import import snapshot
from conftest import SAMPLE, apply_edits

SCHEMAS = Path("/usr/share/php/Symfony/Component/Translation/Resources/schemas")  # Debian's php-symfony-translation
NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}


@cache
def strict_schema() -> etree.XMLSchema:
    """The XLIFF 1.2 strict schema, its import of xml.xsd taken from beside it rather than from the network."""
    text = (SCHEMAS / "xliff-core-1.2-strict.xsd").read_bytes()
    text = text.replace(b"http://www.w3.org/2001/xml.xsd", str(SCHEMAS / "xml.xsd").encode())
    return etree.XMLSchema(etree.fromstring(text, base_url=str(SCHEMAS) + "/"))


@pytest.fixture
def sample_issue(tmp_path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "issues" / SAMPLE.name))


def export_xliff(issue: Path, language: str, capsys) -> Path:
    path = issue.parent / f"{issue.name}.{language}.xlf"
    assert main(["export", str(issue), "--lang", language, "--format", "xliff", "--output", str(path)]) == 0
    capsys.readouterr()
    schema = strict_schema()
    assert schema.validate(etree.parse(str(path))), schema.error_log
    return path


def target_line(path: Path, key: str) -> int:
    return etree.parse(str(path)).find(f".//x:trans-unit[@id='{key}']/x:target", NS).sourceline


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_a_round_trip_through_translate_toolkit_changes_one_text_and_confirms_it(sample_issue, language, capsys):
    before = snapshot(sample_issue)
    path = export_xliff(sample_issue, language, capsys)
    store = xliff.xlifffile.parsefile(str(path))
    units = [unit for unit in store.units if not unit.isheader()]
    assert len(units) == {"ru": 121, "en": 80, "es": 80}[language]
    assert all(unit.istranslated() and unit.getnotes("developer") for unit in units)
    assert main(["import", str(sample_issue), str(path)]) == 0
    assert snapshot(sample_issue) == before  # no change, not a byte

    unit = next(unit for unit in units if unit.xmlelement.get("id") == "chronology.victory-day")
    unit.settarget("A changed event & <more>.", lang=language)  # as a CAT tool saves: translated, approved
    unit.markfuzzy(False)
    path.write_bytes(bytes(store))
    capsys.readouterr()
    assert main(["import", str(sample_issue), str(path)]) == 0
    assert (
        capsys.readouterr().out
        == f"{path}:{target_line(path, 'chronology.victory-day')}: imported chronology.victory-day\n"
    )
    after = snapshot(sample_issue)[f"{language}.yaml"].decode().splitlines()
    changed = [line for line in after if line not in before[f"{language}.yaml"].decode().splitlines()]
    assert changed == ["  victory-day: !source-" + changed[0].split("!source-")[1][:8] + ' "A changed event & <more>."']
    read = read_translation(sample_issue, language)
    event = next(item for item in read.texts.of(language) if item.name == "chronology.victory-day")
    assert freshness(read.texts, event, "az") == FRESH


def test_a_stale_unit_carries_its_previous_source_and_is_taken_only_once_set_translated(sample_issue, capsys):
    az = (sample_issue / "az.yaml").read_text(encoding="utf-8")
    word = az.split("about: |\n  ", 1)[1].split()[0]
    apply_edits(
        sample_issue, [{"file": "az.yaml", "replace": f"about: |\n  {word} ", "with": f"about: |\n  Yeni {word} "}]
    )
    path = export_xliff(sample_issue, "es", capsys)
    tree = etree.parse(str(path))
    stale = tree.findall(".//x:trans-unit[@approved='no']", NS)
    assert [unit.get("id") for unit in stale] == ["about.1"]
    assert stale[0].find("x:target", NS).get("state") == "needs-review-translation"
    previous = stale[0].find("x:alt-trans[@alttranstype='previous-version']", NS)
    assert previous.find("x:source", NS).text == stale[0].find("x:source", NS).text.removeprefix("Yeni ")
    before = snapshot(sample_issue)
    assert main(["import", str(sample_issue), str(path)]) == 0  # left as it was: still to review
    assert snapshot(sample_issue) == before
    stale[0].find("x:target", NS).set("state", "translated")  # reviewed: the translation still holds
    tree.write(str(path), encoding="UTF-8", xml_declaration=True)
    capsys.readouterr()
    assert main(["import", str(sample_issue), str(path)]) == 0
    assert capsys.readouterr().out == f"{path}:{target_line(path, 'about.1')}: imported about\n"
    read = read_translation(sample_issue, "es")
    assert freshness(read.texts, next(item for item in read.texts.of("es") if item.name == "about"), "az") == FRESH


def test_a_file_that_is_not_well_formed_is_told_at_its_line(sample_issue, capsys):
    path = export_xliff(sample_issue, "en", capsys)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].replace("</target>", "")
    path.write_text("\n".join(lines), encoding="utf-8")
    status = main(["import", str(sample_issue), str(path)])
    err = capsys.readouterr().err
    # libxml2 finds it where the unit closes, and names the line where the target opened.
    assert (
        status == 2
        and f"{path}:17:1: cannot read the XLIFF file: Opening and ending tag mismatch: target line 10" in err
    )
