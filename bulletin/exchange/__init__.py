"""Exchange stage: an issue's texts for translators, in the files their tools read (PO, XLIFF), and back.

Takes an issue folder and a translated language; gives a file of translation units, one per text
(and per paragraph of a Markdown text), keyed by its place, with the source text, the translation,
a note for the translator, and the state: translated, fuzzy (stale, with the source text it was
confirmed against, or never confirmed) or empty. Takes such a file back, translated, and writes its
finished texts into the language file, confirmed. It reads no PDF.

    units      the texts of one language as translation units, with their states and notes
    memory     earlier issues' confirmed translations, suggested for texts not yet translated
    pofiles    units as a gettext PO file (polib), which msgfmt --check accepts, and read back
    xlifffiles units as an XLIFF 1.2 file (translate-toolkit), which the OASIS strict schema accepts, and read back
    exporting  an issue's units for one language, read from its files, as a PO or XLIFF file
    splicing   new values written into a language file in the style of the old, missing ones inserted
    reading    a translated file read back, PO or XLIFF, within bounds
    taking     which texts of a translated file an import takes, and why it leaves the others
    importing  a translated file's finished texts written back into the language file, confirmed
"""

from ..util.exports import lazy_exports

__all__ = ["export_texts", "import_texts"]
__getattr__ = lazy_exports(__name__, {"export_texts": ".exporting", "import_texts": ".importing"})
