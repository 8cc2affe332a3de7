"""Load stage: read an issue's YAML files into trees that remember where each value was.

YAML is parsed with PyYAML's safe loader, so no tag can build a Python object. The node
tree is then turned into plain Python values by this module rather than by PyYAML's
constructor, which lets it keep the line and column of every key and value, report
duplicate keys (PyYAML silently keeps the last one) and bound alias expansion and nesting. This stage
does not judge the content: syntax errors and duplicate keys are its only problems; the
schema belongs to `validation`.

Every text is read in Unicode's composed form (NFC), keys included: a letter typed or pasted
decomposed (e + U+0301 for é, as some systems save it) is the same text as the letter composed,
so that it hashes, hyphenates, sorts and is checked against the fonts as what it reads.
Places stay those of the file as written.

A `#` after a space ends an unquoted value: YAML reads the rest of the line as a comment, so that
`title: Road #5 reopened` is the text "Road". The loader notes where such a comment follows a value
(`Spot.comment`); whether that is text lost is for the reader of the file to say.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import yaml

from ..util.errors import Mark, Problem, lies_within, undecodable
from ..util.files import NotAFile, read_file

ISSUE_FILE = "issue.yaml"  # the language-independent facts of an issue
MAX_FILE_BYTES = 2_000_000  # larger content files are refused, not parsed
MAX_NODES = 200_000  # bound on values built from one file, aliases included
MAX_DEPTH = 100  # bound on lists and mappings nested in one another, aliases included (content nests seven deep)
# libyaml's parser when PyYAML was built with it: the same nodes and marks, several times faster.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
if TYPE_CHECKING:  # libyaml's marks, which its parser gives, have the fields of PyYAML's own
    from yaml._yaml import Mark as _LibyamlMark
YamlMark: TypeAlias = "yaml.Mark | _LibyamlMark"  # where YAML says a token starts
# The one tag content may carry: on a translated text, the hash of the source-language text it
# was last confirmed against, e.g. `title: !source-1a2b3c4d "..."` (see `sources`).
SOURCE_TAG = re.compile(r"^!source-(?P<hash>[0-9a-f]{8})$")


# What to do about a syntax error, where YAML's words do not say it.
@dataclass(frozen=True)
class Spot:
    """Where a value was written, and how (for messages about YAML's surprises)."""

    mark: Mark  # where the value starts
    raw: str | None = None  # the scalar as written (in NFC, as every text is read), None for mappings and lists
    quoted: bool = False  # whether the scalar was in quotes
    source_hash: str | None = None  # the hash of a `!source-<hash>` tag on the scalar, if any
    alias: bool = False  # whether the value is an alias (*name) of one written elsewhere
    # A comment right after the unquoted value on its line, which YAML ended at the `#`: where it starts, what it says.
    comment: tuple[Mark, str] | None = None


class YamlMap(dict):
    """A mapping read from YAML, with the place of the mapping and of each key and value."""

    def __init__(self, spot: Spot):
        super().__init__()
        self.spot = spot  # where the mapping starts
        self.key_spots: dict[object, Spot] = {}  # where each key is written
        self.value_spots: dict[object, Spot] = {}  # where each value is written


class YamlList(list):
    """A sequence read from YAML, with the place of the sequence and of each item."""

    def __init__(self, spot: Spot):
        super().__init__()
        self.spot = spot  # where the sequence starts
        self.item_spots: list[Spot] = []  # where each item is written


@dataclass
class Source:
    """One YAML file of an issue: its tree, or the problems that kept it from being read."""

    path: Path  # the file
    tree: object = None  # the top-level value, None when the file could not be read
    problems: list[Problem] = field(default_factory=list)  # syntax problems, duplicates


def load_source(path: Path) -> Source:
    """Read one YAML file into a tree with marks, collecting its syntax problems."""
    source = Source(path)
    start = Mark(path, 1, 1)
    try:
        if not lies_within(path, path.parent):
            source.problems.append(
                Problem(start, "file is a symbolic link to a file outside the issue folder; it was not read")
            )
            return source
        data = read_file(path, MAX_FILE_BYTES)
        if len(data) > MAX_FILE_BYTES:
            source.problems.append(Problem(start, f"file is larger than {MAX_FILE_BYTES} bytes"))
            return source
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        source.problems.append(undecodable(path, err))
        return source
    except NotAFile as err:  # a folder, or a named pipe that would keep the command waiting forever
        source.problems.append(Problem(start, f"{err.strerror}; it was not read (put the YAML file in its place)"))
        return source
    except OSError as err:
        source.problems.append(Problem(start, f"cannot read file: {err.strerror}"))
        return source
    try:
        if (deep := _too_deep(text)) is not None:
            source.problems.append(Problem(_mark(path, deep), f"lists and mappings nested more than {MAX_DEPTH} deep"))
            return source
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as err:
        where = err.problem_mark or err.context_mark
        if err.context_mark and "end of stream" in (err.problem or ""):  # the text left open, not the file's end
            where = err.context_mark
        mark = _mark(path, where) if where else start
        context = ""
        if err.context and err.context_mark and err.problem:
            context = f" ({err.context} that starts at line {err.context_mark.line + 1})"
        source.problems.append(
            Problem(mark, f"YAML syntax: {err.problem or err.context}{context}{_syntax_hint(err, text)}")
        )
        return source
    except yaml.reader.ReaderError as err:  # a character YAML does not allow: the reader stops at its first
        offset = max(text.find(chr(err.character)), 0)  # (libyaml counts its position in bytes, not characters)
        line, column = text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        source.problems.append(
            Problem(
                Mark(path, line, column),
                f"YAML syntax: the character U+{err.character:04X} is not allowed in a YAML file (a control character)",
            )
        )
        return source
    except yaml.YAMLError as err:
        source.problems.append(Problem(start, f"YAML syntax: {err}"))
        return source
    if node is None or node.tag == _NULL_TAG:  # an empty file, or one holding only `~` or `null`: no fields
        source.tree = YamlMap(Spot(start))
        return source
    if _expanded_size(node) > MAX_NODES:  # measured on the composed nodes before building them, in no time
        source.problems.append(_too_many(path))
        return source
    builder = _TreeBuilder(path, source.problems, text)
    try:
        source.tree = builder.build(node)
    except _TooLarge as err:
        source.problems.append(err.args[0])
    return source


def _syntax_hint(err: yaml.MarkedYAMLError, text: str) -> str:
    """What an editor can do about the syntax errors typing text causes most, as '; ...' (or nothing)."""
    problem, mark = err.problem or "", err.problem_mark
    line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
    value = line.partition(": ")[2].lstrip() if ": " in line else ""
    if problem == "found invalid Unicode character escape code":  # a \u escape of a surrogate: half an emoji
        return (
            "; a \\u escape of D800 to DFFF is half of a character: write the character itself, or its \\U"
            " escape with eight digits"
        )
    if "mapping values are not allowed" in problem:
        return (
            "; a text holding ': ' must be put in quotes: write it in single quotes, 'like: this', which may"
            " hold double quotes (write a single quote in it twice: '')"
        )
    left_open = "; a text in quotes is not closed: end it with the same quotation mark it starts with"
    if "unexpected end of stream" in problem and "quoted scalar" in (err.context or ""):
        return left_open
    if (
        problem.startswith("did not find expected key")
        and mark is not None
        and (opened := _open_quote(text, mark)) is not None
    ):
        return f"{left_open} (the text in quotes at line {opened} runs on to here)"
    if problem.startswith("did not find expected key") and value[:1] in ("'", '"'):
        other = "single" if value[0] == '"' else "double"
        return (
            f"; the text goes on after its closing quotation mark: to put {value[0]} inside a text, write the"
            f" whole text in {other} quotes (or, in single quotes, write a single quote twice: '')"
        )
    if "cannot start any token" in problem and "\t" in line:
        return "; indent with spaces, not tabs"
    if value and (value[0] in _INDICATORS or value[:2] in ("- ", "? ")):
        return (
            f"; a text that starts with {value[0]!r} must be put in quotes (YAML reads {value[0]!r} there"
            " as part of its own syntax): write it in double quotes, or in single quotes when it holds double ones"
        )
    if problem.startswith("did not find expected"):
        return "; check the indentation: the fields of one entry start in the same column"
    return ""


# The characters with which YAML starts its own syntax, not a text: a text so started needs quotes.
_INDICATORS = "@`%[]{}*!&>|,#"


def _open_quote(text: str, mark: yaml.Mark) -> int | None:
    """The line of a text in quotes that runs on over lines until the error at `mark`, closed there by the
    quotation mark of another text (an opening mark left unclosed, mostly); None if there is none."""
    last = None
    try:
        for token in yaml.scan(text, Loader=LOADER):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken):
                last = token
    except yaml.YAMLError:
        pass
    if last is None or last.style not in ("'", '"') or last.start_mark.line == last.end_mark.line:
        return None
    return last.start_mark.line + 1 if last.end_mark.line == mark.line else None


