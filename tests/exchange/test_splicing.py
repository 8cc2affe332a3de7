"""Values written into a language file in the style each had, and missing ones inserted, read back by PyYAML."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.exchange.splicing import SpliceError, splice


class _Tagged(yaml.SafeLoader):
    """PyYAML's own loader, with each !source tag read as (hash, text)."""


_Tagged.add_multi_constructor("!source-", lambda loader, suffix, node: (suffix, loader.construct_scalar(node)))

FILE = """\
# Russian texts: a comment that stays.
language: ru
publisher: Plain publisher
about: !source-00000000 |  # the about page
  First paragraph.

  Second paragraph.

sections:
  shusha:
    title: 'Single quoted'   # a comment after
articles:
  first:
    title: !source-11111111 "Double \\"quoted\\""
    lead: >-
      Folded
      lead
    body:
"""
ORDER = [
    ("publisher",),
    ("about",),
    ("sections", "shusha", "title"),
    ("articles", "first", "title"),
    ("articles", "first", "lead"),
    ("articles", "first", "body"),
    ("articles", "second", "title"),
    ("chronology", "event"),
]


def test_each_value_keeps_its_style_and_everything_else_its_bytes():
    values = {
        ("publisher",): ("New publisher", "aaaaaaaa"),
        ("about",): ("One.\n\nTwo, longer.\n", "bbbbbbbb"),
        ("sections", "shusha", "title"): ("It's single", "cccccccc"),
        ("articles", "first", "title"): ('Now "double"', "dddddddd"),
        ("articles", "first", "lead"): ("Folded no more", "eeeeeeee"),
        ("articles", "first", "body"): ("A body.\n\nOf two.\n", "ffffffff"),
    }
    assert splice(FILE, values, ORDER) == (
        "# Russian texts: a comment that stays.\n"
        "language: ru\n"
        "publisher: !source-aaaaaaaa New publisher\n"
        "about: !source-bbbbbbbb |  # the about page\n"
        "  One.\n"
        "\n"
        "  Two, longer.\n"
        "\n"
        "sections:\n"
        "  shusha:\n"
        "    title: !source-cccccccc 'It''s single'   # a comment after\n"
        "articles:\n"
        "  first:\n"
        '    title: !source-dddddddd "Now \\"double\\""\n'
        "    lead: !source-eeeeeeee |-\n"
        "      Folded no more\n"
        "    body: !source-ffffffff |\n"
        "      A body.\n"
        "\n"
        "      Of two.\n"
    )


def test_missing_places_are_inserted_after_those_before_them_in_the_issue_order():
    values = {
        ("articles", "second", "title"): ("Second", "12345678"),
        ("chronology", "event"): ("An event.", "9abcdef0"),
    }
    spliced = splice(FILE.replace("    body:\n", '    body: "B"\n'), values, ORDER)
    assert spliced.endswith(
        '    body: "B"\n  second:\n    title: !source-12345678 "Second"\nchronology:\n'
        '  event: !source-9abcdef0 "An event."\n'
    )
    assert yaml.load(spliced, Loader=_Tagged)["articles"]["second"]["title"] == ("12345678", "Second")


@pytest.mark.parametrize("group", ["articles: {}\n", "articles:\n", "articles:   \n"])
def test_an_empty_group_becomes_a_block_with_the_new_entries(group):
    values = {("articles", "second", "title"): ("Second", "12345678")}
    spliced = splice("language: ru\r\n" + group.replace("\n", "\r\n"), values, ORDER)
    assert yaml.load(spliced, Loader=_Tagged)["articles"] == {"second": {"title": ("12345678", "Second")}}
    assert "\r\n" in spliced and "\n" not in spliced.replace("\r\n", "")  # the file's own line endings


def test_a_place_written_as_an_alias_or_a_list_is_refused():
    with pytest.raises(SpliceError, match="alias"):
        splice("language: ru\npublisher: &p 'P'\nabout: *p\n", {("about",): ("A", "12345678")}, ORDER)
    with pytest.raises(SpliceError, match="sequence"):
        splice("language: ru\nabout: [a, b]\n", {("about",): ("A", "12345678")}, ORDER)
    with pytest.raises(SpliceError, match="block mapping"):
        splice("language: ru\narticles: {x: {}}\n", {("articles", "y", "title"): ("A", "12345678")}, ORDER)


