"""Extraction of the interface strings from the templates, as `pybabel extract -F babel.cfg .` does.

`extract_template` walks the project's folder as babel.cfg says (only into the folders a pattern may
match) and gives a Babel catalog of every string the templates mark (`_()`, `gettext()`,
`marked_up()`); `template_strings` gives their msgids. Each template's parse is remembered by its
text, so that the validation that every build, every `status` and every change seen by a watching
build runs does not parse the templates again; the files themselves are read each time.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from functools import cache
from importlib.metadata import entry_points
from io import BytesIO, StringIO
from pathlib import Path
from typing import IO, TypeAlias

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.util import pathmatch

from ..project import MAX_TEMPLATE
from ..util.files import check_project_file, read_project_text

# The templates' gettext for a string whose translation may hold a few tags (rendering.with_allowed_tags):
# extracted like _() and gettext().
MARKUP_KEYWORD = "marked_up"
# A template's comment that begins so, right before an interface string, is the string's note for translators.
TRANSLATORS_TAG = "Translators:"
TEMPLATE_OWNER = "Since the Victory"  # the project, and the copyright holder, of the template's header

ExtractionMethod: TypeAlias = Callable[[IO[bytes], Collection[str], Collection[str], Mapping], Iterator]


def new_template() -> Catalog:
    """An empty template catalog, with the header the committed messages.pot has."""
    return Catalog(project=TEMPLATE_OWNER, copyright_holder=TEMPLATE_OWNER)


def extract_template(extraction_config: Path) -> Catalog:
    """Extract the template strings as `pybabel extract -F babel.cfg .` does in the config's folder; stop
    (BuildError) at a template that is not a regular file of a template's size, which Babel would open as it is
    (and wait on a named pipe forever)."""
    text = read_project_text(extraction_config, "extraction configuration", MAX_TEMPLATE)
    methods, options = parse_mapping_cfg(StringIO(text), filename=str(extraction_config))
    descend = _directory_filter(methods, extraction_config.parent)
    methods = [(pattern, _extracted_once(method)) for pattern, method in methods]
    template = new_template()

    def check(name: str, _method: str, _options: dict) -> None:  # Babel calls it before it opens each file
        check_project_file(extraction_config.parent / name, "template", MAX_TEMPLATE)

    for filename, line, message, comments, context in extract_from_dir(
        str(extraction_config.parent),
        methods,
        options,
        keywords={**DEFAULT_KEYWORDS, MARKUP_KEYWORD: None},
        callback=check,
        directory_filter=descend,
        comment_tags=(TRANSLATORS_TAG,),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return template


def _directory_filter(methods: list[tuple[str, str]], root: Path) -> Callable[[str], bool]:
    """Which folders the extraction walks into: as Babel's own filter, not hidden ones (. or _) nor those the
    configuration ignores, and only those where a pattern may match (templates/** in the project's folder, not its
    output/ of many deliveries)."""
    wildcard = re.compile(r"[*?\[]")
    within = {
        "/".join(itertools.takewhile(lambda part: not wildcard.search(part), pattern.split("/")[:-1]))
        for pattern, method in methods
        if method != "ignore"
    }

    def descend(folder: str) -> bool:
        if Path(folder).name.startswith((".", "_")):
            return False
        relative = Path(folder).relative_to(root).as_posix()
        if any(method == "ignore" and pathmatch(pattern, relative) for pattern, method in methods):
            return False
        return any(
            not top or relative == top or relative.startswith(f"{top}/") or top.startswith(f"{relative}/")
            for top in within
        )

    return descend


# What each template's text gave an extraction method, by the method, the text and the options: a template read
# again unchanged is not parsed again (a watching build validates at each change, the tests hundreds of times).
_EXTRACTED: dict[tuple[str, bytes, str], list] = {}
_EXTRACTED_MAX = 256  # texts remembered; forgotten all at once past it (a watching build's edits)


@cache  # the installed extractors are looked up once: a tenth of the time of an extraction
def _extracted_once(method: str) -> ExtractionMethod | str:
    """Babel's extraction method named `method` in babel.cfg, answering from memory for a text it read before; the
    name itself when no installed extractor bears it (Babel then says so)."""
    found = entry_points(group="babel.extractors", name=method)
    if not found:
        return method
    extractor = next(iter(found)).load()

    def extract(
        fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping
    ) -> Iterator:
        text = fileobj.read()
        key = (method, hashlib.sha256(text).digest(), repr((sorted(keywords), list(comment_tags), options)))
        if key not in _EXTRACTED:
            if len(_EXTRACTED) >= _EXTRACTED_MAX:
                _EXTRACTED.clear()
            _EXTRACTED[key] = list(extractor(BytesIO(text), keywords, comment_tags, options))
        return iter(copy.deepcopy(_EXTRACTED[key]))  # Babel may change the comments it is given

    return extract


def template_strings(extraction_config: Path) -> tuple[str, ...]:
    """Return the singular msgid of every template string, sorted."""
    # Read afresh each time (a template may change while the process runs: tests, a watching build); only the
    # parse of a template's text is remembered, by the text.
    return tuple(sorted({singular(message) for message in extract_template(extraction_config) if message.id}))


def singular(message: Message) -> str:
    """The msgid of `message`, the singular of a plural one."""
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id
