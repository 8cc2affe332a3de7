"""New values written into a language file as a translator would have typed them: only those values change.

The language file is a translator's and an editor's work: its comments, its order, the style of each
value (in quotes, a `|` block, plain) and its line endings stay as they are. `splice` finds each text's
value by reading the file's YAML events (which say where each value starts and ends, its tag and its
style), writes the new value in the old one's style with its `!source-<hash>` tag, and inserts the
texts the file does not have yet (an entry, a whole group) after the ones that come before them in the
issue's order, indented as their neighbours are. Everything else is copied byte for byte.

A place the file gives in a way that cannot be written to (an alias, a list, a mapping written
`{...}` on one line with texts in it) is a `SpliceError`, named by the text's place. The caller reads
the result back to be sure.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from ..content.loading import LINE_BREAK, LOADER

# What YAML reads as it is in a file: anything else in a value is written as an escape, between double quotes.
_PRINTABLE = re.compile("[\t\n\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P"}
_HEADER = re.compile(r"([|>])([-+]?)([1-9]?)([-+]?)(.*)")  # a block value's first line: style, chomping, indent


class SpliceError(ValueError):
    """A text's place in the file cannot be written to; args: the text's place, and why."""


@dataclass(frozen=True)
class _Place:
    """A place in the file: its 0-based line and column, as YAML's marks give them."""

    line: int
    column: int


@dataclass
class _Node:
    """A value as the file writes it: where it starts (at its anchor or tag) and ends, and what it is."""

    kind: str  # "scalar", "mapping", "sequence" or "alias"
    start: _Place
    end: _Place
    key_column: int  # the column of the key it is the value of (-1 for the file's top mapping)
    style: str | None = None  # a scalar's: None (plain), "'", '"', "|" or ">"
    value: str = ""  # a scalar's text
    anchor: str | None = None
    flow: bool = False  # a mapping or list written in brackets
    in_flow: bool = False  # written inside brackets, where a value cannot be a block nor plain with , [ ] { }
    children: dict[str, _Node] = field(default_factory=dict)  # a mapping's values by key, in the file's order
    key_lines: dict[str, int] = field(default_factory=dict)  # the 0-based line each key of a mapping starts on


