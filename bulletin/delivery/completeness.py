"""Whether a delivery holds what was asked for, complete and current: one answer for every caller.

A build asks it before it parses anything, to say "nothing changed" and stop in a fraction of a
second (`workflow.publishing`); the scheduled run asks it for the whole issue and the bureau's
package before it builds. Complete: output/<issue>/ holds every edition asked for, each file as
the manifest describes it (its SHA-256, known without reading it again when its stat is the one
it had when hashed), the preflight report, and (when asked for) the printing bureau's package,
which its checksum file names and which holds this delivery's print files and manifest.
Current: every file was made from the present inputs (`fingerprints`), with the present tools,
and with the present print settings and colour profile, as a draft only when a draft is asked
for. Each gap is said in words for the log and the build report. Reading a delivery loads
nothing of the rendering engine. This module only reads; what to do about a gap is the
caller's business.
"""

from __future__ import annotations

from pathlib import Path

from ..model import pdf_name
from ..printing.settings import VARIANTS, PrintSettings
from ..util.errors import display_path
from ..util.fingerprints import Inputs
from .incremental import Ingredients, changes, intact, issue_languages, recipe
from .manifest import MANIFEST, PREFLIGHT, plain_name, read_manifest
from .ownership import delivered
from .package import package_gaps
from .plan import EVERYTHING, Asked
from .records import read_report

LISTED = 5  # changed inputs named in a reason before "and N more"


def delivery_gaps(
    root: Path, folder: Path, ingredients: Ingredients, settings: PrintSettings, asked: Asked = EVERYTHING
) -> list[str]:
    """Say what keeps the delivery under `root` of the issue in `folder` from holding what `asked` asks for,
    complete and current; [] when nothing does. By default, what the scheduled run delivers: every edition and
    the bureau's package."""
    inputs, issue = ingredients.inputs, folder.name
    delivery = delivered(root, issue)
    manifest = read_manifest(delivery)
    if manifest is None:
        if not (delivery / MANIFEST).exists():
            return ["there is no delivery yet"]
        return [f"{display_path(delivery / MANIFEST)} cannot be read"]
    entries = {entry["file"]: entry for entry in manifest["files"]}
    given = manifest.get("languages")
    languages = [language for language in given if plain_name(language)] if isinstance(given, list) else []
    gaps = []
    if manifest.get("inputs") != inputs.digest:  # then every file was made from other inputs: said once here
        gaps.append(_changed_inputs(delivery, inputs, manifest.get("inputs")))
    tools = ingredients.tools
    if manifest.get("tools") != tools:
        old = before if isinstance(before := manifest.get("tools"), dict) else {}
        gaps.append(
            "tools changed: "
            + ", ".join(
                f"{name} {old.get(name, 'none')} → {version}"
                for name, version in tools.items()
                if old.get(name) != version
            )
        )
    if not languages:
        gaps.append("the manifest does not list the issue's languages (made by an older version)")
    listed = issue_languages(folder)  # the issue's own, where issue.yaml says them plainly
    source = listed[1] if listed else None
    gaps += _missing_editions(
        issue, list(listed[0]) if listed else languages, entries, ingredients, settings, asked, source
    )
    whole = intact(root, issue, entries)
    gaps += [f"{name} is missing or not as delivered" for name in sorted(entries) if name not in whole]
    if PREFLIGHT not in entries:
        gaps.append(f"{PREFLIGHT} is not in the delivery")
    if asked.package:
        gaps += package_gaps(delivery, issue, [name for name in entries if name.endswith("-print.pdf")])
    return gaps


def _changed_inputs(folder: Path, inputs: Inputs, delivered_from: object) -> str:
    """Name the inputs that changed since the delivery was made, when the report of the run that made it tells."""
    report = read_report(folder)
    last = report.get("inputs", {}) if report.get("result") == "delivered" else {}
    if not isinstance(last, dict) or last.get("sha256") != delivered_from:
        last = {}
    then: dict[str, dict] = {
        part: digests if isinstance(digests := last.get(part), dict) else {} for part in ("issue", "project")
    }
    changed = [
        f"{part} {name}"
        for part, now in (("issue", inputs.issue), ("project", inputs.project))
        for name in sorted(set(now) | set(then[part]))
        if now.get(name) != then[part].get(name)
    ]
    if not last or not changed:
        return "its inputs changed since it was made"
    more = f" and {len(changed) - LISTED} more" if len(changed) > LISTED else ""
    return f"its inputs changed since it was made: {', '.join(changed[:LISTED])}{more}"


def _missing_editions(
    issue: str,
    languages: list[str],
    entries: dict[str, dict],
    ingredients: Ingredients,
    settings: PrintSettings,
    asked: Asked,
    source: str | None,
) -> list[str]:
    """Say which edition asked for is absent, or not made from its present recipe. The bureau's package holds
    every language's print file: with it, all of them are asked for."""
    gaps = []
    unknown = [language for language in asked.languages or () if language not in languages]
    if unknown:
        gaps.append(f"{', '.join(unknown)}: not a language of the issue")
    for language in languages:
        for variant in VARIANTS:
            if not (
                (asked.languages is None or language in asked.languages)
                and (asked.variants is None or variant in asked.variants)
                or asked.package
                and variant == "print"
            ):
                continue
            name = pdf_name(issue, language, variant)
            reasons = changes(entries.get(name), recipe(ingredients, language, variant, settings, asked.draft, source))
            if name not in entries:
                gaps.append(f"{name} is not in the delivery")
            elif reasons:
                gaps.append(f"{name} must be made again: {'; '.join(reasons)}")
    return gaps
