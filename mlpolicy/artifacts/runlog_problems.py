"""What is wrong with an invalid runlog line, and the concrete fix, in the runlog's own words."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from mlpolicy.artifacts import runlog_validity
from mlpolicy.artifacts.runs import InvalidRecord
from mlpolicy.findings import Location

# jsonschema recurses once per nesting level; a deeper record is refused before validation.
MAX_DEPTH = 64
EXAMPLE = "`mlpolicy schema runlog --example` prints a valid record"
_GENERIC = f"Fix the record or delete the line ({EXAMPLE})."
_TIMES = ("started_at", "ended_at")


def overlong(where: Location, limit: int) -> InvalidRecord:
    """A line longer than ``limit`` bytes, which was not read."""
    return InvalidRecord(
        f"the line is longer than {limit // (1024 * 1024)} MiB; it was not read",
        where,
        "Keep one run per line: log long metric series at fewer steps, or their last value.",
    )


def unparsed(exc: Exception, where: Location) -> InvalidRecord:
    """A line that is not UTF-8 or not JSON."""
    if isinstance(exc, UnicodeDecodeError):
        return InvalidRecord("the line is not valid UTF-8", where, "Save the file as UTF-8.")
    hint = "Complete the record if the run's results are known, or delete the line."
    if isinstance(exc, json.JSONDecodeError):
        located = Location(where.path, where.line, exc.colno)
        return InvalidRecord(f"not valid JSON: {exc.msg}", located, hint)
    if isinstance(exc, RecursionError):
        return InvalidRecord("not valid JSON: nested too deeply", where, _GENERIC)
    return InvalidRecord(f"not valid JSON: {exc}", where, _GENERIC)  # a huge integer


def hazard(raw: bytes, value: Any) -> str | None:
    """Why a parsed line must not reach jsonschema or a report, if it must not."""
    # Both tests are cheap filters first: a record needs more brackets than MAX_DEPTH to be
    # that deep, and a lone surrogate needs a \\u escape.
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _too_deep(value):
        return f"the record is nested more than {MAX_DEPTH} levels deep"
    if b"\\u" in raw:
        try:
            # Lone surrogates ("\ud800") parse, but would crash every report printing them.
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            return "the record contains an unpaired surrogate escape (\\ud800-\\udfff)"
    return None


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


def describe(value: Any, where: Location) -> InvalidRecord:
    """Why a parsed record is not a valid run, with the fix."""
    if not isinstance(value, dict):
        message = f"the record must be a mapping (a JSON object), not {_kind(value)}"
        hint = f"Write each run as one JSON object per line; {EXAMPLE}."
        return InvalidRecord(message, where, hint)
    run_id = value.get("run_id")
    prefix = f'run "{run_id}": ' if isinstance(run_id, str) and run_id else ""
    missing = runlog_validity.missing_keys(value)
    if missing:
        return InvalidRecord(prefix + _missing(missing), where, _missing_hint(missing))
    from mlpolicy import schema

    errors = schema.validate("runlog", value)
    if not errors:  # the fast decision and jsonschema disagree: say so rather than guess
        message = "the record does not match the runlog schema"
        return InvalidRecord(prefix + message, where, _GENERIC)
    first = next((e for e in errors if e.path == ("schema",)), errors[0])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    message, hint = _explain(first, value)
    return InvalidRecord(prefix + message + more, where, hint)


def _missing(keys: list[str]) -> str:
    if len(keys) == 1:
        return f'missing required key "{keys[0]}"'
    return "missing required keys " + ", ".join(f'"{key}"' for key in keys)


def _missing_hint(keys: list[str]) -> str:
    if keys == ["status"]:
        return 'Add "status": "finished" (or running, failed, killed).'
    return f"Add the missing keys ({EXAMPLE}), or write runs with `mlpolicy log`, which fills them."


def _explain(error: Any, value: dict[str, Any]) -> tuple[str, str]:
    """The schema error in the words of the runlog format, not of its regular expressions."""
    path = error.path
    if path and path[0] in _TIMES and len(path) == 1 and "does not match" in error.message:
        return _time(path[0], value[path[0]])
    if path == ("git", "commit") and "does not match" in error.message:
        return (
            '"git.commit" must be a commit SHA (7 to 40 hex digits)',
            "Record the commit the run was made from (`git rev-parse HEAD`).",
        )
    if path == ("schema",):
        return error.message, '"schema" must be "mlpolicy.runlog/v1", the version mlpolicy reads.'
    if path == ("status",):
        return error.message, 'Set "status" to one of running, finished, failed, killed.'
    if len(path) >= 2 and path[0] == "metrics":
        return (
            f'metric "{path[1]}" must be a number or a non-empty list of {{"step", "value"}}',
            f'Log a number, e.g. "{path[1]}": 0.83, or a list like [{{"step": 0, "value": 0.83}}].',
        )
    parent = ".".join(str(p) for p in path[:-1])
    return (f"{parent}: {error.message}" if parent else error.message), _GENERIC


def _time(key: str, text: Any) -> tuple[str, str]:
    """A start or end time that is not RFC 3339 with an offset, and that time written so."""
    fixed = _rfc3339(text) if isinstance(text, str) else None
    if fixed is None:
        return (
            f'"{key}" must be an RFC 3339 date-time such as 2026-11-26T14:57:04Z',
            f'Write it in UTC with a Z, e.g. "{key}": "2026-11-30T10:00:00Z".',
        )
    if fixed.endswith("Z"):  # it parsed as a time without an offset
        return (
            f'"{key}" has no time zone (RFC 3339 needs one): {json.dumps(text)}',
            f'Write it in UTC with a Z: "{key}": "{fixed}" (or with its offset, e.g. +01:00).',
        )
    return (f'"{key}" is not written as RFC 3339: {json.dumps(text)}', f'Write "{key}": "{fixed}".')


def _rfc3339(text: str) -> str | None:
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.isoformat() + "Z"
    return parsed.isoformat().replace("+00:00", "Z")


def _kind(value: Any) -> str:
    names = {list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
