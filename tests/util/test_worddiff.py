"""What changed in a text, word by word, as a stale translation shows it."""

from __future__ import annotations

from bulletin.util.worddiff import word_diff


def test_removed_and_added_words_are_marked_with_a_few_words_around():
    old = "The mausoleum of Vagif in Shusha was restored in 2022 and opened to visitors in August."
    new = "The mausoleum of Vagif in Shusha was restored in 2022 and opened to visitors in September."
    assert word_diff(old, new) == "… opened to visitors in [-August.-] {+September.+}"
    assert word_diff("First event.", "The first event.") == "[-First-] {+The first+} event."
    assert word_diff("one two three", "one two") == "one two [-three-]"


def test_changes_far_apart_are_shown_each_with_its_context():
    old = "a b c d e f g h i j k l m n o"
    new = "a B c d e f g h i j k l m N o"
    assert word_diff(old, new) == "a [-b-] {+B+} c d e f … j k l m [-n-] {+N+} o"


def test_wrapping_is_no_change_and_paragraph_breaks_are():
    assert word_diff("One two\nthree.\n", "One  two three.") == ""
    assert word_diff("One.\n\nTwo.", "One.\n\nTwo.\n\nThree.") == "One. ¶ Two. {+¶ Three.+}"
