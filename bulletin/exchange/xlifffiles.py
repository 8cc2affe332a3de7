"""Translation units as an XLIFF 1.2 file, the format memoQ, Trados Studio, OmegaT, Phrase and MateCat read.

Each unit is a `<trans-unit>` whose id (and resname) is its place, with the source text, the
translation as `<target>` with its state (`translated`, or `needs-review-translation` when fuzzy; an
empty unit has no target), what the text is as a `<note from="developer">`, and the language file's
line as a location context. A stale unit carries the source text it was confirmed against as an
`<alt-trans alttranstype="previous-version">`, which tools show beside the new source. The file is
made and read with translate-toolkit, in XLIFF 1.2's namespace, whitespace kept (`xml:space`).

Coming back, a unit is finished when its target is not empty and its state says translated
(`translated`, `signed-off`, `final`), or, with no state, it is approved.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from translate.storage import xliff

from ..util.errors import ContentError, Mark, Problem
from .units import BASE, BASE_NOTE, EMPTY, FUZZY, Exchanged, Returned, Unit

NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
FINISHED = ("translated", "signed-off", "final")  # the target states that say a unit is done


class _Unit(xliff.Xliff1Unit):
    namespace = NAMESPACE


class _File(xliff.Xliff1File):
    """translate-toolkit's XLIFF file, in version 1.2 rather than 1.1."""

    UnitClass = _Unit
    namespace = NAMESPACE
    XMLskeleton = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff version="1.2" xmlns="{NAMESPACE}">
<file original="NoName" source-language="en" datatype="plaintext">
<body>
</body>
</file>
</xliff>"""


def xliff_file(units: list[Unit], issue: str, language: str, source_language: str) -> str:
    """The XLIFF 1.2 file of `units`, the texts of `issue` in `language` translated from `source_language`."""
    store = _File(sourcelanguage=source_language, targetlanguage=language)
    for unit in units:
        element = _Unit(unit.source.strip("\n"))
        element.setid(unit.key)
        element.xmlelement.set("resname", unit.key)
        store.addunit(element)
        if unit.state != EMPTY:
            element.settarget(unit.target.strip("\n"), lang=language)
            element.xmlelement.set("approved", "no" if unit.state == FUZZY else "yes")
            target = element.getlanguageNode(lang=None, index=1)
            target.set("state", "needs-review-translation" if unit.state == FUZZY else "translated")
        element.addnote(unit.note, origin="developer")
        element.addnote(f"{BASE_NOTE}{unit.base}", origin="bulletin")
        if unit.state == FUZZY and unit.previous:
            element.addalttrans(unit.target.strip("\n"), lang=language, sourcetxt=unit.previous.strip("\n"))
            element.getalttrans()[-1].xmlelement.set("alttranstype", "previous-version")
        if unit.suggestion is not None:  # from the memory: what it translated, and where
            found = unit.suggestion
            source = found.source if found.source is not None else unit.source.strip("\n")  # (renamed: the same text)
            element.addalttrans(found.translation, lang=language, sourcetxt=source, origin=found.issue)
            element.getalttrans()[-1].xmlelement.set("alttranstype", "proposal")
        where = [("sourcefile", f"{language}.yaml")] + (
            [] if unit.field.gap else [("linenumber", str(unit.field.mark.line))]
        )
        element.createcontextgroup(unit.key, where, "location")  # (named by the unit: 1.2 wants the names unique)
    file_node = next(store.document.getroot().iterchildren(f"{{{NAMESPACE}}}file"))
    store.setfilename(file_node, f"{issue}/{language}.yaml")
    header = etree.Element(f"{{{NAMESPACE}}}header")
    note = etree.SubElement(header, f"{{{NAMESPACE}}}note")
    note.text = (
        f'Texts of the issue {issue} of "Since the Victory", {source_language} to {language}. Translate each'
        f" target and set its state to translated; then: build.py import {issue} THIS-FILE"
    )
    file_node.insert(0, header)
    return bytes(store).decode("utf-8")


def read_xliff_file(path: Path, data: bytes) -> Exchanged:
    """The units of the XLIFF file at `path`, whose content is `data` (in the encoding its declaration gives);
    ContentError, at its line, when it is not XLIFF 1.x that a strict parser reads."""
    try:
        store = _File.parsestring(data)
    except etree.XMLSyntaxError as err:
        line = err.lineno or 1
        raise ContentError([Problem(Mark(path, line, 1), f"cannot read the XLIFF file: {err.msg}")]) from None
    except (ValueError, AssertionError, StopIteration) as err:  # not XLIFF 1.x: another root, version or no file
        raise ContentError(
            [Problem(Mark(path, 1, 1), f"is not an XLIFF 1.2 file of texts ({err or 'no file'})")]
        ) from None
    file_node = next(store.document.getroot().iterchildren(store.namespaced("file")))
    original = file_node.get("original") or ""
    units = []
    for unit in store.units:
        if unit.isheader():
            continue
        target = unit.getlanguageNode(lang=None, index=1)
        state = target.get("state") if target is not None else None
        finished = state in FINISHED if state else unit.isapproved()
        line = (target if target is not None else unit.xmlelement).sourceline or 1
        base = BASE.search(unit.getnotes("bulletin") or "")
        key = unit.xmlelement.get("id") or ""
        units.append(Returned(key, unit.source or "", unit.target or "", not finished, line, base[1] if base else None))
    return Exchanged(path, original.split("/")[0] if "/" in original else None, file_node.get("target-language"), units)
