"""Whether an issue's delivery is complete and current: the scheduled run's question before it builds.

Complete: output/<issue>/ holds every language of the issue (as its manifest lists them) in
every variant, each file as the manifest describes it (size and SHA-256), and the printing
bureau's package, which its checksum file names and which holds this delivery's print files
and manifest. Current: every file was made from the present inputs (`fingerprints`), with the
present tools, and with the present print settings and colour profile, not as a draft. Each
gap is said in words for the log and the build report. Reading a delivery loads nothing of
the rendering engine, so that a run with nothing to do ends in well under a second. This
module only reads; what to do about a gap is the scheduled run's business.
"""

from __future__ import annotations

from pathlib import Path

from .ownership import delivered
from ..util.errors import display_path
from ..util.fingerprints import Inputs, file_entry
from .incremental import Ingredients, changes, recipe
from .package import package_gaps
from .manifest import MANIFEST, plain_name, read_manifest
from ..model import pdf_name
from .records import read_report
from ..printing.settings import VARIANTS, PrintSettings

LISTED = 5  # changed inputs named in a reason before "and N more"


def delivery_gaps(root: Path, issue: str, ingredients: Ingredients, settings: PrintSettings) -> list[str]:
    """Say what keeps the delivery of `issue` under `root` from being complete and current; [] when nothing does."""
    inputs = ingredients.inputs
    folder = delivered(root, issue)
    manifest = read_manifest(folder)
    if manifest is None:
        if not (folder / MANIFEST).exists():
            return ["there is no delivery yet"]
        return [f"{display_path(folder / MANIFEST)} cannot be read"]
    entries = {entry["file"]: entry for entry in manifest["files"]}
    languages = manifest.get("languages") if isinstance(manifest.get("languages"), list) else []
    languages = [language for language in languages if plain_name(language)]
    gaps = []
    same_inputs = manifest.get("inputs") == inputs.digest
    if not same_inputs:  # then every file was made from other inputs: said once here, not per file
        gaps.append(_changed_inputs(folder, inputs, manifest.get("inputs")))
    tools = ingredients.tools
    if manifest.get("tools") != tools:
        old = manifest.get("tools") if isinstance(manifest.get("tools"), dict) else {}
        gaps.append("tools changed: " + ", ".join(f"{name} {old.get(name, 'none')} → {version}"
                                                  for name, version in tools.items() if old.get(name) != version))
    if not languages:
        gaps.append("the manifest does not list the issue's languages (made by an older version)")
    gaps += _missing_editions(issue, languages, entries, ingredients, settings)
    gaps += [f"{name} is missing or not as delivered" for name, entry in sorted(entries.items())
             if not _intact(folder, name, entry)]
    gaps += package_gaps(folder, issue, [name for name in entries if name.endswith("-print.pdf")])
    return gaps


def _changed_inputs(folder: Path, inputs: Inputs, delivered_from: object) -> str:
    """Name the inputs that changed since the delivery was made, when the report of the run that made it tells."""
    report = read_report(folder)
    last = report.get("inputs", {}) if report.get("result") == "delivered" else {}
    if not isinstance(last, dict) or last.get("sha256") != delivered_from:
        last = {}
    then = {part: last.get(part) if isinstance(last.get(part), dict) else {} for part in ("issue", "project")}
    changed = [f"{part} {name}" for part, now in (("issue", inputs.issue), ("project", inputs.project))
               for name in sorted(set(now) | set(then[part])) if now.get(name) != then[part].get(name)]
    if not last or not changed:
        return "its inputs changed since it was made"
    more = f" and {len(changed) - LISTED} more" if len(changed) > LISTED else ""
    return f"its inputs changed since it was made: {', '.join(changed[:LISTED])}{more}"


def _missing_editions(issue: str, languages: list[str], entries: dict[str, dict], ingredients: Ingredients,
                      settings: PrintSettings) -> list[str]:
    """Say which edition of which language and variant is absent, or not made from its present recipe."""
    gaps = []
    for language in languages:
        for variant in VARIANTS:
            name = pdf_name(issue, language, variant)
            reasons = changes(entries.get(name), recipe(ingredients, language, variant, settings))
            if name not in entries:
                gaps.append(f"{name} is not in the delivery")
            elif reasons:
                gaps.append(f"{name} must be made again: {'; '.join(reasons)}")
    return gaps


def _intact(folder: Path, name: str, entry: dict) -> bool:
    """Tell whether a delivered file is still the one the manifest describes (read_manifest made sure
    that `name` names a file of the folder itself)."""
    try:
        found = file_entry(folder / name)
    except OSError:
        return False
    return found["size"] == entry.get("size") and found["sha256"] == entry.get("sha256")
