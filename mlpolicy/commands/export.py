"""``mlpolicy export``: turn a tracker's local store into committed ``mlpolicy.runlog/v1`` JSONL.

The store is read by the same readers ``check`` uses, so what is exported is what the
checker would have seen. Records are appended to FILE only for runs whose ``run_id`` it
does not hold yet, so exporting again after more training adds just the new runs. A
DVCLive folder records no commit: its run is the last commit that changed the folder,
and is exported as ``<folder>@<commit>`` so each committed state is its own run.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlpolicy import safeio
from mlpolicy.commands import EXIT_OK
from mlpolicy.errors import UsageError

if TYPE_CHECKING:
    from mlpolicy.artifacts.runs import LogFile, Reader, Run
    from mlpolicy.gitrepo import Commit

TOOLS = ("mlflow", "dvclive", "wandb")
# tool -> the modules under mlpolicy.artifacts whose READER may claim its store (imported
# only for the tool asked for)
READERS_BY_TOOL: dict[str, tuple[str, ...]] = {
    "mlflow": ("mlflow_sqlite", "mlflow_filestore"),
    "dvclive": ("dvclive",),
    "wandb": ("wandb_runs",),
}
MAX_EXISTING = 512 * 1024 * 1024  # FILE is read line by line, to find the run ids it holds


@dataclass(frozen=True, slots=True)
class Request:
    """What ``mlpolicy export`` was asked to do."""

    tool: str
    store: Path
    output: Path | None
    experiment: str | None = None
    finished_only: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """The records to write, and what was left out and why (one line each)."""

    lines: tuple[str, ...]
    already: int  # runs FILE holds already
    notes: tuple[str, ...]

    def summary(self, request: Request) -> str:
        where = request.output if request.output is not None else "standard output"
        count = len(self.lines)
        text = f"{count} run{'' if count == 1 else 's'} exported to {where}"
        return text + (f" ({self.already} already there)" if self.already else "")


def export(request: Request) -> Outcome:
    """Read the store, build one valid runlog record per run, and append the new ones."""
    log = _read(request)
    known = _existing_ids(request.output)
    lines: list[str] = []
    notes = [f"{request.store}: {record.message}" for record in log.invalid]
    already = 0
    for run in _resolved(request, log):
        if not _wanted(request, run):
            continue
        record = _record(run, log.format)
        if isinstance(record, str):
            notes.append(f'run "{run.run_id}": {record}; not exported')
        elif record["run_id"] in known:
            already += 1
        else:
            known.add(record["run_id"])
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=False))
    if request.output is not None and lines:
        _append(request.output, lines)
    return Outcome(tuple(lines), already, tuple(notes))


def _read(request: Request) -> LogFile:
    store = request.store
    if not store.exists():
        raise UsageError(f"{store}: no such file or folder")
    reader = next((r for r in _readers(request.tool) if r.claims(store)), None)
    if reader is None:
        raise UsageError(
            f"{store}: not a {request.tool} store mlpolicy reads ({_expected(request.tool)})"
        )
    log = reader.read(store, store.as_posix())
    if not log.readable:
        reason = log.invalid[0].message if log.invalid else "cannot be read"
        raise UsageError(f"{store}: {reason}")
    return log


def _readers(tool: str) -> Iterator[Reader]:
    for name in READERS_BY_TOOL[tool]:
        reader: Reader = importlib.import_module(f"mlpolicy.artifacts.{name}").READER
        yield reader


def _expected(tool: str) -> str:
    return {
        "mlflow": "an mlflow.db SQLite file or an mlruns/ folder",
        "dvclive": "a dvclive/ folder with metrics.json",
        "wandb": "a wandb/ folder or a wandb/run-* folder",
    }[tool]


def _resolved(request: Request, log: LogFile) -> Iterator[Run]:
    """The runs, with a DVCLive run's commit and start time taken from git history."""
    from mlpolicy.artifacts.runs import Run

    for run in log.runs:
        if run.commit_from is None:
            yield run
            continue
        folder, commit = _last_commit(request.store)
        started = dt.datetime.fromtimestamp(commit.timestamp, dt.UTC).isoformat()
        yield Run(
            run_id=f"{folder}@{commit.sha[:12]}",
            experiment=run.experiment,
            status=run.status,
            commit=commit.sha,
            dirty=False,
            params=run.params,
            metrics=run.metrics,
            started_at=started.replace("+00:00", "Z"),
            location=run.location,
        )


