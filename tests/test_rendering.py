"""HTML of an edition: safe Markdown, the document's language, strict templates."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from bulletin.errors import BuildError
from bulletin.localization import load_translations
from bulletin.model import Edition
from bulletin.project import EXTRACTION_CONFIG, TEMPLATES, TRANSLATIONS
from bulletin.rendering import css_string, markdown_to_html, refused_references, render_edition
from bulletin.validation import validate_issue

from conftest import MINIMAL, within


def test_markdown_subset_renders_paragraphs_emphasis_lists_quotes_and_links():
    html = markdown_to_html("A *b* **c**\n\n- one\n- two\n\n> quoted\n\n[site](https://example.org)")
    for tag in ("<p>", "<em>b</em>", "<strong>c</strong>", "<ul>", "<li>one</li>", "<blockquote>",
                '<a href="https://example.org">site</a>'):
        assert tag in html


def test_raw_html_in_content_is_shown_as_text():
    html = markdown_to_html('Before <script>alert(1)</script> <img src="x"> after')
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("source", ["[x](javascript:alert(1))", "[x](file:///etc/passwd)", "![x](pic.png)",
                                    "# Heading", "    code"])
def test_markdown_outside_the_subset_makes_no_link_image_heading_or_code(source):
    html = markdown_to_html(source)
    for tag in ("<a ", "<img", "<h1", "<code", "<pre"):
        assert tag not in html


def test_css_strings_are_escaped():
    assert css_string('a"b\\c') == Markup('"a\\22 b\\5c c"')


def test_the_document_carries_the_edition_language():
    issue = validate_issue(MINIMAL)
    html = render_edition(Edition(issue, "es"), TEMPLATES, load_translations("es", TRANSLATIONS, EXTRACTION_CONFIG))
    assert '<html lang="es">' in html
    assert "Índice" in html and "Primer artículo" in html


@pytest.mark.parametrize("source, place", [
    ("<p>\n{% include 'part.html' %}", "part.html:2"),  # a runtime error: an undefined variable
    ("<p>\n\n{% if %}", "bulletin.html:3"),  # a syntax error
])
def test_a_broken_template_is_reported_with_its_name_and_line(tmp_path, source, place):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bulletin.html").write_text(source, encoding="utf-8")
    (templates / "part.html").write_text("fine\n{{ nothing.here }}", encoding="utf-8")
    issue = validate_issue(MINIMAL)
    with pytest.raises(BuildError, match=f"^templates/{place}: template error"):
        render_edition(Edition(issue, "en"), templates, load_translations("en", TRANSLATIONS, EXTRACTION_CONFIG))


@pytest.mark.parametrize("name", ["part.html", "part.txt", "part.svg", "part.css", "part"])
def test_every_template_escapes_what_it_prints_whatever_its_file_name(tmp_path, name):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bulletin.html").write_text(f"<p>{{% include '{name}' %}}</p>", encoding="utf-8")
    (templates / name).write_text("{{ lang ~ '<script>x</script>' }}", encoding="utf-8")
    issue = validate_issue(MINIMAL)
    html = render_edition(Edition(issue, "en"), templates, load_translations("en", TRANSLATIONS, EXTRACTION_CONFIG))
    assert "en&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html


def test_an_undefined_template_variable_is_an_error_not_an_empty_text(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "bulletin.html").write_text("<p>\n{{ issue_title }}</p>", encoding="utf-8")
    issue = validate_issue(MINIMAL)
    with pytest.raises(BuildError, match=r"^templates/bulletin.html:2: template error: 'issue_title' is undefined"):
        render_edition(Edition(issue, "en"), templates, load_translations("en", TRANSLATIONS, EXTRACTION_CONFIG))


def test_refused_links_are_each_found_at_their_own_place():
    assert [index for index, _, _ in refused_references("[a](file:x) and [b](file:x), [c](file:x)")] == [4, 20, 33]


def test_thousands_of_refused_links_are_found_in_time_in_proportion_to_the_text():
    """A link written with an entity is not found as written: each of 40,000 was sought through the rest of the
    text, which took half a minute; after a few such searches, the others are placed at the text's start."""
    text = " ".join(f"[a](&#102;ile:{number})" for number in range(40_000))
    with within(8):
        found = refused_references(text)
    assert [(index, written) for index, written, _ in found[:4]] == [(0, "file:0"), (0, "file:1"), (0, "file:2"),
                                                                      (0, "file:3")]
    assert len(found) == 40_000
