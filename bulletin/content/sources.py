"""Which translations are behind their source: source hashes and the state of each translation.

Each translated text carries, in a YAML tag right before it, a short hash of the
source-language text it was last confirmed against:

    title: !source-1a2b3c4d "Vagif mausoleum in Shusha reopens after restoration"

When the source text changes (or is no longer there), its hash no longer matches and the
translation is *stale*; a translation with no tag has never been confirmed. After updating a
translation, the translator confirms it (`confirmation`, `build.py confirm`), which writes
the current source hash into the tag. The hash ignores how the source text is wrapped and
whether its letters are stored composed or decomposed: only its words and paragraph breaks count.
"""

from __future__ import annotations

import hashlib
import re

from .loading import normalized
from .texts import TextField, Texts

FRESH, STALE, UNCONFIRMED = "confirmed", "stale", "unconfirmed"  # the states of a translated text


def source_hash(text: str) -> str:
    """The short hash of a source text: its words and paragraph breaks, not its line wrapping nor its Unicode form."""
    paragraphs = (" ".join(paragraph.split()) for paragraph in re.split(r"\n[ \t]*\n", normalized(text).strip()))
    # A lone surrogate (from a \ud800 escape) cannot be encoded; validation refuses it, status still lists it.
    return hashlib.sha256("\n\n".join(paragraphs).encode("utf-8", "surrogatepass")).hexdigest()[:8]


def source_text(texts: Texts, item: TextField, source_language: str) -> str | None:
    """The source-language text that `item` translates, if there is one."""
    return texts.slot(item.key).get(source_language)


def freshness(texts: Texts, item: TextField, source_language: str) -> str | None:
    """Whether a translated text is confirmed against the current source text, stale or unconfirmed;
    None for a source-language text or a gap, and when the source text is missing or cannot be read: that
    is the source file's problem, reported there, and says nothing of the translations."""
    if item.language == source_language or item.value is None:
        return None
    source = source_text(texts, item, source_language)
    if source is None:
        return None
    if item.confirmed is None:
        return UNCONFIRMED
    return FRESH if item.confirmed == source_hash(source) else STALE


def outdated(texts: Texts, fields: list[TextField], source_language: str) -> list[tuple[TextField, str]]:
    """The translations among `fields` that are stale or unconfirmed, each with its state."""
    states = ((item, freshness(texts, item, source_language)) for item in fields)
    return [(item, state) for item, state in states if state in (STALE, UNCONFIRMED)]
