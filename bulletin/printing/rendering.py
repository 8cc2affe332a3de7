"""Render stage: turn one edition into an HTML document with the Jinja2 templates.

One Jinja2 environment is made per edition, with that edition's compiled catalog
installed (new-style gettext, so `_()` and `ngettext()` format their own arguments and
plural forms follow the catalog), its CLDR formats as filters, autoescaping on for every
template and undefined variables as errors. Translations are text like any other: escaped,
so that a tag or a link in a catalog prints as characters and embeds nothing. A string whose
translation may be marked up says so in the template, `marked_up("...")` (extracted like
`_()`), and its translation may hold only the tags of ALLOWED_TAGS, paired. Body text is a safe
Markdown subset (read by `markdown`): paragraphs, emphasis, lists, links (inline, by reference and autolinks) and
block quotes; raw HTML is shown as text and links other than http(s) and mailto are not made.
markdown-it drops without a word what is nested past its limit (20 levels, a list counting
twice), so validation (`limits`) refuses quotes and lists nested far less deep, found by
`nested_blocks`. The rendered document then goes through the typographic pass (`typography`)
in its language. A document is rendered for one variant: the ISSN its imprint, its back cover
and its head give is that of the variant's medium (`settings.Variant`), the print edition's or
the online edition's, with the ISSN-L that links them. This stage writes no file.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from ..language.extraction import MARKUP_KEYWORD
from ..language.localization import Formats
from ..language.markdown import markdown_to_html
from ..language.typography import typeset_html, typeset_text
from ..model import Edition, Untranslated
from ..project import MAX_TEMPLATE, STYLESHEET
from ..util.errors import BuildError
from ..util.files import read_project_text
from .settings import VARIANTS

MAIN_TEMPLATE = "bulletin.html"  # the template of a whole edition
# Pictures are addressed as file:///issues/<issue>/<path> whatever the issue folder's real place:
# WeasyPrint names each picture in the PDF after its URL, and the bytes must not depend on
# where the repository is checked out. The printing stage's fetcher maps these URLs back.
ISSUE_URL_PATH = "/issues"
ALLOWED_TAGS = ("em", "strong", "sub", "sup", "br")  # the markup a translation given to marked_up() may hold
_TAG = re.compile(r"&lt;(/?)({})\s*/?&gt;".format("|".join(ALLOWED_TAGS)))  # one of them, once escaped


def mark_untranslated(value: str) -> str:
    """Mark, visibly, a text that stands in for a missing translation in a draft; leave others as they are."""
    if isinstance(value, Untranslated):
        return Markup('<span class="untranslated" lang="{0}" data-from="{0}">{1}</span>').format(value.language, value)
    return value


def as_text(value: str) -> str:
    """Return the characters a value shows: those of escaped HTML (a translation, `~` joined to one) unescaped."""
    return value.unescape() if isinstance(value, Markup) else value


def with_allowed_tags(text: str) -> Markup:
    """Escape `text`, then turn back into markup the ALLOWED_TAGS in it that are paired and nested right."""
    escaped = str(escape(text))
    tags = list(_TAG.finditer(escaped))
    kept, open_tags = set(), []
    for index, tag in enumerate(tags):
        closing, name = tag.group(1), tag.group(2)
        if name == "br":
            kept.add(index)
        elif not closing:
            open_tags.append(index)
        elif open_tags and tags[open_tags[-1]].group(2) == name:
            kept.update((open_tags.pop(), index))
    pieces, start = [], 0
    for index in sorted(kept):
        tag = tags[index]
        pieces += [escaped[start : tag.start()], "<br>" if tag.group(2) == "br" else f"<{tag.group(1)}{tag.group(2)}>"]
        start = tag.end()
    return Markup("".join(pieces) + escaped[start:])


def css_string(value: str) -> Markup:
    """Quote text as a CSS string for a stylesheet inside the HTML document."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,·-–—:;()№" else f"\\{ord(ch):x} " for ch in as_text(value))
    return Markup(f'"{escaped}"')


def picture_url(path: Path, folder: Path) -> str:
    """Return the location-independent URL of a picture in the issue `folder`."""
    return (
        f"file://{ISSUE_URL_PATH}/{quote(folder.name)}/{quote(path.resolve().relative_to(folder.resolve()).as_posix())}"
    )


