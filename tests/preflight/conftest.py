"""The preflight tests' PDFs: made once per test module, on demand, in a folder of its own."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bulletin.printing.finishing import finish_print
from bulletin.printing.settings import PrintSettings

from .pdfs import BLEED, COVER, NEXT, PROFILE, SCREEN_COVER, pdf_maker


@pytest.fixture(scope="module")
def make(tmp_path_factory) -> Callable[..., Path]:
    """Return a function that writes a small print or screen PDF of `body` and returns its path (`pdf_maker`)."""
    assert PROFILE.is_file(), "./run setup makes the printing conditions' profiles"
    return pdf_maker(tmp_path_factory.mktemp("preflight"))


@pytest.fixture(scope="module")
def clean_print(make) -> Path:
    """Two pages in CMYK with bleed, and a 300 × 200 px picture 20 mm wide (381 ppi), finished for the press as a
    build finishes them (each page its own resources, black overprinting, the printing condition named)."""
    path = make("clean-print.pdf", COVER + '<img src="cmyk.jpg" style="width: 20mm">' + NEXT)
    path.write_bytes(finish_print(path.read_bytes(), BLEED, crop_marks=False, condition=PrintSettings().condition))
    return path


@pytest.fixture(scope="module")
def clean_screen(make) -> Path:
    """One tagged page in sRGB, and a 300 × 200 px picture 50 mm wide (152 ppi) with its alternative text."""
    return make(
        "clean-screen.pdf",
        SCREEN_COVER + '<img src="rgb.png" alt="A red field" style="width: 50mm">',
        "screen",
        lang="en",
    )
