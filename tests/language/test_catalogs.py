"""Catalogs: every template string in every catalog, states read with polib, `build.py catalogs`."""

from __future__ import annotations

import shutil
from io import BytesIO
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po, write_po

from bulletin.language.catalogs import (
    CATALOG_WIDTH,
    TEMPLATE_WIDTH,
    catalog_path,
    catalog_problems,
    format_changes,
    read_catalog,
    read_catalog_state,
    update_catalogs,
)
from bulletin.language.extraction import extract_template, template_strings
from bulletin.language.localization import LANGUAGES, load_translations
from bulletin.project import EXTRACTION_CONFIG, TRANSLATIONS
from bulletin.util.errors import ContentError
from bulletin.workflow.cli import main

from conftest import PROJECT

EDITIONS = tuple(LANGUAGES)
NEW = "Something new"


def strings_absent_from_catalogs(project: Path) -> list[str]:
    """Return 'file: msgid' for each template string messages.pot or a language's catalog lacks."""
    wanted = template_strings(project / "babel.cfg")
    with (project / "translations" / "messages.pot").open("rb") as file:
        pot = {message.id if isinstance(message.id, str) else message.id[0] for message in read_po(file)}
    absent = [f"messages.pot: {msgid}" for msgid in wanted if msgid not in pot]
    for language in EDITIONS:
        state = read_catalog_state(language, project / "translations", wanted)
        absent += (
            [f"{language}: {state.problem}"]
            if state.problem
            else [f"{language}: {entry.msgid}" for entry in state.entries if entry.state == "missing"]
        )
    return absent


def test_every_template_string_is_in_the_template_and_in_every_catalog():
    absent = strings_absent_from_catalogs(PROJECT)
    assert not absent, "run 'python build.py catalogs' after changing the templates:\n" + "\n".join(absent)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the templates and catalogs, in step and fully translated whatever the repository's state."""
    shutil.copytree(PROJECT / "templates", tmp_path / "templates")
    shutil.copytree(PROJECT / "translations", tmp_path / "translations")
    shutil.copy(PROJECT / "babel.cfg", tmp_path / "babel.cfg")
    update_catalogs(tmp_path, EDITIONS)
    for language in EDITIONS:
        translate_what_is_left(catalog_path(tmp_path / "translations", language), language)
    return tmp_path


def translate_what_is_left(path: Path, language: str) -> None:
    """Fill in every untranslated or fuzzy entry, as a translator would, so that the catalog is complete."""
    with path.open("rb") as file:
        catalog = read_po(file, locale=language)
    for message in catalog:
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and (message.fuzzy or not all(forms)):
            singular = message.id[0] if message.pluralizable else message.id
            message.string = (singular,) * catalog.num_plurals if message.pluralizable else singular
            message.flags.discard("fuzzy")
    with path.open("wb") as file:
        write_po(file, catalog, width=CATALOG_WIDTH)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_new_string(project: Path) -> str:
    """Add NEW to the cover template and return its reference, such as templates/cover.html:11."""
    edit(project / "templates" / "cover.html", "</section>", f'<p>{{{{ _("{NEW}") }}}}</p>\n</section>')
    return f"templates/cover.html:{line_of(project / 'templates' / 'cover.html', NEW)}"


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def catalog_files(project: Path) -> list[Path]:
    return [project / "translations" / "messages.pot"] + [
        catalog_path(project / "translations", language) for language in EDITIONS
    ]


def snapshot(project: Path) -> dict[Path, tuple[bytes, int]]:
    return {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in catalog_files(project)}


def test_the_guard_names_a_template_string_nobody_extracted(project):
    add_new_string(project)
    assert set(strings_absent_from_catalogs(project)) == {f"{file}: {NEW}" for file in ("messages.pot", *EDITIONS)}