class TemplateLoader(FileSystemLoader):
    """Jinja2's loader of a folder of templates, which reads only regular files of a template's size: a named pipe
    in a template's place would hold the build forever, a folder or a loop of links was "not found"."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = os.path.join(self.searchpath[0], *split_template_path(template))
        if not os.path.lexists(path):
            return super().get_source(environment, template)  # not found, as Jinja2 says it
        text = read_project_text(Path(path), "template", MAX_TEMPLATE)
        changed = os.stat(path).st_mtime_ns
        return text, os.path.normpath(path), lambda: _changed(path) == changed


def _changed(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def make_environment(templates_dir: Path, translations: Translations, formats: Formats) -> Environment:
    """Create the Jinja2 environment of one edition."""
    environment = Environment(
        loader=TemplateLoader(templates_dir),
        autoescape=True,  # for every template, whatever its file name
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Jinja2 would take each translation for markup (Markup(msgstr) % arguments): each is escaped first.
    # (a method the i18n extension adds to the environment, which Jinja2's types cannot know)
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_as_escaped(translations.gettext),
        ngettext=_as_escaped(translations.ngettext),
        pgettext=_as_escaped(translations.pgettext),
        npgettext=_as_escaped(translations.npgettext),
        newstyle=True,
    )
    environment.globals[MARKUP_KEYWORD] = lambda msgid, **arguments: (
        with_allowed_tags(translations.gettext(msgid)) % arguments
    )
    environment.filters.update(
        markdown=markdown_to_html,
        marked=mark_untranslated,
        long_date=formats.long_date,
        day_and_month=formats.day_and_month,
        period=formats.period,
        number=formats.number,
        figure=formats.figure,
        language_name=formats.language_name,
        language_list=formats.language_list,
        capitalize_first=formats.capitalize_first,
        css_string=css_string,
    )
    return environment


def _as_escaped(translate: Callable[..., object]) -> Callable[..., Markup]:
    """Wrap a gettext function so that what it returns is escaped text."""
    return lambda *arguments: escape(translate(*arguments))


def render_edition(
    edition: Edition,
    templates_dir: Path,
    translations: Translations,
    spare_pages: int = 0,
    draft: bool = False,
    variant: str = "print",
) -> str:
    """Render the HTML document of one edition for one `variant` (a key of VARIANTS), with `spare_pages` blank
    pages before the back cover; a `draft` carries a draft mark on every page."""
    formats = Formats.for_language(edition.language)
    environment = make_environment(templates_dir, translations, formats)
    try:
        environment.filters["picture_url"] = lambda path: picture_url(path, edition.issue.folder)
        # For text the typographic pass cannot reach: the running head is a string in the stylesheet.
        environment.filters["typeset"] = lambda text: typeset_text(as_text(text), edition.language)
        template = environment.get_template(MAIN_TEMPLATE)
        html = template.render(
            issue=edition.issue,
            lang=edition.language,
            spare_pages=spare_pages,
            draft=draft,
            # The ISSN of the variant's medium, in the imprint, on the back cover and (from the head) in the XMP.
            medium=VARIANTS[variant].medium,
            issn_property=VARIANTS[variant].issn_property,
            stylesheet=(templates_dir / STYLESHEET).as_uri(),
        )
    except TemplateError as err:
        raise BuildError(f"{_template_place(err, templates_dir)}: template error: {err}") from err
    return typeset_html(html, edition.language)


def _template_place(err: TemplateError, templates_dir: Path) -> str:
    """Name the template file and line where `err` happened, as `templates/name.html:line`."""
    name, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    if name is None:  # runtime errors carry their place in the traceback Jinja2 rewrote
        traceback = err.__traceback__
        while traceback is not None:
            frame_file = traceback.tb_frame.f_code.co_filename
            if frame_file.endswith(".html"):
                name, line = frame_file, traceback.tb_lineno
            traceback = traceback.tb_next
    path = Path(name) if name else templates_dir / MAIN_TEMPLATE
    return f"{templates_dir.name}/{path.name}:{line or 1}"
