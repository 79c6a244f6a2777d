"""Required sections of a Markdown artifact: heading normalisation, matching, own text.

A heading counts as a section when its normalised text contains one of the section's
aliases (normalised the same way) as whole words, so "## 2. Is ML the right approach?
(non-ML baseline)" is the "Why ML" section. A section's *own text* runs from the line
after its heading down to the next heading of the same or a higher level, and includes
its subsections -- except a subsection that is itself another required section, whose
text is its own. So "## Data" split into "### Sources" and "### Labels" is filled, and
a "### Non-ML baseline" nested under "## Problem" does not fill "Problem".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlpolicy.artifacts.markdown import Heading, MarkdownDocument, Spans
    from mlpolicy.policy import Section

# Character classes exclude the opening character too, so no input makes these quadratic.
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)|!?\[([^\[\]]*)\]\[[^\[\]]*\]")
_MARKUP = re.compile(r"<[^<>]*>|\{#[^{}]*\}")  # HTML tags and {#custom-id} attributes
_NUMBERING = re.compile(r"(?:\d+(?:\.\d+)*[.):]?|[ivxlcdm]+[.):]|[a-z][.):])\s+")
_NON_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Heading text reduced for matching: lower case, no markup, numbering or punctuation.

    ``"2) **Non-ML** [baseline](#b)"`` and the alias ``"non-ML baseline"`` both become
    ``"non ml baseline"``.
    """
    text = _LINK.sub(lambda m: m[1] if m[1] is not None else (m[2] or ""), text)
    text = _MARKUP.sub(" ", text).strip().casefold()
    numbering = _NUMBERING.match(text)
    text = text[numbering.end() :] if numbering else text
    return " ".join(_NON_WORD.sub(" ", text).split())


def names(key: str, aliases: Iterable[str]) -> bool:
    """True when the normalised heading ``key`` contains a normalised alias as whole words."""
    padded = f" {key} "
    return any(f" {alias} " in padded for alias in aliases if alias)


@dataclass(frozen=True, slots=True)
class SectionMatch:
    """A required section, the headings that count as it, and each heading's own lines."""

    name: str
    aliases: tuple[str, ...]
    headings: tuple[Heading, ...]
    own: tuple[Spans, ...]  # per heading: the line ranges of its own text


def match_sections(
    document: MarkdownDocument, sections: Iterable[Section], whole: bool = False
) -> tuple[SectionMatch, ...]:
    """Every required section with the headings of ``document`` that count as it.

    With ``whole``, a heading's own text is all of its subsections, even those that are
    another required section (a model card's "## Intended uses & limitations" with
    "### Limitations" under it fills both).
    """
    wanted = [(s, _normalised(s.aliases)) for s in sections]
    owners = [
        frozenset(s.name for s, keys in wanted if names(h.key, keys)) for h in document.headings
    ]
    matches = []
    for section, _keys in wanted:
        mine = [i for i, names_ in enumerate(owners) if section.name in names_]
        matches.append(
            SectionMatch(
                section.name,
                section.aliases,
                tuple(document.headings[i] for i in mine),
                tuple(
                    _whole(document.headings[i])
                    if whole
                    else _own(document.headings, i, owners, section.name)
                    for i in mine
                ),
            )
        )
    return tuple(matches)


# A policy's aliases are the same for every project it governs: normalised once.
@functools.lru_cache(maxsize=256)
def _normalised(aliases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(normalise(alias) for alias in aliases)


def _whole(heading: Heading) -> Spans:
    """Every line under ``heading``, its subsections included."""
    return ((heading.line + 1, heading.end),) if heading.line < heading.end else ()


def _own(
    headings: tuple[Heading, ...], index: int, owners: list[frozenset[str]], name: str
) -> Spans:
    """Line ranges under ``headings[index]``, minus subsections owned by other sections."""
    heading = headings[index]
    spans = []
    cursor = heading.line + 1
    for number in range(index + 1, len(headings)):
        nested = headings[number]
        if nested.line > heading.end:
            break
        if nested.line >= cursor and owners[number] and name not in owners[number]:
            spans.append((cursor, nested.line - 1))
            cursor = nested.end + 1
    spans.append((cursor, heading.end))
    return tuple((start, end) for start, end in spans if start <= end)
