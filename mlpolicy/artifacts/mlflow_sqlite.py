"""The MLflow SQLite tracking store (``mlflow.db``, MLflow's default since 3.7), read-only.

The database is opened read-only and immutable (SQLite then takes no locks and writes no
journal), and read with four set-based queries whatever the number of runs, so a store of
10,000 runs costs four queries, not 40,000. Deleted runs and experiments are skipped, as
MLflow's own UI does. A file that is not a database, lacks MLflow's tables or holds values
of the wrong type becomes an invalid record, never an exception.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from mlpolicy import safeio
from mlpolicy.artifacts import trackers
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.findings import Location

FORMAT = "mlflow-sqlite"
SUFFIXES = (".db", ".sqlite", ".sqlite3")
# A hostile database can define "runs" as a view that never ends; stop after this many
# SQLite virtual-machine steps (a 10,000-run store needs well under a million).
MAX_STEPS = 200_000_000
_PROGRESS_EVERY = 10_000

RUNS = (
    "SELECT r.run_uuid, e.name, r.status, r.start_time FROM runs AS r"
    " JOIN experiments AS e ON e.experiment_id = r.experiment_id"
    " WHERE COALESCE(r.lifecycle_stage, 'active') != 'deleted'"
    " AND COALESCE(e.lifecycle_stage, 'active') != 'deleted'"
    " ORDER BY r.start_time, r.run_uuid"
)
PARAMS = "SELECT run_uuid, key, value FROM params ORDER BY run_uuid, key"
METRICS = "SELECT run_uuid, key, value, is_nan FROM latest_metrics ORDER BY run_uuid, key"
COMMITS = "SELECT run_uuid, value FROM tags WHERE key = ?"


def claims(path: Path) -> bool:
    """True for ``*.db``, ``*.sqlite`` and ``*.sqlite3`` files (existing or not)."""
    return path.suffix.lower() in SUFFIXES and not path.is_dir()


def read(path: Path, rel: str) -> LogFile:
    """The runs of the MLflow database at ``path``; never raises on its contents."""
    import sqlite3  # only when a store is read: most checks never open one

    try:
        safeio.regular_file(path)
    except safeio.FileProblem as exc:
        return unreadable(rel, FORMAT, f"the MLflow database {exc.reason}")
    try:
        tables = _query(path)
    except (sqlite3.Error, _Aborted, ValueError) as exc:
        return unreadable(rel, FORMAT, _why(exc))
    return _runs(tables, rel)


class _Aborted(Exception):
    """The progress handler stopped a query that ran too long."""


def _query(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    import sqlite3
    from urllib.parse import quote

    uri = f"file:{quote(str(path.absolute()))}?mode=ro&immutable=1"
    connection = sqlite3.connect(uri, uri=True)
    # A damaged page can put invalid UTF-8 in any text column: decode it, never raise.
    connection.text_factory = lambda data: data.decode("utf-8", "replace")
    steps = [0]

    def progress() -> int:
        steps[0] += _PROGRESS_EVERY
        return int(steps[0] > MAX_STEPS)

    connection.set_progress_handler(progress, _PROGRESS_EVERY)
    try:
        return {
            "runs": connection.execute(RUNS).fetchall(),
            "params": connection.execute(PARAMS).fetchall(),
            "metrics": connection.execute(METRICS).fetchall(),
            "commits": connection.execute(COMMITS, (trackers.COMMIT_TAG,)).fetchall(),
        }
    except sqlite3.OperationalError as exc:
        if steps[0] > MAX_STEPS:
            raise _Aborted from None
        raise exc
    finally:
        connection.close()


def _why(exc: Exception) -> str:
    if isinstance(exc, _Aborted):
        return "the MLflow database takes too long to read (a query ran past its step limit)"
    text = str(exc)
    if "no such table" in text or "no such column" in text:
        return f"not an MLflow tracking database ({text})"
    return f"cannot read the MLflow database: {text}"


def _runs(tables: dict[str, list[tuple[Any, ...]]], rel: str) -> LogFile:
    params: dict[object, dict[str, object]] = defaultdict(dict)
    for run_id, key, value in tables["params"]:
        if isinstance(key, str):
            params[run_id][key] = value
    metrics: dict[object, dict[str, float]] = defaultdict(dict)
    for run_id, key, value, is_nan in tables["metrics"]:
        number = float("nan") if is_nan else trackers.number(value)
        if isinstance(key, str) and number is not None:
            metrics[run_id][key] = number
    commits = dict(tables["commits"])
    runs: list[Run] = []
    invalid: list[InvalidRecord] = []
    for run_id, experiment, status, start in tables["runs"]:
        where = Location(rel)
        state = trackers.MLFLOW_STATUS.get(status) if isinstance(status, str | int) else None
        started = trackers.iso_from_ms(start)
        if not isinstance(run_id, str) or not run_id or state is None or started is None:
            problem = f'run "{run_id}": status {status!r} or start_time {start!r} is not MLflow\'s'
            invalid.append(InvalidRecord(problem, where))
            continue
        runs.append(
            Run(
                run_id=run_id,
                experiment=str(experiment),
                status=state,
                commit=trackers.sha(commits.get(run_id)),
                dirty=False,
                params=trackers.frozen(params.get(run_id, {})),
                metrics=trackers.frozen(metrics.get(run_id, {})),
                started_at=started,
                location=where,
            )
        )
    return LogFile(rel, FORMAT, tuple(runs), tuple(invalid))


READER = Reader(FORMAT, ("mlflow.db",), claims, read)
