"""Style rules of a drawing: bounded before any of them is matched, and holding only what prints as a browser shows it.

WeasyPrint matches a drawing's `<style>` rules with cssselect2, which tries a selector on an
element from right to left and, for each descendant (' ') or later-sibling ('~') combinator,
tries every ancestor or earlier sibling in turn, going back when a try fails. A selector with
k such combinators can so be tried, on an element with n ancestors, about n^k / k! times: a
selector of 26 combinators in a drawing of 60 nested groups is 10^16 tries, and every command
would hang on 653 bytes. So before anything is matched, each selector is parsed (not compiled)
and bounded: its combinators, those within :not(), :is() and :has() too, and the brackets the
style nests (cssselect2's parser, its compiler and tinycss2's serializer recurse on them). Then
the tries of every selector on every element it may apply to are counted (`matching_costs`,
the element's ancestors, or earlier siblings too, choose the combinators' elements), and a
drawing whose rules would be tried more than MAX_MATCHING times is refused; `expansion`
counts them again for the copies that `<use>` elements draw, which WeasyPrint matches anew.

WeasyPrint reads only plain rules: it ignores @media, @supports, @keyframes and every other
at-rule a browser applies, applies a `<style media="print">` on screen too, and leaves out
every rule after a selector it cannot read. Each is refused, with its line.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from math import comb

import cssselect2
import tinycss2
from cssselect2 import parser as selectors
from lxml import etree

from .drawn import Drawing, line_of, local

MAX_SELECTORS = 500  # selectors in <style> rules, each matched against every element
MAX_COMBINATORS = 8  # combinators in one selector, those within :not(), :is(), :where() and :has() counted too
MAX_NESTING = 16  # brackets, blocks and functions nested within one another in a drawing's style
MAX_MATCHING = 1_000_000  # tries of selectors on elements (cssselect2 makes about ten million a second)
BACKTRACKING = (" ", "~")  # the combinators whose every candidate is tried in turn
MEDIA = ("", "all")  # the media a <style> element may be for: any other, WeasyPrint applies where a browser would not
# At-rules not refused here: @import and @font-face are refused by `drawings` with messages of their own, and
# @charset says nothing.
OWN_MESSAGES = ("import", "font-face", "charset")


def style_problem(drawing: Drawing) -> str | None:
    """Return the first thing in the drawing's style that cannot be matched in bounded time, or None."""
    return _nesting_problem(drawing) or _selector_problem(drawing)


def _nesting_problem(drawing: Drawing) -> str | None:
    """The first place where the style nests brackets, blocks or functions more than MAX_NESTING deep."""
    # (the line, the parsed style, where its own lines start, for a <style> element)
    parsed: list[tuple[int, list, int | None]] = [
        (line_of(element), rules, line_of(element) - 1)
        for element, rules in drawing.stylesheets
        if _openings(element.text or "") > MAX_NESTING
    ]  # (each stylesheet has a text)
    parsed += [
        (line_of(element), tinycss2.parse_component_value_list(value), None)
        for element in drawing.elements
        for value in element.attrib.values()
        if _openings(value) > MAX_NESTING
    ]
    for line, nodes, offset in parsed:
        stack = [(node, 1) for node in nodes]
        while stack:  # not recursive: the nesting is what is being bounded
            node, depth = stack.pop()
            inner = [
                child
                for name in ("prelude", "content", "arguments")
                if isinstance(children := getattr(node, name, None), list)
                for child in children
            ]
            if inner and depth > MAX_NESTING:
                where = line if offset is None else offset + node.source_line
                return f"nests brackets in its style more than {MAX_NESTING} deep (line {where})"
            stack += [(child, depth + 1) for child in inner]
    return None


def _openings(text: str) -> int:
    """How many brackets open in a text: what nests can nest no deeper (most texts need not be parsed then)."""
    return text.count("(") + text.count("[") + text.count("{")