def _last_commit(store: Path) -> tuple[str, Commit]:
    """The store's repo-relative path and the last commit that changed it."""
    from mlpolicy.gitrepo import GitRepo
    from mlpolicy.project import Repository

    repository = Repository.containing(store, use_git=False)
    if not repository.is_git:
        raise UsageError(
            f"{store}: DVCLive output takes its commit from git, and this is not a git repository"
        )
    folder = repository.rel(store)
    with GitRepo(repository.root) as repo:
        found = repo.last_commit(folder)
    if found is None:
        raise UsageError(
            f"{store}: not committed yet; commit it, then export (its commit is the run's)"
        )
    return folder, found


def _wanted(request: Request, run: Run) -> bool:
    if request.experiment is not None and run.experiment != request.experiment:
        return False
    return not request.finished_only or run.status == "finished"


def _record(run: Run, source: str) -> dict[str, Any] | str:
    """The run as a runlog record, or why it cannot be one."""
    from mlpolicy import schema
    from mlpolicy.artifacts import runlog, runlog_validity

    if run.commit is None:
        return "it records no commit"
    if not run.started_at:
        return "it records no start time"
    record: dict[str, Any] = {
        "schema": runlog.SCHEMA,
        "run_id": run.run_id,
        "experiment": run.experiment,
        "started_at": run.started_at,
        "status": run.status,
        "git": {"commit": run.commit, "dirty": run.dirty},
        "params": dict(run.params),
        # JSON has no NaN or infinity: such a metric is left out rather than written invalid.
        "metrics": {k: v for k, v in run.metrics.items() if math.isfinite(v)},
        "source": {"format": source},
    }
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "it holds text that is not valid Unicode (an unpaired surrogate)"
    # Decided without jsonschema (and without a validation-cache entry per exported record);
    # jsonschema only words why a record is not valid.
    if runlog_validity.verdict(record):
        return record
    errors = schema.validate("runlog", record)
    return record if not errors else f"it does not make a valid record ({errors[0].message})"


def _existing_ids(output: Path | None) -> set[str]:
    """The run ids FILE holds already (lines that are not records are ignored here)."""
    if output is None or not output.exists():
        return set()
    try:
        size = safeio.regular_file(output).st_size
    except safeio.FileProblem as exc:
        raise UsageError(f"{output}: the file {exc.reason}") from None
    if size > MAX_EXISTING:
        raise UsageError(f"{output}: too large to append to ({size} bytes)")
    ids = set()
    with output.open("rb") as handle:
        for raw in handle:
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            if isinstance(value, dict) and isinstance(value.get("run_id"), str):
                ids.add(value["run_id"])
    return ids


def _append(output: Path, lines: list[str]) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("ab") as handle:
            if handle.tell() and not _ends_with_newline(output):
                handle.write(b"\n")
            handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


@click.command(name="export")
@click.option(
    "--from",
    "tool",
    required=True,
    type=click.Choice(("mlflow", "dvclive", "wandb")),
    help="The tracker that wrote STORE.",
)
@click.argument("store", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the records to FILE (default: standard output).",
)
@click.option("--experiment", metavar="NAME", help="Only runs of experiment NAME.")
@click.option("--finished-only", is_flag=True, help="Only finished runs.")
def command(
    tool: str, store: Path, output: Path | None, experiment: str | None, finished_only: bool
) -> int:
    """Write the runs of a local tracker STORE as mlpolicy.runlog/v1 JSONL.

    STORE is an MLflow mlflow.db or mlruns/ folder, a dvclive/ folder, or a wandb/ folder
    (or one wandb/run-* folder). Runs whose run_id FILE already holds are not written
    again. Commit FILE: it is the evidence `mlpolicy check` reads.

    \b
    Exit status: 0 exported (possibly nothing new); 2 STORE could not be read.
    """
    request = Request(tool, store, output, experiment, finished_only)
    outcome = export(request)
    if output is None and outcome.lines:
        click.echo("\n".join(outcome.lines))
    for note in outcome.notes:
        click.echo(f"mlpolicy: note: {note}", err=True)
    click.echo(outcome.summary(request), err=True)
    return EXIT_OK
