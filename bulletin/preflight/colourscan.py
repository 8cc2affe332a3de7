"""Colour scan for the preflight: where a PDF paints in a colour model it must not use.

Every page's content stream is parsed with pikepdf, and so is every form, tiling pattern,
soft mask and annotation appearance it uses, each once however many pages use it. Colour
operators, colour spaces (named ones resolved through the resources), images, shadings and
transparency groups are classified as RGB, CMYK, grey or other. The preflight decides what
the findings mean; this module only finds them.
"""

from __future__ import annotations

import pikepdf

from ..util.pdftree import PdfObject


def find_colour(pdf: pikepdf.Pdf, unwanted: str) -> dict[str, list[int]]:
    """Return each use of the `unwanted` model ("rgb" or "cmyk") with the pages it occurs on."""
    scan = ColourScan(unwanted)
    problems: dict[str, list[int]] = {}
    for number, page in enumerate(pdf.pages, 1):
        for problem in sorted(scan.page(page.obj)):
            problems.setdefault(problem, []).append(number)
    return problems


class ColourScan:
    """Finds colour of one model in content streams, reading each form, pattern and image once."""

    OPERATORS = "rg RG k K cs CS scn SCN sh Do gs BI ID EI"  # all others are skipped by the parser

    def __init__(self, unwanted: str):
        self.unwanted = unwanted  # "rgb" in print, "cmyk" in screen
        self.cache: dict[object, frozenset[str]] = {}  # object (and caller) -> problems in it and below it
        self.callers: list[PdfObject] = []  # resources named in keys by id, kept so no id is reused

    def page(self, page: PdfObject) -> set[str]:
        node: PdfObject = page
        resources: PdfObject = pikepdf.Dictionary()
        while isinstance(node, pikepdf.Dictionary):  # /Resources may be inherited from the page tree
            if "/Resources" in node:
                resources = node.Resources
                break
            node = node.get("/Parent")
        found = set(self.content(page, resources, page.objgen)) if "/Contents" in page else set()
        found |= self.group(page)
        for annotation in page.get("/Annots", pikepdf.Array()):
            normal = (
                annotation.get("/AP", pikepdf.Dictionary()).get("/N")
                if isinstance(annotation, pikepdf.Dictionary)
                else None
            )
            for stream in (
                [normal]
                if isinstance(normal, pikepdf.Stream)
                else (normal.values() if isinstance(normal, pikepdf.Dictionary) else [])
            ):
                found |= self.xobject(stream, pikepdf.Dictionary())
        return found

    def content(self, owner: PdfObject, resources: PdfObject, key: object) -> frozenset[str]:
        if key in self.cache:
            return self.cache[key]
        self.cache[key] = frozenset()  # a form that draws itself must not recurse forever
        found: set[str] = set()
        for instruction in pikepdf.parse_content_stream(owner, self.OPERATORS):
            operator, operands = str(instruction.operator), instruction.operands
            if operator in ("rg", "RG", "k", "K") and (operator in ("rg", "RG")) == (self.unwanted == "rgb"):
                found.add(f"{self.unwanted.upper()} colour (operator {operator})")
            elif operator in ("cs", "CS") and operands:
                model, label = colour_space(operands[0], resources)
                if model == self.unwanted:
                    found.add(f"{label} colour space (operator {operator})")
            elif operator in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
                found |= self.pattern(resources.get("/Pattern", {}).get(operands[-1]))
            elif operator == "sh" and operands:
                found |= self.shading(resources.get("/Shading", {}).get(operands[0]))
            elif operator == "Do" and operands:
                found |= self.xobject(resources.get("/XObject", {}).get(operands[0]), resources)
            elif operator == "gs" and operands:
                mask = resources.get("/ExtGState", {}).get(operands[0], {}).get("/SMask")
                if isinstance(mask, pikepdf.Dictionary):
                    found |= self.xobject(mask.get("/G"), resources)
            elif operator == "INLINE IMAGE" and isinstance(instruction, pikepdf.ContentStreamInlineImage):
                image = instruction.iimage.obj
                found |= self.image(image.get("/ColorSpace", image.get("/CS")), resources, "inline image")
        self.cache[key] = frozenset(found)
        return self.cache[key]

    def xobject(self, xobject: object, resources: PdfObject) -> frozenset[str]:
        if not isinstance(xobject, pikepdf.Stream):
            return frozenset()
        if xobject.get("/Subtype") == "/Image":
            # pikepdf gives a PDF boolean as Python's bool; its types say a pikepdf object.
            masked = xobject.get("/ImageMask") is True  # type: ignore[comparison-overlap]
            return frozenset() if masked else self.image(xobject.get("/ColorSpace"), resources, "image")
        own = xobject.get("/Resources")
        if isinstance(own, pikepdf.Dictionary):
            return self.content(xobject, own, xobject.objgen) | self.group(xobject)
        # A form without resources of its own uses its caller's, so it is read once per caller.
        self.callers.append(resources)
        return self.content(xobject, resources, (xobject.objgen, id(resources))) | self.group(xobject)

    def image(self, space: object, resources: PdfObject, what: str) -> frozenset[str]:
        model, label = colour_space(space, resources)
        # PDF/X-4 would let a RIP convert ICC-tagged RGB photographs, but this project converts
        # every photograph itself, so any RGB picture in print is a picture that missed it.
        return frozenset({f"{label} {what}"}) if model == self.unwanted else frozenset()

    def pattern(self, pattern: object) -> frozenset[str]:
        if isinstance(pattern, pikepdf.Object) and pattern.get("/PatternType") == 2:
            return self.shading(pattern.get("/Shading"))
        if isinstance(pattern, pikepdf.Stream):  # a tiling pattern draws with a content stream of its own
            return self.content(pattern, pattern.get("/Resources", pikepdf.Dictionary()), pattern.objgen)
        return frozenset()

    def shading(self, shading: object) -> frozenset[str]:
        model, label = colour_space(shading.get("/ColorSpace") if isinstance(shading, pikepdf.Object) else None)
        return frozenset({f"{label} shading"}) if model == self.unwanted else frozenset()

    def group(self, owner: PdfObject) -> frozenset[str]:
        group = owner.get("/Group")
        model, label = colour_space(group.get("/CS") if isinstance(group, pikepdf.Dictionary) else None)
        return frozenset({f"{label} transparency group"}) if model == self.unwanted else frozenset()


