"""Log experiment runs as ``mlpolicy.runlog/v1`` records, for teams without a tracker.

::

    from mlpolicy.runlog import log_run

    log_run("churn", params={"model": "gbm", "lr": 0.05}, metrics={"val_auc": 0.83})

appends one line to ``experiments/runs.jsonl`` of the project (the nearest directory at or
above the current one holding ``mlpolicy.yaml``, else the current directory), or to the
first runlog file or folder its manifest declares under ``artifacts: experiments:``,
creating the folder if needed. The run id (a random UUID), the start time (now, UTC) and the commit
(HEAD) are filled in, and ``git.dirty`` says whether tracked files differed from HEAD,
the log file itself aside, so that logging one run does not make the next one dirty.

A run record names the commit it was made from, so logging needs a git repository with at
least one commit: anywhere else :class:`RunlogError` says so and nothing is written. So it
does for a record the schema refuses, and for a path that is not a regular file, lies in
``.git/`` or leads outside the repository through a symlink.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlpolicy.errors import UsageError

DEFAULT_PATH = Path("experiments", "runs.jsonl")
_STORES = frozenset({"mlruns", "dvclive", "wandb"})  # tracker folders, not runlog folders
STATUSES = ("running", "finished", "failed", "killed")
_GENERATED = frozenset(
    ("schema", "run_id", "experiment", "started_at", "status", "git", "params", "metrics")
)


class RunlogError(UsageError):
    """A run that cannot be logged; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class LoggedRun:
    """A run that was appended: its id, the file, and the line written (without newline)."""

    run_id: str
    path: Path
    line: str
    commit: str
    dirty: bool


def log_run(
    experiment: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, Any],
    status: str = "finished",
    path: str | os.PathLike[str] | None = None,
    run_id: str | None = None,
    started_at: dt.datetime | str | None = None,
    *,
    extra: Mapping[str, Any] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> LoggedRun:
    """Append one run record to ``path`` (default ``experiments/runs.jsonl``) and return it.

    ``metrics`` map names to numbers (or to series of ``{"step", "value"}``); ``params``
    to any JSON values. A naive ``started_at`` datetime is taken as this machine's local
    time; a string must be RFC 3339 with an offset. ``extra`` adds optional keys of the
    format (``seed``, ``tags``, ``datasets``, ``ended_at``...). Relative paths are
    resolved from ``cwd`` (default: the current directory).
    """
    base = Path(os.path.abspath(cwd if cwd is not None else Path.cwd()))
    target, root = _target(base, path)
    commit, dirty = _git_state(root, target)
    record = build_record(
        experiment,
        params,
        metrics,
        status=status,
        run_id=run_id if run_id is not None else uuid.uuid4().hex,
        started_at=_timestamp(started_at),
        commit=commit,
        dirty=dirty,
        extra=extra,
    )
    line = encode(record)
    _append(target, line)
    return LoggedRun(record["run_id"], target, line, commit, dirty)


def build_record(
    experiment: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, Any],
    *,
    status: str,
    run_id: str,
    started_at: str,
    commit: str,
    dirty: bool,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The record's keys in the order the format lists them, ``extra`` keys last."""
    clash = sorted(_GENERATED.intersection(extra or {}))
    if clash:
        raise RunlogError(f'extra: "{clash[0]}" is a key log_run fills in; pass it as an argument')
    return {
        "schema": "mlpolicy.runlog/v1",
        "run_id": run_id,
        "experiment": experiment,
        "started_at": started_at,
        "status": status,
        "git": {"commit": commit, "dirty": dirty},
        "params": dict(params),
        "metrics": dict(metrics),
        **(extra or {}),
    }


