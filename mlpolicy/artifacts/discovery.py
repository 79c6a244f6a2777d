"""Finding an artifact kind's files: declared paths or defaults, folders walked, all recorded.

Shared by the readers whose manifest entry may name files or folders (pipelines,
validation evidence): each supplies only how to read one file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.project import Project

UNKNOWN = "unknown"


class Read(Protocol):
    """What a reader returns for one file: enough to list it in the report."""

    @property
    def path(self) -> Path: ...
    @property
    def rel(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def status(self) -> str: ...


T = TypeVar("T", bound=Read)


@dataclass(frozen=True, slots=True)
class Absent:
    """A path the manifest names that yields nothing, and the manifest line naming it."""

    rel: str
    location: Location
    reason: str  # "does not exist" | "holds no <what the kind is>"


def collect(
    project: Project,
    kind: str,
    defaults: Sequence[str],
    suffixes: tuple[str, ...],
    read_file: Callable[[Project, Path, bool], T | None],
    empty: str,
) -> tuple[tuple[T, ...], tuple[Absent, ...]]:
    """Every file of ``kind`` read once (in order, no repeats), and declared paths that hold none.

    ``read_file(project, path, explicit)`` returns None for a file that is not of this kind;
    ``explicit`` is True when the manifest names that very file. Everything read, and every
    declared path that is absent, is recorded for the report's artifacts list.
    """
    found: dict[Path, T] = {}
    absent: list[Absent] = []
    for path, where in project.candidates(kind, defaults):
        if path.is_dir():
            inside = [read_file(project, f, False) for f in project.files_under(path, suffixes)]
            kept = [item for item in inside if item is not None]
            for item in kept:
                found.setdefault(item.path, item)
            if where is not None and not kept:
                absent.append(Absent(project.rel(path), where, empty))
        elif path.is_file():
            read = read_file(project, path, where is not None)
            if read is not None:
                found.setdefault(path, read)
        elif where is not None:
            absent.append(Absent(project.rel(path), where, "does not exist"))
    for item in found.values():
        project.record(Artifact(kind, item.rel, item.format, item.status))
    for missing in absent:
        project.record(Artifact(kind, missing.rel, UNKNOWN, "missing"))
    return tuple(found.values()), tuple(absent)
