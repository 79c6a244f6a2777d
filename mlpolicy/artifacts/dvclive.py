"""DVCLive output: ``dvclive/metrics.json`` (final metrics) and ``dvclive/params.yaml``.

The folder is one run, finished (DVCLive writes ``metrics.json`` as a step ends). It records
no commit: the run's commit is the last commit that changed the folder, which the
experiments module looks up in git for every such folder at once (``Run.commit_from``).
Nested metrics (``{"val": {"auc": 0.8}}``) are named by their path, ``val/auc``, as DVCLive
names them; the top-level ``step`` is bookkeeping, not a metric.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mlpolicy import safeio
from mlpolicy.artifacts import trackers
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location

FORMAT = "dvclive"
METRICS = "metrics.json"
PARAMS = "params.yaml"
BOOKKEEPING = frozenset({"step"})
MAX_DEPTH = 32


def claims(path: Path) -> bool:
    """True for a folder holding ``metrics.json`` or ``params.yaml``, or a missing ``dvclive``."""
    if not path.exists():
        return path.name == "dvclive"
    return path.is_dir() and any((path / name).is_file() for name in (METRICS, PARAMS))


def read(path: Path, rel: str) -> LogFile:
    """The one run of the DVCLive folder at ``path``; never raises on its contents."""
    if not path.is_dir():
        return unreadable(rel, FORMAT, "DVCLive output must be a folder (dvclive/)")
    metrics_at = Location(f"{rel}/{METRICS}")
    invalid: list[InvalidRecord] = []
    metrics = _part(path / METRICS, _metrics, trackers.read_json, invalid, metrics_at)
    params = _part(path / PARAMS, _params, trackers.read_yaml, invalid, Location(f"{rel}/{PARAMS}"))
    run = Run(
        run_id=rel,
        experiment=path.name,
        status="finished",
        commit=None,
        dirty=False,
        params=trackers.frozen(params),
        metrics=trackers.frozen(metrics),
        started_at="",
        location=metrics_at,
        commit_from=rel,
    )
    return LogFile(rel, FORMAT, (run,), tuple(invalid))


def _part(
    file: Path,
    convert: Callable[[dict[str, Any]], dict[str, Any]],
    load: Callable[[Path], Any],
    invalid: list[InvalidRecord],
    where: Location,
) -> dict[str, Any]:
    if not file.exists():
        return {}
    try:
        value = load(file)
    except (DocumentError, safeio.FileProblem) as exc:
        line = exc.line if isinstance(exc, DocumentError) else None
        located = Location(where.path, line)
        invalid.append(InvalidRecord(f"DVCLive {file.name}: {trackers.problem_text(exc)}", located))
        return {}
    if not isinstance(value, dict):
        invalid.append(InvalidRecord(f"DVCLive {file.name}: not a mapping", where))
        return {}
    return convert(value)


def _params(value: dict[str, Any]) -> dict[str, Any]:
    return dict(value)


def _metrics(value: dict[str, Any]) -> dict[str, Any]:
    top = {k: v for k, v in value.items() if k not in BOOKKEEPING}
    return dict(_flatten(top, ""))


def _flatten(value: dict[str, Any], prefix: str, depth: int = 0) -> Iterator[tuple[str, float]]:
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict) and depth < MAX_DEPTH:
            yield from _flatten(item, name + "/", depth + 1)
        elif (number := trackers.number(item)) is not None:
            yield name, number


READER = Reader(FORMAT, ("dvclive/",), claims, read)