def test_a_new_template_string_reaches_every_catalog_untranslated(project):
    reference = add_new_string(project)
    changes = update_catalogs(project, EDITIONS)

    assert [change.language for change in changes] == [None, *EDITIONS]
    assert all(change.added == (NEW,) and change.written and not change.removed for change in changes)
    with (project / "translations" / "messages.pot").open("rb") as file:
        assert [f"{name}:{line}" for name, line in read_po(file)[NEW].locations] == [reference]
    report = format_changes(changes).splitlines()
    assert len(report) == 5 and all(line.endswith(f": 1 added: “{NEW}”") for line in report)
    assert report[2].startswith(str(catalog_path(project / "translations", "ru")))

    wanted = template_strings(project / "babel.cfg")
    for language in EDITIONS:
        state = read_catalog_state(language, project / "translations", wanted)
        [entry] = [entry for entry in state.entries if entry.msgid == NEW]
        lines = state.path.read_text(encoding="utf-8").splitlines()
        assert lines[entry.line - 1 : entry.line + 2] == [f"#: {reference}", f'msgid "{NEW}"', 'msgstr ""']
        assert entry.state == "untranslated" and state.count("untranslated") == 1 and not state.complete
        problem = [problem for problem in catalog_problems(state) if NEW in problem.message][0]
        assert (problem.mark.path, problem.mark.line) == (state.path, entry.line)


def test_a_second_run_changes_and_writes_nothing(project):
    add_new_string(project)
    update_catalogs(project, EDITIONS)
    before = snapshot(project)
    changes = update_catalogs(project, EDITIONS)
    assert not any(change.changed or change.written or change.added for change in changes)
    assert snapshot(project) == before
    assert all(line.endswith(": unchanged") for line in format_changes(changes).splitlines())


def test_a_removed_template_string_becomes_obsolete(project):
    removed = "The revival of the territories of Azerbaijan liberated in 2020"
    edit(project / "templates" / "cover.html", f'{{{{ _("{removed}") }}}}', removed)
    changes = update_catalogs(project, EDITIONS)

    assert all(change.removed == (removed,) and not change.added for change in changes)
    assert "1 removed: “The revival" in format_changes(changes).splitlines()[0]
    assert "1 made obsolete: “The revival" in format_changes(changes).splitlines()[1]
    with (project / "translations" / "messages.pot").open("rb") as file:
        assert removed not in read_po(file)
    for language in EDITIONS:
        state = read_catalog_state(language, project / "translations", template_strings(project / "babel.cfg"))
        assert state.obsolete == 1 and removed not in [entry.msgid for entry in state.entries]
        assert f'#~ msgid "{removed}"' in state.path.read_text(encoding="utf-8")


def test_a_check_writes_nothing_and_tells_what_would_change(project):
    add_new_string(project)
    before = snapshot(project)
    changes = update_catalogs(project, EDITIONS, check=True)
    assert all(change.added == (NEW,) and change.changed and not change.written for change in changes)
    assert snapshot(project) == before
    assert format_changes(changes).splitlines()[0].endswith(f": 1 added: “{NEW}” (not written)")


def test_a_changed_template_string_is_matched_fuzzy_and_is_not_a_translation(project):
    edit(project / "templates" / "front-matter.html", '_("Imprint")', '_("Imprints")')
    changes = update_catalogs(project, EDITIONS)

    pot, ru = changes[0], changes[2]
    assert (pot.added, pot.removed, pot.fuzzy) == (("Imprints",), ("Imprint",), ())
    assert (ru.added, ru.removed, ru.fuzzy) == (("Imprints",), (), ("Imprints",))  # the old entry became the new one
    assert format_changes(changes).splitlines()[2].endswith(": 1 fuzzy: “Imprints”")
    state = read_catalog_state("ru", project / "translations", template_strings(project / "babel.cfg"))
    [entry] = [entry for entry in state.entries if entry.msgid == "Imprints"]
    assert entry.state == "fuzzy" and state.count("fuzzy") == 1 and state.count("translated") == len(state.entries) - 1
    lines = state.path.read_text(encoding="utf-8").splitlines()
    assert lines[entry.line - 1 : entry.line + 4] == [
        "#. title of the imprint page, the second page",  # the template's note for translators, kept
        f"#: templates/front-matter.html:{line_of(project / 'templates' / 'front-matter.html', 'Imprints')}",
        "#, fuzzy",
        'msgid "Imprints"',
        'msgstr "Выходные данные"',
    ]
    [problem] = catalog_problems(state)
    assert str(problem).endswith(
        f':{entry.line}:1: interface string "Imprints" is fuzzy; a fuzzy entry is not a translation'
    )
    with pytest.raises(ContentError) as error:  # the build's words are validate's
        load_translations("ru", project / "translations", project / "babel.cfg")
    assert error.value.problems == [problem]


