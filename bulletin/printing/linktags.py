"""Finishing of the screen edition's links: each link one element, said once, without its leader dots.

WeasyPrint tags a link's generated content (the contents line's `::after`: leader dots and page
number) as Link elements nested in the link, each with an annotation of its own over the same
line: a screen reader stopped three times on every contents line and, with punctuation read,
spoke each of its hundred dots. Here a link's nested Link elements join it: their content becomes
its own, and its one annotation covers all of theirs (the union of their rectangles), the others
taken off the page. The dots of a leader become layout artifacts, which readers skip: the line
reads as the title and its page number. A link broken over two lines keeps an annotation on each
line (one link element still holds both), as PDF/UA allows: a rectangle over both lines would
cover text that is not the link.
"""

from __future__ import annotations

import pikepdf

from ..util.pdftext import mark_as_artifacts, marked_texts
from ..util.pdftree import PdfObject, in_reading_order, kids_of

LEADER = frozenset(".·…\u00a0 ")  # what a leader is drawn with (and the spaces around it)


def join_nested_links(pdf: pikepdf.Pdf, root: PdfObject, owners: dict[int, PdfObject]) -> None:
    """Make each link with Link elements inside it one link, and its leader dots artifacts."""
    texts: dict[int, dict[int, str]] = {}
    leaders: dict[int, set[int]] = {}
    for element in in_reading_order(root):
        if element.get("/S") != "/Link" or _kind(element.get("/P")) == "/Link":
            continue
        content: list = []  # marked content (MCIDs, references to it) and elements, in reading order
        references: list[pikepdf.Dictionary] = []
        _gather(element, content, references)
        annotations = [
            reference.Obj for reference in references if isinstance(reference.get("/Obj"), pikepdf.Dictionary)
        ]
        if len(references) > 1 and len({_target(annotation) for annotation in annotations}) == 1:
            _join_annotations(pdf, root, annotations)
            references = references[:1]
        shown_on: PdfObject = element.get("/Pg")
        number = shown_on.objgen[0] if isinstance(shown_on, pikepdf.Dictionary) else None
        if number is not None and number in owners:
            shown = texts.setdefault(number, marked_texts(pikepdf.Page(shown_on)))
            dots = {kid for kid in content if isinstance(kid, int) and _leader(shown.get(kid, ""))}
            content = [kid for kid in content if not (isinstance(kid, int) and kid in dots)]
            leaders.setdefault(number, set()).update(dots)
            for kid in content:
                if isinstance(kid, int) and kid < len(owners[number]):
                    owners[number][kid] = element
            for dot in dots:
                owners[number][dot] = None  # a PDF null: no structure element owns it
        element.K = pikepdf.Array([*references, *content])
        for held in content:
            if isinstance(held, pikepdf.Dictionary) and "/S" in held:
                held.P = element
    for page in pdf.pages:
        if leaders.get(page.obj.objgen[0]):
            mark_as_artifacts(pdf, page, leaders[page.obj.objgen[0]], pikepdf.Dictionary(Type=pikepdf.Name.Layout))


def _kind(element: object) -> str:
    return str(element.get("/S")) if isinstance(element, pikepdf.Dictionary) else ""


def _gather(element: pikepdf.Dictionary, content: list, references: list) -> None:
    """Gather the kids of a link and of the Links inside it, in reading order: the object references (annotations)
    found anywhere in it apart, all else (marked content, other elements) in `content`."""
    for kid in kids_of(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            references.append(kid)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Link":
            _gather(kid, content, references)
        else:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                _take_references(kid, references)  # a span inside a link has an annotation of its own too
            content.append(kid)


def _take_references(element: pikepdf.Dictionary, references: list) -> None:
    """Move the object references of an element and of those below it to `references`."""
    kids = kids_of(element)
    kept = [kid for kid in kids if not (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR")]
    references += [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"]
    if len(kept) != len(kids):
        element.K = pikepdf.Array(kept)
    for kid in kept:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _take_references(kid, references)


def _target(annotation: PdfObject) -> str:
    action = annotation.get("/A")
    return str(annotation.get("/Dest") or (action.get("/URI") if isinstance(action, pikepdf.Dictionary) else ""))


def _join_annotations(pdf: pikepdf.Pdf, root: PdfObject, annotations: list[PdfObject]) -> None:
    """Let the first annotation cover all of them; take the others off their pages and out of the parent tree."""
    kept, dropped = annotations[0], annotations[1:]
    boxes = [[float(value) for value in annotation.Rect] for annotation in annotations]
    kept.Rect = pikepdf.Array(
        [
            min(min(box[0], box[2]) for box in boxes),
            min(min(box[1], box[3]) for box in boxes),
            max(max(box[0], box[2]) for box in boxes),
            max(max(box[1], box[3]) for box in boxes),
        ]
    )
    gone = {annotation.objgen for annotation in dropped}
    keys = {int(annotation.StructParent) for annotation in dropped if "/StructParent" in annotation}
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if isinstance(annots, pikepdf.Array) and any(annotation.objgen in gone for annotation in annots):
            page.obj.Annots = pikepdf.Array([annotation for annotation in annots if annotation.objgen not in gone])
    numbers = root.ParentTree.Nums  # changed in place: the pages' arrays in it are the ones being edited
    for index in reversed(range(0, len(numbers) - 1, 2)):
        if int(numbers[index]) in keys:
            del numbers[index + 1]
            del numbers[index]


def _leader(text: str) -> bool:
    return bool(text.strip()) and set(text) <= LEADER
