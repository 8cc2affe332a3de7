"""Incremental builds: what each PDF is made from, and which PDFs a build must make again.

Every PDF's manifest entry carries its recipe: a SHA-256 for each group of what makes it,
and one over them all.

    text       issue.yaml and the edition's own language file (a draft: the source language's too)
    pictures   the issue's other files: its pictures
    catalog    translations/<language>/ (a draft: the source language's too)
    templates  templates/
    code       bulletin/**/*.py and babel.cfg (pyproject.toml's settings are in `settings`, its pins in `tools`)
    fonts      the font files of the two typefaces
    settings   what the variant is made with: trim, bleed, the colour profile's digest, resolutions, draft,
               and for the screen variant what it is signed with (the key's and certificates' digests)
    tools      the versions of Python, the libraries, qpdf, poppler and the Debian packages

A build makes again only the PDFs whose recipe differs from the one recorded, and says why by
naming the groups that changed; a change to the Russian text rebuilds the Russian PDFs alone.
Whether a build would make nothing at all is answered by `completeness.delivery_gaps`, before
any content is parsed or the rendering engine loaded. File digests come from a `DigestCache` under
output/.cache, so that the answer costs a few stats, not hashing every picture.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..content.loading import ISSUE_FILE, load_source
from ..language.fonts import find_typefaces
from ..printing.settings import MAX_PROFILE, PrintSettings
from ..project import PROJECT
from ..signing.settings import signing_digest
from ..util.errors import BuildError
from ..util.files import check_project_file
from ..util.fingerprints import DigestCache, Inputs, combine, read_inputs, tool_versions
from .manifest import made_with

CACHE = ".cache"  # under the output root: what builds remember from one to the next
DIGESTS = f"{CACHE}/digests.json"  # the digests of input files, by stat
PICTURE_CACHE = f"{CACHE}/pictures"  # pictures made the size they are printed at (`placing`)
LANGUAGE_FILE = re.compile(r"[a-z]{2,3}\.yaml")  # an issue's language file, such as ru.yaml
GROUPS = ("text", "pictures", "catalog", "templates", "code", "fonts", "settings", "tools")


@dataclass(frozen=True)
class Ingredients:
    """Everything a build's PDFs are made from, each by its digest."""

    inputs: Inputs  # the issue's files and the project's
    fonts: dict[str, str]  # font file name -> SHA-256
    profile: str | None  # SHA-256 of the colour profile; None when there is none to read
    tools: dict[str, str]  # tool -> version
    signing: str | None = None  # SHA-256 of what the screen editions are signed with; None: they are not signed


def read_ingredients(folder: Path, settings: PrintSettings, root: Path) -> Ingredients:
    """Take the digests of everything the PDFs of the issue in `folder` are made from (remembered under `root`)."""
    cache = DigestCache(root / DIGESTS)
    inputs = read_inputs(folder, PROJECT, cache)
    fonts = {path.name: cache.digest(path, f"font:{path.name}") for path in find_typefaces().files.values()}
    try:  # hashed only when it is a file of a profile's size, which the print stage reads whole
        check_project_file(settings.profile, "colour profile", MAX_PROFILE)
        profile = cache.digest(settings.profile, f"profile:{settings.profile.name}")
    except (OSError, BuildError):  # the print stage says what is wrong with it, if print is built
        profile = None
    tools = tool_versions(cache)
    cache.save()
    return Ingredients(inputs, fonts, profile, tools, signing_digest(settings.signing))


