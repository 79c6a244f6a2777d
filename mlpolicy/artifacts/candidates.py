"""Finding an artifact kind's files: declared paths or defaults, folders walked, all recorded.

Shared by the readers whose manifest entry may name files or folders (pipelines,
validation evidence): each supplies only how to read one file. A candidate file that
matches no format is kept as an :class:`Unrecognised` fact saying why, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from mlpolicy.artifacts import unrecognised
from mlpolicy.artifacts.unrecognised import UNKNOWN as UNKNOWN
from mlpolicy.artifacts.unrecognised import Unrecognised
from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.project import Project


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
    reason: str  # "does not exist" | "holds no <what the kind is>" | "is not recognised: ..."
    looked_at: tuple[Unrecognised, ...] = ()  # the declared folder's files, none recognised


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """A search's result: the kind's files, declared paths yielding none, other candidates."""

    items: tuple[T, ...]
    absent: tuple[Absent, ...]
    unrecognised: tuple[Unrecognised, ...]


def collect(
    project: Project,
    kind: str,
    defaults: Sequence[str],
    suffixes: tuple[str, ...],
    read_file: Callable[[Project, Path], T | Unrecognised],
    empty: str,
) -> Found[T]:
    """Every candidate of ``kind`` read once (in order, no repeats), sorted into what it is.

    ``read_file(project, path)`` reads one file as the kind, or says why it is not one.
    Everything read, and every declared path that is absent, is recorded for the report's
    artifacts list; unrecognised files with status ``unrecognised``.
    """
    found: dict[Path, T] = {}
    others: dict[Path, Unrecognised] = {}
    absent: list[Absent] = []
    for path, where in project.candidates(kind, defaults):
        if path.is_dir():
            inside = [read_file(project, f) for f in project.files_under(path, suffixes)]
            kept = [item for item in inside if not isinstance(item, Unrecognised)]
            rest = [item for item in inside if isinstance(item, Unrecognised)]
            for item in kept:
                found.setdefault(item.path, item)
            for other in rest:
                others.setdefault(other.path, other)
            if where is not None and not kept:
                absent.append(Absent(project.rel(path), where, empty, tuple(rest)))
        elif path.is_file():
            read = read_file(project, path)
            if isinstance(read, Unrecognised):
                others.setdefault(path, read)
                if where is not None:
                    absent.append(Absent(read.rel, where, f"is not recognised: {read.reason}"))
            else:
                found.setdefault(path, read)
        elif where is not None:
            absent.append(Absent(project.rel(path), where, "does not exist"))
    return _recorded(
        project, kind, Found(tuple(found.values()), tuple(absent), _only(others, found))
    )


def _only(others: dict[Path, Unrecognised], found: dict[Path, T]) -> tuple[Unrecognised, ...]:
    # A file named twice (a folder and the file in it) counts once, as what it is.
    return tuple(item for path, item in others.items() if path not in found)


def _recorded(project: Project, kind: str, result: Found[T]) -> Found[T]:
    for item in result.items:
        project.record(Artifact(kind, item.rel, item.format, item.status))
    unrecognised.record(project, kind, result.unrecognised)
    for missing in result.absent:
        if (kind, missing.rel) not in project.artifacts:
            project.record(Artifact(kind, missing.rel, UNKNOWN, "missing"))
    return result
