"""Where a build may write: an output folder never holds the input, nor anything a build did not put there.

A build replaces output/<issue>/ whole with its new delivery, and writes beside it its lock, its
caches and its logs. Given an output folder that was the folder of the issues, the swap took the
issue's own folder for a previous delivery and replaced its YAML files and pictures with PDFs.
So before a build, the watcher or a scheduled run writes anything at all (not even the lock),
`check_output` refuses, as bad usage, an output folder

- that is, holds or lies inside an input: the issue folder, the folder of the issues, templates/,
  translations/ or the code (bulletin/); or that is or holds the project's top folder;
- that lies inside another folder of the project than output/: .git/, .venv/, tests/ hold the
  project's own files, which a build's would corrupt or mix with (a folder in .git/objects is
  garbage to git, one in tests/cases a bad-input case, one in output/ a folder the next build
  refuses); inside the project an output folder is output/ (or output/drafts/), or a folder at the
  project's top level, or a new folder there;
- that is there and holds anything a build did not write, at any depth (`ownership`): an editor's
  file, in the output folder or in a delivery, a folder of pictures, a git checkout, a link.

Symbolic links are followed on both sides. The delivery stage asks again (`check_replaceable`)
before it replaces anything, so that nothing but an earlier delivery is ever replaced, whoever
calls it.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..model import issue_name_problem
from ..project import DRAFTS, ISSUES, OUTPUT, PROJECT, TEMPLATES, TRANSLATIONS
from ..util.errors import BuildError, UsageError, display_path
from .ownership import delivery_problem, foreign_entries, is_delivery, name_some

__all__ = ["check_output", "check_replaceable", "delivery_problem", "is_delivery", "shown"]


def check_output(root: Path, issue: Path | None = None, issues: Path = ISSUES) -> None:
    """Refuse (UsageError) an output folder that is, holds or lies in an input or another folder of the project, or
    that holds what no build wrote."""
    where = _resolve(root)
    inputs = [(f"the issue folder {issue.name}", issue)] if issue is not None else []
    inputs += [("the folder of the issues", folder) for folder in dict.fromkeys((issues, ISSUES))]
    inputs += [
        ("the folder of the templates", TEMPLATES),
        ("the folder of the catalogs", TRANSLATIONS),
        ("the folder of the code", PROJECT / "bulletin"),
    ]
    linked = where != Path(os.path.abspath(root))  # then the folder it names is said too
    # An input that cannot be resolved (a loop of symbolic links) holds nothing an output folder could meet.
    resolved = [(what, folder) for what, folder in ((what, _resolved(folder)) for what, folder in inputs) if folder]
    clash = _clash(where, resolved, _resolve(PROJECT), linked)
    if clash:
        raise UsageError(
            f"{shown(root)}: cannot be the output folder: it {clash}; a build replaces what is in"
            " its output folder, and would destroy the input. Give a folder of its own: a new or empty"
            f" one, or {display_path(OUTPUT)}/ (the default)"
        )
    inside = _project_folder(where) or _project_folder(Path(os.path.abspath(root)))
    if inside:
        raise UsageError(
            f"{shown(root)}: cannot be the output folder: it is inside {inside}, where a build's files"
            " would corrupt or mix with the project's own. In the project, give"
            f" {display_path(OUTPUT)}/ (the default) or a folder at its top level, or a folder elsewhere"
        )
    if not os.path.lexists(where):
        return
    if not where.is_dir():
        raise UsageError(f"{shown(root)}: cannot be the output folder: it is a file, not a folder")
    try:
        foreign = foreign_entries(where)
    except OSError as err:
        raise UsageError(
            f"{shown(root)}: cannot be the output folder: it cannot be read ({err.strerror or err})"
        ) from err
    if foreign:
        named = [
            where / name
            for name in foreign
            if issue_name_problem(Path(name).name) is None
            and Path(name).parent in (Path("."), Path(DRAFTS))  # where deliveries go
            and (where / name).is_dir()
            and not (where / name).is_symlink()
        ]
        why = (
            f" ({named[0].relative_to(where)} is no delivery: {delivery_problem(named[0], named[0].name)})"
            if named
            else ""
        )
        raise UsageError(
            f"{shown(root)}: not an output folder: it holds {name_some(foreign)}, which no build"
            f" wrote{why}; a build would delete them with what it replaces, or mix its files with them."
            " Move them elsewhere, or give a folder of the output's own: a new or empty one, or one"
            " only builds have written to"
        )


def check_replaceable(target: Path, issue: str) -> None:
    """Stop (BuildError) when <output>/<issue>/ holds anything but an earlier delivery of `issue`, which alone a
    build may replace: a file, a link, a folder of other files, or a delivery with other files in it is left as
    it is."""
    if not os.path.lexists(target):
        return
    if target.is_symlink() or not target.is_dir():
        raise BuildError(
            f"{display_path(target)} exists and is not a folder: move it away, the issue's delivery goes there"
        )
    problem = delivery_problem(target, issue)
    if problem:
        raise BuildError(
            f"{display_path(target)} is not a delivery of {issue}: {problem}. A build replaces only an"
            " earlier delivery, whole, and left this as it was: move what no build delivered elsewhere,"
            " or deliver into another output folder"
        )


def shown(path: Path) -> str:
    """The output folder as the command line gave it when relative, else as display_path shows it; never as `.`,
    which would hide what it is."""
    if not Path(path).is_absolute():
        return str(path)
    return display_path(path) if display_path(path) != "." else str(path)


def _resolve(path: Path) -> Path:
    resolved = _resolved(path)
    if resolved is None:
        raise UsageError(f"{shown(path)}: cannot be the output folder: it is a loop of symbolic links")
    return resolved


def _resolved(path: Path) -> Path | None:
    """`path` with its symbolic links followed; None for a loop of them."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):  # Path.resolve's words for a loop of symbolic links
        return None


def _clash(root: Path, inputs: list[tuple[str, Path]], project: Path, linked: bool) -> str | None:
    """Say how the (resolved) output folder meets an input, if it does: it is one, lies inside one, or holds one;
    `linked` when it was named through a symbolic link."""
    for what, folder in inputs + [("the project's top folder", project)]:
        if root == folder:
            return f"is {what}" + (f" ({shown(folder)}, through a symbolic link)" if linked else "")
    for what, folder in inputs:
        if root.is_relative_to(folder):
            return f"is inside {what} ({shown(folder)})"
    for what, folder in [("the project's top folder", project)] + inputs:  # the widest first
        if folder.is_relative_to(root):
            return f"holds {what} ({shown(folder)})"
    return None


def _project_folder(root: Path) -> str | None:
    """Name the folder of the project's own that `root` (absolute) lies inside, if it does: any but output/, whose
    folder drafts/ alone may be an output folder, and a folder at the project's top level that is not there yet."""
    project, output = _resolved(PROJECT), _resolved(OUTPUT)
    if project is None or root == project or not root.is_relative_to(project):
        return None
    if output is not None and root in (output, output / DRAFTS):
        return None
    top = project / root.relative_to(project).parts[0]
    if root == top or not os.path.lexists(top):
        return None
    return f"{shown(top)}/, " + (
        "the project's output folder, where only builds write" if top == output else "a folder of the project"
    )
