"""The ISSNs of issue.yaml: for each language edition, its print ISSN, its online ISSN and the ISSN-L.

A serial published on paper and online has an ISSN for each medium, and a linking ISSN (ISSN-L)
that names the two together; the ISSN-L is one of the two, usually the one assigned first. Each
is checked here as the ISSN centre writes it (NNNN-NNNC, its check digit C right); the ISSN-L
must be the print or the online ISSN, the two must differ, and no ISSN may be another edition's.
Where each is printed is the templates' business, where it goes in the PDF's metadata the print
stage's.
"""

from __future__ import annotations

import re
import unicodedata

from ..model import MEDIA, Issns
from .loading import Spot, YamlMap
from .schema import Checker, text

FIELDS = (*MEDIA, "linking")  # what each language's ISSNs give: one per medium, and the ISSN-L
ISSN = re.compile(r"[0-9]{4}-[0-9]{3}[0-9X]")  # its written form, whole


def check_digit(digits: str) -> str:
    """Return the check digit (0-9 or X) of an ISSN's first seven digits, by ISO 3297's modulus 11."""
    remainder = (11 - sum(int(digit) * weight for digit, weight in zip(digits, range(8, 1, -1))) % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def valid_issn(value: str) -> bool:
    """Tell whether `value` is an ISSN written NNNN-NNNC whose check digit C is right."""
    return ISSN.fullmatch(value) is not None and value[8] == check_digit(value[:4] + value[5:8])


def read_issns(root: YamlMap, languages: tuple[str, ...], checker: Checker) -> dict[str, Issns]:
    """Read the field `issn` of issue.yaml: a language's ISSNs by medium, and its ISSN-L; report what is wrong."""
    node = checker.mapping_field(root, "issn", "issue")
    if node is None:
        return {}
    if languages:  # with no valid language listed, that is the problem to report
        checker.known_fields(node, languages, "issue: 'issn'")
    issns, seen = {}, dict[str, tuple[str, str, Spot]]()
    for language in languages:
        if isinstance(node.get(language), str):  # one ISSN for both media, as issue.yaml once gave it
            checker.report(
                node.value_spots[language],
                f"issue: 'issn': {language!r} gives one ISSN; give under {language} the edition's ISSN of each"
                " medium and the ISSN-L that links them: print, online and linking",
            )
            continue
        entry = checker.mapping_field(node, language, "issue: 'issn'")
        if entry is None:
            continue
        what = f"issue: 'issn' of language {language!r}"
        checker.known_fields(entry, FIELDS, what)
        paper, online, linking = (_read_issn(entry, key, what, checker) for key in FIELDS)
        for medium, issn in zip(MEDIA, (paper, online)):
            _claim(checker, seen, issn, medium, language, entry.value_spots.get(medium))
        if paper is not None and paper == online:
            checker.report(
                entry.value_spots["online"],
                f"{what}: 'print' and 'online' are both {paper!r}; the print and the online edition"
                " each have an ISSN of their own",
            )
        elif paper is None or online is None or linking is None:
            continue  # what is missing or wrong is reported; how the three relate cannot be told
        elif linking not in (paper, online):
            checker.report(
                entry.value_spots["linking"],
                f"{what}: 'linking' {linking!r} is neither the print ISSN {paper!r} nor the online ISSN"
                f" {online!r}; the ISSN-L is one of the two (the ISSN centre's record of the edition gives it)",
            )
        else:
            issns[language] = Issns(paper, online, linking)
    return issns


def _read_issn(entry: YamlMap, key: str, what: str, checker: Checker) -> str | None:
    """Read one ISSN of a language's entry, its check digit checked; None when it is missing or wrong."""
    value = checker.get(entry, key, what, text)
    if value is not None and not valid_issn(value):
        checker.report(entry.value_spots[key], f"{what}: {key!r} {value!r} is not a valid ISSN: {why_not(value)}")
        return None
    return value


def why_not(value: str) -> str:
    """Say what keeps `value` from being an ISSN, as the one who copied it can mend it."""
    written = value.strip()
    if written.upper().startswith("ISSN"):
        return "write only the number, without 'ISSN' before it"
    parts = re.fullmatch(r"([0-9]{4})(.?)([0-9]{3}[0-9Xx])", written)
    if parts is None:
        return "an ISSN is four digits, a hyphen and four more, the last of which may be X (such as 2958-101X)"
    first, between, last = parts.groups()
    if not between:
        return f"its hyphen is missing: write {first}-{last.upper()}"
    if between != "-":
        named = f"the character {unicodedata.name(between, 'unnamed').lower()} (U+{ord(between):04X})"
        return f"between {first} and {last} is {named}, not a hyphen: write {first}-{last.upper()}"
    if last.endswith("x"):
        return f"write the check digit X as a capital: {first}-{last.upper()}"
    expected = check_digit(first + last[:3])
    return (
        f"its check digit is {last[3]}, but its first seven digits give {expected}: a digit was copied wrong;"
        " copy the number again from the ISSN centre's record"
    )


def _claim(
    checker: Checker,
    seen: dict[str, tuple[str, str, Spot]],
    issn: str | None,
    medium: str,
    language: str,
    spot: Spot | None,
) -> None:
    """Record that `issn` is the `medium` ISSN of `language`; report it when another edition or medium has it."""
    if issn is None or spot is None:
        return
    if issn in seen and seen[issn][1] != language:
        other_medium, other_language, first = seen[issn]
        checker.report(
            spot,
            f"issue: 'issn' of language {language!r}: {medium!r} {issn!r} is also the {other_medium} ISSN of"
            f" language {other_language!r} (line {first.mark.line}); each edition has ISSNs of its own",
        )
    seen.setdefault(issn, (medium, language, spot))
