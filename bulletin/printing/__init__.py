"""Printing stage: one edition (one language, one variant) made into a checked PDF.

Takes an `Edition` (the issue in one language), the print settings of a variant (print or
screen) and the localization; gives the PDF, written atomically, and its findings. The path of
one edition is `editions.make_edition`: render the HTML with the templates (`rendering`), lay
it out with WeasyPrint and write it (`pdf`), make up and proof the pages (`makeup`,
`proofing`), finish it (`finishing`), and preflight it. Pictures are prepared for print before (`placing`, `colours`).
Each edition is a job (`jobs`) that a worker process runs.

    settings   the two variants: what the bureau and the screen edition need
    conditions the registered printing conditions, and their profiles made at set-up
    rendering  the edition as an HTML document, from the Jinja2 templates
    pdf        the HTML laid out with WeasyPrint, and the PDF written
    makeup     the page-count rule, placed pictures' resolution, sections on their pages
    proofing   a proof reader's marks: loose lines, stranded endings, parted figures, running heads
    finishing  reproducible metadata, link descriptions, boxes and crop marks
    tagging    the screen edition's structure tree set right: figures, captions, table headers, flags
    paintorder the screen edition's pages painted in the order their structure tree reads
    linktags   the screen edition's links: one link per target, said without its leader dots
    lineends   where lines end: the hyphen the layout adds read as a soft hyphen, a space between words
    fragments  the screen edition's structure: the parts of an element pages and columns split, joined
    prepress   each print page's own resources, transparency where used, black overprinting
    pdfx1a     PDF/X-1a:2001 on request, made from the finished PDF/X-4 by Ghostscript
    colours    the palette in both variants, and pictures' colours made ready for print
    placing    each picture prepared at the size and resolution it is printed at
    jobs       the stage's jobs and their results, as plain records
    editions   one edition and variant per job: render, lay out, write, check
    inworker   the calls that run only in a worker, where WeasyPrint is loaded
    engine     every use of WeasyPrint's internals: the laid-out box tree, and why
"""

from ..util.exports import lazy_exports

__all__ = ["make_edition", "render_edition", "print_pdf", "prepare_pictures", "load_settings", "PrintSettings"]
__getattr__ = lazy_exports(
    __name__,
    {
        "make_edition": ".editions",
        "render_edition": ".rendering",
        "print_pdf": ".pdf",
        "prepare_pictures": ".placing",
        "load_settings": ".settings",
        "PrintSettings": ".settings",
    },
)
