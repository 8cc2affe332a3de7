"""The templates' strings, extracted as pybabel does: afresh each time, walking only where they may be."""

from __future__ import annotations

import shutil

from bulletin.language.extraction import _directory_filter, template_strings

from conftest import PROJECT


def test_a_template_changed_while_the_process_runs_gives_its_new_strings(tmp_path):
    """A watching build validates at each change: the strings are those of the templates as they are now, though
    an unchanged template's parse is remembered."""
    shutil.copytree(PROJECT / "templates", tmp_path / "templates")
    config = shutil.copy(PROJECT / "babel.cfg", tmp_path / "babel.cfg")
    cover = tmp_path / "templates" / "cover.html"
    text = cover.read_text(encoding="utf-8")
    before = template_strings(config)
    assert template_strings(config) == before  # read again, unchanged
    cover.write_text(text + "{{ _('A string added since') }}\n", encoding="utf-8")
    assert set(template_strings(config)) - set(before) == {"A string added since"}
    cover.write_text(text.replace("{{ _(", "{{ ("), encoding="utf-8")  # the cover's strings, no longer marked
    fewer = template_strings(config)
    assert set(fewer) < set(before) and "A string added since" not in fewer
    cover.write_text(text, encoding="utf-8")
    assert template_strings(config) == before


def test_the_walk_goes_only_where_a_pattern_may_match(tmp_path):
    """Not into output/, whatever it holds, nor hidden folders, nor those ignored; everywhere for a pattern that
    starts with a wildcard."""

    def walked(methods: list[tuple[str, str]], *folders: str) -> set[str]:
        descend = _directory_filter(methods, tmp_path)
        return {folder for folder in folders if descend(str(tmp_path / folder))}

    folders = ("templates", "templates/parts", "templates/.x", "templates/drafts", "output", "output/2022-H2", "_x")
    ignoring = [("templates/**.html", "jinja2"), ("templates/drafts", "ignore")]
    assert walked(ignoring, *folders) == {"templates", "templates/parts"}
    nested = [("site/templates/*.html", "jinja2")]
    assert walked(nested, "site", "site/templates", "site/other", "other") == {"site", "site/templates"}
    everywhere = {"templates", "templates/parts", "templates/drafts", "output", "output/2022-H2"}
    assert walked([("**.html", "jinja2")], *folders) == everywhere
