"""Catalogs of the interface strings: what each language's catalog holds, and keeping them in step.

The interface strings are the msgids of the templates (`_("Contents")`), found as babel.cfg says
(`extraction`).
This module does two things with them:

- `read_catalog_state` reads translations/<lang>/LC_MESSAGES/messages.po with polib and tells,
  for every template string, whether its entry is translated, fuzzy, untranslated or missing
  (Babel's own statistics count a fuzzy entry as translated; polib tells them apart), and what
  keeps the catalog from being compiled or printed (`catalog_checks`: what msgfmt --check
  refuses). `catalog_problems` says all of it as problems at the .po file's lines: it is what
  `validate`, `status`, `catalogs` and the build (`localization.load_translations`) report.
- `update_catalogs` is `pybabel extract` then `pybabel update`, done with Babel's API: it
  extracts the template strings into translations/messages.pot, merges them into every
  language's catalog (new strings untranslated, changed ones fuzzy, removed ones obsolete),
  writes a file only when its content changes, and says what changed.

It neither compiles nor translates: compiling is the localize stage's, translating is people's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path

import polib
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, write_po

from ..util.atomic import write_atomically
from ..util.errors import BuildError, ContentError, Mark, Problem, display_path, undecodable
from ..util.files import NotAFile, open_file, read_file
from .catalog_checks import catalog_faults, entry_line, plural_count
from .extraction import extract_template, new_template, singular

CATALOG_DOMAIN = "messages"
MAX_CATALOG_BYTES = 2_000_000  # a catalog of the bulletin is some 10 kB: larger ones are refused, not parsed
EXTRACTION_CONFIG_NAME = "babel.cfg"  # in the project's top folder, next to templates/
TRANSLATIONS_FOLDER = "translations"  # in the project's top folder

# The options the committed files were written with, so that Babel rewrites them byte for byte:
# `pybabel extract --project TEMPLATE_OWNER --copyright-holder TEMPLATE_OWNER --sort-output` (width 76,
# the default) for messages.pot, and `pybabel update --width 100` for each messages.po.
TEMPLATE_WIDTH = 76
CATALOG_WIDTH = 100

STATES = ("translated", "fuzzy", "untranslated", "missing")
REASONS = {  # what catalog_problems says of an entry in each state but "translated"
    "fuzzy": "is fuzzy; a fuzzy entry is not a translation",
    "untranslated": "is not translated (its translation, or one of its plural forms, is empty)",
    "missing": "is missing from the catalog; run 'build.py catalogs' to add it",
}


@dataclass(frozen=True)
class Entry:
    """One template string as a language's catalog has it."""

    msgid: str  # the singular msgid
    state: str  # one of STATES; "missing" is a template string absent from the catalog
    line: int  # line of the entry in the .po file (polib's linenum, its first line); 1 if missing


@dataclass(frozen=True)
class CatalogState:
    """How far a language's catalog translates the template strings."""

    language: str  # the edition language, as named in translations/
    path: Path  # translations/<lang>/LC_MESSAGES/messages.po
    entries: tuple[Entry, ...]  # one per template string, in msgid order; empty if unreadable
    obsolete: int  # #~ entries kept by pybabel update
    problem: str | None  # why the catalog could not be read (missing file, syntax error), else None
    faults: tuple[Problem, ...] = ()  # what keeps it from being read, compiled or printed, whatever is translated

    def count(self, state: str) -> int:
        """Return how many template strings are in `state`."""
        return sum(entry.state == state for entry in self.entries)

    @property
    def complete(self) -> bool:
        """Tell whether the catalog is readable and translates every template string."""
        return self.problem is None and not self.faults and self.count("translated") == len(self.entries)


@dataclass(frozen=True)
class CatalogChange:
    """What `update_catalogs` did, or would do, to one file."""

    language: str | None  # None for the template messages.pot
    path: Path  # the .pot or .po file
    added: tuple[str, ...]  # msgids new in the file, fuzzy ones included
    removed: tuple[str, ...]  # made obsolete (po) or dropped (pot)
    fuzzy: tuple[str, ...]  # new entries that Babel matched to an old one and marked fuzzy
    changed: bool  # the file's content differs from what it should be (added, removed, references)
    written: bool  # the file was written; never with check=True


def catalog_path(translations_dir: Path, language: str) -> Path:
    """Return where the catalog of `language` lives."""
    return translations_dir / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"


# The state each catalog's text gave, by its language, place, text and the strings wanted: a catalog read again
# unchanged is not parsed and checked again (every validation reads all four; a watching build validates often).
_STATES: dict[tuple[str, Path, bytes, tuple[str, ...]], CatalogState] = {}
_STATES_MAX = 64  # states remembered; forgotten all at once past it


def read_catalog_state(language: str, translations_dir: Path, wanted: tuple[str, ...]) -> CatalogState:
    """Read the catalog of `language` and tell the state of each of the `wanted` template strings."""
    return read_catalog(language, translations_dir, wanted, state_only=True)[0]


