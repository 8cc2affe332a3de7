"""A PDF's pages as Ghostscript renders them in CMYK, read one by one from its pipe in the PAM format.

Ghostscript writes every page to one stream (`-sOutputFile=-`), each a header (lines up to ENDHDR)
and its pixels; reading them page by page from the pipe holds one page in memory, not the file's.
The preflight's RIP check measures the ink of each page; the soft proof shows each through the
output profile.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from PIL import Image

MODES = {("4", "CMYK"): "CMYK", ("3", "RGB"): "RGB", ("1", "GRAYSCALE"): "L"}  # (DEPTH, TUPLTYPE) -> Pillow's
# What Ghostscript says on every run: its banner and its progress. Anything else is a message about the file.
SAID_ALWAYS = re.compile(
    r"\s*$|GPL Ghostscript \d[\d.]* \(|Copyright \(C\) \d{4} Artifex|This software is supplied under|"
    r"see the file COPYING for details|Processing pages \d+ through \d+\.$|Page \d+$"
)


class CmykPages:
    """Every page of a PDF rendered by Ghostscript into CMYK, eight bits an ink, overprint as the file sets it.

    Iterate over it for the pages, each a Pillow picture; once they are all read, `said` holds what Ghostscript
    said of the file and `status` its exit status. A render that takes longer than `allowed` seconds is stopped
    (`stalled`): a page that never ends would otherwise block the reading."""

    def __init__(self, pdf: Path, resolution: int, box: str, allowed: float):
        self.command = [
            "gs",
            "-dSAFER",
            "-dBATCH",
            "-dNOPAUSE",  # and not -q, which silences its warnings too
            "-sDEVICE=pamcmyk32",
            f"-r{resolution}",
            "-dMaxBitmap=400000000",  # a page in one band: rendered in bands, it takes four times as long
            box,  # the box the pictures cover: -dUseBleedBox, -dUseCropBox ...
            "-sstdout=%stderr",  # what it says goes to stderr, so that stdout holds the pictures only
            "-sOutputFile=-",
            str(pdf),
        ]
        self.allowed = allowed
        self.said: list[str] = []
        self.status = 0
        self.stalled = False

    def __iter__(self) -> Iterator[Image.Image]:
        with tempfile.TemporaryFile() as messages:
            try:
                process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=messages)
            except FileNotFoundError as err:
                raise RuntimeError("gs is not installed (Debian package ghostscript)") from err
            assert process.stdout is not None
            watchdog = threading.Timer(self.allowed, process.kill)
            watchdog.start()
            try:
                while (picture := read_pam(process.stdout)) is not None:
                    yield picture
                self.status = process.wait()
            finally:
                watchdog.cancel()
                if process.poll() is None:
                    process.kill()
                    process.wait()
            messages.seek(0)
            lines = messages.read().decode("utf-8", "replace").splitlines()
        self.stalled = self.status < 0
        self.said = [line.strip() for line in lines if not SAID_ALWAYS.match(line)]


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
