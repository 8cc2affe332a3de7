"""Watching the sources of an edition and building it again whenever one of them changes.

`watch` builds once, then again after each batch of changes to the files a build reads (content,
pictures, templates, styles, catalogs, settings), and tells which files changed, how the build
ended and how long it took. A failed build does not end the watching: an editor fixes the file,
saves it, and the next build starts. Content problems and build errors are told as the command
line tells them, without a traceback; any other exception is a bug in the project and keeps its
traceback. Ctrl-C (or `stop`, for tests) ends the watching quietly.

This module does not know what a build is: the caller passes the function that makes it and
says how to describe its result.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from typing import TextIO, TypeVar

import watchfiles

from ..util.errors import BulletinError, ContentError, display_path

Result = TypeVar("Result")

SOURCE_SUFFIXES = frozenset(
    {
        ".yaml",  # issue.yaml and the language files
        ".svg",
        ".png",
        ".jpg",
        ".jpeg",  # pictures
        ".html",
        ".css",  # templates and their style
        ".po",  # catalogs
        ".cfg",
        ".toml",  # babel.cfg (which template strings need translating) and pyproject.toml's print settings
    }
)
SKIPPED_FOLDERS = frozenset({"output"})  # what the build writes; hidden folders (.venv, .git) are skipped too
IDLE_MS = 300  # how long the watcher waits before coming back empty-handed
LISTED_CHANGES = 5  # the most changed files named in one line


@dataclass(frozen=True)
class Sources:
    """The files a build reads: those of a source kind under some folders, and some single files."""

    folders: tuple[Path, ...]  # absolute; watched with everything below them
    files: tuple[Path, ...]  # absolute; watched through their folder, as editors replace a file to save it

    @classmethod
    def of(cls, paths: Iterable[Path]) -> Sources:
        """Return the sources named by `paths`, each a folder or a file."""
        paths = [Path(path).resolve() for path in paths]
        return cls(tuple(path for path in paths if path.is_dir()), tuple(path for path in paths if not path.is_dir()))

    def watched_folders(self) -> list[Path]:
        """Return the folders whose changes must be seen."""
        return sorted(set(self.folders) | {file.parent for file in self.files})

    def include(self, path: Path) -> bool:
        """Tell whether `path` is a file the build reads, not an editor's swap or backup file nor a build's output."""
        if path in self.files:
            return True
        for folder in self.folders:
            if path.is_relative_to(folder):
                parts = path.relative_to(folder).parts
                return path.suffix.lower() in SOURCE_SUFFIXES and not any(
                    part.startswith(".") or part in SKIPPED_FOLDERS for part in parts
                )
        return False

    def describe(self) -> str:
        """Return the watched folders and files, for a person."""
        return ", ".join(display_path(path) for path in self.folders + self.files)


def watch(
    paths: Sequence[Path],
    rebuild: Callable[[], Result],
    *,
    describe: Callable[[Result], str] = str,
    stop: Event | None = None,
    out: TextIO | None = None,
) -> None:
    """Call `rebuild`, then again after each batch of changes to the sources in `paths`, until Ctrl-C or `stop`.

    What the watching tells goes to `out`, by default sys.stderr as it is at the call.
    """
    out = sys.stderr if out is None else out
    sources = Sources.of(paths)
    batches = watchfiles.watch(
        *sources.watched_folders(),
        stop_event=stop,
        rust_timeout=IDLE_MS,
        yield_on_timeout=True,
        watch_filter=lambda _change, path: sources.include(Path(path)),
    )
    try:
        # The watcher comes back once it is set up (empty-handed after IDLE_MS): building only then
        # means that a file saved during the first build, which can take minutes, is not missed.
        if next(batches, None) is None:
            return
        build(rebuild, describe, out)
        say(out, f"watching {sources.describe()} for changes; Ctrl-C to stop")
        for changes in batches:
            if changes:
                say(out, f"\n{clock()} changed: {list_changes(changes)}")
                build(rebuild, describe, out)
    except KeyboardInterrupt:
        return  # how an editor ends the watching: nothing to report


def build(rebuild: Callable[[], Result], describe: Callable[[Result], str], out: TextIO) -> None:
    """Run `rebuild` once and tell how it ended and how long it took; let nothing but Ctrl-C through."""
    started = time.monotonic()
    try:
        result = rebuild()
    except ContentError as err:
        say(out, *(str(problem) for problem in err.problems))
        say(out, f"{clock()} {len(err.problems)} problem(s) in the content; no PDF was written ({elapsed(started)})")
    except BulletinError as err:
        say(out, f"{err.category}: {err}")
        say(out, f"{clock()} failed after {elapsed(started)}")
    except Exception:  # noqa: BLE001 - an editor should not have to restart the watching for a bug
        traceback.print_exc(file=out)
        say(
            out,
            f"{clock()} failed after {elapsed(started)}: the traceback above is a bug in the build program,"
            " not a problem of the content; still watching",
        )
    else:
        description = describe(result)
        if description:
            say(out, description)
        say(out, f"{clock()} built in {elapsed(started)}")


def list_changes(changes: set[tuple[watchfiles.Change, str]]) -> str:
    """Return the changed files for a person: the first few by name, then how many more."""
    paths = sorted({display_path(Path(path)) for _change, path in changes})
    listed = ", ".join(paths[:LISTED_CHANGES])
    return listed if len(paths) <= LISTED_CHANGES else f"{listed} and {len(paths) - LISTED_CHANGES} more"


def say(out: TextIO, *lines: str) -> None:
    """Write `lines` to `out` at once, so that they are seen while the watching waits."""
    for line in lines:
        print(line, file=out)
    out.flush()


def clock() -> str:
    """Return the time of day, so that an editor sees at a glance which build a message is from."""
    return time.strftime("%H:%M:%S")


def elapsed(started: float) -> str:
    """Return the time since `started` (a `time.monotonic()`), for a person."""
    return f"{time.monotonic() - started:.1f} s"