def read_catalog(
    language: str, translations_dir: Path, wanted: tuple[str, ...], state_only: bool = False
) -> tuple[CatalogState, polib.POFile | None]:
    """Read the catalog of `language`: the state of each of the `wanted` strings, and the catalog
    itself (None when it cannot be read, or with `state_only`), for a build to compile."""
    path = catalog_path(translations_dir, language)
    try:
        data = read_file(path, MAX_CATALOG_BYTES)  # a named pipe or a folder there is refused, never waited on
        if len(data) > MAX_CATALOG_BYTES:
            return _unreadable(
                language, path, Problem(Mark(path, 1, 1), f"the catalog is larger than {MAX_CATALOG_BYTES} bytes")
            ), None
        key = (language, path, hashlib.sha256(data).digest(), wanted)
        if state_only and key in _STATES:
            return _STATES[key], None
        text = data.decode("utf-8")
        catalog = parse_catalog(text)
    except FileNotFoundError:
        return _unreadable(language, path, Problem(Mark(path, 1, 1), _missing(language))), None
    except UnicodeDecodeError as err:
        return _unreadable(language, path, undecodable(path, err)), None
    except NotAFile as err:
        return _unreadable(language, path, Problem(Mark(path, 1, 1), f"{err.strerror}; it was not read")), None
    except (OSError, ValueError) as err:  # polib reports a syntax error as an OSError
        return _unreadable(
            language, path, Problem(Mark(path, 1, 1), f"cannot read the catalog: {' '.join(str(err).split())}")
        ), None
    forms = plural_count(catalog, language)
    # Template strings have no context (template_strings drops it), as Babel's catalog.get(msgid).
    found = {entry.msgid: entry for entry in catalog if not entry.obsolete and entry.msgctxt is None}
    entries = tuple(
        Entry(msgid, _state(found.get(msgid), forms), entry_line(found[msgid]) if msgid in found else 1)
        for msgid in sorted(wanted)
    )
    faults = tuple(catalog_faults(catalog, text, path, language))
    state = CatalogState(language, path, entries, len(catalog.obsolete_entries()), None, faults)
    if len(_STATES) >= _STATES_MAX:
        _STATES.clear()
    _STATES[key] = state
    return state, None if state_only else catalog


def parse_catalog(text: str) -> polib.POFile:
    """Parse the text of a .po file with polib; OSError (polib's word for a syntax error) or ValueError if it fails.

    An entry written twice is an error, since which of the two a build would use is anyone's guess.
    """
    # polib takes a string naming an existing file for a path and reads that file instead: a catalog
    # holding only "/etc/passwd" would be read from there. Text with a line break names no file.
    if not text.endswith("\n"):
        text += "\n"
    return polib.pofile(text, encoding="utf-8", check_for_duplicates=True)


def _unreadable(language: str, path: Path, problem: Problem) -> CatalogState:
    return CatalogState(language, path, (), 0, problem.message, (problem,))


def _state(entry: polib.POEntry | None, forms: int) -> str:
    if entry is None:
        return "missing"
    if entry.fuzzy:
        return "fuzzy"
    strings = [entry.msgstr_plural.get(form, "") for form in range(forms)] if entry.msgid_plural else [entry.msgstr]
    return "translated" if all(strings) else "untranslated"


def catalog_problems(state: CatalogState, complete: bool = True) -> list[Problem]:
    """Return what is wrong with a catalog, each at its line: what keeps it from being read, compiled or
    printed, and, when it must be `complete` (not in a draft's other languages), each template string it
    does not translate."""
    return list(state.faults) + [
        Problem(Mark(state.path, entry.line, 1), f'interface string "{entry.msgid}" {REASONS[entry.state]}')
        for entry in state.entries
        if complete and entry.state != "translated"
    ]


def update_catalogs(project: Path, languages: tuple[str, ...], check: bool = False) -> list[CatalogChange]:
    """Extract the template strings into messages.pot, merge them into each catalog, say what changed;
    ContentError, and nothing written, when a catalog has faults (`catalog_problems` but untranslated strings)."""
    translations = project / TRANSLATIONS_FOLDER
    pot = translations / f"{CATALOG_DOMAIN}.pot"
    old_template = _read(pot, None) if pot.exists() else new_template()
    # Every catalog checked before anything is written. Babel keeps one of two entries with the same msgid
    # without a word, and reads a catalog with the charset its header names: merging would lose or garble.
    if faults := [fault for language in languages for fault in read_catalog_state(language, translations, ()).faults]:
        raise ContentError(faults)
    catalogs = {language: _read(catalog_path(translations, language), language) for language in languages}

    # Through the text of messages.pot, as `pybabel update` reads it: sorted, dated to the minute.
    template = read_po(
        BytesIO(_render(extract_template(project / EXTRACTION_CONFIG_NAME), TEMPLATE_WIDTH, sort_output=True))
    )
    if _messages(template) == _messages(old_template):
        template = old_template  # messages.pot stays as it is, its POT-Creation-Date included
    before, after = _keyed(old_template), _keyed(template)
    pot_change = CatalogChange(
        language=None,
        path=pot,
        added=_new(after, before),
        removed=_new(before, after),
        fuzzy=(),
        changed=template is not old_template,
        written=False,
    )
    outputs = [(pot_change, _render(template, TEMPLATE_WIDTH, sort_output=True))]
    for language, catalog in catalogs.items():
        outputs.append(_merge(language, catalog_path(translations, language), catalog, template))

    changes = []
    for change, content in outputs:
        if change.changed and not check:
            write_atomically(change.path, content)
            change = replace(change, written=True)
        changes.append(change)
    return changes


