"""The text a page's marked-content sequences show, read through their fonts' /ToUnicode maps; and marked
content turned into artifacts.

The finishing stage reads it to find what a screen reader should not be given (a contents line's
leader dots), and turns such content into artifacts, which readers skip. Only what WeasyPrint
writes is read: Type 0 fonts with two-byte codes and a /ToUnicode map of bfchar and bfrange
entries; a code the map does not know reads as U+FFFD.
"""

from __future__ import annotations

import re
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
            mapping[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, start in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            base = int(start, 16)
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                mapping[code] = chr(base + offset)
    return mapping


def marked_texts(page: pikepdf.Page) -> dict[int, str]:
    """Return the text each top-level marked-content sequence with an MCID shows on `page`, by MCID."""
    resources: Any = page.obj.get("/Resources", {})  # read as it comes
    fonts: Any = resources.get("/Font", {})
    maps: dict[str, dict[int, str]] = {}
    texts: dict[int, str] = {}
    font: dict[int, str] = {}
    depth, current = 0, None
    for instruction in pikepdf.parse_content_stream(page):
        operands, operator = instruction.operands, instruction.operator
        name = str(operator)
        if name in ("BDC", "BMC"):
            properties = operands[1] if name == "BDC" and len(operands) == 2 else None
            if depth == 0 and isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                current = int(properties.MCID)
                texts.setdefault(current, "")
            depth += 1
        elif name == "EMC" and depth:
            depth -= 1
            current = None if depth == 0 else current
        elif name == "Tf":
            key = str(operands[0])
            if key not in maps:
                maps[key] = unicode_map(fonts.get(key))
            font = maps[key]
        elif name in SHOWS and current is not None:
            strings = operands[0] if name == "TJ" else operands[-1:]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    raw = bytes(item)
                    codes = [int.from_bytes(raw[index : index + 2], "big") for index in range(0, len(raw), 2)]
                    texts[current] += "".join(font.get(code, "\ufffd") for code in codes)
    return texts


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
