"""What an editor is told of an ISSN copied wrong: the mistake named, and the number as it should be written."""

from __future__ import annotations

import pytest

from bulletin.content.issns import valid_issn, why_not


@pytest.mark.parametrize(
    ("written", "told"),
    [
        ("3006–1075", "between 3006 and 1075 is the character en dash (U+2013), not a hyphen: write 3006-1075"),
        (
            "3006\u00a01040",
            "between 3006 and 1040 is the character no-break space (U+00A0), not a hyphen: write 3006-1040",
        ),
        ("3006 1067", "between 3006 and 1067 is the character space (U+0020), not a hyphen: write 3006-1067"),
        ("29581036", "its hyphen is missing: write 2958-1036"),
        ("ISSN 2958-1001", "write only the number, without 'ISSN' before it"),
        ("2958-101x", "write the check digit X as a capital: 2958-101X"),
        ("3006-1058", "its check digit is 8, but its first seven digits give 9: a digit was copied wrong"),
        ("3006-10", "an ISSN is four digits, a hyphen and four more, the last of which may be X (such as 2958-101X)"),
    ],
)
def test_an_issn_copied_wrong_is_told_what_to_write(written, told):
    assert not valid_issn(written)
    assert why_not(written).startswith(told)


def test_the_sample_issns_are_valid():
    assert all(valid_issn(issn) for issn in ("2958-1001", "2958-101X", "3006-1040", "3006-1059"))
