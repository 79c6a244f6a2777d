"""Experiment logs: found where the manifest says (or at default places), read into runs.

Public API, for rules and for readers of further formats:

- ``read(project) -> Experiments`` reads every experiment log of the project once per check
  (cached on the project) and records each in the report's artifacts list.
- ``Experiments.runs`` are the valid runs of every log, in path then line order;
  ``Experiments.invalid`` the malformed records and unreadable files; ``Experiments.absent``
  the declared paths holding no log; ``Experiments.recognised`` the logs in a known format.
- ``Run`` (from :mod:`mlpolicy.artifacts.runs`) is one run whatever format recorded it: id,
  experiment, status, commit (None when the format recorded none), dirty flag, params, the
  last value of each metric, start time, and the file and line it came from.
- ``READERS`` lists the formats, tried in order. A :class:`Reader` names the default globs it
  owns, says whether it claims a path (a file, or a directory that is a store) and turns it
  into a :class:`LogFile`. MLflow, DVCLive and W&B readers plug in there beside the
  ``mlpolicy.runlog/v1`` JSONL reader (:mod:`mlpolicy.artifacts.runlog`), producing the
  same ``Run`` values.

A declared path may be a log, a store, or a folder whose claimed files are read (not
recursively). Nothing here raises on file contents: a bad line, a bad file or an unknown
format becomes an :class:`InvalidRecord` with a message and a location.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.artifacts import runlog
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.project import Project

__all__ = ["READERS", "AbsentLog", "Experiments", "InvalidRecord", "LogFile", "Run", "read"]

KIND = "experiments"
UNKNOWN = "unknown"
READERS: tuple[Reader, ...] = (runlog.READER,)


@dataclass(frozen=True, slots=True)
class AbsentLog:
    """A path the manifest declares as an experiment log that holds none."""

    declared: str  # repo-relative
    reason: str
    location: Location  # the manifest line declaring it


@dataclass(frozen=True, slots=True)
class Experiments:
    """Every experiment log of one project."""

    files: tuple[LogFile, ...]
    absent: tuple[AbsentLog, ...]
    searched: tuple[str, ...]  # default globs looked at when the manifest declares none

    @property
    def recognised(self) -> tuple[LogFile, ...]:
        return tuple(f for f in self.files if f.format != UNKNOWN)

    @property
    def runs(self) -> tuple[Run, ...]:
        return tuple(run for f in self.files for run in f.runs)

    @property
    def invalid(self) -> tuple[InvalidRecord, ...]:
        return tuple(record for f in self.files for record in f.invalid)


def read(project: Project) -> Experiments:
    """The project's experiment logs, read once per check and shared by every rule."""
    return project.cached(KIND, lambda: _read_all(project))


def _read_all(project: Project) -> Experiments:
    defaults = tuple(glob for reader in READERS for glob in reader.defaults)
    declared = project.declared(KIND) is not None
    files: dict[str, LogFile] = {}
    absent: list[AbsentLog] = []
    for path, where in project.candidates(KIND, defaults):
        logs = list(_logs(project, path, declared=where is not None))
        if where is not None and not logs:
            absent.append(_absent(project, path, where))
        for log_path, reader in logs:
            rel = project.rel(log_path)
            if rel not in files:
                files[rel] = reader.read(log_path, rel) if reader else _unknown(rel)
    for log in files.values():
        project.record(Artifact(KIND, log.path, log.format, log.status))
    if not files and not declared:
        missing = project.rel(project.root / defaults[0])
        project.record(Artifact(KIND, missing, READERS[0].format, "missing"))
    return Experiments(tuple(files.values()), tuple(absent), () if declared else defaults)


def _logs(project: Project, path: Path, declared: bool) -> Iterator[tuple[Path, Reader | None]]:
    """The logs at ``path``: itself if a format claims it, else the claimed files inside it."""
    reader = _claimant(path)
    if reader is not None and path.exists():
        yield path, reader
    elif path.is_dir():
        for child in sorted(path.iterdir()):
            # A symlink in a declared folder may lead outside the repository: resolve it.
            safe = project.resolve(Path(os.path.relpath(child, project.root)).as_posix())
            child_reader = _claimant(child) if safe is not None else None
            if safe is not None and child_reader is not None and project.usable(safe):
                yield safe, child_reader
    elif declared and path.exists():
        yield path, None  # a declared file that no format claims is reported, not skipped


def _claimant(path: Path) -> Reader | None:
    return next((reader for reader in READERS if reader.claims(path)), None)


def _absent(project: Project, path: Path, where: Location) -> AbsentLog:
    declared = project.rel(path)
    if not path.exists():
        reader = _claimant(path)
        project.record(Artifact(KIND, declared, reader.format if reader else UNKNOWN, "missing"))
        return AbsentLog(declared, "does not exist", where)
    project.record(Artifact(KIND, declared, UNKNOWN, "missing"))
    globs = ", ".join(glob.rsplit("/", 1)[-1] for reader in READERS for glob in reader.defaults)
    return AbsentLog(declared, f"holds no experiment log (looked for {globs})", where)


def _unknown(rel: str) -> LogFile:
    formats = ", ".join(reader.format for reader in READERS)
    return unreadable(rel, UNKNOWN, f"not an experiment log format mlpolicy reads ({formats})")