def test_a_fuzzy_flag_makes_a_translated_entry_fuzzy(project):
    path = catalog_path(project / "translations", "es")
    edit(path, 'msgid "Contents"', '#, fuzzy\nmsgid "Contents"')
    state = read_catalog_state("es", project / "translations", template_strings(project / "babel.cfg"))
    assert [(entry.msgid, entry.state) for entry in state.entries if entry.state != "translated"] == [
        ("Contents", "fuzzy")
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    [problem] = catalog_problems(state)
    assert lines[problem.mark.line - 1] == "#. title of the contents page"  # the entry's first line
    assert lines[problem.mark.line + 2] == 'msgid "Contents"'


@pytest.mark.parametrize("plural_forms", ['msgstr[2] ""', ""], ids=["empty form", "form left out"])
def test_a_plural_entry_short_of_a_form_is_untranslated(project, plural_forms):
    path = catalog_path(project / "translations", "ru")
    edit(path, 'msgstr[2] "%(num)s статей"', plural_forms)
    state = read_catalog_state("ru", project / "translations", template_strings(project / "babel.cfg"))
    assert [(entry.msgid, entry.state) for entry in state.entries if entry.state != "translated"] == [
        ("%(num)s article", "untranslated")
    ]
    assert "is not translated" in catalog_problems(state)[0].message


def test_english_plurals_need_two_forms_only():
    state = read_catalog_state("en", PROJECT / "translations", ("%(num)s article",))
    assert [entry.state for entry in state.entries] == ["translated"]


def test_a_missing_catalog_is_a_problem_not_an_exception(project):
    path = catalog_path(project / "translations", "az")
    path.unlink()
    state = read_catalog_state("az", project / "translations", template_strings(project / "babel.cfg"))
    assert not state.complete and state.entries == ()
    [problem] = catalog_problems(state)
    assert (problem.mark.path, problem.mark.line) == (path, 1)
    assert "the az catalog is missing; create it with 'pybabel init" in problem.message
    add_new_string(project)
    others = [file for file in catalog_files(project) if file != path]
    before = [file.read_bytes() for file in others]
    with pytest.raises(ContentError) as error:
        update_catalogs(project, EDITIONS)
    assert error.value.problems == [problem]
    assert [file.read_bytes() for file in others] == before  # nothing written when a catalog is missing


def test_a_catalog_with_a_syntax_error_is_a_problem_naming_the_file(project):
    path = catalog_path(project / "translations", "en")
    edit(path, 'msgstr "Contents"', 'msgstring "Contents"')
    state = read_catalog_state("en", project / "translations", template_strings(project / "babel.cfg"))
    [problem] = catalog_problems(state)
    assert str(problem).startswith(f"{path}:1:1: cannot read the catalog: Syntax error in po file (line ")
    assert state.problem and not state.complete
    with pytest.raises(ContentError) as error:
        load_translations("en", project / "translations", project / "babel.cfg")
    assert error.value.problems == [problem]


def test_an_entry_written_twice_is_a_problem(project):
    path = catalog_path(project / "translations", "ru")
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "Contents"\nmsgstr "Оглавление"\n', encoding="utf-8")
    state = read_catalog_state("ru", project / "translations", template_strings(project / "babel.cfg"))
    [problem] = catalog_problems(state)
    assert str(problem) == f'{path}:1:1: cannot read the catalog: Entry "Contents" already exists'
    before = snapshot(project)
    with pytest.raises(ContentError) as error:
        update_catalogs(project, EDITIONS)
    assert error.value.problems == [problem]
    assert snapshot(project) == before  # nothing merged away


@pytest.mark.parametrize("language", (None, *EDITIONS))
def test_the_committed_catalogs_are_written_as_the_command_writes_them(language):
    path = catalog_path(PROJECT / "translations", language) if language else PROJECT / "translations" / "messages.pot"
    written = path.read_bytes()
    rewritten = BytesIO()
    write_po(rewritten, read_po(BytesIO(written), locale=language), width=CATALOG_WIDTH if language else TEMPLATE_WIDTH)
    assert rewritten.getvalue() == written


def test_the_catalogs_command_updates_and_checks(project, monkeypatch, capsys):
    monkeypatch.setattr("bulletin.workflow.commands.PROJECT", project)
    assert main(["catalogs", "--check"]) == 0
    assert capsys.readouterr().out.count(": unchanged") == 5
    add_new_string(project)
    assert main(["catalogs", "--check"]) == 1  # out of date, and nothing written
    assert capsys.readouterr().out.count(f"1 added: “{NEW}” (not written)") == 5
    assert main(["catalogs"]) == 0
    assert capsys.readouterr().out.count(f"1 added: “{NEW}”") == 5
    assert main(["catalogs", "--check"]) == 0


def test_the_catalogs_command_refuses_a_catalog_a_build_could_not_use(project, monkeypatch, capsys):
    monkeypatch.setattr("bulletin.workflow.commands.PROJECT", project)
    path = catalog_path(project / "translations", "ru")
    edit(path, 'msgstr "№\u00a0%(number)s"', 'msgstr "№\u00a0%(numbr)s"')
    add_new_string(project)
    before = snapshot(project)
    line = line_of(path, "%(numbr)s")
    for arguments in (["catalogs", "--check"], ["catalogs"]):
        assert main(arguments) == 2
        assert capsys.readouterr().err.splitlines() == [
            f'{path}:{line}:1: interface string "No. %(number)s": %(numbr)s is not a placeholder of the msgid;'
            " did you mean %(number)s?",
            "1 problem(s); no catalog was written.",
        ]
    assert snapshot(project) == before  # not merged: Babel would carry the mistake on


def test_a_catalog_changed_while_the_process_runs_tells_its_new_state(project):
    """A watching build validates at each change: the state is that of the catalog as it is now, though the state
    of an unchanged one is remembered; the catalog itself is always read for a build to compile."""
    wanted = template_strings(project / "babel.cfg")
    path = catalog_path(project / "translations", "ru")
    text = path.read_text(encoding="utf-8")
    before = read_catalog_state("ru", project / "translations", wanted)
    assert read_catalog_state("ru", project / "translations", wanted) == before
    path.write_text(text.replace('msgstr "Содержание"', 'msgstr ""'), encoding="utf-8")
    changed = read_catalog_state("ru", project / "translations", wanted)
    assert [entry.state for entry in changed.entries if entry.msgid == "Contents"] == ["untranslated"]
    path.write_text(text, encoding="utf-8")
    assert read_catalog_state("ru", project / "translations", wanted) == before
    state, catalog = read_catalog("ru", project / "translations", wanted)
    assert state == before and catalog is not None and catalog.find("Contents").msgstr == "Содержание"


def test_a_catalog_saved_by_a_tool_that_wraps_otherwise_is_in_step(project):
    """Poedit and polib wrap at 78 columns, the committed files at 100: the same entries, so nothing to write."""
    path = catalog_path(project / "translations", "ru")
    catalog = polib.pofile(str(path))
    catalog.metadata["X-Generator"] = "Poedit 3.4"
    catalog.metadata["PO-Revision-Date"] = "2026-12-05 10:00+0400"
    catalog.save(str(path))  # at polib's width, 78
    saved = path.read_bytes()
    assert saved != (PROJECT / "translations" / "ru" / "LC_MESSAGES" / "messages.po").read_bytes()
    changes = update_catalogs(project, EDITIONS, check=True)
    assert not [change.path.name for change in changes if change.changed]
    assert update_catalogs(project, EDITIONS) and path.read_bytes() == saved  # left as the translator saved it
    add_new_string(project)  # a new template string is a change of what it must say
    assert all(change.changed for change in update_catalogs(project, EDITIONS, check=True))


def test_every_interface_string_tells_translators_where_it_appears():
    """Each `_()` of the templates has a `{# Translators: … #}` note, which the catalogs carry as `#.` comments."""
    template = extract_template(EXTRACTION_CONFIG)
    unexplained = [message.id for message in template if message.id and not message.auto_comments]
    assert unexplained == []
    catalog = polib.pofile(str(catalog_path(TRANSLATIONS, "ru")))
    assert catalog.find("Page").comment == "in each page's footer, before the page's number"
