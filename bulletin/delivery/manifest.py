"""What a delivery says about itself: manifest.json, and what is kept from the previous one.

The manifest lists every delivered file with its language, variant, pages (and the pages
each part of the edition takes, and its faults of make-up), trim and bleed, colour profile,
SHA-256 and size, plus a hash of the issue's inputs and the versions of the tools that made
it, so that a printing bureau can check what it received and the team can tell which build
made which file. When an editor rebuilds one language, the
others' files, manifest entries and preflight findings are kept from the previous
delivery; this module reads them back. It writes nothing but the failed preflight report:
the delivery stage writes the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..preflight.findings import Finding, write_report
from ..printing.settings import PrintSettings
from ..util.files import read_file

if TYPE_CHECKING:  # the printing stage loads the rendering engine, which reading a manifest must not
    pass

MANIFEST = "manifest.json"
PREFLIGHT = "preflight.json"
FAILED_REPORT = ".preflight-failed.json"  # after the issue's name, beside its delivery: a failed preflight's report


@dataclass(frozen=True)
class Previous:
    """What the current delivery of an issue holds, as its manifest and preflight report say."""

    entries: dict[str, dict] = field(default_factory=dict)  # file name -> manifest entry
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # file name -> its preflight findings


def read_manifest(folder: Path) -> dict | None:
    """Return the manifest of a delivery folder, or None when there is none, or none this project could
    have written: each entry of its files a mapping that names a file of the folder itself."""
    try:
        manifest = json.loads(read_file(folder / MANIFEST).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # a missing, unreadable or damaged file, or absurd nesting
        return None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        return None
    if not all(isinstance(entry, dict) and plain_name(entry.get("file")) for entry in manifest["files"]):
        return None
    return manifest


def plain_name(name: object) -> bool:
    """Tell whether `name` is the name of a file in a folder: no path, nothing a file system refuses."""
    if not isinstance(name, str) or name in ("", ".", "..") or "\0" in name or Path(name).name != name:
        return False
    try:
        name.encode("utf-8")  # a lone surrogate, which no file name can hold
    except UnicodeEncodeError:
        return False
    return True


def read_previous(root: Path, issue: str) -> Previous:
    """Read the manifest and preflight report of the current delivery; an unreadable one counts as none."""
    folder = root / issue
    manifest = read_manifest(folder)
    if manifest is None:
        return Previous()
    try:
        report = json.loads(read_file(folder / PREFLIGHT).decode("utf-8"))
        entries = {entry["file"]: entry for entry in manifest["files"] if entry["file"].endswith(".pdf")}
        findings = {
            name: [Finding(file=name, **finding) for finding in group["findings"]]
            for name, group in report["files"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return Previous()
    return Previous({name: entry for name, entry in entries.items() if name in findings}, findings)


def carried_findings(previous: Previous, kept: list[str]) -> list[Finding]:
    """Return the preflight findings of the files kept from the previous delivery."""
    return [finding for name in kept for finding in previous.findings.get(name, [])]


def made_with(
    variant: str, settings: PrintSettings, profile_digest: str | None, draft: bool = False, signing: str | None = None
) -> dict:
    """Return the settings a file of `variant` depends on (a part of its recipe). A draft says so, so that a
    draft file is never kept by a build that is not one. A screen file is signed, with what `signing` digests
    (`signing_digest`), unless it is a draft: a draft is not the publisher's word."""
    if variant == "print":
        found = {
            "trim_mm": list(settings.trim_mm),
            "bleed_mm": settings.bleed_mm,
            "crop_marks": settings.crop_marks,
            "page_multiple": settings.page_multiple,
            "min_ppi": settings.min_ppi,
            "warn_ppi": settings.warn_ppi,
            "profile_sha256": profile_digest,
            "standard": settings.standard(variant),
            "output_condition": settings.condition.identifier,
            "ink_limit": settings.condition.ink_limit,
        }
    else:
        found = {"trim_mm": list(settings.trim_mm), "screen_ppi": settings.screen_ppi}
        if signing and not draft:
            found["signing"] = signing
    return found | ({"draft": True} if draft else {})


def failed_report(root: Path, issue: str) -> Path:
    """Return where the preflight report of a build of `issue` that delivered nothing goes: beside the delivery."""
    return root / f"{issue}{FAILED_REPORT}"


def write_failed_report(findings: list[Finding], root: Path, issue: str) -> Path:
    """Write the preflight report of a build that delivered nothing beside the delivery; return its path."""
    target = failed_report(root, issue)
    write_report(findings, target)
    return target
