"""PDF/X-1a:2001 on request, for bureaus whose workflow still asks for it, made from the finished PDF/X-4.

PDF/X-1a is PDF 1.3: no transparency, no ICC-based colour, CMYK and spot inks only, fonts
embedded. Ghostscript's pdfwrite makes it from the PDF/X-4 as Vivliostyle's press-ready mode
does: it writes each page again at PDF 1.3, converting every colour to DeviceCMYK, and flattens
a page that paints something translucent into one picture at `FLATTEN_PPI`. Since `prepress`
gives every page only its own resources, only the pages that really use transparency are
flattened (in the sample issue, the cover and one page of drawings); every other page keeps its
text live, with its fonts, and its drawings as vectors.

Ghostscript writes no PDF/X marks of its own without a definition file in PostScript; this stage
adds them to what it wrote: the Info dictionary's GTS_PDFXVersion and GTS_PDFXConformance, the
X-4's title, subject, keywords, author and dates (never the clock's, so that the file depends on
its input only), /Trapped, and the same output intent, profile included. The boxes and page
count are Ghostscript's, checked by the preflight like every print file's. The X-4's XMP is not
carried over (PDF 1.3 has no metadata stream), nor with it the print ISSN it gives as prism:issn:
the file gives its ISSN in its text alone, where the preflight reads it.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf

from ..util.errors import BuildError

FLATTEN_PPI = 600  # a flattened page's type is a picture: at this resolution its strokes stay sharp on a plate
TIMEOUT = 300  # seconds Ghostscript may take for one file
KEPT_INFO = ("/Title", "/Subject", "/Keywords", "/Author", "/Creator", "/CreationDate", "/ModDate")
VERSION, CONFORMANCE = "PDF/X-1:2001", "PDF/X-1a:2001"


def make_x1a(x4: Path, output: BinaryIO) -> None:
    """Write the PDF/X-1a:2001 made from the finished PDF/X-4 `x4` into `output`."""
    with tempfile.TemporaryDirectory(prefix="bulletin-x1a-") as folder:
        written = Path(folder, "x1a.pdf")
        command = [
            "gs",
            "-q",
            "-dSAFER",
            "-dBATCH",
            "-dNOPAUSE",
            "-sDEVICE=pdfwrite",
            "-dPDFX",
            "-dCompatibilityLevel=1.3",
            "-sColorConversionStrategy=CMYK",
            "-sProcessColorModel=DeviceCMYK",
            f"-r{FLATTEN_PPI}",
            "-dAutoRotatePages=/None",
            f"-sOutputFile={written}",
            str(x4),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except FileNotFoundError as err:
            raise BuildError("PDF/X-1a is made by Ghostscript: install the Debian package ghostscript") from err
        except subprocess.TimeoutExpired as err:
            raise BuildError(f"Ghostscript took longer than {TIMEOUT} s to make the PDF/X-1a") from err
        if result.returncode or not written.is_file():
            said = (result.stderr or result.stdout).strip().splitlines()
            raise BuildError(f"Ghostscript could not make the PDF/X-1a: {said[-1] if said else result.returncode}")
        with pikepdf.open(x4) as source, pikepdf.open(written) as made:
            _mark(source, made)
            made.save(output, deterministic_id=True, force_version="1.3", compress_streams=True)


def _mark(source: pikepdf.Pdf, made: pikepdf.Pdf) -> None:
    """Give the file Ghostscript made the PDF/X-1a marks, and the X-4's description and output intent."""
    info = pikepdf.Dictionary()
    for key in KEPT_INFO:
        if key in source.docinfo:
            info[key] = source.docinfo[key]
    info.Producer = made.docinfo.get(pikepdf.Name.Producer, pikepdf.String("Ghostscript"))
    info.GTS_PDFXVersion = pikepdf.String(VERSION)
    info.GTS_PDFXConformance = pikepdf.String(CONFORMANCE)
    info.Trapped = pikepdf.Name("/False")
    made.trailer.Info = made.make_indirect(info)
    made.Root.OutputIntents = pikepdf.Array(
        [made.copy_foreign(source.make_indirect(intent)) for intent in source.Root.OutputIntents]
    )
    # The file's identity is the X-4's (qpdf keeps the first half of the /ID and derives the second from the
    # content); Ghostscript's is drawn at random.
    made.trailer.ID = pikepdf.Array([pikepdf.String(bytes(value)) for value in source.trailer.ID])
    # Ghostscript carries an image's overprint mode (0: images ignore mode 1) into the state of the black type
    # that follows it, which then knocks out; the X-4 set overprint only where black overprints, in mode 1.
    for page in made.pages:
        resources: Any = page.obj.get(pikepdf.Name.Resources, pikepdf.Dictionary())
        for state in resources.get(pikepdf.Name.ExtGState, pikepdf.Dictionary()).values():
            if state.get(pikepdf.Name.op) is True or (
                state.get(pikepdf.Name.op) is None and state.get(pikepdf.Name.OP)
            ):
                state.OPM = 1
    if pikepdf.Name.Metadata in made.Root:
        del made.Root.Metadata  # PDF/X-1a asks for none; what Ghostscript writes would carry the clock's time
