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
X1A = "PDF/X-1a:2001"
# Colour spaces PDF/X-1a forbids: device-independent and RGB colour (CMYK, grey and spot inks only).
FORBIDDEN_SPACES = frozenset({"/ICCBased", "/Lab", "/CalRGB", "/CalGray", "/DeviceRGB"})


def check_pdfx(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check what PDF/X-4 asks for (a CMYK output intent, the XMP identification, /Trapped), or PDF/X-1a."""
    if expected.standard == X1A:
        return check_pdfx1a(path, pdf, expected)
    problems = _output_intent(pdf, expected)
    xmp = xmp_properties(pdf)
    if xmp.get(f"{PDFX}GTS_PDFXVersion") != "PDF/X-4":
        problems.append(f"XMP pdfxid:GTS_PDFXVersion is {xmp.get(f'{PDFX}GTS_PDFXVersion')!r}, not 'PDF/X-4'")
    problems += [
        f"XMP has no xmpMM:{name}"
        for name in ("DocumentID", "VersionID", "RenditionClass")
        if not xmp.get(f"{XMPMM}{name}")
    ]
    problems += _file_marks(pdf)
    if problems:
        return [failed(path, "pdfx", problem) for problem in problems]
    return [passed(path, "pdfx", f"PDF/X-4, output intent {_identifier(pdf)}")]


def check_pdfx1a(path: Path, pdf: pikepdf.Pdf, expected: Expectation) -> list[Finding]:
    """Check what PDF/X-1a:2001 asks for: PDF 1.3, its Info keys, the output intent, no transparency, no colour
    space but CMYK and spot inks; name the pages that were flattened into a picture."""
    problems = _output_intent(pdf, expected)
    info = document_info(pdf)
    if not str(info.get("/GTS_PDFXVersion", "")).startswith("PDF/X-1"):
        problems.append(f"Info /GTS_PDFXVersion is {str(info.get('/GTS_PDFXVersion', ''))!r}, not 'PDF/X-1:2001'")
    if str(info.get("/GTS_PDFXConformance", "")) != X1A:
        problems.append(f"Info /GTS_PDFXConformance is {str(info.get('/GTS_PDFXConformance', ''))!r}, not {X1A!r}")
    if pdf.pdf_version > "1.3":
        problems.append(f"PDF {pdf.pdf_version}, not 1.3 at most")
    problems += _file_marks(pdf)
    transparent, spaces, flattened = [], set(), []
    for number, page in enumerate(pdf.pages, 1):
        found = _x1a_problems(page.obj, set())
        if found["transparency"]:
            transparent.append(number)
        spaces |= found["spaces"]
        resources: PdfObject = page.obj.get("/Resources", {})
        if not resources.get("/Font") and found["images"] == 1:
            flattened.append(number)
    if transparent:
        problems.append(f"transparency on {pages_named(transparent)}, which PDF/X-1a does not allow")
    if spaces:
        problems.append(f"colour spaces PDF/X-1a does not allow: {', '.join(sorted(spaces))}")
    findings = [failed(path, "pdfx", problem) for problem in problems] or [
        passed(path, "pdfx", f"{X1A}, output intent {_identifier(pdf)}")
    ]
    if flattened:
        findings.append(
            Finding(
                path.name,
                "pdfx",
                "warning",
                f"{pages_named(flattened)} flattened into one picture each (they paint something translucent in"
                " the PDF/X-4): their text is not live",
            )
        )
    return findings


def _x1a_problems(owner: PdfObject, seen: set) -> dict:
    """Return what a page or form holds that PDF/X-1a forbids, and how many images it paints."""
    resources = owner.get("/Resources", {})
    found: dict = {"transparency": False, "spaces": set(), "images": 0}
    group = owner.get("/Group", {})
    if group.get("/S") == "/Transparency":
        found["transparency"] = True
    for state in resources.get("/ExtGState", {}).values():
        if state.get("/SMask") not in (None, "/None") or state.get("/BM") not in (None, "/Normal", "/Compatible"):
            found["transparency"] = True
        if any(float(state.get(key, 1)) < 1 for key in ("/CA", "/ca")):
            found["transparency"] = True
    for space in resources.get("/ColorSpace", {}).values():
        family = str(space[0] if isinstance(space, pikepdf.Array) else space)
        if family in FORBIDDEN_SPACES:
            found["spaces"].add(family[1:])
    for xobject in resources.get("/XObject", {}).values():
        if xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get("/Subtype") == "/Image":
            found["images"] += 1
            space = xobject.get("/ColorSpace")
            family = str(space[0] if isinstance(space, pikepdf.Array) else space)
            if family in FORBIDDEN_SPACES:
                found["spaces"].add(family[1:])
            if "/SMask" in xobject:
                found["transparency"] = True
        elif xobject.get("/Subtype") == "/Form":
            inner = _x1a_problems(xobject, seen)
            found["transparency"] = found["transparency"] or inner["transparency"]
            found["spaces"] |= inner["spaces"]
            found["images"] += inner["images"]
    return found


def _output_intent(pdf: pikepdf.Pdf, expected: Expectation) -> list[str]:
    """Check the PDF/X output intent: its condition, as expected, and a CMYK profile."""
    problems = []
    intents = [
        intent
        for intent in pdf.Root.get("/OutputIntents", pikepdf.Array())
        if isinstance(intent, pikepdf.Dictionary) and intent.get("/S") == "/GTS_PDFX"
    ]
    if not intents:
        problems.append("no /OutputIntents entry with /S /GTS_PDFX")
    for intent in intents[:1]:
        identifier = str(intent.get("/OutputConditionIdentifier", "")).strip()
        if not identifier:
            problems.append("the output intent has no /OutputConditionIdentifier")
        elif expected.condition and identifier != expected.condition:
            problems.append(f"the output intent is for {identifier!r}, not for {expected.condition!r}")
        profile = intent.get("/DestOutputProfile")
        if not isinstance(profile, pikepdf.Stream):
            problems.append("the output intent has no /DestOutputProfile ICC profile")
        elif profile.read_bytes()[16:20] != b"CMYK" or profile.get("/N") != 4:
            problems.append("the output intent's ICC profile is not a CMYK profile with /N 4")
    return problems


def _identifier(pdf: pikepdf.Pdf) -> str:
    return str(pdf.Root.OutputIntents[0].get("/OutputConditionIdentifier", ""))


def _file_marks(pdf: pikepdf.Pdf) -> list[str]:
    """Check what every PDF/X asks of the file: /Trapped, no encryption, no annotation in the printed area."""
    problems = []
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
    return problems


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
