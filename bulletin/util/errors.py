"""Errors of the pipeline, and the rule for what is an error and what is a warning.

The rule: anything an editor or a translator can fix in the content (a missing text, a
wrong type, a date outside the period, a missing image, a catalog that is missing, leaves
an interface string untranslated or has a translation the templates cannot format) is a
*problem*. Problems are collected over the whole issue and reported together as one
`ContentError`, each with the file, line and column it concerns; the command line prints
them without a traceback and exits with status 2. Anything the person running the build
must fix (missing fonts, a failed render) is a `BuildError`: printed as a message, exit
status 1. Any other exception is a bug in the project and keeps its traceback.
Warnings are things that do not stop a build; they go to the log and never change the
exit status.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Mark:
    """A place in a source file, as editors' tools print it."""

    path: Path  # the file, relative to the working directory where possible
    line: int  # 1-based line number
    column: int  # 1-based column number

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, where it is and what was expected."""

    mark: Mark  # where the problem is
    message: str  # what is wrong, naming the field and what was expected

    def __str__(self) -> str:
        return f"{self.mark}: {self.message}"

    def as_warning(self) -> str:
        """The problem as a warning line, for what does not stop a build: `path:line:column: warning: ...`."""
        return f"{self.mark}: warning: {self.message}"


class BulletinError(Exception):
    """Base of every error the pipeline reports to its user without a traceback."""

    category = "error"
    exit_status = 1


class ContentError(BulletinError):
    """The issue's content has problems; nothing is rendered."""

    category = "invalid content"
    exit_status = 2

    def __init__(self, problems: list[Problem], hint: str | None = None):
        self.problems = sorted(set(problems))
        self.hint = hint  # what the editor can do about the problems, if there is more than fixing them
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UsageError(BulletinError):
    """The command line asked for something that cannot be done."""

    category = "usage"
    exit_status = 2


class Refused(UsageError):
    """A command that could be run, but would lose or undo someone's work as things are (a translated file not yet
    imported, a translation confirmed unchanged); it says what to do instead."""

    category = "refused"


class BuildError(BulletinError):
    """A build could not be finished: environment, catalogs, fonts or rendering."""

    category = "build failed"
    exit_status = 1


def undecodable(path: Path, err: UnicodeDecodeError) -> Problem:
    """Return the problem of a file that is not UTF-8, placed at its first wrong byte: the editor's line and column."""
    before = err.object[: err.start].decode("utf-8", errors="replace")
    mark = Mark(path, before.count("\n") + 1, len(before) - before.rfind("\n"))
    return Problem(mark, f"file is not UTF-8 text (byte {err.object[err.start]:#04x} here; save it as UTF-8)")


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, RuntimeError, OSError):  # elsewhere; a loop of symbolic links; a name too long
        return str(path)


def lies_within(path: Path, folder: Path) -> bool:
    """Whether `path`, with symbolic links followed, is in `folder` (False for a loop of links)."""
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except RuntimeError:  # Path.resolve's word for a loop of symbolic links
        return False
