"""The whole path of a build, from an issue's YAML files to a checked delivery in output/<issue>/.

`publish_issue` is where every build goes through, whoever starts it (the command line, the
watcher, the scheduled run, the benchmark):

    check the output folder -> take its lock -> nothing changed? stop -> make the delivery -> previews

It refuses an output folder that holds or lies within the input before anything is written
there (`outputs`), then holds the folder's lock for the rest (`locking`). When the delivery in
place already holds what was asked for, made from the present inputs (`completeness`), it
says so and stops: that answer takes a fraction of a second, since it parses no content and
loads neither the pipeline nor the rendering engine. Otherwise `building.build_issue` makes the
delivery, stage by stage; this module imports it only then, for that reason. A failed attempt's
preflight report is removed once a delivery in place is current.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from pathlib import Path

from ..delivery.completeness import delivery_gaps
from ..delivery.incremental import issue_languages, read_ingredients
from ..delivery.manifest import failed_report
from ..delivery.outputs import check_output
from ..delivery.plan import Asked, Delivered
from ..printing.settings import VARIANTS, PrintSettings, load_settings
from ..project import OUTPUT, PREVIEWS, PYPROJECT
from ..util.errors import BuildError, UsageError, display_path
from ..util.locking import hold_lock
from ..util.progress import Progress

LOG = logging.getLogger("bulletin")


def publish_issue(
    folder: Path,
    asked: Asked = Asked(),
    settings: PrintSettings | None = None,
    output_root: Path = OUTPUT,
    progress: Progress | None = None,
    preview: bool = False,
) -> Delivered:
    """Deliver what `asked` asks for of the issue in `folder` into `output_root`, unless it is there already;
    with `preview`, picture every page too. `progress` shows the stages (bars on a terminal); by default each
    step is a log line."""
    if asked.draft and asked.package:
        raise UsageError("--package makes the printing bureau's zip; a draft is never sent to the bureau")
    settings = settings or load_settings(PYPROJECT)
    check_output(Path(output_root), folder)  # before anything is written there, the lock included: as given
    output_root = Path(os.path.abspath(output_root))  # pictures prepared under it are fetched by absolute URL
    with hold_lock(output_root, f"build of {folder.name}", again=True):  # the scheduled run holds it already
        current = None if asked.force or preview else skipped_editions(folder, asked, settings, output_root)
        if current is not None:
            delivery = output_root / folder.name
            failed_report(output_root, folder.name).unlink(missing_ok=True)  # the delivery in place is current
            LOG.info(
                "%s: nothing changed since the delivery was made; skipped %s",
                display_path(delivery),
                ", ".join(current),
            )
            return Delivered(
                delivery, {}, sorted(path for path in delivery.iterdir() if path.is_file()), None, {}, skipped=current
            )
        from ..util.workers import available_cores, start_fork_server  # as the pipeline: only when there is work

        start_fork_server(settings.workers or available_cores())  # it loads the engine while the pipeline loads
        from .building import build_issue

        delivered = build_issue(folder, asked, settings, output_root, progress or Progress())
    if not preview:
        return delivered
    pdfs = {key: printed.path for key, printed in delivered.printed.items()}
    previews = write_previews(pdfs, output_root / PREVIEWS / folder.name, output_root)
    return replace(delivered, previews=previews)


def skipped_editions(folder: Path, asked: Asked, settings: PrintSettings, root: Path) -> list[str] | None:
    """Return the editions a build of `folder` into `root` would skip ("az print"...), when it would make nothing;
    None when anything is to be done, or cannot be told without the full build (which then says why)."""
    try:
        ingredients = read_ingredients(folder, settings, root)
    except BuildError:  # an unreadable input or missing fonts: the build says so
        return None
    if delivery_gaps(root, folder, ingredients, settings, asked):
        return None
    listed = issue_languages(folder)
    languages = asked.languages or (listed[0] if listed else ())
    return [f"{language} {variant}" for language in languages for variant in asked.variants or VARIANTS]


def write_previews(pdfs: dict[tuple[str, str], Path], folder: Path, root: Path) -> list[Path]:
    """Picture each language's pages, from its screen PDF when there is one (no bleed, RGB), else from its print
    PDF as the press will print it (a soft proof), into `folder` under the output folder `root`."""
    from .preview import write_previews as picture_pages  # Pillow and poppler: only when previews are asked for

    chosen: dict[str, Path] = {}
    for (language, _variant), path in sorted(pdfs.items(), key=lambda item: item[0][1] != "screen"):
        chosen.setdefault(language, path)
    LOG.info("previews: %s", display_path(folder))
    return picture_pages(chosen, folder, root=root)
