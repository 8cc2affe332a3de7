"""Drawings: an SVG picture checked before anything renders it, to print as drawn and in bounded time.

Takes an SVG file of an issue; gives None, or the problem that keeps it from printing as a
browser shows it (at its line): a reference out of the file, content the engine refuses, a
font other than the bulletin's, or a size, depth, expansion or pattern past the bounds.
`checks.drawing_problem` is the entry point; the other modules work out what WeasyPrint would
draw without drawing it.

    checks      the entry point: bounds, references and content, in that order
    stylerules  the drawing's style rules, bounded before any is matched
    drawn       its styles and text, worked out as WeasyPrint works them out
    values      numbers, colours, transforms and viewBoxes, read alike everywhere
    shapes      lengths, transforms and the boxes the shapes cover
    expansion   what the drawing draws once its references are expanded, counted and placed
"""

from ...util.exports import lazy_exports

__all__ = ["drawing_problem"]
__getattr__ = lazy_exports(__name__, {"drawing_problem": ".checks"})