def colour_space(space: object, resources: PdfObject | None = None, depth: int = 0) -> tuple[str, str]:
    """Classify a colour space as (model: rgb, cmyk, gray or other; label)."""
    if isinstance(space, pikepdf.Name):
        # Inline images may abbreviate the device spaces.
        name = {"/RGB": "/DeviceRGB", "/CMYK": "/DeviceCMYK", "/G": "/DeviceGray"}.get(str(space), str(space))
        if name in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray"):
            return name.removeprefix("/Device").lower(), name
        named = resources.get("/ColorSpace", {}).get(space) if resources is not None else None
        return colour_space(named, resources, depth + 1) if named is not None and depth < 4 else ("other", name)
    if isinstance(space, pikepdf.Array) and len(space) and isinstance(space[0], pikepdf.Name):
        kind = str(space[0])
        if kind == "/ICCBased" and len(space) > 1 and isinstance(space[1], pikepdf.Stream):
            model = {1: "gray", 3: "rgb", 4: "cmyk"}.get(int(space[1].get("/N", 0)), "other")
            return model, f"ICCBased {model.upper()}"
        if kind in ("/CalRGB", "/CalGray"):
            return ("rgb" if kind == "/CalRGB" else "gray"), kind
        if kind in ("/Indexed", "/I", "/Pattern") and len(space) > 1 and depth < 4:  # they draw in their base
            model, label = colour_space(space[1], resources, depth + 1)
            return model, f"{kind} on {label}"
        return "other", kind
    return "other", "no colour space"
