"""``mlpolicy log``: turn ``--param K=V`` and ``--metric K=V`` into a run and append it."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlpolicy.commands import EXIT_OK
from mlpolicy.errors import UsageError

if TYPE_CHECKING:
    from mlpolicy.runlog import LoggedRun


def log(
    experiment: str,
    params: Sequence[str],
    metrics: Sequence[str],
    status: str,
    output: Path | None,
    run_id: str | None = None,
    started_at: str | None = None,
) -> LoggedRun:
    """Parse the options' pairs and log the run (``UsageError`` names a bad option)."""
    from mlpolicy.runlog import log_run

    return log_run(
        experiment,
        params=pairs("--param", params, _param),
        metrics=pairs("--metric", metrics, _metric),
        status=status,
        path=output,
        run_id=run_id,
        started_at=started_at,
    )


def pairs(option: str, given: Sequence[str], parse: Any) -> dict[str, Any]:
    """``K=V`` strings as a mapping, each value through ``parse``; a key may appear once."""
    result: dict[str, Any] = {}
    for text in given:
        key, equals, raw = text.partition("=")
        if not equals or not key.strip():
            raise UsageError(f"{option} {text!r}: expected KEY=VALUE, e.g. {option} lr=0.05")
        key = key.strip()
        if key in result:
            raise UsageError(f"{option} {key}: given twice")
        result[key] = parse(option, key, raw)
    return result


def _param(option: str, key: str, raw: str) -> Any:
    """A JSON scalar where the text is one (0.01, true, null, "x"), else the text itself."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, float) and not math.isfinite(value):
        return raw  # NaN and Infinity are not JSON: keep the words
    return value if value is None or isinstance(value, (bool, int, float, str)) else raw


def _metric(option: str, key: str, raw: str) -> float | int:
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UsageError(f"{option} {key}: {raw!r} is not a number")
    try:
        finite = math.isfinite(value)
    except OverflowError:  # an integer of hundreds of digits
        finite = False
    if not finite:
        raise UsageError(f"{option} {key}: {raw!r} is not a finite number")
    return value


def summary(logged: LoggedRun, cwd: Path) -> list[str]:
    """What was written, and the next step: commit the file."""
    shown = _shown(logged.path, cwd)
    state = "uncommitted changes: the run is marked dirty (MLP204)" if logged.dirty else "clean"
    return [
        f"logged run {logged.run_id} to {shown} (commit {logged.commit[:12]}, {state})",
        f"next: git add {shown} && git commit -m 'Log run {logged.run_id}'",
    ]


def _shown(path: Path, cwd: Path) -> str:
    """``path`` as the user would type it from ``cwd`` (``../logs/runs.jsonl``)."""
    return Path(os.path.relpath(path, os.path.realpath(cwd))).as_posix()


@click.command(name="log")
@click.option("--experiment", required=True, help="The experiment (or model) the run belongs to.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A parameter (repeatable).")
@click.option("--metric", "metrics", multiple=True, metavar="K=V", help="A metric (repeatable).")
@click.option(
    "--status",
    type=click.Choice(["running", "finished", "failed", "killed"]),
    default="finished",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append to FILE (default: experiments/runs.jsonl of the project).",
)
@click.option("--run-id", help="The run's id (default: a random UUID).")
@click.option("--started-at", help="RFC 3339 start time with offset (default: now, UTC).")
def command(
    experiment: str,
    params: tuple[str, ...],
    metrics: tuple[str, ...],
    status: str,
    output: Path | None,
    run_id: str | None,
    started_at: str | None,
) -> int:
    """Append one run record (mlpolicy.runlog/v1) to the project's experiment log.

    The run id, start time, commit (HEAD) and dirty flag are filled in. Parameter values
    are read as JSON scalars where they are one (lr=0.01 is a number, model=xgb a
    string); metric values must be numbers. Commit the file afterwards.
    """
    logged = log(experiment, params, metrics, status, output, run_id, started_at)
    for line in summary(logged, Path.cwd()):
        click.echo(line)
    return EXIT_OK