def _rules(drawing: Drawing):
    """Each qualified rule of the drawing's style elements, with its line."""
    for element, rules in drawing.stylesheets:
        for rule in rules:
            if rule.type == "qualified-rule":
                yield line_of(element) + rule.source_line - 1, rule


def _selector_problem(drawing: Drawing) -> str | None:
    # Counted by their commas before any is parsed: a style of megabytes is refused at once.
    count = sum(
        1 + sum(1 for token in rule.prelude if token.type == "literal" and token.value == ",")
        for _line, rule in _rules(drawing)
    )
    if count > MAX_SELECTORS:
        return f"has {count:,} selectors in its style rules, more than the {MAX_SELECTORS:,} a drawing may have"
    for line, rule in _rules(drawing):
        try:
            parsed = list(selectors.parse(rule.prelude))
            for selector in parsed:
                combinators = sum(times for kind, times in _combinators(selector.parsed_tree).items() if kind != "has")
                if combinators > MAX_COMBINATORS:
                    return (
                        f"has a selector too complex to match (line {line}): {_shown(rule.prelude)} has"
                        f" {combinators} combinators, more than the {MAX_COMBINATORS} a selector may have"
                    )
            cssselect2.compile_selector_list(rule.prelude)  # bounded now: compiling is where pseudo-classes are read
        except cssselect2.SelectorError:
            return (
                f"has a style rule whose selector the engine cannot read (line {line}): {_shown(rule.prelude)};"
                " it would leave out that rule and every rule after it, which a browser applies"
            )
    return None


def _combinators(node) -> Counter:
    """The combinators of a parsed selector, by kind (' ', '>', '+', '~'), and under 'has' how many :has() arguments
    it has (each of them looks within every element it is tried on)."""
    found: Counter = Counter()
    if isinstance(node, selectors.CombinedSelector):
        found[node.combinator] += 1
        found += _combinators(node.left) + _combinators(node.right)
    elif isinstance(node, selectors.CompoundSelector):
        for simple in node.simple_selectors:
            found += _combinators(simple)
    elif isinstance(node, selectors.RelationalSelector):
        for relative in node.selector_list:
            found["has"] += 1
            found[relative.combinator] += 1
            found += _combinators(relative.selector.parsed_tree)
    elif hasattr(node, "selector_list"):  # :not(), :is(), :where()
        for inner in node.selector_list:
            found += _combinators(inner.parsed_tree)
    return found


def matching_costs(drawing: Drawing) -> dict[etree._Element, int]:
    """Return, for each element, how many times its style rules' selectors may be tried on it at most (call after
    `style_problem` found nothing)."""
    return _tally(drawing)[0]


def matching_problem(drawing: Drawing, costs: dict[etree._Element, int]) -> str | None:
    """Return what makes the drawing's style rules too costly to match on its elements, or None."""
    total = sum(costs.values())
    if total <= MAX_MATCHING:
        return None
    _costs, totals, found = _tally(drawing)
    (line, rule), _group = max(found, key=lambda selector: totals[selector[1]])
    depth = max(_reaches(drawing)["ancestors"].values())
    return (
        f"has style rules that would be tried {total:,} times on its {len(drawing.elements):,} elements, nested"
        f" {depth} deep (the costliest, line {line}: {_shown(rule.prelude)}); a drawing's rules may be tried at"
        f" most {MAX_MATCHING:,} times: write selectors with fewer combinators (spaces, '~'), or nest fewer groups"
    )


def _tally(drawing: Drawing) -> tuple[dict[etree._Element, int], dict[tuple, int], list]:
    """The tries on each element, the tries of each kind of selector, and each selector with its place and kind."""
    reach, index = _reaches(drawing), _index(drawing.elements)
    found = list(_selectors(drawing))
    costs: dict[etree._Element, int] = defaultdict(int)
    totals = {}
    for group, times in Counter(group for _place, group in found).items():
        kind, key, backtracking, reaching = group
        totals[group] = 0
        for element in index[kind].get(key, ()):
            tries = comb(reach[reaching][element] + backtracking, backtracking)
            costs[element] += times * tries
            totals[group] += tries
    return costs, totals, found


