"""The ids of an issue's parts: one name each, apart from one another and from the template's own anchors.

Sections, articles, illustrations, events and figures are named by ids in issue.yaml; the language
files key their texts by them, and the templates make them anchors of the edition (an article's id is
the target of its line in the contents, a section's is `section-<id>`). Two parts with one id, or an
id that is also an anchor of the template (`about`, `chronology`, `section-...`), would send the
contents' page numbers and the bookmarks to the wrong place without a word, so each id must be
unique over every kind of part and stay clear of the template's anchors. The anchors are read from
the templates themselves, so that a new one in a template is guarded at once.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..project import MAX_TEMPLATE
from ..util.files import read_project_text
from .loading import Spot
from .schema import Checker

# An anchor in a template: id="about", or id="section-{{ section.id }}" (a prefix before the id put in it).
_ANCHOR = re.compile(r"""(?<![\w-])id="(?P<name>[^"{]*)(?P<variable>\{\{)?""")


@functools.cache
def template_anchors(templates: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """The anchors the templates in `templates` write themselves, and the prefixes they put before ids."""
    names, prefixes = set(), set()
    for path in sorted(templates.glob("*.html")):
        for match in _ANCHOR.finditer(read_project_text(path, "template", MAX_TEMPLATE)):  # never waits on a pipe
            if match["variable"]:
                prefixes.add(match["name"])
            else:
                names.add(match["name"])
    return frozenset(names), tuple(sorted(prefix for prefix in prefixes if prefix))


@dataclass
class Ids:
    """The ids given so far in an issue, with the kind of part each names and where it was written."""

    templates: Path  # the templates whose anchors the ids must stay clear of
    given: dict[str, tuple[str, Spot]] = field(default_factory=dict)  # id -> (kind, spot)

    def claim(self, checker: Checker, kind: str, value: str | None, spot: Spot) -> bool:
        """Record the id `value` of a part of `kind` (section, article...); report and return False when another
        part has it already or it is one of the template's anchors."""
        if value is None:
            return False
        if value in self.given:
            other, first = self.given[value]
            line, article = first.mark.line, "an" if other[0] in "aeiou" else "a"
            checker.report(
                spot,
                f"duplicate {kind} id '{value}' (first used at line {line})"
                if other == kind
                else f"{kind} id '{value}' is already the id of {article} {other} (line {line});"
                " every section, article, illustration, event and figure needs an id of its own",
            )
            return False
        names, prefixes = template_anchors(self.templates)
        clash = value if value in names else next((prefix for prefix in prefixes if value.startswith(prefix)), None)
        if clash is not None:
            reserved = ", ".join(sorted(names) + [f"{prefix}..." for prefix in prefixes])
            checker.report(
                spot,
                f"{kind} id '{value}' "
                + ("is the name of a part of the bulletin itself" if clash == value else f"starts with '{clash}'")
                + f"; choose another (ids may not be or start with: {reserved})",
            )
            return False
        self.given[value] = (kind, spot)
        return True
