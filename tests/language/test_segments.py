"""Markdown cut into paragraphs and list items for translation units, and joined back byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bulletin.content.loading import load_source
from bulletin.language.segments import joined, segments

from conftest import LANGUAGES, MINIMAL, SAMPLE

MIXED = (
    "First paragraph,\ncontinued.\n\n- an item\n  on two lines\n- another\n\n> a quotation\n> that goes on\n\n"
    "1. one\n2. two\n"
)


def markdown_texts() -> list[tuple[str, str]]:
    """Every Markdown text of the sample and of the minimal issue, in every language: (where, text)."""
    found = []
    for folder in (SAMPLE, MINIMAL):
        for language in LANGUAGES:
            tree = load_source(folder / f"{language}.yaml").tree
            texts = {"about": tree.get("about")} | {
                f"articles.{name}.body": article.get("body") for name, article in (tree.get("articles") or {}).items()
            }
            found += [(f"{folder.name}/{language}.yaml {key}", text) for key, text in texts.items() if text]
    return found


def test_every_body_and_about_page_is_cut_and_joined_back_byte_for_byte():
    texts = markdown_texts()
    assert len(texts) == 48
    for where, text in texts:
        cut = segments(text)
        assert cut is not None and cut.texts, where
        assert joined(cut, cut.texts) == text, where


def test_paragraphs_items_and_quotations_are_units_without_their_marks():
    cut = segments(MIXED)
    assert cut is not None
    assert cut.texts == (
        "First paragraph,\ncontinued.",
        "an item\non two lines",
        "another",
        "a quotation\nthat goes on",
        "one",
        "two",
    )
    new = ["A\nB\nC", "X", "Y\nZ", "Q\nR", "N1\nN2", "O"]
    assert joined(cut, new) == "A\nB\nC\n\n- X\n- Y\n  Z\n\n> Q\n> R\n\n1. N1\n   N2\n2. O\n"
    assert segments(joined(cut, new)).texts == tuple(new)


def test_line_breaks_of_the_file_are_kept():
    text = "One line\r\nand another\r\n\r\n- item\r\n"
    cut = segments(text)
    assert joined(cut, cut.texts) == text
    assert joined(cut, ["Three\nlines\nnow", "item"]) == "Three\r\nlines\r\nnow\r\n\r\n- item\r\n"
    assert joined(segments("No break at the end"), ["Nor here"]) == "Nor here"


def test_a_text_whose_lines_do_not_end_with_what_markdown_reads_is_not_cut():
    assert segments("A paragraph that ends with spaces   \n") is None  # Markdown trims them off
    assert segments("") is not None and segments("").texts == ()
    with pytest.raises(ValueError, match="1 texts for 2 paragraphs"):
        joined(segments("One.\n\nTwo.\n"), ["Only one."])


WORDS = st.text(alphabet="abcdefəğışçöüАБВгдеñáé", min_size=1, max_size=8)
LINE = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
LINES = st.lists(LINE, min_size=1, max_size=3)
BLOCK = st.one_of(
    LINES.map(lambda lines: "\n".join(lines)),
    st.lists(LINES, min_size=1, max_size=3).map(lambda items: "\n".join("- " + "\n  ".join(item) for item in items)),
    st.lists(LINES, min_size=1, max_size=3).map(
        lambda items: "\n".join(f"{number}. " + "\n   ".join(item) for number, item in enumerate(items, 1))
    ),
    LINES.map(lambda lines: "\n".join("> " + line for line in lines)),
)


@settings(max_examples=100, deadline=None, derandomize=True, database=None)
@given(st.lists(BLOCK, min_size=1, max_size=4), st.sampled_from(["\n", "\r\n"]), st.booleans(), st.data())
def test_any_text_of_the_subset_is_cut_and_joined_back_and_new_texts_keep_its_blocks(blocks, ending, last, data):
    text = ("\n\n".join(blocks) + ("\n" if last else "")).replace("\n", ending)
    cut = segments(text)
    assert cut is not None
    assert joined(cut, cut.texts) == text
    new = [data.draw(LINES.map("\n".join)) for _ in cut.texts]
    again = segments(joined(cut, new))
    assert again is not None and again.texts == tuple(new) and len(again.spans) == len(cut.spans)
