"""Language stage: what each of the bulletin's languages needs for its text to be right and to print.

Takes a language code (az, ru, en, es); gives its interface strings from the gettext catalogs,
its dates and numbers formatted by CLDR (Babel), its typographic conventions (quotation marks,
dashes, no-break spaces), its hyphenation, the characters a text may hold and the fonts that
show them, and the reading of body text's Markdown. It reads no issue: the content stage checks
an issue's texts with these rules, the printing stage applies them.

    localization    catalogs loaded for an edition, and CLDR formats of dates and numbers
    catalogs        what each catalog holds, and keeping catalogs in step with the templates
    extraction      the templates' strings, extracted as pybabel does (each parse remembered)
    catalog_checks  what msgfmt --check refuses in a catalog, and what the templates need of it
    typography      the typographic pass: quotation marks, dashes and no-break spaces
    quotes          quotation marks paired, and set by nesting level (for typography)
    hyphenation     Azerbaijani hyphenation patterns, from the orthography's syllable rules
    characters      which characters a text may hold, and how to name one to an editor
    fonts           the bulletin's typefaces and where their files are installed
    markdown        the Markdown subset of bodies: what it prints, where its links point
    segments        Markdown cut into paragraphs and list items (translation units), and joined back
"""

from ..util.exports import lazy_exports

__all__ = ["Formats", "load_translations", "typeset_html", "typeset_text", "find_typefaces", "markdown_to_html"]
__getattr__ = lazy_exports(
    __name__,
    {
        "Formats": ".localization",
        "load_translations": ".localization",
        "typeset_html": ".typography",
        "typeset_text": ".typography",
        "find_typefaces": ".fonts",
        "markdown_to_html": ".markdown",
    },
)
