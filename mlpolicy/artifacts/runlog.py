"""The ``mlpolicy.runlog/v1`` JSONL reader: one run per line, each line judged on its own."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mlpolicy import safeio, schema
from mlpolicy.artifacts.runs import InvalidRecord, LogFile, Reader, Run, unreadable
from mlpolicy.findings import Location

FORMAT = "mlpolicy.runlog/v1"
MAX_BYTES = 16 * 1024 * 1024
# jsonschema recurses once per nesting level; a deeper record is refused before validation.
MAX_DEPTH = 64


def claims(path: Path) -> bool:
    """True for ``*.jsonl`` and ``*.ndjson`` files (existing or not)."""
    return path.suffix.lower() in (".jsonl", ".ndjson") and not path.is_dir()


def read(path: Path, rel: str) -> LogFile:
    """The runs of the file at ``path`` (``rel`` names it in locations); never raises."""
    try:
        size = safeio.regular_file(path).st_size  # a FIFO or a device would block or never end
        data = b"" if size > MAX_BYTES else safeio.read_head(path, MAX_BYTES)
    except safeio.FileProblem as exc:
        return unreadable(rel, FORMAT, f"the file {exc.reason}")
    return _too_large(rel, size) if size > MAX_BYTES else parse(data, rel)


def _too_large(rel: str, size: int) -> LogFile:
    limit = MAX_BYTES // (1024 * 1024)
    message = f"file is too large ({size} bytes; the limit is {limit} MiB)"
    return LogFile(rel, FORMAT, (), (InvalidRecord(message, Location(rel)),))


def parse(data: bytes, rel: str) -> LogFile:
    """The runs and invalid records of one runlog file's bytes; never raises."""
    if len(data) > MAX_BYTES:
        return _too_large(rel, len(data))
    runs: list[Run] = []
    invalid: list[InvalidRecord] = []
    # Split on bytes, not text: one undecodable line must not take the others with it.
    for number, raw in enumerate(data.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        if not raw.strip():
            continue
        record = _record(raw, Location(rel, number))
        if isinstance(record, Run):
            runs.append(record)
        else:
            invalid.append(record)
    return LogFile(rel, FORMAT, tuple(runs), tuple(invalid))


def _record(raw: bytes, where: Location) -> Run | InvalidRecord:
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return InvalidRecord("the line is not valid UTF-8", where)
    except json.JSONDecodeError as exc:
        located = Location(where.path, where.line, exc.colno)
        return InvalidRecord(f"not valid JSON: {exc.msg}", located)
    except ValueError as exc:  # an integer of thousands of digits
        return InvalidRecord(f"not valid JSON: {exc}", where)
    except RecursionError:
        return InvalidRecord("not valid JSON: nested too deeply", where)
    problem = _problem(value)
    return InvalidRecord(problem, where) if problem else _run(value, where)


def _problem(value: Any) -> str | None:
    if _too_deep(value):
        return f"the record is nested more than {MAX_DEPTH} levels deep"
    try:
        # Lone surrogate escapes ("\ud800") parse, but would crash every report that prints them.
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "the record contains an unpaired surrogate escape (\\ud800-\\udfff)"
    errors = schema.validate("runlog", value)
    if not errors:
        return None
    run_id = value.get("run_id") if isinstance(value, dict) else None
    prefix = f'run "{run_id}": ' if isinstance(run_id, str) and run_id else ""
    return prefix + _summary(errors)


def _summary(errors: list[schema.SchemaError]) -> str:
    """The first error (all missing keys at once), and how many more there are."""
    # A record of another format version fails everywhere; its version is the one thing to say.
    first = next((e for e in errors if e.path == ("schema",)), errors[0])
    missing = [e.message.split('"')[1] for e in errors if _is_missing(e) and e.path == first.path]
    if _is_missing(first) and len(missing) > 1:
        shown, message = (
            len(missing),
            "missing required keys " + ", ".join(f'"{key}"' for key in missing),
        )
    else:
        shown, message = 1, _describe(first)
    return message + (f" (and {len(errors) - shown} more)" if len(errors) > shown else "")


def _is_missing(error: schema.SchemaError) -> bool:
    return error.message.startswith('missing required key "')


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, depth + 1) for child in children)
    return False


def _describe(error: schema.SchemaError) -> str:
    """The schema error in the words of the runlog format, not of its regular expressions."""
    path = error.path
    if path in (("started_at",), ("ended_at",)) and "does not match" in error.message:
        return f'"{path[0]}" must be an RFC 3339 date-time such as 2026-11-26T14:57:04Z'
    if path == ("git", "commit") and "does not match" in error.message:
        return '"git.commit" must be a commit SHA (7 to 40 hex digits)'
    if len(path) >= 2 and path[0] == "metrics":
        return f'metric "{path[1]}" must be a number or a non-empty list of {{"step", "value"}}'
    parent = ".".join(str(p) for p in path[:-1])
    return f"{parent}: {error.message}" if parent else error.message


def _run(value: dict[str, Any], where: Location) -> Run:
    git = value["git"]
    return Run(
        run_id=value["run_id"],
        experiment=value["experiment"],
        status=value["status"],
        commit=git["commit"].lower(),
        dirty=git.get("dirty") is True,
        params=MappingProxyType(dict(value["params"])),
        metrics=MappingProxyType({k: _last(v) for k, v in value["metrics"].items()}),
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
