"""A translated file read back: PO or XLIFF, whichever it is, within bounds, as the units it gives."""

from __future__ import annotations

from pathlib import Path

from ..util.errors import ContentError, Mark, Problem, UsageError, display_path
from ..util.files import read_file
from .pofiles import read_po_file
from .units import Exchanged
from .xlifffiles import read_xliff_file

MAX_EXCHANGE_BYTES = 50_000_000  # a translator's file; an issue's comes to some 200 kB


def read_exchange_file(path: Path) -> Exchanged:
    """The translator's file at `path`, read within bounds: XLIFF when it is XML (in whatever encoding its
    declaration gives), PO otherwise (in UTF-8)."""
    try:
        data = read_file(path, MAX_EXCHANGE_BYTES)
    except OSError as err:
        raise UsageError(f"cannot read {display_path(path)}: {err.strerror or err}") from err
    if len(data) > MAX_EXCHANGE_BYTES:
        raise UsageError(f"{display_path(path)} is larger than {MAX_EXCHANGE_BYTES} bytes; it is no file of texts")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_xliff_file(path, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ContentError([Problem(Mark(path, line, 1), "is not UTF-8 text; save it as UTF-8")]) from None
    return read_po_file(path, text)
