"""The editors' and translators' commands that do not render: validate, status, confirm, export,
import, catalogs and new. Each is a pair: one function that declares its arguments, one that runs it
and returns the exit status. They load nothing of the rendering engine, so that they answer at once.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..project import ISSUES, PROJECT, issue_folder
from ..util.errors import BuildError, ContentError, Refused, UsageError, display_path


def describe_validate(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Check issues without rendering anything: every content file, every picture and every"
        " catalog. Problems are listed as path:line:column: message; exit status 2 when there"
        " are any. Stale and unconfirmed translations are listed as warnings."
    )
    parser.add_argument(
        "issues", nargs="*", type=Path, metavar="ISSUE", help="issue folders or names (default: the newest issue)"
    )
    parser.add_argument(
        "--draft", action="store_true", help="check only what a draft build needs: translations may be missing"
    )


def run_validate(arguments: argparse.Namespace) -> int:
    from ..content.examination import check_problems

    status = 0
    for given in arguments.issues or [None]:
        try:
            folder = issue_folder(given)
        except UsageError as err:  # one wrong name does not keep the other issues from being checked
            print(f"usage: {err}", file=sys.stderr)
            status = 2
            continue
        problems, warnings = check_problems(folder, arguments.draft)
        for problem in problems:
            print(problem)
        for warning in warnings:
            print(warning.as_warning())
        summary = f"{len(problems)} problem(s)" if problems else "valid"
        if warnings:
            summary += f", {len(warnings)} warning(s)"
        print(f"{display_path(folder)}: {summary}", file=sys.stderr)
        status = max(status, 2 if problems else 0)
    return status


def describe_status(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Show, per language, what is left to translate: interface strings (translated, fuzzy,"
        " untranslated), content texts missing per article, and translations that are stale"
        " or unconfirmed. Exit status 1 when any language is incomplete."
    )
    parser.add_argument("issue", nargs="?", type=Path, help="the issue folder or name (default: the newest)")
    parser.add_argument("--json", action="store_true", help="print the status as JSON")


def run_status(arguments: argparse.Namespace) -> int:
    from .status import format_status, issue_status, status_json

    folder = issue_folder(arguments.issue)
    try:
        status = issue_status(folder)
    except ContentError as err:
        if not arguments.json:
            raise
        # Scripts reading the JSON get JSON, whatever happened.
        problems = [str(problem) for problem in err.problems]
        print(json.dumps({"issue": folder.name, "complete": False, "problems": problems}, ensure_ascii=False, indent=2))
        return err.exit_status
    print(status_json(status) if arguments.json else format_status(status), end="")
    return 0 if status.complete else 1


def describe_confirm(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Confirm translations against the current source-language texts, after checking or"
        " updating them: their source hashes are written into the language file, and"
        " `status` no longer lists them as stale."
    )
    parser.add_argument("issue", type=Path, help="the issue folder or name, such as 2022-H2")
    parser.add_argument("language", help="the language of the translations, such as ru")
    parser.add_argument(
        "fields",
        nargs="*",
        metavar="FIELD",
        help="what to confirm: a text (articles.vagif-mausoleum.title), an entry"
        " (articles.vagif-mausoleum) or a group (chronology)",
    )
    parser.add_argument("--all", action="store_true", help="confirm every written text of the language")
    parser.add_argument(
        "--force",
        action="store_true",
        help="confirm stale texts whose translation is unchanged since it was last confirmed (after checking that"
        " the change in the source asks for no change in the translation)",
    )


def run_confirm(arguments: argparse.Namespace) -> int:
    from .confirmation import confirm

    if bool(arguments.fields) == arguments.all:
        raise UsageError("name the texts to confirm, or give --all (but not both)")
    done = confirm(issue_folder(arguments.issue), arguments.language, tuple(arguments.fields), arguments.force)
    for item in done.changed:
        print(f"{item.mark}: confirmed {item.name}")
    print(
        f"{display_path(done.path)}: {len(done.changed)} text(s) confirmed, {done.unchanged} already confirmed",
        file=sys.stderr,
    )
    return 0


def describe_export(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write the texts of an issue in one language as a PO or XLIFF file for the translator's tool (Poedit,"
        " Lokalize, Weblate, OmegaT, memoQ, Trados Studio): one entry per text, and per paragraph of a body, keyed"
        " by its place, with the source text, the translation, a note on what the text is; stale texts fuzzy, with"
        " the source text they were confirmed against; untranslated ones empty."
    )
    parser.add_argument("issue", type=Path, help="the issue folder or name, such as 2022-H2")
    parser.add_argument("--lang", required=True, metavar="LANG", help="the translated language, such as ru")
    parser.add_argument(
        "--format",
        choices=("po", "xliff"),
        help="the file's format: po (Poedit, Lokalize, Weblate) or xliff, XLIFF 1.2 (memoQ, Trados Studio, OmegaT,"
        " Phrase); default: as the --output's name says (.po, .xlf), else po",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write it (default: <issue>.<lang>.po or .xlf in this folder)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="write over a file that holds translations the issue does not have yet (not imported)",
    )


def run_export(arguments: argparse.Namespace) -> int:
    from ..exchange.exporting import FORMATS, export_texts, format_for, unimported
    from ..util.atomic import write_atomically

    folder = issue_folder(arguments.issue)
    form = format_for(arguments.format, arguments.output)
    path = arguments.output or Path(f"{folder.name}.{arguments.lang}.{FORMATS[form]}")
    done = export_texts(folder, arguments.lang, form)
    try:
        if path.is_dir():
            raise UsageError(f"--output {path}: a folder; give the file's name, such as {path / 'texts.po'}")
        if not path.parent.is_dir():
            raise UsageError(f"--output {path}: there is no folder {path.parent}")
        lost, moved = unimported(path, done) if path.exists() and not arguments.force else ([], [])
        if lost:
            raise Refused(
                f"{display_path(path)} holds {len(lost)} translation(s) the issue does not have yet (such as"
                f" {', '.join(lost[:3])}): import it first (build.py import {display_path(folder)} {path}), or give"
                " --force to write over it"
            )
        if moved:
            raise Refused(
                f"{display_path(path)} holds {len(moved)} translation(s) at places the issue no longer has, or cuts"
                f" into paragraphs otherwise now (such as {', '.join(moved[:3])}): keep that file to copy them from,"
                " and export to another --output, or give --force to write over it"
            )
        write_atomically(path, done.text.encode("utf-8"))
    except OSError as err:  # a name too long, a folder that cannot be written
        raise BuildError(f"cannot write {display_path(path)}: {err.strerror or err}") from err
    counts, words = done.counts(), done.words()
    print(path)
    print(
        f"{display_path(path)}: {len(done.units)} unit(s): {counts['translated']} translated,"
        f" {counts['fuzzy']} fuzzy (to review), {counts['empty']} empty (to translate);"
        f" source words: {words['empty']} to translate, {words['fuzzy']} to review",
        file=sys.stderr,
    )
    return 0


def describe_import(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Write the translations of a file made by export, and translated in a translator's tool, back into the"
        " language file: each text whose units are all translated and not fuzzy is written and confirmed against"
        " the current source text; the others are left as they are. The language file's comments, order and"
        " layout stay; on any problem nothing is written, and each problem is given at the file's line."
    )
    parser.add_argument("issue", type=Path, help="the issue folder or name, such as 2022-H2")
    parser.add_argument("file", type=Path, help="the translated file, PO or XLIFF, such as 2022-H2.ru.po")


def run_import(arguments: argparse.Namespace) -> int:
    from ..exchange.importing import import_texts

    done = import_texts(issue_folder(arguments.issue), arguments.file)
    for item, line in done.taken:
        print(f"{display_path(arguments.file)}:{line}: imported {item.name}")
    for item, line in done.kept:
        print(
            f"{display_path(arguments.file)}:{line}: kept {item.name}, not confirmed: paragraphs of it changed in"
            " the source"
        )
    for problem in done.warnings + done.skipped:
        print(problem.as_warning(), file=sys.stderr)
    print(
        f"{display_path(done.path)}: {len(done.taken)} text(s) imported and confirmed, {done.unchanged} already as"
        f" the file has them, {done.left} left as they were (fuzzy, untranslated or incomplete in the file)"
        + (f", {len(done.kept)} kept unconfirmed" if done.kept else "")
        + (f"; {len(done.skipped)} unit(s) not taken (see above)" if done.skipped else "")
        + (f"; {done.absent} unit(s) of the issue not in the file" if done.absent else ""),
        file=sys.stderr,
    )
    return 1 if done.skipped or done.absent else 0


def describe_catalogs(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Extract the interface strings of the templates into translations/messages.pot and"
        " update every language's catalog from it: new strings are added untranslated,"
        " changed ones marked fuzzy, removed ones kept as obsolete. Reports what changed."
        " A catalog with problems that would stop a build (what msgfmt --check refuses, a"
        " translation the templates cannot format) is listed, nothing is written and the"
        " exit status is 2."
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit status 1 when the catalogs are not up to date"
    )


def run_catalogs(arguments: argparse.Namespace) -> int:
    from ..language.catalogs import format_changes, update_catalogs
    from ..language.localization import LANGUAGES

    changes = update_catalogs(PROJECT, tuple(LANGUAGES), check=arguments.check)
    print(format_changes(changes), end="")
    changed = any(change.changed for change in changes)
    return 1 if arguments.check and changed else 0


def describe_new(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Start an issue from the previous one: period and number from its name; languages,"
        " ISSNs, sections, cover, key figures and the texts that stay (publisher, about page,"
        " section titles, figure labels) carried over; one empty article per section and one"
        " empty chronology event to fill in. `validate` then lists what is left."
    )
    parser.add_argument("name", help="the new issue's name, <YYYY>-H1 or <YYYY>-H2, such as 2023-H1")
    parser.add_argument(
        "--from",
        dest="previous",
        type=Path,
        help="the issue to start from (default: the latest one before the new issue)",
    )
    parser.add_argument("--issues", type=Path, default=ISSUES, help="the folder of the issues (default: issues/)")


def run_new(arguments: argparse.Namespace) -> int:
    from .next_issue import start_issue

    if not arguments.issues.is_dir():
        raise UsageError(f"{arguments.issues}: no such folder of issues")
    previous = issue_folder(arguments.previous, arguments.issues) if arguments.previous else None
    folder = start_issue(arguments.name, arguments.issues, previous)
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            print(display_path(path))
    where = display_path(folder)
    print(
        f"{where}: started. Write the new articles and events, and review what was carried over (the about"
        f" page, the key figures). Then check with build.py validate {where} and build a draft with"
        f" build.py {where} --draft --preview",
        file=sys.stderr,
    )
    return 0


COMMANDS = {
    "validate": (describe_validate, run_validate),
    "status": (describe_status, run_status),
    "confirm": (describe_confirm, run_confirm),
    "export": (describe_export, run_export),
    "import": (describe_import, run_import),
    "catalogs": (describe_catalogs, run_catalogs),
    "new": (describe_new, run_new),
}
