"""Loading YAML with places: duplicates, syntax, size, encoding and alias bombs."""

from __future__ import annotations

import unicodedata

import pytest
import yaml

from bulletin.content import loading
from bulletin.content.loading import MAX_DEPTH, MAX_FILE_BYTES, YamlList, YamlMap, load_source


def test_values_keep_their_line_and_column(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("title: Şuşa\nitems:\n  - one\n  - two\n", encoding="utf-8")
    tree = load_source(path).tree
    assert isinstance(tree, YamlMap) and isinstance(tree["items"], YamlList)
    assert (tree.value_spots["title"].mark.line, tree.value_spots["title"].mark.column) == (1, 8)
    assert tree["items"].item_spots[1].mark.line == 4


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("x: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    source = load_source(path)
    assert source.tree["x"] is None
    assert "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in source.problems[0].message


def test_an_alias_bomb_is_refused_before_it_is_built(tmp_path, monkeypatch):
    # Ten levels of ten aliases each: ten billion values, refused once measured on the composed nodes (the
    # build, which counts as it goes, once took two seconds to reach the bound).
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(loading._TreeBuilder, "build", None)  # not even begun
    source = load_source(path)
    assert source.tree is None
    assert [(problem.mark.line, problem.mark.column, problem.message) for problem in source.problems] == [
        (1, 1, f"file expands to more than {loading.MAX_NODES} values (aliases nested too deep?)")
    ]


@pytest.mark.parametrize("extra", [0, 1])
def test_a_file_of_as_many_values_as_the_bound_is_built_and_one_more_is_refused(tmp_path, monkeypatch, extra):
    # The mapping, 2 keys, the list named `a` and its 3 texts, the list under `b` and its 4 aliases of `a`
    # (4 x 4 values): 1 + 2 + 4 + 1 + 16 = 24 values; the merge key and its value are not built.
    monkeypatch.setattr(loading, "MAX_NODES", 24 - extra)
    path = tmp_path / "a.yaml"
    path.write_text("a: &a [x, y, z]\nb: [*a, *a, *a, *a]\n<<: {c: d}\n", encoding="utf-8")
    source = load_source(path)
    messages = [problem.message for problem in source.problems]
    if extra:
        assert source.tree is None and messages == ["file expands to more than 23 values (aliases nested too deep?)"]
    else:
        assert source.tree["b"] == [["x", "y", "z"]] * 4 and messages == ["merge keys (<<) are not supported"]


def test_a_file_that_is_not_utf8_is_refused_with_its_name(tmp_path):
    path = tmp_path / "ru.yaml"
    path.write_bytes("title: Шуша\n".encode("cp1251"))
    problem = load_source(path).problems[0]
    assert problem.mark.path == path and "not UTF-8" in problem.message


def test_an_oversized_file_is_not_parsed(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert "larger than" in load_source(path).problems[0].message


def test_a_file_holding_only_a_null_reads_as_an_empty_file(tmp_path):
    # Such a file once gave neither a tree nor a problem, and validation passed an issue without its texts.
    path = tmp_path / "en.yaml"
    for text in ("~\n", "null\n", "--- Null  # nothing yet\n"):
        path.write_text(text, encoding="utf-8")
        source = load_source(path)
        assert isinstance(source.tree, YamlMap) and not source.tree and not source.problems


def test_lists_and_mappings_nested_too_deep_are_refused_at_their_place(tmp_path):
    # A thousand nested brackets once raised RecursionError, and some 25,000 ended the process: libyaml's
    # composer overflowed the C stack.
    path = tmp_path / "a.yaml"
    for text, column in (("[" * 5_000 + "]" * 5_000, MAX_DEPTH + 1), ("- " * 5_000 + "x\n", 2 * MAX_DEPTH + 1)):
        path.write_text(text, encoding="utf-8")
        source = load_source(path)
        assert source.tree is None
        assert [(problem.mark.line, problem.mark.column, problem.message) for problem in source.problems] == [
            (1, column, f"lists and mappings nested more than {MAX_DEPTH} deep")
        ]


def test_an_alias_inside_the_value_it_names_is_refused_at_its_anchor(tmp_path):
    # Such a value is endless: building it once raised RecursionError.
    path = tmp_path / "issue.yaml"
    path.write_text("number: 5\nissn: &a\n  az: *a\n", encoding="utf-8")
    source = load_source(path)
    assert source.tree is None
    assert [(problem.mark.line, problem.mark.column) for problem in source.problems] == [(2, 7)]
    assert "(an alias inside the value it names?)" in source.problems[0].message


def test_decomposed_text_is_read_composed_where_it_is_written(tmp_path):
    """Keys and values typed decomposed (s and a combining cedilla for ş) read as the composed letters, escapes
    included; the places stay those of the file, where the decomposed letters take two columns each."""
    decomposed = unicodedata.normalize("NFD", "Şuşa")
    assert len(decomposed) == 6
    path = tmp_path / "a.yaml"
    path.write_text(f'{decomposed}: {decomposed} şəhəri\nescaped: "S\\u0327us\\u0327a"\n', encoding="utf-8")
    tree = load_source(path).tree
    assert list(tree) == ["Şuşa", "escaped"]
    assert tree["Şuşa"] == "Şuşa şəhəri" and tree["escaped"] == "Şuşa"
    spot = tree.value_spots["Şuşa"]
    assert spot.raw == "Şuşa şəhəri" and (spot.mark.line, spot.mark.column) == (1, 9)


def test_a_comment_right_after_an_unquoted_value_is_noted_where_it_starts(tmp_path):
    """YAML ends an unquoted value at ' #': the loader notes where, and what the comment says, so that a text
    cut there is not lost without a word; text in quotes, a block scalar's header, nothing and lines of their own
    may carry comments."""
    path = tmp_path / "az.yaml"
    path.write_text(
        "title: İlk #1 məqalə\n"
        "lead: !source-b9f76b7a A lead\tabout road\t#5\n"
        "body: |  # Markdown\n  Text # not a comment\n"
        'quoted: "Road #5"  # a comment\n'
        "single: 'Road' # a comment\n"
        "# a line of its own\n"
        "empty:  # to write\n"
        "none: ~  # nothing yet\n"
        "hash: Road#5\n"
        "folded: a text that\n  goes on #6\n",
        encoding="utf-8",
    )
    source = load_source(path)
    comments = {key: spot.comment for key, spot in source.tree.value_spots.items() if spot.comment}
    assert not source.problems
    assert {key: (mark.line, mark.column, said) for key, (mark, said) in comments.items()} == {
        "title": (1, 12, "#1 məqalə"),
        "lead": (2, 42, "#5"),
        "folded": (12, 11, "#6"),
    }
    assert source.tree["title"] == "İlk" and source.tree["hash"] == "Road#5"


@pytest.mark.parametrize("loader", ["CSafeLoader", "SafeLoader"])
def test_a_comment_is_found_after_a_byte_order_mark_and_windows_line_ends(tmp_path, monkeypatch, loader):
    """libyaml counts a value's place without the byte order mark that starts a file, PyYAML's own parser with it."""
    monkeypatch.setattr("bulletin.content.loading.LOADER", getattr(yaml, loader, yaml.SafeLoader))
    path = tmp_path / "en.yaml"
    path.write_bytes('\ufefftitle: Road 😀 #5\r\nlead: "Ok" # fine\r\ncaption: A #6\r\n'.encode("utf-8"))
    spots = load_source(path).tree.value_spots
    assert [(key, spot.comment[0].line, spot.comment[0].column) for key, spot in spots.items() if spot.comment] == [
        ("title", 1, 15),
        ("caption", 3, 12),
    ]
