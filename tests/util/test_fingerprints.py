"""Fingerprints: hashes of inputs that do not depend on the checkout, and the tools' versions."""

from __future__ import annotations

import json
import shutil
import sys

from bulletin.util.fingerprints import DigestCache, combine, digest_files, read_inputs, tool_versions

from conftest import PROJECT, SAMPLE


def test_a_hash_of_files_depends_on_names_and_contents_not_on_the_checkout(tmp_path):
    files = {"issue.yaml": b"period: 2022-H2\n", "images/map.png": b"\x89PNG...", "ru.yaml": "Шуша".encode()}
    bases = [tmp_path / "one", tmp_path / "elsewhere" / "two"]
    for base in bases:
        for name, data in files.items():
            (base / name).parent.mkdir(parents=True, exist_ok=True)
            (base / name).write_bytes(data)
    first = combine(digest_files(sorted(bases[0].rglob("*.*")), bases[0]))
    assert first == combine(digest_files(sorted(bases[1].rglob("*.*"), reverse=True), bases[1]))
    assert len(first) == 64
    (bases[1] / "images/map.png").write_bytes(b"\x89PNG..,")
    assert combine(digest_files(bases[1].rglob("*.*"), bases[1])) != first
    (bases[0] / "ru.yaml").rename(bases[0] / "es.yaml")
    assert combine(digest_files(bases[0].rglob("*.*"), bases[0])) != first


def test_tool_versions_names_every_tool(monkeypatch, tmp_path):
    versions = tool_versions()
    assert set(versions) == {
        "python",
        "weasyprint",
        "pydyf",
        "tinycss2",
        "cssselect2",
        "tinyhtml5",
        "pyphen",
        "pillow",
        "fonttools",
        "babel",
        "jinja2",
        "markdown-it-py",
        "pikepdf",
        "qpdf",
        "poppler",
        "libpango-1.0-0",
        "libharfbuzz-subset0",
        "fonts-noto-core",
        "icc-profiles-free",
        "argyll",
        "ghostscript",
    }
    assert all(versions.values()) and "missing" not in versions.values()
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    assert versions["qpdf"][0].isdigit() and versions["poppler"][0].isdigit()
    assert versions["fonts-noto-core"][0].isdigit()  # the Debian package's version, e.g. 20201225-1
    monkeypatch.setenv("PATH", str(tmp_path))
    without_tools = tool_versions()
    assert without_tools["qpdf"] == without_tools["poppler"] == without_tools["fonts-noto-core"] == "missing"


def test_read_inputs_names_every_input_relative_to_its_folder(tmp_path):
    inputs = read_inputs(SAMPLE, PROJECT)
    assert "issue.yaml" in inputs.issue and "az.yaml" in inputs.issue
    assert {
        "templates/bulletin.css",
        "translations/ru/LC_MESSAGES/messages.po",
        "babel.cfg",
        "pyproject.toml",
        "bulletin/util/fingerprints.py",
        "bulletin/content/drawings/checks.py",
    } <= set(inputs.project)
    assert not any(name.endswith(".mo") for name in inputs.project)
    # The same issue elsewhere has the same fingerprint; one changed byte changes it.
    copy = shutil.copytree(SAMPLE, tmp_path / SAMPLE.name)
    assert read_inputs(copy, PROJECT).digest == inputs.digest
    with open(copy / "en.yaml", "a", encoding="utf-8") as file:
        file.write("\n")
    changed = read_inputs(copy, PROJECT)
    assert changed.digest != inputs.digest
    assert [name for name in inputs.issue if changed.issue[name] != inputs.issue[name]] == ["en.yaml"]


def test_the_digest_cache_forgets_files_that_are_gone_and_keeps_other_issues(minimal_issue, tmp_path):
    cache_file = tmp_path / "digests.json"
    cache = DigestCache(cache_file)
    cache.entries["issue:2022-H2/az.yaml"] = [1, 2, 3, 4, 5, "another issue's"]
    read_inputs(minimal_issue, PROJECT, cache)
    cache.save()
    assert "issue:2023-H1/images/sketch.svg" in json.loads(cache_file.read_text(encoding="utf-8"))
    (minimal_issue / "images" / "sketch.svg").unlink()
    cache = DigestCache(cache_file)
    read_inputs(minimal_issue, PROJECT, cache)
    cache.save()
    kept = json.loads(cache_file.read_text(encoding="utf-8"))
    assert "issue:2023-H1/images/sketch.svg" not in kept and "issue:2023-H1/en.yaml" in kept
    assert kept["issue:2022-H2/az.yaml"][-1] == "another issue's"
    assert [path.name for path in tmp_path.iterdir() if path.name != minimal_issue.parent.name] == ["digests.json"]
