"""Content stage: an issue folder's YAML files and pictures, read and judged, as the `Issue` model.

Takes issues/<YYYY>-H<1|2>/: issue.yaml (structure, dates, figures), one <language>.yaml per
language (the texts), and the pictures under it. Gives the `Issue` model of `bulletin.model`, or
every problem found, each at its file:line:column, so that an editor fixes them in one pass.
`examine_issue` is the one judgment that validate, status, the scheduled run and the build share.
Nothing here renders or writes a file.

    loading      YAML read into trees that remember where each value was, safely and in bounds
    schema       typed reading of those trees: each getter checks one field
    validation   issue.yaml against its schema, and the `Issue` model assembled
    issns        each language edition's ISSNs: print, online and the ISSN-L, check digits checked
    texts        each language file against issue.yaml
    sources      which translations are behind their source text
    ids          the ids of an issue's parts, apart from each other and the templates' anchors
    limits       bounds on the size of texts, and characters no text may hold
    coverage     whether the fonts can show every character of an issue
    pictures     each picture is whole, what its name says, and prints as it looks
    examination  what is wrong with an issue: the one judgment
    drawings/    SVG drawings checked to print as drawn and in bounded time
"""

from ..util.exports import lazy_exports

__all__ = ["examine_issue", "validate_issue", "check_problems", "read_issue", "load_source"]
__getattr__ = lazy_exports(
    __name__,
    {
        "examine_issue": ".examination",
        "validate_issue": ".examination",
        "check_problems": ".examination",
        "read_issue": ".validation",
        "load_source": ".loading",
    },
)
