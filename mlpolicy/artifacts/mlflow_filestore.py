"""The MLflow file store: ``mlruns/<experiment id>/<run id>/`` with ``meta.yaml`` and
``params/``, ``metrics/`` and ``tags/`` folders of one file per key.

A folder is a store when it holds at least one run ``meta.yaml``: an ``mlruns/`` holding
only artifacts (what ``mlflow.log_artifact`` leaves beside another store) is not claimed.
``.trash`` (deleted experiments and runs) is skipped, and so are runs whose
``lifecycle_stage`` is ``deleted``. Each run is located at its ``meta.yaml``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mlpolicy import safeio
from mlpolicy.artifacts import trackers
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location

FORMAT = "mlflow-filestore"
META = "meta.yaml"
TRASH = ".trash"
MAX_KEYS = 10_000  # params, metrics or tags of one run; beyond that a folder is not MLflow's
MAX_HISTORY = 256 * 1024 * 1024  # one metric's history: millions of steps


def claims(path: Path) -> bool:
    """True for a folder holding a run ``meta.yaml`` two levels down, or a missing ``mlruns``."""
    if not path.exists():
        return path.name == "mlruns"
    return path.is_dir() and next(_run_dirs(path), None) is not None


def _run_dirs(store: Path) -> Iterator[Path]:
    """``<experiment>/<run>/`` folders holding a ``meta.yaml``, sorted, ``.trash`` skipped."""
    for experiment in _subdirs(store):
        if experiment.name != TRASH:
            for run in _subdirs(experiment):
                if (run / META).is_file():
                    yield run


def _subdirs(folder: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    return [Path(e.path) for e in entries if e.is_dir(follow_symlinks=False)]


def read(path: Path, rel: str) -> LogFile:
    """The runs of the file store at ``path``; never raises on its contents."""
    if not path.is_dir():
        return unreadable(rel, FORMAT, "an MLflow file store must be a folder (mlruns/)")
    names: dict[Path, str] = {}
    runs: list[Run] = []
    invalid: list[InvalidRecord] = []
    for folder in _run_dirs(path):
        where = Location(f"{rel}/{folder.parent.name}/{folder.name}/{META}")
        if folder.parent not in names:
            names[folder.parent] = _experiment_name(folder.parent)
        try:
            run = _run(folder, names[folder.parent], where)
        except (DocumentError, safeio.FileProblem, ValueError) as exc:
            invalid.append(InvalidRecord(f"MLflow run: {trackers.problem_text(exc)}", where))
            continue
        if run is not None:
            runs.append(run)
    return LogFile(rel, FORMAT, tuple(runs), tuple(invalid))


def _experiment_name(folder: Path) -> str:
    try:
        meta = trackers.read_yaml(folder / META)
    except (DocumentError, safeio.FileProblem):
        return folder.name
    name = meta.get("name") if isinstance(meta, dict) else None
    return name if isinstance(name, str) and name else folder.name


def _run(folder: Path, experiment: str, where: Location) -> Run | None:
    meta = trackers.read_yaml(folder / META)
    if not isinstance(meta, dict):
        raise DocumentError("meta.yaml is not a mapping")
    if meta.get("lifecycle_stage") == "deleted":
        return None
    status = trackers.MLFLOW_STATUS.get(_hashable(meta.get("status")))
    started = trackers.iso_from_ms(meta.get("start_time"))
    if status is None or started is None:
        raise ValueError(
            f"meta.yaml: status {meta.get('status')!r} or start_time"
            f" {meta.get('start_time')!r} is not MLflow's"
        )
    tags = _values(folder / "tags")
    return Run(
        run_id=str(meta.get("run_id") or folder.name),
        experiment=experiment,
        status=status,
        commit=trackers.sha(tags.get(trackers.COMMIT_TAG)),
        dirty=False,
        params=trackers.frozen(_values(folder / "params")),
        metrics=trackers.frozen(_metrics(folder / "metrics")),
        started_at=started,
        location=where,
    )


def _hashable(value: Any) -> Any:
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _files(folder: Path) -> Iterator[tuple[str, Path]]:
    """``(key, file)`` for each file below ``folder``; a key with ``/`` is a nested path."""
    if not folder.is_dir():
        return
    count = 0
    for parent, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            count += 1
            if count > MAX_KEYS:
                raise ValueError(f"{folder.name}/ holds more than {MAX_KEYS} files")
            file = Path(parent, name)
            yield file.relative_to(folder).as_posix(), file


def _values(folder: Path) -> dict[str, str]:
    """Params or tags: each file's whole text is the value."""
    return {
        key: trackers.read_bytes(file).decode("utf-8", "replace") for key, file in _files(folder)
    }


def _metrics(folder: Path) -> dict[str, float]:
    """Each metric's latest value: the line with the highest (step, timestamp)."""
    metrics: dict[str, float] = {}
    for key, file in _files(folder):
        latest = _latest(file)
        if latest is not None:
            metrics[key] = latest
    return metrics


def _latest(file: Path) -> float | None:
    """The value of the line with the highest (step, timestamp), reading line by line.

    A metric's history grows with every logged step, so it is streamed rather than read
    whole; :func:`safeio.regular_file` keeps FIFOs and devices out, and lines are bounded.
    """
    if file.is_symlink():
        raise safeio.Unreadable("is a symlink (not followed inside a tracker's store)")
    if safeio.regular_file(file).st_size > MAX_HISTORY:
        raise ValueError(f"metrics/{file.name} is larger than {MAX_HISTORY} bytes")
    with file.open("rb") as handle:
        return _latest_line(iter(lambda: handle.readline(4096), b""))


def _latest_line(lines: Iterator[bytes]) -> float | None:
    best: tuple[float, float] | None = None
    value: float | None = None
    for line in lines:
        parts = line.split()
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            continue
        if len(numbers) not in (2, 3):  # "timestamp value [step]"; old stores have no step
            continue
        order = (numbers[2] if len(numbers) == 3 else 0.0, numbers[0])
        if best is None or order >= best:
            best, value = order, numbers[1]
    return value


READER = Reader(FORMAT, ("mlruns/",), claims, read)