# Any character, and often those that YAML reads otherwise than as written.
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("\"'\\\n\r\t #:-|>&*!%@`\x85\u2028\u2029\ufeff\x00 "),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, TEXT, TEXT, st.booleans())
def test_any_text_written_in_any_style_reads_back_as_itself(publisher, about, title, body, crlf):
    """Quotes, backslashes, line breaks YAML knows (U+2028, NEL), control characters, leading blanks: each comes
    back from the file as it went in, whatever style its place had."""
    source = FILE.replace("\n", "\r\n") if crlf else FILE
    values = {
        ("publisher",): (publisher, "aaaaaaaa"),
        ("about",): (about, "bbbbbbbb"),
        ("sections", "shusha", "title"): (title, "cccccccc"),
        ("articles", "first", "body"): (body, "dddddddd"),
        ("articles", "second", "title"): (title + body, "eeeeeeee"),
    }
    read = yaml.load(splice(source, values, ORDER), Loader=_Tagged)
    assert read["publisher"] == ("aaaaaaaa", publisher)
    assert read["about"] == ("bbbbbbbb", about)
    assert read["sections"]["shusha"]["title"] == ("cccccccc", title)
    assert read["articles"]["first"]["body"] == ("dddddddd", body)
    assert read["articles"]["second"]["title"] == ("eeeeeeee", title + body)
    assert read["articles"]["first"]["lead"] == "Folded lead"


@pytest.mark.parametrize(
    "value",
    ["a\u2028b\nc", " leading blank\nx", "a\n\n\n", "a\n\n", "\n", "", "x\r\ny", "#x\ny", "- a\n- b", "x: y", "\x00"],
)
def test_texts_a_block_cannot_hold_as_written_read_back_as_themselves_from_every_style(value):
    places = [("publisher",), ("about",), ("sections", "shusha", "title"), ("articles", "first", "title")]
    places += [("articles", "first", "lead"), ("articles", "first", "body"), ("articles", "second", "title")]
    read = yaml.load(splice(FILE, {place: (value, "abcdef12") for place in places}, ORDER), Loader=_Tagged)
    for place in places:
        found = read
        for part in place:
            found = found[part]
        assert found == ("abcdef12", value), place


@pytest.mark.parametrize(
    "text, key, value, expected",
    [
        # In brackets a value is never plain or a block: a comma or a brace would end it, a block cannot be there.
        ("chronology: {e1: Founded}\n", ("chronology", "e1"), "Founded, then rebuilt}", None),
        ("chronology: {e1: A, e2: B}\n", ("chronology", "e1"), "Line one\nLine two", None),
        # A group written empty, null or {} takes its entries below its line, where its comment stays.
        ("chronology:  # none yet\n", ("chronology", "e1"), "One\nTwo", "chronology:  # none yet\n  e1: "),
        ("chronology: ~\n", ("chronology", "e1"), "E", 'chronology:\n  e1: !source-abcdef12 "E"\n'),
        ("chronology: {}  # none yet\n", ("chronology", "e1"), "E", "chronology:  # none yet\n  e1: "),
        # A comment line indented under a value would be read as the last line of a block there: quotes instead.
        ("chronology:\n  e1: Old\n    # check\n  e2: x\n", ("chronology", "e1"), "One\nTwo", None),
        # A `|+` value keeps the blank lines after it when an entry is inserted after it.
        ("about: |+\n  One.\n\n", ("chronology", "e1"), "E", "about: |+\n  One.\n\nchronology:\n"),
        # The line break the file uses is \n, not a U+2028 in a quoted value before it.
        ("publisher: 'a\u2028b'\nabout: x\n", ("chronology", "e1"), "One\nTwo", None),
        # Texts a block cannot hold as they are: a line of blanks, several line breaks at the end, an indented start.
        (
            "about: |  # the page\n  x\n",
            ("about",),
            "First\n  \nSecond",
            'about: !source-abcdef12 "First\\n  \\nSecond"',
        ),
        ("publisher: P\n\nabout: x\n", ("publisher",), "One.\nTwo.\n\n", None),
        ("about: x\n", ("about",), "\n  indented\nnot", None),
    ],
)
def test_layouts_people_write_keep_every_other_value_and_read_back(text, key, value, expected):
    spliced = splice(text, {key: (value, "abcdef12")}, ORDER + [("chronology", "e2")])
    for loader in (yaml.SafeLoader, yaml.CSafeLoader):
        tagged = type("Tagged", (loader,), {})
        tagged.add_multi_constructor("!source-", lambda loader, suffix, node: (suffix, loader.construct_scalar(node)))
        read, before = yaml.load(spliced, Loader=tagged), yaml.load(text, Loader=tagged)
        found = read
        for part in key:
            found = found[part]
        assert found == ("abcdef12", value)
        for name, old in (before or {}).items():  # every other value as it was
            if name != key[0]:
                assert read[name] == old, name
    if expected is not None:
        assert expected in spliced
