"""Problems and message parts shared by the Markdown artifact rules (design doc, model card)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem

if TYPE_CHECKING:
    from mlpolicy.artifacts.markdown import MarkdownFile
    from mlpolicy.artifacts.sections import SectionMatch
    from mlpolicy.facts import ProjectFacts

_SHOWN = 60  # characters of a matched placeholder quoted in a message


def absence(
    facts: ProjectFacts, kind: str, found: MarkdownFile | None, looked_for: str, hint: str
) -> Iterator[Problem]:
    """The problem with a Markdown artifact that is absent, declared but missing, or unreadable."""
    what = kind.replace("_", " ")
    if found is None:
        where = facts.requirement_location(kind)
        yield Problem(f"no {what} found (looked for {looked_for})", where, hint)
    elif found.status == "missing":
        yield Problem(
            f'{what} "{found.path}" {found.problem}',
            found.where,
            "Fix the path in the manifest's `artifacts`, or add the file there.",
        )
    elif found.status != "ok":
        yield Problem(
            f'{what} "{found.path}" cannot be read: {found.problem}',
            found.where,
            f"Save the {what} as UTF-8 Markdown text of at most 1 MiB.",
        )


def quoted(text: str) -> str:
    """``text`` for a message, cut short when a placeholder matched a long stretch."""
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def aliases(match: SectionMatch) -> str:
    """The headings that would count as ``match``'s section, for a message."""
    return ", ".join(match.aliases)