def _too_deep(text: str) -> YamlMark | None:
    """Where lists and mappings first nest more than MAX_DEPTH deep in `text`, if they do.

    Read from the parser's events, before anything is composed: libyaml's composer recurses on the
    C stack, and some 25,000 nested brackets end the process with a segmentation fault."""
    depth = 0  # the collections open around the next event
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            if depth >= MAX_DEPTH:
                return event.start_mark
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")  # the only collection types content uses
_NULL_TAG = "tag:yaml.org,2002:null"
_MERGE_TAG = "tag:yaml.org,2002:merge"
# A comment after the end of an unquoted value on its line: the blanks before it, and the comment to the line's end.
_COMMENT_AFTER = re.compile(r"([ \t]+)(#[^\r\n\x85\u2028\u2029]*)")
LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a line break
_VALUE_TAG = "tag:yaml.org,2002:value"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
# The kinds of value content is made of: text, numbers, yes/no, dates, nothing (the schema says which goes where).
_PLAIN_SCALARS = tuple(f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null", "timestamp"))


class _TooLarge(Exception):
    """Raised, with the Problem to report, when a file expands to more values than MAX_NODES or nests them,
    through aliases, deeper than MAX_DEPTH."""


def _too_many(path: Path) -> Problem:
    return Problem(Mark(path, 1, 1), f"file expands to more than {MAX_NODES} values (aliases nested too deep?)")


def _expanded_size(root: yaml.Node) -> int:
    """How many values building `root` makes, each alias counted as the values it repeats. Each node is measured
    once, so that nested aliases (a billion laughs) are measured in the time of the file's text; a node met
    inside itself counts as one here (the build refuses it as nested too deep)."""
    sizes: dict[int, int | None] = {}  # each node's size; None while its children are measured
    pending = [root]
    while pending:
        node = pending[-1]
        if id(node) not in sizes:
            sizes[id(node)] = None
            pending.extend(child for child in _built_within(node) if id(child) not in sizes)
            continue
        pending.pop()
        if sizes[id(node)] is None:
            sizes[id(node)] = 1 + sum(sizes[id(child)] or 1 for child in _built_within(node))
    return sizes[id(root)] or 1


def _built_within(node: yaml.Node) -> list[yaml.Node]:
    """The nodes the build makes values of inside `node`: items, keys and values, as _TreeBuilder does."""
    if isinstance(node, yaml.ScalarNode) or node.tag not in _PLAIN_TAGS:
        return []
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return [part for key, value in node.value if key.tag != _MERGE_TAG for part in (key, value)]


class _TreeBuilder:
    """Turns a composed YAML node tree into YamlMap, YamlList and scalar values."""

    def __init__(self, path: Path, problems: list[Problem], text: str):
        self.path = path
        # Where a comment after a value is sought: the file's text by lines and columns, which both of PyYAML's
        # parsers count without a byte order mark (libyaml's index leaves it out, PyYAML's own counts it).
        self.text = text.removeprefix("\ufeff")
        self.lines = [0] + [match.end() for match in LINE_BREAK.finditer(self.text)]  # where each line starts
        self.problems = problems
        self.constructor = yaml.SafeLoader("")  # only for its scalar resolution
        self.count = 0
        self.built: set[int] = set()  # the nodes built so far: meeting one again means an alias

    def build(self, node: yaml.Node, depth: int = 0) -> object:
        """Build `node`, found inside `depth` lists and mappings."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge(_too_many(self.path))
        spot = self.spot(node)
        if depth >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):  # deeper than the text: aliases
            raise _TooLarge(
                Problem(
                    spot.mark,
                    f"lists and mappings nested more than {MAX_DEPTH} deep through"
                    " aliases (an alias inside the value it names?)",
                )
            )
        self.built.add(id(node))
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _PLAIN_TAGS:
            self.problems.append(Problem(spot.mark, f"YAML tag {node.tag!r} is not allowed in content"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, spot, depth + 1)
        if isinstance(node, yaml.ScalarNode) and node.tag.startswith("!"):
            if not SOURCE_TAG.match(node.tag):
                self.problems.append(
                    Problem(
                        spot.mark,
                        f"YAML tag {node.tag!r} is not allowed in content"
                        " (the only tag is !source-<hash> on a translated text)",
                    )
                )
            return normalized(node.value)  # a tagged scalar is text, whatever it looks like
        if isinstance(node, yaml.SequenceNode):
            result = YamlList(spot)
            for item in node.value:
                result.item_spots.append(self.spot(item))
                result.append(self.build(item, depth + 1))
            return result
        if node.tag not in _PLAIN_SCALARS:  # written with a tag (!!binary), or a YAML oddity (= is a "value")
            written = (
                f"the tag {node.tag.replace('tag:yaml.org,2002:', '!!')}"
                if node.tag != _VALUE_TAG
                else f"{node.value!r} as a special value"
            )
            self.problems.append(
                Problem(
                    spot.mark,
                    f"YAML reads {written}, which content cannot hold; write the text in quotes, without a tag",
                )
            )
            return normalized(node.value)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as err:
            if node.tag == _TIMESTAMP_TAG:  # looks like a date but is none (2022-02-31): the schema says so once
                return node.value
            self.problems.append(Problem(spot.mark, f"cannot read value {node.value!r}: {err}"))
            return normalized(node.value)
        return normalized(value) if isinstance(value, str) else value

    def build_mapping(self, node: yaml.MappingNode, spot: Spot, depth: int) -> YamlMap:
        result = YamlMap(spot)
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.problems.append(Problem(self.spot(key_node).mark, "merge keys (<<) are not supported"))
                continue
            key = self.build(key_node, depth)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.problems.append(Problem(self.spot(key_node).mark, "a key must be a plain word"))
                continue
            if key in result:
                first = result.key_spots[key].mark
                self.problems.append(
                    Problem(self.spot(key_node).mark, f"duplicate key '{key}' (first written at line {first.line})")
                )
                continue
            result.key_spots[key] = self.spot(key_node)
            result.value_spots[key] = self.spot(value_node)
            result[key] = self.build(value_node, depth)
        return result

    def spot(self, node: yaml.Node) -> Spot:
        """Where `node` is; taken before the node is built, so that a node met again is known as an alias."""
        mark = _mark(self.path, node.start_mark)
        alias = id(node) in self.built  # an alias yields the anchored node itself, with the anchor's place
        if isinstance(node, yaml.ScalarNode):
            tag = SOURCE_TAG.match(node.tag)
            return Spot(
                mark,
                normalized(node.value),
                node.style in ("'", '"'),
                tag["hash"] if tag else None,
                alias,
                self.comment_after(node),
            )
        return Spot(mark, alias=alias)

    def comment_after(self, node: yaml.ScalarNode) -> tuple[Mark, str] | None:
        """The comment right after `node` on its line, when `node` is an unquoted value (YAML ended the value at
        its `#`), with what it says; not after text in quotes or a block scalar's header, nor after nothing or `~`."""
        if node.style not in (None, "") or not node.value or node.tag == _NULL_TAG:
            return None
        end = node.end_mark
        found = _COMMENT_AFTER.match(self.text, self.lines[end.line] + end.column)
        if found is None:
            return None
        return Mark(self.path, end.line + 1, end.column + len(found[1]) + 1), normalized(found[2].rstrip())


def normalized(text: str) -> str:
    """Return `text` in Unicode's composed normal form (NFC)."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _mark(path: Path, yaml_mark: YamlMark) -> Mark:
    return Mark(path, yaml_mark.line + 1, yaml_mark.column + 1)