def recipe(
    ingredients: Ingredients,
    language: str,
    variant: str,
    settings: PrintSettings,
    draft: bool = False,
    source_language: str | None = None,
) -> dict:
    """Return the recipe of the `language` edition's `variant` PDF: a digest per group, and one of them all."""
    languages = {language, source_language} if draft and source_language else {language}
    issue, project = ingredients.inputs.issue, ingredients.inputs.project
    text = {
        name: digest
        for name, digest in issue.items()
        if name.endswith(".yaml") and (not LANGUAGE_FILE.fullmatch(name) or name.removesuffix(".yaml") in languages)
    }
    catalogs = tuple(f"translations/{code}/" for code in languages)
    groups = {
        "text": combine(text),
        "pictures": combine({name: digest for name, digest in issue.items() if not name.endswith(".yaml")}),
        "catalog": combine({name: digest for name, digest in project.items() if name.startswith(catalogs)}),
        "templates": combine({name: digest for name, digest in project.items() if name.startswith("templates/")}),
        "code": combine(
            {
                name: digest
                for name, digest in project.items()
                if not name.startswith(("templates/", "translations/")) and name != "pyproject.toml"
            }
        ),
        "fonts": combine(ingredients.fonts),
        "settings": _digest(made_with(variant, settings, ingredients.profile, draft, ingredients.signing)),
        "tools": _digest(ingredients.tools),
    }
    return {"sha256": combine(groups), "groups": groups}


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def changes(entry: dict | None, wanted: dict) -> list[str]:
    """Say why the PDF a manifest `entry` describes is not what `wanted` would make; [] when it is."""
    if entry is None:
        return ["not built yet"]
    made = entry.get("recipe")
    if not isinstance(made, dict) or not isinstance(made.get("groups"), dict):
        return ["made by an earlier version of the pipeline"]
    if made.get("sha256") == wanted["sha256"]:
        return []
    changed = [group for group in GROUPS if made["groups"].get(group) != wanted["groups"][group]]
    return [f"{', '.join(changed)} changed"] if changed else ["made otherwise"]


def same_settings(entry: dict, wanted: dict) -> bool:
    """Tell whether a delivered PDF was made with the settings a PDF made now would be."""
    made = entry.get("recipe")
    return (
        isinstance(made, dict)
        and isinstance(made.get("groups"), dict)
        and made["groups"].get("settings") == wanted["groups"]["settings"]
    )


def issue_languages(folder: Path) -> tuple[tuple[str, ...], str] | None:
    """Return the languages and source language that issue.yaml lists, read quickly without validating
    it; None when it cannot be read so (the build's validation then says what is wrong).

    Read with the content loader all the same: issue.yaml may be anything an editor or a stranger wrote, and
    a plain YAML load can raise on a date that is no day (2022-02-31) or crash on deep nesting."""
    loaded = load_source(folder / ISSUE_FILE)
    if loaded.problems:
        return None
    data = loaded.tree
    languages, source = (data.get("languages"), data.get("source_language")) if isinstance(data, dict) else ((), None)
    if not isinstance(languages, list) or not languages or not all(isinstance(code, str) for code in languages):
        return None
    return tuple(languages), source if isinstance(source, str) else languages[0]


def intact(root: Path, issue: str, entries: dict[str, dict]) -> set[str]:
    """Return the names of the delivered files that are as their manifest `entries` describe them. A file
    whose stat is the one it had when last hashed is known by that digest (`DigestCache`), so a check of
    an unchanged delivery reads none of its PDFs."""
    cache = DigestCache(root / DIGESTS)
    found = set()
    for name, entry in entries.items():  # a manifest's file names name files of the delivery (read_manifest)
        try:
            if cache.digest(root / issue / name, f"delivery:{issue}/{name}") == entry.get("sha256"):
                found.add(name)
        except OSError:
            continue
    cache.save()
    return found


def remember_delivery(root: Path, issue: str, files: dict[str, str]) -> None:
    """Remember the digests of the files a build has just delivered (by name), so that the next build's check
    of them reads none."""
    cache = DigestCache(root / DIGESTS)
    for name, digest in files.items():
        cache.learn(root / issue / name, f"delivery:{issue}/{name}", digest)
    cache.keep_only(f"delivery:{issue}/", (f"delivery:{issue}/{name}" for name in files))
    cache.save()