def splice(text: str, values: dict[tuple[str, ...], tuple[str, str | None]], order: list[tuple[str, ...]]) -> str:
    """The file `text` with, at each place of `values`, its new value and source hash (value, hash; no tag for
    None); a place the file lacks is inserted after the places before it in `order` (every place of the file, in
    the issue's order)."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    root = _read(body)
    writer = _Writer(body, _indent_unit(root))
    rank = {key: index for index, key in enumerate(order)}
    missing: dict[tuple[str, ...], list[tuple[str, ...]]] = {}  # by the deepest place the file has on their way
    for key in sorted(values, key=lambda key: rank.get(key, len(rank))):
        node, depth = _find(root, key)
        if node is not None:
            writer.replace(key, node, *values[key])
        else:
            missing.setdefault(key[:depth], []).append(key)
    for parent_key, keys in missing.items():
        writer.insert(root, parent_key, keys, {key: values[key] for key in keys}, order)
    return bom + writer.result()


def _read(text: str) -> _Node:
    events = yaml.parse(text, Loader=LOADER)
    for event in events:
        if isinstance(event, yaml.DocumentStartEvent):
            node = _node(events, next(events), -1)
            if node.kind != "mapping":
                raise SpliceError("", "the file is not a mapping of texts")
            return node
    raise SpliceError("", "the file is empty")


def _node(events: Iterator[yaml.Event], event: yaml.Event, key_column: int, in_flow: bool = False) -> _Node:
    """The value that starts with `event`, its children read from `events`."""
    start, end = _place(event.start_mark), _place(event.end_mark)
    if isinstance(event, yaml.AliasEvent):
        return _Node("alias", start, end, key_column, in_flow=in_flow)
    if isinstance(event, yaml.ScalarEvent):  # (libyaml gives a plain value's style as "", PyYAML as None)
        return _Node("scalar", start, end, key_column, event.style or None, event.value, event.anchor, in_flow=in_flow)
    assert isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent)
    kind = "mapping" if isinstance(event, yaml.MappingStartEvent) else "sequence"
    flow = bool(event.flow_style)
    node = _Node(kind, start, end, key_column, anchor=event.anchor, flow=flow, in_flow=in_flow)
    while not isinstance(inner := next(events), yaml.MappingEndEvent | yaml.SequenceEndEvent):
        if kind == "sequence":
            _node(events, inner, -1, in_flow or flow)
            continue
        key = inner.value if isinstance(inner, yaml.ScalarEvent) else repr(inner)
        child = _node(events, next(events), _place(inner.start_mark).column, in_flow or flow)
        node.children[key] = child
        node.key_lines[key] = _place(inner.start_mark).line
    node.end = _place(inner.end_mark)
    return node


def _place(mark: object) -> _Place:
    """A mark of PyYAML's or libyaml's as a place: every event has one."""
    assert mark is not None
    return _Place(getattr(mark, "line"), getattr(mark, "column"))  # noqa: B009


def _find(root: _Node, key: tuple[str, ...]) -> tuple[_Node | None, int]:
    """The node at `key` (None when the file lacks it), and how many parts of `key` the file has."""
    node, depth = root, 0
    for part in key:
        if node.kind != "mapping" or part not in node.children:
            break
        node, depth = node.children[part], depth + 1
        if node.kind == "alias" and depth < len(key):
            raise SpliceError(".".join(key[:depth]), "is a YAML alias (*) of another place; write it out")
    return (node if depth == len(key) else None), depth


def _indent_unit(root: _Node) -> int:
    """How far the file indents a mapping inside another: as its first nested mapping does, or 2."""
    for child in root.children.values():
        if child.kind == "mapping" and not child.flow and child.children:
            return max(next(iter(child.children.values())).key_column, 1)
    return 2


class _Writer:
    """The edits to the file's text, applied together at the end."""

    def __init__(self, text: str, unit: int):
        self.text = text
        self.unit = unit
        self.starts = [0] + [match.end() for match in LINE_BREAK.finditer(text)]
        found = re.search(r"\r\n|\n|\r", text)  # (not a U+2028 or NEL inside a quoted value)
        self.newline = found[0] if found else "\n"
        self.edits: list[tuple[int, int, int, str]] = []  # start, end, the rank of what it writes, the new text

    def add(self, start: int, end: int, new: str, rank: int = 0) -> None:
        """Replace the text from `start` to `end` with `new`; insertions at one place go in the order of `rank`."""
        self.edits.append((start, end, rank, new))

    def offset(self, mark: _Place) -> int:
        return self.starts[mark.line] + mark.column if mark.line < len(self.starts) else len(self.text)

    def line_text(self, number: int) -> str:
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)
        return self.text[self.starts[number] : end]

    def result(self) -> str:
        text = self.text
        # From the end backwards, so that an edit moves no place still to be edited; at one place, the first in the
        # issue's order comes first.
        for start, end, _, new in sorted(self.edits, key=lambda edit: (edit[0], edit[2]), reverse=True):
            text = text[:start] + new + text[end:]
        return text

    def replace(self, key: tuple[str, ...], node: _Node, value: str, source: str | None) -> None:
        """Write `value` with its tag in place of the scalar `node`."""
        if node.kind != "scalar":
            what = "a YAML alias (*) of another text" if node.kind == "alias" else f"a {node.kind}, not a text"
            raise SpliceError(".".join(key), f"is {what}; write the text in its place")
        start, end = self.offset(node.start), self.offset(node.end)
        prefix = f"&{node.anchor} " if node.anchor else ""
        if start and self.text[start - 1] not in " \t":
            prefix = " " + prefix  # `title:` with nothing after it
        if node.style in ("|", ">"):
            header = self.line_text(node.start.line)[node.start.column :].rstrip("\r\n\x85\u2028\u2029")
            found = re.search(r"[|>]([-+]?)[1-9]?([-+]?)", header)
            comment = header[found.end() :] if found else ""
            indent = _content_indent(self._content_lines(node)) or node.key_column + self.unit
            end = self._after_last_content(node)  # the blank lines after the old value stay after the new one
            new = self._block(value, source, indent, comment)
            self.add(start, end, prefix + (new or _tag(source) + _flow(value, '"') + comment + self.newline))
            return
        if "\n" not in value.strip("\n") or node.style in ('"', "'") or node.in_flow:
            style = node.style if node.value and not node.in_flow else '"'  # `title:` with nothing: in quotes
            self.add(start, end, prefix + _tag(source) + _flow(value, style))
            return
        # A text that has become several lines: a `|` block, and what followed the old value on its line above it;
        # in quotes when a comment line indented under it would read as its last line.
        line_end = self.starts[node.end.line + 1] if node.end.line + 1 < len(self.starts) else len(self.text)
        rest = self.text[end:line_end].rstrip("\r\n\x85\u2028\u2029").strip()
        block = self._block(value, source, node.key_column + self.unit, f" {rest}" if rest else "")
        if block is None or self._indented_comment(node.end.line + 1, node.key_column):
            self.add(start, end, prefix + _tag(source) + _flow(value, '"'))
        else:
            self.add(start, line_end, prefix + block)

    def _indented_comment(self, line: int, column: int) -> bool:
        """Whether the line `line` is a comment indented deeper than `column`."""
        if line >= len(self.starts):
            return False
        text = self.line_text(line)
        return text.lstrip(" ").startswith("#") and len(text) - len(text.lstrip(" ")) > column

    def _content_lines(self, node: _Node) -> list[str]:
        return [self.line_text(number) for number in range(node.start.line + 1, node.end.line + (node.end.column > 0))]

    def _after_last_content(self, node: _Node) -> int:
        """Where a block value's last line that holds text ends: the blank lines after it are not its own."""
        last = node.start.line
        for number in range(node.start.line + 1, min(node.end.line + (node.end.column > 0), len(self.starts))):
            if self.line_text(number).strip():
                last = number
        return self.starts[last + 1] if last + 1 < len(self.starts) else len(self.text)

    def _block(self, value: str, source: str | None, indent: int, header_rest: str) -> str | None:
        """`value` as a `|` block with its tag, content lines at `indent`; None when a block cannot hold it."""
        text = value.rstrip("\n")
        rows = text.split("\n")
        if (
            not text
            or text[0] in " \t\n"  # a block finds its indentation on its first line
            or len(value) - len(text) > 1  # `|+` would take the blank lines after it for its own
            or any(row != row.strip(" \t") == "" for row in rows)  # a line of blanks reads as an empty one
            or not _PRINTABLE.fullmatch(value)
            or any(c in value for c in "\x85\u2028\u2029")
        ):
            return None
        lines = [f"{_tag(source)}|{'' if value.endswith(chr(10)) else '-'}{header_rest}"]
        lines += [(" " * indent + row) if row else "" for row in rows]
        return self.newline.join(lines) + self.newline

    def insert(
        self,
        root: _Node,
        parent_key: tuple[str, ...],
        keys: list[tuple[str, ...]],
        values: dict[tuple[str, ...], tuple[str, str | None]],
        order: list[tuple[str, ...]],
    ) -> None:
        """Insert the places `keys`, all missing under the mapping at `parent_key`, after the places before them."""
        parent, _ = _find(root, parent_key)
        assert parent is not None
        name = ".".join(parent_key) or "the file"
        position = {key: index for index, key in enumerate(order)}
        first = min(position.get(key, len(position)) for key in keys)
        empty = parent.kind == "scalar" and parent.style is None and parent.value in ("", "~", "null", "Null", "NULL")
        if empty or (parent.kind == "mapping" and parent.flow and not parent.children):
            # `articles:`, `articles: ~` or `articles: {}`, a comment after it or not: the group starts on the lines
            # after it, the comment staying on its line.
            start, end = self.offset(parent.start), self.offset(parent.end)
            start -= len(self.text[:start]) - len(self.text[:start].rstrip(" \t"))  # and the blanks after the colon
            line_end = self.starts[parent.end.line] + len(self.line_text(parent.end.line).rstrip("\r\n"))
            self.add(start, end, "")
            lines = self._lines(keys, values, len(parent_key), parent.key_column + self.unit)
            self.add(line_end, line_end, self.newline + lines.rstrip("\r\n"), first)
            return
        if parent.kind != "mapping" or parent.flow:
            raise SpliceError(name, "is not written as a block mapping, one place to a line; the texts cannot be added")
        present = list(parent.children)
        indent = parent.children[present[0]].key_column if present else parent.key_column + self.unit
        rank: dict[str, int] = {}
        for place in order:
            if place[: len(parent_key)] == parent_key and len(place) > len(parent_key):
                rank.setdefault(place[len(parent_key)], len(rank))
        for child_name, child_keys in _by_child(keys, len(parent_key)).items():
            # After the last place the file has that comes before it (a key the issue does not order, such as
            # `language`, comes first); before the first place, when none does.
            before = [other for other in present if rank.get(other, -1) < rank.get(child_name, len(rank))]
            if before:
                at = self._after(parent.children[before[-1]], parent.key_lines[before[-1]])
            elif present:
                at = self.starts[parent.key_lines[present[0]]]
            else:
                at = len(self.text)
            while at < len(self.text) and before and self._indented_comment(self._line_of(at), indent):
                at = self.starts[self._line_of(at) + 1] if self._line_of(at) + 1 < len(self.starts) else len(self.text)
            lines = self._lines(child_keys, values, len(parent_key), indent)
            if at and not self.text[:at].endswith(("\n", "\r")):
                lines = self.newline + lines
            self.add(at, at, lines, min(position.get(key, len(position)) for key in child_keys))

    def _line_of(self, offset: int) -> int:
        """The line an offset of the text is on."""
        return bisect_right(self.starts, offset) - 1

    def _after(self, node: _Node, key_line: int) -> int:
        """Where the text right after the value `node` begins: the line after its last line that holds text."""
        if node.kind == "mapping" and node.children and not node.flow:
            last = list(node.children)[-1]
            return self._after(node.children[last], node.key_lines[last])
        if node.kind == "scalar" and node.style in ("|", ">"):
            header = self.line_text(node.start.line)[node.start.column :]
            keeps = re.search(r"[|>][-+1-9]*", header)
            if keeps and "+" in keeps[0]:  # `|+`: the blank lines after it are its own
                return self.offset(node.end)
            return self._after_last_content(node)
        line = max(node.end.line - (node.end.column == 0), key_line)
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def _lines(
        self,
        keys: list[tuple[str, ...]],
        values: dict[tuple[str, ...], tuple[str, str | None]],
        depth: int,
        indent: int,
    ) -> str:
        """The lines of the places `keys` below the part `depth` of their keys, the outermost at `indent`."""
        out = []
        for child_name, child_keys in _by_child(keys, depth).items():
            written = _key(child_name)
            if len(child_keys) == 1 and len(child_keys[0]) == depth + 1:
                value, source = values[child_keys[0]]
                block = self._block(value, source, indent + self.unit, "") if "\n" in value.strip("\n") else None
                line = block if block is not None else _tag(source) + _flow(value, '"') + self.newline
                out.append(" " * indent + f"{written}: {line}")
            else:
                out.append(" " * indent + f"{written}:{self.newline}")
                out.append(self._lines(child_keys, values, depth + 1, indent + self.unit))
        return "".join(out)


