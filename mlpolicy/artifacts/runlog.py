"""The ``mlpolicy.runlog/v1`` JSONL reader: streamed line by line, each line judged on its own.

The file is never held whole (SPEC section 11): a line is read with a cap, decided, and
dropped. What is kept is a :class:`Run` per valid record (under 1 KB each) and the details
of at most ``MAX_INVALID_SHOWN`` invalid records per file, the rest only counted (SPEC
section 12: at most 50 findings per rule per file), so invalid lines cost no memory.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mlpolicy import safeio
from mlpolicy.artifacts import runlog_problems, runlog_validity
from mlpolicy.artifacts.compact import SharedKeys
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.findings import Location

FORMAT = "runlog"  # the name reports give the format; records say SCHEMA
SCHEMA = "mlpolicy.runlog/v1"
MAX_LINE_BYTES = 4 * 1024 * 1024
MAX_INVALID_SHOWN = 50
_SKIP_CHUNK = 1024 * 1024


def claims(path: Path) -> bool:
    """True for ``*.jsonl`` and ``*.ndjson`` files (existing or not)."""
    return path.suffix.lower() in (".jsonl", ".ndjson") and not path.is_dir()


def read(path: Path, rel: str) -> LogFile:
    """The runs of the file at ``path`` (``rel`` names it in locations); never raises."""
    try:
        safeio.regular_file(path)  # a FIFO or a device would block or never end
        # O_NONBLOCK: if a FIFO was swapped in after the stat, opening it must not block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except safeio.FileProblem as exc:
        return unreadable(rel, FORMAT, f"the file {exc.reason}")
    except OSError as exc:
        return unreadable(rel, FORMAT, f"cannot read the file: {exc.strerror or exc}")
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return unreadable(rel, FORMAT, "the file is not a regular file")
        try:
            return _read_stream(handle, rel)
        except OSError as exc:
            return unreadable(rel, FORMAT, f"cannot read the file: {exc.strerror or exc}")


def parse(data: bytes, rel: str) -> LogFile:
    """The runs and invalid records of one runlog file's bytes; never raises."""
    return _read_stream(io.BytesIO(data), rel)


def _read_stream(handle: IO[bytes], rel: str) -> LogFile:
    runs: list[Run] = []
    shown: list[InvalidRecord] = []
    more = 0
    keys = SharedKeys()
    for number, raw in _lines(handle):
        if raw is not None and not raw.strip():
            continue
        where = Location(rel, number)
        outcome = _record(raw, where, detailed=len(shown) < MAX_INVALID_SHOWN)
        if isinstance(outcome, dict):
            runs.append(_run(outcome, where, keys))
        elif outcome is None:
            more += 1
        else:
            shown.append(outcome)
    return LogFile(rel, FORMAT, tuple(runs), tuple(shown), more_invalid=more)


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of each line; None for a line over the cap, which is skipped."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        # Split on bytes, not text: one undecodable line must not take the others with it.
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            _skip_rest(handle)
            yield number, None
        else:
            yield number, raw


def _skip_rest(handle: IO[bytes]) -> None:
    while True:
        chunk = handle.readline(_SKIP_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return


def _record(
    raw: bytes | None, where: Location, detailed: bool
) -> dict[str, Any] | InvalidRecord | None:
    """The valid record on one line, or why there is none (None: details not wanted)."""
    if raw is None:
        return runlog_problems.overlong(where, MAX_LINE_BYTES) if detailed else None
    try:
        value = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, too deep, huge int
        return runlog_problems.unparsed(exc, where) if detailed else None
    hazard = runlog_problems.hazard(raw, value)
    if hazard is None and runlog_validity.is_valid(value):
        record: dict[str, Any] = value  # is_valid: a dict
        return record
    if not detailed:
        return None
    return InvalidRecord(hazard, where) if hazard else runlog_problems.describe(value, where)


def _run(value: dict[str, Any], where: Location, keys: SharedKeys) -> Run:
    git, params, metrics = value["git"], value["params"], value["metrics"]
    return Run(
        run_id=value["run_id"],
        experiment=sys.intern(value["experiment"]),
        status=sys.intern(value["status"]),
        commit=sys.intern(git["commit"].lower()),
        dirty=git.get("dirty") is True,
        params=keys.mapping(tuple(params), tuple(params.values())),
        metrics=keys.mapping(tuple(metrics), tuple(_last(v) for v in metrics.values())),
        started_at=value["started_at"],
        location=where,
    )


def _last(metric: Any) -> float:
    number = metric[-1]["value"] if isinstance(metric, list) else metric
    try:
        return float(number)
    except OverflowError:  # an integer beyond float range: JSON allows it
        return math.inf if number > 0 else -math.inf


READER = Reader(FORMAT, ("experiments/*.jsonl",), claims, read)