def encode(record: dict[str, Any]) -> str:
    """The record as one JSONL line, after checking it against the runlog schema."""
    from mlpolicy.artifacts import runlog_problems, runlog_validity
    from mlpolicy.artifacts.runlog import MAX_LINE_BYTES
    from mlpolicy.findings import Location

    try:
        line = json.dumps(record, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        data = line.encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError included
        message = f"params and metrics must be plain JSON values (finite numbers): {exc}"
        raise RunlogError(message) from None
    hazard = runlog_problems.hazard(data, record)
    if hazard is not None or len(data) > MAX_LINE_BYTES:
        raise RunlogError(
            hazard or f"the record is {len(data)} bytes; a line holds at most {MAX_LINE_BYTES}"
        )
    if not runlog_validity.is_valid(record):
        problem = runlog_problems.describe(record, Location("record"))
        raise RunlogError(f"{problem.message}. {problem.hint or ''}".strip())
    return line


def example() -> str:
    """One valid record, the same on every call (``mlpolicy schema runlog --example``)."""
    record = build_record(
        "churn",
        {"model": "gbm", "lr": 0.05},
        {"val_auc": 0.83},
        status="finished",
        run_id="4f7c1b2e9a0d4c3b8e6f5a1d2c3b4a59",
        started_at="2026-11-30T10:00:00Z",
        commit="c23e1d4f9fd49f3bf793237e43431e641f655921",
        dirty=False,
    )
    return encode(record)


def _timestamp(value: dt.datetime | str | None) -> str:
    if isinstance(value, str):
        return value  # the schema checks it, and the error shows the fix
    moment = dt.datetime.now(dt.UTC).replace(microsecond=0) if value is None else value
    moment = moment.astimezone(dt.UTC)  # a naive datetime is taken as local time
    return moment.isoformat().replace("+00:00", "Z")


def _target(base: Path, path: str | os.PathLike[str] | None) -> tuple[Path, Path]:
    """The real path to append to and the real root of the repository it names."""
    chosen = Path(path) if path is not None else _default_path(_project_dir(base))
    absolute = Path(os.path.abspath(base / chosen))
    top = next((d for d in absolute.parents if (d / ".git").exists()), None)
    if top is None:
        raise RunlogError(
            f"{chosen} is not inside a git repository: a run record names the commit it was"
            " made from. Run `git init`, commit the code, then log the run."
        )
    root, real = Path(os.path.realpath(top)), Path(os.path.realpath(absolute))
    if not real.is_relative_to(root):
        raise RunlogError(f"{chosen} leads outside the repository (to {real}) through a symlink")
    if ".git" in real.relative_to(root).parts:
        raise RunlogError(f"{chosen} is inside .git/; choose a path in the work tree")
    return real, root


def _project_dir(base: Path) -> Path:
    """The nearest directory at or above ``base`` holding a manifest, else ``base``."""
    from mlpolicy.manifest import NAMES

    for folder in (base, *base.parents):
        if any((folder / name).is_file() for name in NAMES):
            return folder
        if (folder / ".git").exists():
            break
    return base


def _default_path(project: Path) -> Path:
    """The manifest's first declared runlog file or folder, else ``experiments/runs.jsonl``."""
    for declared in _declared_logs(project):
        name = PurePosixPath(declared)
        if any(mark in declared for mark in "*?["):
            continue  # a pattern names no one file to append to
        if name.suffix.lower() in (".jsonl", ".ndjson"):
            return project / declared
        if not name.suffix and name.name not in _STORES:
            return project / declared / DEFAULT_PATH.name
    return project / DEFAULT_PATH


def _declared_logs(project: Path) -> tuple[str, ...]:
    from mlpolicy import manifest, safeio
    from mlpolicy.errors import DocumentError

    for name in manifest.NAMES:
        try:
            data = safeio.read_bounded(project / name, 1024 * 1024)
            return manifest.parse(data, name).artifacts.get("experiments", ())
        except (safeio.FileProblem, manifest.ManifestError, DocumentError):
            continue
    return ()


def _git_state(root: Path, target: Path) -> tuple[str, bool]:
    from mlpolicy.gitrepo import GitError, GitRepo

    try:
        with GitRepo(root) as repo:
            commit = repo.head_commit()
            if commit is None:
                raise RunlogError(
                    f"the repository at {root} has no commits yet: commit the code the run was"
                    " made from, then log the run"
                )
            return commit, repo.differs_from_head([target.relative_to(root).as_posix()])
    except GitError as exc:
        raise RunlogError(f"git cannot tell the state of {root}: {exc}") from None


def _append(target: Path, line: str) -> None:
    """Append ``line`` with one write, never through a symlink, only to a regular file."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(target, flags | getattr(os, "O_NONBLOCK", 0), 0o644)
    except OSError as exc:
        raise RunlogError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise RunlogError(f"cannot write {target}: it is not a regular file")
        # A last line cut off without its newline must not swallow this record.
        ends_open = info.st_size > 0 and os.pread(descriptor, 1, info.st_size - 1) != b"\n"
        data = (b"\n" if ends_open else b"") + line.encode("utf-8") + b"\n"
        if os.write(descriptor, data) != len(data):
            raise RunlogError(f"cannot write {target}: the disk took only part of the record")
    except OSError as exc:
        raise RunlogError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
