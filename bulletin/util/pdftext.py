"""The text a page's marked-content sequences show, read through their fonts' /ToUnicode maps; and marked
content turned into artifacts.

The finishing stage reads it to find what a screen reader should not be given (a contents line's
leader dots), and turns such content into artifacts, which readers skip. Only what WeasyPrint
writes is read: Type 0 fonts with two-byte codes and a /ToUnicode map of bfchar and bfrange
entries (UTF-16BE targets, ligatures and characters beyond the BMP included); a code the map
does not know reads as U+FFFD.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pikepdf

SHOWS = ("Tj", "TJ", "'", '"')
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def unicode_map(font: Any) -> dict[int, str]:
    """Return a font's /ToUnicode map: code to text."""
    stream = font.get("/ToUnicode") if isinstance(font, pikepdf.Dictionary) else None
    if not isinstance(stream, pikepdf.Stream):
        return {}
    data, mapping = stream.read_bytes(), {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        codes = _HEX.findall(block)
        for code, text in zip(codes[::2], codes[1::2], strict=False):
            mapping[int(code, 16)] = _utf16(text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, target in re.findall(
            rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block
        ):
            span = range(int(first, 16), int(last, 16) + 1)
            if target.startswith(b"["):  # one target for each code
                for code, each in zip(span, _HEX.findall(target), strict=False):
                    mapping[code] = _utf16(each)
            else:  # the first code's target, its last unit counting up with the codes
                units = bytes.fromhex(target[1:-1].decode())
                for offset, code in enumerate(span):
                    last_unit = int.from_bytes(units[-2:], "big") + offset
                    mapping[code] = _utf16(units[:-2].hex().encode() + f"{last_unit & 0xFFFF:04x}".encode())
    return mapping


def _utf16(hexadecimal: bytes) -> str:
    """The text a /ToUnicode target gives: UTF-16BE, written in hexadecimal (a ligature is several characters)."""
    data = bytes.fromhex(hexadecimal.decode())
    return data[: len(data) // 2 * 2].decode("utf-16-be", "replace")


def shown_texts(page: pikepdf.Page) -> list[tuple[str, Any, str]]:
    """Return each top-level marked-content sequence of `page`: its tag, its properties (a dictionary, or None) and
    the text it shows, in the order they are painted."""
    font_map = font_maps(page)
    sequences: list[tuple[str, Any, str]] = []
    font: dict[int, str] = {}
    depth = 0
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name in ("BDC", "BMC"):
            if depth == 0:
                properties = operands[1] if name == "BDC" and len(operands) == 2 else None
                sequences.append((str(operands[0]), properties, ""))
            depth += 1
        elif name == "EMC" and depth:
            depth -= 1
        elif name == "Tf":
            font = font_map(str(operands[0]))
        elif name in SHOWS and depth and sequences:
            shown = decoded(shown_codes(operands, operator), font)
            tag, properties, text = sequences[-1]
            sequences[-1] = (tag, properties, text + shown)
    return sequences


def font_maps(page: pikepdf.Page) -> Callable[[str], dict[int, str]]:
    """A reader of the /ToUnicode maps of the page's fonts, by their names in its resources, each read once."""
    resources: Any = page.obj.get("/Resources", {})  # read as it comes
    fonts: Any = resources.get("/Font", {})
    maps: dict[str, dict[int, str]] = {}

    def font_map(key: str) -> dict[int, str]:
        if key not in maps:
            maps[key] = unicode_map(fonts.get(key))
        return maps[key]

    return font_map


def shown_codes(operands: Any, operator: object) -> bytes:
    """The codes of the glyphs a text-showing instruction (`SHOWS`) paints, run together."""
    strings = operands[0] if str(operator) == "TJ" else operands[-1:]
    return b"".join(bytes(item) for item in strings if isinstance(item, pikepdf.String))


def decoded(raw: bytes, font: dict[int, str]) -> str:
    """The text two-byte codes show, read through a font's /ToUnicode map (`unicode_map`)."""
    return "".join(font.get(int.from_bytes(raw[index : index + 2], "big"), "\ufffd") for index in range(0, len(raw), 2))


def marked_texts(page: pikepdf.Page) -> dict[int, str]:
    """Return the text each top-level marked-content sequence with an MCID shows on `page`, by MCID."""
    return {
        int(properties.MCID): text
        for _, properties, text in shown_texts(page)
        if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
    }


def pagination_text(page: pikepdf.Page) -> str:
    """Return the text the page shows as pagination artifacts (running heads, page numbers), run together."""
    return "".join(
        text
        for tag, properties, text in shown_texts(page)
        if tag == "/Artifact"
        and isinstance(properties, pikepdf.Dictionary)
        and properties.get("/Type") == "/Pagination"
    )


def mark_as_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int], properties: pikepdf.Dictionary) -> None:
    """Mark the page's marked-content sequences numbered `mcids` as artifacts with `properties` (/Type …)."""
    # As (operands, operator), which pikepdf writes back as read (a whole instruction it writes anew, 216 as
    # 216.); the operands are pikepdf's own list, which its types do not call a collection.
    instructions: list[tuple[Any, pikepdf.Operator]] = []
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, instruction.operator
        marked = operands[1] if str(operator) == "BDC" and len(operands) == 2 else None
        if isinstance(marked, pikepdf.Dictionary) and int(marked.get(pikepdf.Name.MCID, -1)) in mcids:
            instructions.append(([pikepdf.Name.Artifact, properties], operator))
        else:
            instructions.append((operands, operator))
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
