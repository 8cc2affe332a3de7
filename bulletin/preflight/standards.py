"""The standards a PDF claims to meet: PDF/X-4 for the print edition, PDF/UA-1 for the screen edition.

Each check reads the marks a standard asks for (the output intent and the XMP identification,
the structure tree and the document's language and title) and returns `Finding`s as the other
checks do; `checks` runs them, each on the variant it is for.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pikepdf

from ..util.pdftree import PdfObject, structure_elements
from .findings import Expectation, Finding, failed, pages_named, passed, plural

PDFX, PDFUA = "{http://www.npes.org/pdfx/ns/id/}", "{http://www.aiim.org/pdfua/ns/id/}"  # XMP namespaces
XMPMM, DC = "{http://ns.adobe.com/xap/1.0/mm/}", "{http://purl.org/dc/elements/1.1/}"


def check_pdfx(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check what PDF/X-4 asks for: a CMYK output intent, the XMP identification, /Trapped."""
    problems = []
    intents = [
        intent
        for intent in pdf.Root.get("/OutputIntents", pikepdf.Array())
        if isinstance(intent, pikepdf.Dictionary) and intent.get("/S") == "/GTS_PDFX"
    ]
    if not intents:
        problems.append("no /OutputIntents entry with /S /GTS_PDFX")
    for intent in intents[:1]:
        if not str(intent.get("/OutputConditionIdentifier", "")).strip():
            problems.append("the output intent has no /OutputConditionIdentifier")
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            problems.append("the output intent has no /DestOutputProfile ICC profile")
        elif profile.read_bytes()[16:20] != b"CMYK" or profile.get("/N") != 4:
            problems.append("the output intent's ICC profile is not a CMYK profile with /N 4")
    xmp = xmp_properties(pdf)
    if xmp.get(f"{PDFX}GTS_PDFXVersion") != "PDF/X-4":
        problems.append(f"XMP pdfxid:GTS_PDFXVersion is {xmp.get(f'{PDFX}GTS_PDFXVersion')!r}, not 'PDF/X-4'")
    problems += [
        f"XMP has no xmpMM:{name}"
        for name in ("DocumentID", "VersionID", "RenditionClass")
        if not xmp.get(f"{XMPMM}{name}")
    ]
    if document_info(pdf).get("/Trapped") not in ("/True", "/False"):  # PDF/X does not accept /Unknown
        problems.append("the info dictionary's /Trapped is missing or neither /True nor /False")
    if pdf.is_encrypted:
        problems.append("the file is encrypted")
    annotated = [
        number
        for number, page in enumerate(pdf.pages, 1)
        if any(
            annotation.get("/Subtype") not in ("/PrinterMark", "/TrapNet")
            for annotation in page.obj.get("/Annots", pikepdf.Array())
        )
    ]
    if annotated:  # a RIP may print them over the page; PDF/X allows none in the printable area
        problems.append(f"annotations (links) on {pages_named(annotated)}")
    if problems:
        return [failed(path, "pdfx", problem) for problem in problems]
    return [passed(path, "pdfx", f"PDF/X-4, output intent {intents[0].OutputConditionIdentifier}")]


def check_tagging(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check what PDF/UA-1 asks for: structure tree, language, title and the figures' alternative text."""
    root: PdfObject = pdf.Root  # read as it comes
    problems, xmp = [], xmp_properties(pdf)
    if "/StructTreeRoot" not in root:
        problems.append("no structure tree (/StructTreeRoot): the PDF is not tagged")
    if root.get("/MarkInfo", {}).get("/Marked") is not True:
        problems.append("/MarkInfo /Marked is not true")
    language = str(root.get("/Lang", ""))
    if language.casefold() != expected.language.casefold():  # BCP 47 tags ignore case
        problems.append(
            f"catalog /Lang is {language!r}, not {expected.language!r}"
            if language
            else f"the catalog has no /Lang (expected {expected.language!r})"
        )
    if root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    if not str(document_info(pdf).get("/Title", "")).strip():
        problems.append("the info dictionary has no /Title")
    if not xmp.get(f"{DC}title"):
        problems.append("XMP has no dc:title")
    if xmp.get(f"{PDFUA}part") != "1":
        problems.append("XMP pdfuaid:part is not 1")
    elements = structure_elements(root.get("/StructTreeRoot"))
    figures = [element for element in elements if element.get("/S") == "/Figure"]
    missing = sum(1 for figure in figures if not str(figure.get("/Alt", "")).strip())
    if missing:
        problems.append(f"{plural(missing, 'figure')} of {len(figures)} without alternative text (/Alt)")
    reachable = {element.objgen for element in elements if element.is_indirect}
    numbers = root.get("/StructTreeRoot", {}).get("/ParentTree", {}).get("/Nums", pikepdf.Array())
    untagged = sum(
        1
        for index in range(1, len(numbers), 2)
        if isinstance(numbers[index], pikepdf.Array)
        for element in numbers[index]
        if isinstance(element, pikepdf.Dictionary) and element.objgen not in reachable
    )
    if untagged:  # marked content whose element is not in the tree: neither read aloud nor an artifact
        problems.append(f"{plural(untagged, 'piece')} of marked content outside the structure tree")
    if problems:
        return [failed(path, "tagging", problem) for problem in problems]
    return [passed(path, "tagging", f"tagged, /Lang {language!r}, {plural(len(figures), 'figure')} with /Alt")]


def xmp_properties(pdf: pikepdf.Pdf) -> dict[str, str]:
    """Return the XMP properties as {"{namespace}name": text}, whether written as elements or attributes."""
    metadata, properties = pdf.Root.get("/Metadata"), dict[str, str]()
    if isinstance(metadata, pikepdf.Stream):
        for element in ElementTree.fromstring(metadata.read_bytes()).iter():
            properties.setdefault(str(element.tag), "".join(element.itertext()).strip())
            for name, value in element.attrib.items():
                properties.setdefault(name, value.strip())
    return properties


def document_info(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    info = pdf.trailer.get("/Info")
    return info if isinstance(info, pikepdf.Dictionary) else pikepdf.Dictionary()
