"""Picture scan for the preflight: the pictures of a PDF that came out blank, or as their alternative text.

Every image a page paints, directly or within a form it paints, is decoded once: one that is
all one colour, unless a soft mask that varies shapes it, shows nothing. Validation refuses
pictures that are so at their source (`pictures.shows_nothing`), so one in a PDF came out
blank. In a tagged PDF, each picture is a Figure of the structure tree: its marked content must
paint something (an image, a form, a path, a shading, text of a drawing), and it holds no
element of its own, since WeasyPrint tags the alternative text it prints in place of a picture
it could not draw as a span within the Figure. The preflight decides what the findings mean;
this module only finds them.
"""

from __future__ import annotations

import io

import pikepdf
from PIL import Image

from ..util.pdftree import PdfObject, structure_elements

PAINTING = frozenset({"Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh", "Tj", "TJ", "'", '"'})
OPERATORS = " ".join(sorted(PAINTING | {"BDC", "BMC", "EMC"}))  # all others are skipped by the parser


def blank_images(pdf: pikepdf.Pdf) -> list[tuple[int, str]]:
    """Return each image that shows nothing, with the first page that paints it: (page, its size)."""
    found: list[tuple[int, str]] = []
    seen: set[tuple[int, int]] = set()  # the images and forms read, by object number and generation
    for number, page in enumerate(pdf.pages, 1):
        for image in _painted_images(page.obj, _resources(page.obj), seen):
            if _shows_nothing(image):
                found.append((number, f"{image.Width} × {image.Height} px"))
    return found


def _resources(page: PdfObject) -> PdfObject:
    node = page
    while isinstance(node, pikepdf.Dictionary):  # /Resources may be inherited from the page tree
        if "/Resources" in node:
            return node.Resources
        node = node.get("/Parent")
    return pikepdf.Dictionary()


def _painted_images(owner: PdfObject, resources: PdfObject, seen: set[tuple[int, int]]) -> list[pikepdf.Stream]:
    """The images the content of `owner` paints, each image and form once however often it is painted."""
    images = []
    xobjects = resources.get("/XObject", pikepdf.Dictionary())
    for instruction in pikepdf.parse_content_stream(owner, "Do"):
        xobject = xobjects.get(str(instruction.operands[0])) if instruction.operands else None
        if not isinstance(xobject, pikepdf.Stream) or xobject.objgen in seen:
            continue
        seen.add(xobject.objgen)
        if xobject.get("/Subtype") == "/Image":
            images.append(xobject)
        elif xobject.get("/Subtype") == "/Form":
            images += _painted_images(xobject, xobject.get("/Resources", resources), seen)
    return images


def _shows_nothing(image: pikepdf.Stream) -> bool:
    """Tell whether an image is all one colour (or wholly transparent), its soft mask considered."""
    mask = image.get("/SMask")
    if isinstance(mask, pikepdf.Stream):
        low, high = _extrema(mask)[0]
        if high == 0:
            return True  # wholly transparent
        if low != high:
            return False  # a shape cut out of one colour: a silhouette, a logo
    if _varies_at_a_glance(image):
        return False
    return all(low == high for low, high in _extrema(image))


def _varies_at_a_glance(image: pikepdf.Stream) -> bool:
    """Tell whether a JPEG image varies at an eighth of its size, which its decoder gives for a fraction of the
    work (a photograph does); one that does not is decoded whole, since a detail may vanish at that scale."""
    if image.get("/Filter") != "/DCTDecode":
        return False
    try:
        with Image.open(io.BytesIO(image.read_raw_bytes())) as picture:
            picture.draft(picture.mode, (max(1, picture.width // 8), max(1, picture.height // 8)))
            extrema = picture.getextrema()
    except (OSError, ValueError):
        return False  # decoded whole below, which tells what is wrong
    channels = list(extrema) if isinstance(extrema[0], tuple) else [extrema]
    return any(low != high for low, high in channels)


def _extrema(image: pikepdf.Stream) -> list[tuple[float, float]]:
    decoded: Image.Image = pikepdf.PdfImage(image).as_pil_image()
    extrema = decoded.getextrema()
    return list(extrema) if isinstance(extrema[0], tuple) else [extrema]


def unshown_figures(pdf: pikepdf.Pdf) -> list[tuple[int | None, str]]:
    """Return each Figure of a tagged PDF that came out as its alternative text or paints nothing: (page, what;
    None for a Figure that names no page)."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, 1)}
    painted: dict[int, set[int]] = {}  # page -> the MCIDs whose marked content paints something
    found: list[tuple[int | None, str]] = []
    for element in structure_elements(pdf.Root.get("/StructTreeRoot")):
        if element.get("/S") != "/Figure":
            continue
        shown_on = element.get("/Pg")
        page = pages.get(shown_on.objgen) if isinstance(shown_on, pikepdf.Dictionary) else None
        given = element.get("/K")
        kids: list[PdfObject] = list(given) if isinstance(given, pikepdf.Array) else [given]
        described = f"the picture described as {_short(str(element.get('/Alt', '')))}"
        held = [str(kid.get("/S")) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]
        if "/Table" in held:
            continue  # a drawn figure (the key figures' chart): its content is the table it holds
        if any(kind != "/Caption" for kind in held):  # WeasyPrint sets a picture it cannot draw as text
            found.append((page, f"{described} came out as its alternative text"))
            continue
        marks = [int(kid) for kid in kids if isinstance(kid, int)] + [
            int(kid.MCID) for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid
        ]
        if page is not None and page not in painted:
            painted[page] = _painting_marks(pdf.pages[page - 1].obj)
        if page is not None and not any(mark in painted[page] for mark in marks):
            found.append((page, f"{described} came out blank: its marked content paints nothing"))
    return found


def _painting_marks(page: PdfObject) -> set[int]:
    """The MCIDs of a page whose marked content paints something (the innermost MCID owns what it encloses)."""
    stack: list[int | None] = []
    painting = set()
    for instruction in pikepdf.parse_content_stream(page, OPERATORS):
        operator = str(instruction.operator)
        if operator in ("BDC", "BMC"):
            properties = instruction.operands[-1] if operator == "BDC" else None
            mark: PdfObject = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            stack.append(int(mark) if mark is not None else (stack[-1] if stack else None))
        elif operator == "EMC":
            if stack:
                stack.pop()
        elif stack and stack[-1] is not None:
            painting.add(stack[-1])
    return painting


def _short(text: str) -> str:
    return repr(text if len(text) <= 50 else text[:50] + "…")
