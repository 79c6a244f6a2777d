"""Weights & Biases run folders: ``wandb/run-*/files/`` (and ``offline-run-*``).

A run is ``wandb-metadata.json`` (``git.commit``, ``startedAt``) + ``wandb-summary.json``
(final metrics; ``_``-prefixed keys are W&B's bookkeeping) + ``config.yaml`` (params, each
wrapped as ``{value: ...}``; ``_wandb`` and ``wandb_version`` are bookkeeping). W&B writes
the summary as a run ends, so a folder with one is a finished run and one without is
still running (or died). Offline mode keeps a run as a binary ``run-<id>.wandb`` log only;
that folder is present but unreadable, and the finding says how to get readable files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlpolicy import safeio
from mlpolicy.artifacts import trackers
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location

FORMAT = "wandb"
RUN_DIR = re.compile(r"(?:offline-)?run-.+")
SUMMARY, METADATA, CONFIG = "wandb-summary.json", "wandb-metadata.json", "config.yaml"
BOOKKEEPING = frozenset({"_wandb", "wandb_version"})
_OFFSET = re.compile(r"(?:[Zz]|[+-]\d\d:\d\d)$")
BINARY_HINT = (
    "mlpolicy cannot read W&B's binary .wandb log. Sync the run (`wandb sync {folder}`) and"
    " commit the files/ W&B keeps for it (wandb-summary.json, wandb-metadata.json,"
    " config.yaml), or record the run with `mlpolicy log`."
)


def claims(path: Path) -> bool:
    """True for a W&B run folder, a folder of them, or a missing ``wandb``."""
    if not path.exists():
        return path.name == "wandb"
    return path.is_dir() and (_is_run(path) or bool(_run_dirs(path)))


def _is_run(folder: Path) -> bool:
    return RUN_DIR.fullmatch(folder.name) is not None and (
        (folder / "files").is_dir() or any(folder.glob("*.wandb"))
    )


def _run_dirs(store: Path) -> list[Path]:
    try:
        entries = sorted(os.scandir(store), key=lambda entry: entry.name)
    except OSError:
        return []
    # ``latest-run`` is a symlink to one of the others: not followed, so not read twice.
    folders = (Path(e.path) for e in entries if e.is_dir(follow_symlinks=False))
    return [folder for folder in folders if _is_run(folder)]


def read(path: Path, rel: str) -> LogFile:
    """The runs of the W&B folder at ``path`` (a run folder or a folder of them)."""
    if not path.is_dir():
        return unreadable(rel, FORMAT, "a W&B run must be a folder (wandb/run-*/)")
    folders = [path] if _is_run(path) else _run_dirs(path)
    runs: list[Run] = []
    invalid: list[InvalidRecord] = []
    for folder in folders:
        name = rel if folder == path else f"{rel}/{folder.name}"
        try:
            runs.append(_run(folder, name))
        except _Unreadable as exc:
            invalid.append(exc.record)
    return LogFile(rel, FORMAT, tuple(runs), tuple(invalid))


class _Unreadable(Exception):
    def __init__(self, record: InvalidRecord) -> None:
        super().__init__(record.message)
        self.record = record


def _run(folder: Path, name: str) -> Run:
    files = folder / "files"
    summary = _load(files / SUMMARY, f"{name}/files/{SUMMARY}", trackers.read_json)
    metadata = _load(files / METADATA, f"{name}/files/{METADATA}", trackers.read_json)
    config = _load(files / CONFIG, f"{name}/files/{CONFIG}", trackers.read_yaml)
    if summary is None and metadata is None:
        raise _Unreadable(_no_files(folder, name))
    git = metadata.get("git") if isinstance(metadata, dict) else None
    started = metadata.get("startedAt") if isinstance(metadata, dict) else None
    shown = SUMMARY if summary is not None else METADATA
    return Run(
        run_id=folder.name.rsplit("-", 1)[-1],
        experiment=FORMAT,
        status="finished" if summary is not None else "running",
        commit=trackers.sha(git.get("commit")) if isinstance(git, dict) else None,
        dirty=False,
        params=trackers.frozen(_params(config)),
        metrics=trackers.frozen(_metrics(summary)),
        started_at=_timestamp(started),
        location=Location(f"{name}/files/{shown}"),
    )


def _load(file: Path, rel: str, load: Callable[[Path], Any]) -> dict[str, Any] | None:
    """The mapping in ``file``; None when absent; :class:`_Unreadable` when broken."""
    if not file.exists():
        return None
    try:
        value = load(file)
    except (DocumentError, safeio.FileProblem) as exc:
        line = exc.line if isinstance(exc, DocumentError) else None
        record = InvalidRecord(
            f"W&B {file.name}: {trackers.problem_text(exc)}", Location(rel, line)
        )
        raise _Unreadable(record) from None
    if not isinstance(value, dict):
        raise _Unreadable(InvalidRecord(f"W&B {file.name}: not a mapping", Location(rel)))
    return value


def _no_files(folder: Path, name: str) -> InvalidRecord:
    binary = sorted(folder.glob("*.wandb"))
    if binary:
        message = (
            f"W&B run {folder.name} is present but unreadable: it holds only the binary"
            f" {binary[0].name} (offline mode), no files/{SUMMARY} or files/{METADATA}"
        )
        return InvalidRecord(message, Location(name), BINARY_HINT.format(folder=name))
    return InvalidRecord(
        f"W&B run {folder.name} holds neither files/{SUMMARY} nor files/{METADATA}",
        Location(name),
    )


def _params(config: dict[str, Any] | None) -> dict[str, Any]:
    params = {}
    for key, item in (config or {}).items():
        if key not in BOOKKEEPING:
            params[key] = item["value"] if isinstance(item, dict) and "value" in item else item
    return params


def _metrics(summary: dict[str, Any] | None) -> dict[str, float]:
    metrics = {}
    for key, item in (summary or {}).items():
        number = trackers.number(item)
        if not key.startswith("_") and number is not None:
            metrics[key] = number
    return metrics


def _timestamp(value: object) -> str:
    """``startedAt`` as RFC 3339; older W&B versions wrote it without an offset (UTC)."""
    if not isinstance(value, str) or not value:
        return ""
    return value if _OFFSET.search(value) else value + "Z"


READER = Reader(FORMAT, ("wandb/",), claims, read)
