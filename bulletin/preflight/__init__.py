"""Preflight stage: read a PDF back and check it as a prepress operator would.

Takes a PDF and what it is expected to be (`findings.Expectation`: variant, language, page size,
boxes, output intent); gives `Finding`s, one per check, each passed, a warning or an error, and
writes them as the JSON report. It checks the file as written, with qpdf, poppler and Ghostscript
beside pikepdf, and knows nothing of how the PDF was made: the printing stage calls it on every PDF.

    checks       the checks, one function each, and `preflight_pdf`, which runs them
    standards    the marks of PDF/X-4 (print) and PDF/UA-1 (screen)
    structurescan the screen edition's structure tree to the letter: flags, order, captions, tables, chart
    accessibility the screen edition judged by outloud (PDF/UA-1, WCAG 2.2), its explained findings
    findings     what a PDF is expected to be; one result per check, counted and written as the report
    colourscan   where a PDF paints in a colour model it must not use
    picturescan  the pictures that came out blank or as their alternative text
    streamscan   what content streams hold that readers cannot draw
    resourcescan whether each print page lists only what it paints, transparent only where it must be
    rip          every print page rendered by Ghostscript, and its ink measured against the limit
    typescan     small type in many inks, thin reversed type, black type that knocks out
    issnscan     the ISSN a PDF gives in its text and its XMP: its own medium's
    textscan     the text read back: the cover's title and period, the ISSN of the file's medium
    tools        qpdf's and poppler's commands, run with a time limit, their words fit for the report
"""

from ..util.exports import lazy_exports

__all__ = ["preflight_pdf", "Expectation", "Finding", "write_report"]
__getattr__ = lazy_exports(
    __name__,
    {"preflight_pdf": ".checks", "Expectation": ".findings", "Finding": ".findings", "write_report": ".findings"},
)
