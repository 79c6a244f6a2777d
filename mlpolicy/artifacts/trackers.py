"""What the tracker readers (MLflow, DVCLive, W&B) share: bounded reads, values, times.

Every helper turns hostile content into ``None`` or a :class:`~mlpolicy.errors.DocumentError`
/ :class:`~mlpolicy.safeio.FileProblem` for the reader to report; none raises anything else.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mlpolicy import safeio, yamlio
from mlpolicy.errors import DocumentError

MAX_BYTES = 4 * 1024 * 1024  # one small metadata file of a run; megabytes would be data
# MLflow's RunStatus enum, as the file store writes it (a number) and SQLite (a name).
MLFLOW_STATUS = {
    "RUNNING": "running",
    "SCHEDULED": "running",
    "FINISHED": "finished",
    "FAILED": "failed",
    "KILLED": "killed",
    1: "running",
    2: "running",
    3: "finished",
    4: "failed",
    5: "killed",
}
COMMIT_TAG = "mlflow.source.git.commit"  # where MLflow records the commit of a run
# The tools whose local stores `mlpolicy export` turns into a runlog (DVCLive output is
# committed as it is: its commit comes from git history).
EXPORT_TOOL_BY_FORMAT = {"mlflow-sqlite": "mlflow", "mlflow-filestore": "mlflow", "wandb": "wandb"}


def read_bytes(path: Path, cap: int = MAX_BYTES) -> bytes:
    """A file inside a store, bounded; a symlink is refused (it could lead out of the store).

    The store itself was resolved inside the repository by the caller; the files in it
    were not, so none of them is followed.
    """
    if path.is_symlink():
        raise safeio.Unreadable("is a symlink (not followed inside a tracker's store)")
    return safeio.read_bounded(path, cap)


def read_json(path: Path, cap: int = MAX_BYTES) -> Any:
    """The JSON value of the file at ``path``; DocumentError or FileProblem when it has none."""
    text = yamlio.decode(read_bytes(path, cap), cap)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:  # huge integers, deep nesting
        raise DocumentError(f"not valid JSON: {exc}") from None


def read_yaml(path: Path, cap: int = MAX_BYTES) -> Any:
    """The YAML value of the file at ``path`` (bounded, no aliases); errors as ``read_json``."""
    return yamlio.load(yamlio.decode(read_bytes(path, cap), cap)).value


def problem_text(exc: Exception) -> str:
    """What went wrong, for a finding message: a FileProblem's reason or a document error."""
    if isinstance(exc, safeio.FileProblem):
        return f"the file {exc.reason}"
    if isinstance(exc, DocumentError):
        where = f" (line {exc.line})" if exc.line else ""
        return exc.message + where
    return str(exc)


def number(value: object) -> float | None:
    """A metric value as a float, or None for anything that is not a number (bools too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer beyond float range
        return math.inf if value > 0 else -math.inf


def iso_from_ms(value: object) -> str | None:
    """Milliseconds since the epoch as an RFC 3339 UTC time, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    try:
        moment = dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy, as :class:`~mlpolicy.artifacts.runs.Run` holds its params and metrics."""
    return MappingProxyType(dict(mapping))


def sha(value: object) -> str | None:
    """A recorded commit as a lower-case SHA, or None when the value is not one."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    ok = 7 <= len(text) <= 64 and all(c in "0123456789abcdef" for c in text)
    return text if ok else None


def export_hint(format: str, store: str, project_root: str) -> str | None:
    """How to turn an uncommitted local store into committed evidence, or None if no export.

    ``store`` and ``project_root`` are repo-relative, so the command runs from the root.
    """
    tool = EXPORT_TOOL_BY_FORMAT.get(format)
    if tool is None:
        return None
    out = (
        "experiments/runs.jsonl"
        if project_root == "."
        else f"{project_root}/experiments/runs.jsonl"
    )
    return (
        "A local store that is not committed is no evidence: turn it into a committed runlog"
        f" with `mlpolicy export --from {tool} {store} -o {out}`, then `git add {out}`."
    )
