"""Candidate files that match no format of their kind: never skipped silently (SPEC section 5).

A file at a declared location, or a YAML/JSON/XML/Python file in a default location, that a
reader cannot place is an :class:`Unrecognised` fact saying why. When nothing else satisfies
the requirement, the kind's missing-artifact rule names these files (:func:`summarise`);
otherwise the report lists each with status ``unrecognised`` (:func:`record`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.findings import Artifact

if TYPE_CHECKING:
    from mlpolicy.project import Project

STATUS = "unrecognised"
UNKNOWN = "unknown"
SHOWN = 3  # files a message names before "and N more"


@dataclass(frozen=True, slots=True)
class Unrecognised:
    """A candidate file no reader of its kind recognised, and why (completes "rel: ...")."""

    path: Path
    rel: str
    reason: str  # "Python file defines no pipeline (found only @dsl.component functions)"
    format: str = UNKNOWN
    status: str = STATUS

    def describe(self) -> str:
        return f"{self.rel}: {self.reason}"


def summarise(files: Sequence[Unrecognised], shown: int = SHOWN) -> str:
    """``a.py: why; b.yaml: why; and 4 more``: the files looked at, bounded for a message."""
    named = "; ".join(item.describe() for item in files[:shown])
    rest = len(files) - shown
    return named + (f"; and {rest} more" if rest > 0 else "")


def looked_at(files: Sequence[Unrecognised]) -> str:
    """`` (looked at a.py: why; ...)`` to append to a missing-artifact message, or ``""``."""
    return f" (looked at {summarise(files)})" if files else ""


def record(project: Project, kind: str, files: Iterable[Unrecognised]) -> None:
    """List each file in the report's artifacts with status ``unrecognised``."""
    for item in files:
        project.record(Artifact(kind, item.rel, item.format, STATUS))
