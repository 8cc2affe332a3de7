"""Pictures in the PAM format, read one after another from a stream, as Ghostscript's pam devices write them.

Ghostscript writes every page of a PDF to one stream (`-sOutputFile=-`), each a header (lines up to
ENDHDR) and its pixels; reading them page by page from a pipe holds one page in memory, not the file's.
"""

from __future__ import annotations

from typing import IO

from PIL import Image

MODES = {("4", "CMYK"): "CMYK", ("3", "RGB"): "RGB", ("1", "GRAYSCALE"): "L"}  # (DEPTH, TUPLTYPE) -> Pillow's


def read_pam(stream: IO[bytes]) -> Image.Image | None:
    """Read the next picture of a PAM stream, or None at its end."""
    header: dict[str, str] = {}
    while (line := stream.readline()) and line.strip() != b"ENDHDR":
        key, _, value = line.decode("ascii", "replace").strip().partition(" ")
        header[key] = value
    if not header:
        return None
    mode = MODES.get((header.get("DEPTH", ""), header.get("TUPLTYPE", "")))
    if mode is None or header.get("MAXVAL") != "255":
        raise ValueError(f"not an eight-bit PAM picture of a known kind: {header}")
    width, height = int(header["WIDTH"]), int(header["HEIGHT"])
    data = stream.read(width * height * len(mode))
    if len(data) < width * height * len(mode):
        raise ValueError("the PAM picture ends before its pixels do")
    return Image.frombytes(mode, (width, height), data)
