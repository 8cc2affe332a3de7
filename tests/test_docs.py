"""The docs: the site builds in strict mode, its links and the README's hold, and the module map matches the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT

DOCS = PROJECT / "docs"
ARCHITECTURE = DOCS / "developers" / "architecture.md"
README = PROJECT / "README.md"
# The module map's convention: a row of a table whose first cell is a module's path in code.
MAPPED = re.compile(r"^\|\s*`(bulletin/[^`|]+\.py)`\s*\|", re.MULTILINE)
# A path of the project's code named in code: a Python file, or a folder written with its slash.
NAMED = re.compile(r"`((?:bulletin|tests|bench|scripts|deploy)/[\w/.-]*?(?:\.py|/))`")
# A link of the README into the docs, with the section it points to, if any.
README_LINK = re.compile(r"\]\((docs/[^)#\s]+\.md)(?:#([^)\s]+))?\)")


def build_site(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    """Build the MkDocs site of `config` into `site` in strict mode, as ./run test does (not --quiet, which
    hides the warnings from strict mode too)."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def package_modules() -> set[str]:
    """Return the path of every module of the package, from the project's folder."""
    return {path.relative_to(PROJECT).as_posix() for path in (PROJECT / "bulletin").rglob("*.py")}


def map_errors(page: str, modules: set[str]) -> tuple[list[str], list[str]]:
    """Return the modules that the page's map lacks, and the modules it names (in its map or anywhere) that are not
    among `modules`; a module mapped twice counts as lacking its second row."""
    mapped = MAPPED.findall(page)
    named = {path for path in NAMED.findall(page) if path.startswith("bulletin/")}
    folders = {parent.as_posix() + "/" for module in modules for parent in Path(module).parents if parent.parts}
    twice = sorted({path for path in mapped if mapped.count(path) > 1})
    return sorted(modules - set(mapped)) + twice, sorted((set(mapped) | named) - modules - folders)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The project's docs, built in strict mode into a temporary folder."""
    folder = tmp_path_factory.mktemp("site")
    built = build_site(PROJECT / "mkdocs.yml", folder)
    assert built.returncode == 0, built.stdout + built.stderr
    return folder


def test_the_docs_build_in_strict_mode_into_the_folder_asked_for(site):
    pages = {path.relative_to(site).as_posix() for path in site.rglob("*.html")}
    assert {
        "index.html",
        "editors/issue.html",
        "translators.html",
        "bureau.html",
        "operators.html",
        "developers/architecture.html",
    } <= pages
    assert not (PROJECT / "site").exists()
    architecture = (site / "developers" / "architecture.html").read_text(encoding="utf-8")
    assert "<code>bulletin/printing/engine.py</code>" in architecture


@pytest.mark.parametrize(
    ("fault", "warning"),
    [
        ("(bureau-guide.md)", "contains a link 'bureau-guide.md', but the target is not found"),
        ("(bureau.md#no-such-section)", "does not contain an anchor '#no-such-section'"),
        ("notes.md", 'The following pages exist in the docs directory, but are not included in the "nav"'),
    ],
    ids=["link to a page that is not there", "link to a section that is not there", "page left out of the nav"],
)
def test_a_broken_link_or_a_page_left_out_of_the_nav_fails_the_build(fault, warning, tmp_path):
    shutil.copytree(DOCS, tmp_path / "docs")
    shutil.copy(PROJECT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    if fault.endswith(".md"):
        (tmp_path / "docs" / fault).write_text("# Notes\n", encoding="utf-8")
    else:
        translators = tmp_path / "docs" / "translators.md"
        translators.write_text(
            translators.read_text(encoding="utf-8") + f"\nSee [the bureau]{fault}.\n", encoding="utf-8"
        )
    built = build_site(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert built.returncode != 0
    assert warning in built.stderr


def test_the_readme_links_to_pages_and_sections_of_the_docs_that_exist(site):
    readme = README.read_text(encoding="utf-8")
    links = README_LINK.findall(readme)
    assert len(links) >= 6  # every reader's page, at least
    for page, section in links:
        assert (PROJECT / page).is_file(), page
        built = (site / page.removeprefix("docs/")).with_suffix(".html")
        if section:
            assert f'id="{section}"' in built.read_text(encoding="utf-8"), f"{page}#{section}"
    assert len(readme.encode("utf-8")) <= 8 * 1024


def test_the_architecture_page_maps_every_module_and_names_none_that_is_gone():
    assert map_errors(ARCHITECTURE.read_text(encoding="utf-8"), package_modules()) == ([], [])


def test_the_map_check_fails_when_a_module_is_missing_or_named_but_gone():
    page = ARCHITECTURE.read_text(encoding="utf-8")
    modules = package_modules()
    row = next(line for line in page.splitlines() if line.startswith("| `bulletin/printing/engine.py`"))
    assert map_errors(page.replace(row + "\n", ""), modules) == (["bulletin/printing/engine.py"], [])
    invented = page.replace(row, row + "\n| `bulletin/printing/imposition.py` | pages set in signatures |")
    assert map_errors(invented, modules) == ([], ["bulletin/printing/imposition.py"])
    renamed = page + "\nThe command line is `bulletin/cli.py`; the stages are under `bulletin/stages/`.\n"
    assert map_errors(renamed, modules) == ([], ["bulletin/cli.py", "bulletin/stages/"])
    doubled = page.replace(row, row + "\n" + row)
    assert map_errors(doubled, modules) == (["bulletin/printing/engine.py"], [])


@pytest.mark.parametrize(
    "page", sorted([README, *DOCS.rglob("*.md")]), ids=lambda path: path.relative_to(PROJECT).as_posix()
)
def test_every_path_of_the_code_that_a_page_names_exists(page):
    gone = [path for path in NAMED.findall(page.read_text(encoding="utf-8")) if not (PROJECT / path).exists()]
    assert gone == []
