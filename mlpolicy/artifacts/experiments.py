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
  into a :class:`LogFile`: the ``mlpolicy.runlog/v1`` JSONL reader
  (:mod:`mlpolicy.artifacts.runlog`), MLflow's SQLite and file stores, DVCLive and W&B
  (one module each), all producing the same ``Run`` values.

A declared path may be a log, a store, or a folder whose claimed files are read (not
recursively). Formats that record no commit (DVCLive) name the path whose last commit is
the run's (``Run.commit_from``); those commits are filled in here with one git question
for all such paths. An uncommitted store is no evidence: when a committed log exists,
``Experiments.runs`` leaves the runs of uncommitted logs out (MLP208 reports them).
Nothing here raises on file contents: a bad line, a bad file or an unknown format becomes
an :class:`InvalidRecord` with a message and a location.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.artifacts import dvclive, mlflow_filestore, mlflow_sqlite, runlog, wandb_runs
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.findings import Artifact, Location
from mlpolicy.gitscope import GitError

if TYPE_CHECKING:
    from mlpolicy.project import Project

__all__ = ["READERS", "AbsentLog", "Experiments", "InvalidRecord", "LogFile", "Run", "read"]

KIND = "experiments"
UNKNOWN = "unknown"
READERS: tuple[Reader, ...] = (
    runlog.READER,
    mlflow_sqlite.READER,
    mlflow_filestore.READER,
    dvclive.READER,
    wandb_runs.READER,
)
FORMATS_READ = (
    "runlog JSONL (*.jsonl), an MLflow store (mlflow.db or mlruns/),"
    " a DVCLive folder (dvclive/) or W&B run folders (wandb/)"
)


@dataclass(frozen=True, slots=True)
class AbsentLog:
    """A path the manifest declares as an experiment log that holds none."""

    declared: str  # repo-relative
    reason: str
    location: Location  # the manifest line declaring it
    hint: str = (
        "Fix the path under `artifacts: experiments:`, or log a run there with"
        " `mlpolicy log -o PATH` and commit it."
    )


@dataclass(frozen=True, slots=True)
class Experiments:
    """Every experiment log of one project."""

    files: tuple[LogFile, ...]
    absent: tuple[AbsentLog, ...]
    searched: tuple[str, ...]  # default globs looked at when the manifest declares none
    uncommitted: frozenset[str] = frozenset()  # logs on disk but not in the git index

    @property
    def recognised(self) -> tuple[LogFile, ...]:
        return tuple(f for f in self.files if f.format != UNKNOWN)

    @property
    def committed(self) -> tuple[LogFile, ...]:
        """Recognised logs in the git index (all of them outside git or with ``--no-git``)."""
        return tuple(f for f in self.recognised if f.path not in self.uncommitted)

    @property
    def stores_left_out(self) -> tuple[LogFile, ...]:
        """Uncommitted logs whose runs do not count because committed ones exist (MLP208)."""
        if not any(f.status == "ok" for f in self.committed):
            return ()  # then MLP501 reports them: nothing committed satisfies the need
        return tuple(f for f in self.recognised if f.path in self.uncommitted)

    @property
    def runs(self) -> tuple[Run, ...]:
        """The runs that count as evidence: of committed logs when there are any, else all."""
        counted = self.committed or self.recognised
        return tuple(run for f in counted for run in f.runs)

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
    read_logs = _commits_from_history(project, tuple(files.values()))
    for log in read_logs:
        project.record(Artifact(KIND, log.path, log.format, log.status))
    if not files and not declared:
        missing = project.rel(project.root / defaults[0])
        project.record(Artifact(KIND, missing, READERS[0].format, "missing"))
    searched = () if declared else defaults
    return Experiments(read_logs, tuple(absent), searched, _uncommitted(project, read_logs))


def _commits_from_history(project: Project, logs: tuple[LogFile, ...]) -> tuple[LogFile, ...]:
    """Runs whose commit is the last commit touching a path get it, in one git question."""
    paths = {run.commit_from for log in logs for run in log.runs if run.commit_from}
    if not paths or project.git is None:
        return logs
    try:
        found = {path: commit.sha for path, commit in project.git.last_commits(paths).items()}
    except GitError:
        found = {}
    return tuple(replace(log, runs=_filled(log.runs, found)) for log in logs)


def _filled(runs: Iterable[Run], commits: dict[str, str]) -> tuple[Run, ...]:
    return tuple(
        replace(run, commit=commits.get(run.commit_from)) if run.commit_from else run
        for run in runs
    )


def _uncommitted(project: Project, logs: tuple[LogFile, ...]) -> frozenset[str]:
    git = project.git
    if git is None:
        return frozenset()
    try:
        return frozenset(log.path for log in logs if not git.is_tracked(log.path))
    except GitError:
        return frozenset()


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
    reason = f"holds no experiment log mlpolicy reads (looked for {FORMATS_READ})"
    hint = (
        "Point `artifacts: experiments:` at a log in one of these formats, or turn your"
        " tracker's store into a runlog with `mlpolicy export`."
    )
    return AbsentLog(declared, reason, where, hint)


def _unknown(rel: str) -> LogFile:
    formats = ", ".join(reader.format for reader in READERS)
    return unreadable(rel, UNKNOWN, f"not an experiment log format mlpolicy reads ({formats})")
