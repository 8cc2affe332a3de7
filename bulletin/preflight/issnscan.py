"""The ISSN a PDF gives, in its text and in its XMP: that of its own medium.

The print and the online edition of a language have an ISSN each. A print file gives the print
edition's, a screen file the online edition's: in its text (the imprint, the back cover) and in
its XMP, as PRISM's prism:issn or prism:eIssn. The other medium's ISSN may be in the text only
as the ISSN-L, after that label, since the ISSN-L is one of the two. A file that gives the other
medium's ISSN as its own, or not its own at all, would be catalogued as the other edition: an
error. The expectation says which ISSN is whose and which property gives it; this module reads
the text and the XMP it is handed and knows nothing of how the file was made.
"""

from __future__ import annotations

import re

from .findings import Expectation, pages_named

PRISM = "{http://prismstandard.org/namespaces/basic/3.0/}"  # PRISM Basic Metadata 3.0, in XMP
PRISM_ISSNS = ("issn", "eIssn")  # its properties that give an ISSN: the print edition's, the online edition's
# An ISSN as pdftotext reads it, with the ISSN-L label when one stands before it on its line.
WRITTEN = re.compile(r"(ISSN-L[ \t]+)?(?<![\w-])([0-9]{4}-[0-9]{3}[0-9X])(?![\w-])")


def issn_problems(pages: list[str], xmp: dict[str, str] | None, expected: Expectation) -> list[tuple[int | None, str]]:
    """Return what is wrong with the ISSN that the `pages`' text and the `xmp` properties give ({namespace}name: text;
    None for a file that carries no XMP), each with the page it is on, if any."""
    own, other = dict[int, None](), dict[int, None]()  # the pages that give each, in order, once
    for number, text in enumerate(pages, 1):
        for match in WRITTEN.finditer(text):
            if match[1] is None and match[2] == expected.issn:
                own[number] = None
            elif match[1] is None and match[2] == expected.other_issn:
                other[number] = None
    problems: list[tuple[int | None, str]] = []
    if other:
        problems.append(
            (
                next(iter(other)),
                f"{pages_named(list(other))} give{'s' if len(other) == 1 else ''} the other medium's ISSN"
                f" {expected.other_issn} where this {expected.variant} file gives {expected.issn}"
                " (the other's may stand only after ISSN-L)",
            )
        )
    if not own:
        problems.append((None, f"the text gives the ISSN {expected.issn} nowhere (its imprint and back cover do)"))
    if xmp is not None:
        given = xmp.get(f"{PRISM}{expected.issn_property}")
        if given != expected.issn:
            problems.append(
                (None, f"XMP prism:{expected.issn_property} is {given!r}, not this file's ISSN {expected.issn!r}")
            )
        problems += [
            (
                None,
                f"XMP prism:{name} is {xmp[PRISM + name]!r}: a {expected.variant} file gives its ISSN as"
                f" prism:{expected.issn_property} only",
            )
            for name in PRISM_ISSNS
            if name != expected.issn_property and f"{PRISM}{name}" in xmp
        ]
    return problems