def _tag(source: str | None) -> str:
    """The tag written before a value: its source hash, or none for a text not confirmed."""
    return f"!source-{source} " if source else ""


def _by_child(keys: list[tuple[str, ...]], depth: int) -> dict[str, list[tuple[str, ...]]]:
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for key in keys:
        grouped.setdefault(key[depth], []).append(key)
    return grouped


def _key(name: str) -> str:
    """A mapping key as written: plain when YAML reads it back as the same text, else in double quotes."""
    return name if _reads_plain(name) else _flow(name, '"')


def _reads_plain(text: str) -> bool:
    if not text or text != text.strip() or not _PRINTABLE.fullmatch(text) or any(c in text for c in "\t\n\x85"):
        return False
    try:  # both parsers must agree: libyaml's reads some texts PyYAML's refuses
        return all(yaml.load(f"k: {text}", Loader=loader) == {"k": text} for loader in (LOADER, yaml.SafeLoader))
    except yaml.YAMLError:
        return False


def _flow(value: str, style: str | None) -> str:
    """`value` on one line: plain or in single quotes when it was and still reads back the same, else in double
    quotes with every character YAML would not read as written (a line break, a control character) escaped."""
    if style is None and _reads_plain(value):
        return value
    if style == "'" and _PRINTABLE.fullmatch(value) and not any(c in value for c in "\n\x85\u2028\u2029"):
        return "'" + value.replace("'", "''") + "'"
    out = []
    for character in value:
        if character in _ESCAPES:
            out.append(_ESCAPES[character])
        elif _PRINTABLE.fullmatch(character):
            out.append(character)
        else:
            code = ord(character)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _content_indent(lines: list[str]) -> int:
    """The indentation of a block value's first line that holds text (0 when none does)."""
    for line in lines:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0
