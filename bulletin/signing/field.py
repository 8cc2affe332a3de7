"""The signature's field, made before pyHanko signs into it, as PDF/UA-1 wants every field.

A signature lives in a form field, whose widget is an annotation on a page: invisible here (a
box of no size), on the last page. ISO 14289-1 asks of every field what it asks of the edition's
links: a name a screen reader can say (/TU, 7.18.1) and a place in the structure tree, a Form
element that holds the widget (7.18.4), on a page whose tab order follows the structure (7.18.3).
The field is made and tagged in the same appended update as the signature, so the unsigned file
stays the signed file's first bytes.
"""

from __future__ import annotations

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from .keys import SigningError


def tagged_signature_field(
    writer: IncrementalPdfFileWriter, name: str, readable: str, language: str | None = None
) -> None:
    """Add the empty signature field `name` to the last page, said as `readable` (in `language`, when it is not
    the edition's), and tag its widget."""
    append_signature_field(writer, SigFieldSpec(name, on_page=-1, readable_field_name=readable))
    root = writer.root
    field_ref = next(ref for ref in root["/AcroForm"]["/Fields"] if str(ref.get_object().get("/T")) == name)
    field = field_ref.get_object()  # the field and its widget are one dictionary (pyHanko combines them)
    page_ref = field.raw_get("/P") if "/P" in field else writer.find_page_for_modification(-1)[0]
    if "/StructTreeRoot" not in root:
        return  # an untagged PDF: its field has its name, and no tree to take it
    tree = root["/StructTreeRoot"]
    document_ref = _document(tree)
    try:  # pyHanko's dictionaries give what a reference refers to only when read by index
        parents = tree["/ParentTree"]
        numbers = parents["/Nums"]
    except (KeyError, TypeError):
        numbers = None
    if not isinstance(numbers, generic.ArrayObject):
        raise SigningError(
            "the screen PDF's structure tree has no parent tree in one list (/ParentTree /Nums), as the build"
            " writes it; the signature's field cannot be tagged, and nothing was signed"
        )
    keys = [int(numbers[index]) for index in range(0, len(numbers), 2)]
    key = int(tree["/ParentTreeNextKey"]) if "/ParentTreeNextKey" in tree else 1 + max(keys, default=-1)
    form = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/StructElem"),
            generic.pdf_name("/S"): generic.pdf_name("/Form"),
            generic.pdf_name("/P"): document_ref,
            generic.pdf_name("/Pg"): page_ref,
            generic.pdf_name("/K"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Type"): generic.pdf_name("/OBJR"),
                    generic.pdf_name("/Obj"): field_ref,
                    generic.pdf_name("/Pg"): page_ref,
                }
            ),
        }
    )
    if language:
        form[generic.pdf_name("/Lang")] = generic.TextStringObject(language)
    form_ref = writer.add_object(form)
    document = document_ref.get_object()
    document["/K"].append(form_ref)
    field["/StructParent"] = generic.NumberObject(key)
    numbers.append(generic.NumberObject(key))
    numbers.append(form_ref)
    tree["/ParentTreeNextKey"] = generic.NumberObject(key + 1)
    page = page_ref.get_object()
    page["/Tabs"] = generic.pdf_name("/S")
    for changed in (document, field, page, tree):
        writer.update_container(changed)
    writer.update_container(parents)


def _document(tree: generic.DictionaryObject) -> generic.IndirectObject:
    """The structure tree's top element (Document), where the field's Form element goes last."""
    kids = tree.raw_get("/K")
    kids = kids.get_object() if isinstance(kids, generic.IndirectObject) else kids
    return kids.raw_get(0) if isinstance(kids, generic.ArrayObject) else tree.raw_get("/K")