def _selectors(drawing: Drawing):
    """Each selector of the style, as ((line, rule), (key kind, key, backtracking combinators, reach kind))."""
    for line, rule in _rules(drawing):
        parsed = list(selectors.parse(rule.prelude))
        for selector, compiled in zip(parsed, cssselect2.compile_selector_list(rule.prelude)):
            if compiled.never_matches or compiled.pseudo_element is not None:
                continue
            found = _combinators(selector.parsed_tree)
            reaching = "all" if found["has"] else "earlier" if found["~"] else "ancestors"
            # The key by which cssselect2's Matcher files the selector: only elements with it are tried.
            kind, key = next(
                (
                    (kind, key)
                    for kind, key in (
                        ("id", compiled.id),
                        ("class", compiled.class_name),
                        ("name", compiled.local_name),
                    )
                    if key is not None
                ),
                ("any", None),
            )
            yield (line, rule), (kind, key, sum(found[name] for name in (*BACKTRACKING, "has")), reaching)


def _index(elements: list[etree._Element]) -> dict[str, dict]:
    """The elements by id, by class, by name, and all of them (under None)."""
    index: dict[str, dict] = {
        "id": defaultdict(list),
        "class": defaultdict(list),
        "name": defaultdict(list),
        "any": {None: elements},
    }
    for element in elements:
        index["id"][element.get("id")].append(element)
        for name in set(element.get("class", "").split()):
            index["class"][name].append(element)
        index["name"][local(element)].append(element)
    return index


def _reaches(drawing: Drawing) -> dict[str, dict[etree._Element, int]]:
    """For each element, the elements a selector's combinators may try from it: its ancestors; its ancestors and
    the earlier siblings of it and of each of them; or every element (:has() looks within)."""
    ancestors, earlier = {drawing.root: 0}, {drawing.root: 0}
    for element in drawing.elements:
        children = [child for child in element if isinstance(child.tag, str)]
        for position, child in enumerate(children):
            ancestors[child] = ancestors[element] + 1
            earlier[child] = earlier[element] + 1 + position
    return {"ancestors": ancestors, "earlier": earlier, "all": dict.fromkeys(drawing.elements, len(drawing.elements))}


def media_problem(drawing: Drawing) -> str | None:
    """Return the first part of the style that a browser applies otherwise than the print: a <style> for some media,
    an at-rule, a rule nested in a rule."""
    for element, rules in drawing.stylesheets:
        media = element.get("media", "").strip().lower()
        if media not in MEDIA:
            return (
                f"has a <style> for media {element.get('media')!r} (line {element.sourceline}), which the print"
                " applies everywhere and a browser only there; a drawing's style is for every medium"
            )
        for rule in rules:
            line = line_of(element) + rule.source_line - 1
            if rule.type == "at-rule" and rule.lower_at_keyword not in OWN_MESSAGES:
                return _at_rule_message(rule.at_keyword, line)
            if rule.type == "qualified-rule":
                inner = next(
                    (
                        node
                        for node in tinycss2.parse_blocks_contents(rule.content)
                        if node.type in ("at-rule", "qualified-rule")
                    ),
                    None,
                )
                if inner is not None and inner.type == "at-rule":
                    return _at_rule_message(inner.at_keyword, line_of(element) + inner.source_line - 1)
                if inner is not None:
                    return (
                        f"nests a style rule within another (line {element.sourceline + inner.source_line - 1}),"
                        " which the print ignores and a browser applies; write each rule on its own"
                    )
    return None


def _at_rule_message(keyword: str, line: int) -> str:
    return (
        f"has an @{keyword} rule in its style (line {line}), which the print ignores and a browser may apply; a"
        " printed drawing has one look, with no media queries or animations: write its styles as plain rules"
    )


def _shown(prelude: list) -> str:
    text = " ".join(tinycss2.serialize(prelude).split())
    return repr(text if len(text) <= 60 else text[:60] + "…")