def _merge(language: str, path: Path, catalog: Catalog, template: Catalog) -> tuple[CatalogChange, bytes]:
    """Update one catalog from the template, as `pybabel update` does, and say what that changed."""
    before = _keyed(catalog)
    catalog.update(template)  # fuzzy matching, header comment kept, POT-Creation-Date from the template
    after = _keyed(catalog)
    obsolete = _keyed(catalog.obsolete.values())  # an old msgid a fuzzy match took over is not obsolete
    content = _render(catalog, CATALOG_WIDTH)
    return CatalogChange(
        language=language,
        path=path,
        added=_new(after, before),
        removed=tuple(sorted(key[0] for key in before if key not in after and key in obsolete)),
        fuzzy=tuple(sorted(key[0] for key in after if key not in before and after[key].fuzzy)),
        changed=_entries(content) != _entries(path.read_bytes()),
        written=False,
    ), content


def _entries(content: bytes) -> tuple:
    """What a catalog says, entry by entry, whatever its wrapping: a catalog saved by Poedit or another tool
    that wraps its lines otherwise says the same, and is left as it is. Of the header, only what a build reads
    counts (the language, its plural forms); the dates and who saved it last do not."""
    catalog = read_po(BytesIO(content))

    def said(message: Message) -> tuple:
        return (
            message.id,
            message.string,
            message.context,
            tuple(sorted(message.flags)),
            " ".join(" ".join(message.auto_comments).split()),  # a note is the same note wrapped at any width
            " ".join(" ".join(message.user_comments).split()),
            message.previous_id,
            tuple(message.locations),
        )

    return (
        str(catalog.locale),
        catalog.plural_forms,
        tuple(said(message) for message in catalog if message.id),
        tuple(said(message) for message in catalog.obsolete.values()),
    )


def format_changes(changes: list[CatalogChange]) -> str:
    """Describe what `update_catalogs` changed, or would change: a line per file, each ending in a newline."""
    lines = []
    for change in changes:
        untranslated = tuple(msgid for msgid in change.added if msgid not in change.fuzzy)
        listed = [
            f"{len(msgids)} {label}: {', '.join(f'“{msgid}”' for msgid in msgids)}"
            for label, msgids in (
                ("added", untranslated),
                ("fuzzy", change.fuzzy),
                ("removed" if change.language is None else "made obsolete", change.removed),
            )
            if msgids
        ]
        if not change.changed:
            what = "unchanged"
        else:
            what = "; ".join(listed) or "source references or header updated"
            what += "" if change.written else " (not written)"
        lines.append(f"{display_path(change.path)}: {what}\n")
    return "".join(lines)


def _read(path: Path, language: str | None) -> Catalog:
    """Read a .pot or .po file with Babel, or stop with its path and what is wrong."""
    try:
        with open_file(path) as file:
            return read_po(file, locale=language, abort_invalid=True)
    except FileNotFoundError as err:
        raise BuildError(f"{display_path(path)}: {_missing(language)}") from err
    except (PoFileError, ValueError, OSError) as err:
        raise BuildError(f"{display_path(path)}: cannot read the catalog: {err}") from err


def _missing(language: str | None) -> str:
    return (
        f"the {language} catalog is missing; create it with"
        f" 'pybabel init -i translations/messages.pot -d translations -l {language}'"
    )


def _messages(template: Catalog) -> bytes:
    """Return the template's entries as messages.pot writes them: msgids, flags, references."""
    return _render(template, TEMPLATE_WIDTH, omit_header=True, sort_output=True)


def _render(catalog: Catalog, width: int, **options) -> bytes:
    output = BytesIO()
    write_po(output, catalog, width=width, **options)
    return output.getvalue()


def _keyed(messages) -> dict[tuple[str, str | None], Message]:
    """Return messages by (singular msgid, context), without the header."""
    return {(singular(message), message.context): message for message in messages if message.id}


def _new(keyed: dict, other: dict) -> tuple[str, ...]:
    """Return the msgids of `keyed` that `other` lacks, sorted."""
    return tuple(sorted(key[0] for key in keyed if key not in other))
