"""Where the project keeps things: templates, catalogs, issues, output, settings.

Kept apart from the pipeline so that the quick commands (validate, status, confirm, new)
can find the project's files without loading the rendering engine.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import Period, period_of
from .util.errors import UsageError

PROJECT = Path(__file__).resolve().parent.parent  # the repository's top folder
TEMPLATES = PROJECT / "templates"
STYLESHEET = "bulletin.css"  # in templates/
MAX_TEMPLATE = 1_000_000  # bytes: a template or the stylesheet (the project's take under 10 kB each)
TRANSLATIONS = PROJECT / "translations"
EXTRACTION_CONFIG = PROJECT / "babel.cfg"  # where pybabel and the build find the template strings
ISSUES = PROJECT / "issues"
OUTPUT = PROJECT / "output"
PYPROJECT = PROJECT / "pyproject.toml"  # holds [tool.bulletin.print]
DRAFTS = "drafts"  # under the output root: where draft builds go, apart from the deliveries
PREVIEWS = "previews"  # under the output root: pictures of the pages of each issue, with --preview
PAGE_PICTURE = re.compile(r"page-[0-9]+\.png")  # previews/<issue>/<language>/page-001.png ...
CONTACT_SHEET = "-contact-sheet.png"  # previews/<issue>/<language>-contact-sheet.png


def newest_issue(root: Path = ISSUES, before: Period | None = None) -> Path:
    """Return the folder of the most recent issue under `root` (of those before the period `before`)."""
    folders = (
        {
            path: found
            for path in root.iterdir()
            if path.is_dir() and (found := period_of(path.name)) and (before is None or found.start < before.start)
        }
        if root.is_dir()
        else {}
    )
    if not folders:
        raise UsageError(
            f"no issue before {before.name} under {root} to start from; name one with --from"
            if before
            else f"no issue folder (<YYYY>-H<1|2>) under {root}"
        )
    return max(folders, key=lambda path: folders[path].start)


def issue_folder(given: Path | None, root: Path = ISSUES) -> Path:
    """The issue folder a command names: a folder, or a bare issue name such as 2022-H2 found
    under `root`; without one, the newest issue."""
    if given is None:
        return newest_issue(root)
    if not given.is_dir() and len(given.parts) == 1 and (root / given).is_dir():
        return root / given
    if not given.is_dir():
        raise UsageError(f"{given}: no such issue folder")
    return given
