"""Whether a runlog record matches ``schemas/runlog.schema.json``, decided without jsonschema.

jsonschema takes about 170 microseconds a record: 17 s for a 100,000-line log, against the
5 s budget of SPEC section 11, and 1,000,000 hostile lines of ``{}`` took minutes. This is
the same decision, written out for this one schema. The schema stays the contract: the
required keys, the ``schema`` constant, the status values and the patterns are read from
it, a declared property this module does not know defers to jsonschema (``None``), and
tests/artifacts/test_runlog_validity.py holds it to jsonschema's verdict on generated
records. jsonschema still words the message of every invalid record that is shown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from mlpolicy import schema

Check = Callable[[Any], bool]


def verdict(value: Any) -> bool | None:
    """True when ``value`` is a valid record, False when not, None to ask jsonschema."""
    if not isinstance(value, dict):
        return False
    rules = _rules()
    if not rules.required <= value.keys():
        return False
    checks = rules.checks
    for key, item in value.items():
        check = checks.get(key)
        if check is not None:
            if not check(item):
                return False
        elif key in rules.declared:
            return None
    return True


def is_valid(value: Any) -> bool:
    """Whether ``value`` is a valid record, asking jsonschema only when :func:`verdict` defers."""
    known = verdict(value)
    return known if known is not None else not schema.validate("runlog", value)


def missing_keys(value: dict[str, Any]) -> list[str]:
    """The schema's required keys that ``value`` lacks, sorted."""
    return sorted(_rules().required.difference(value))


class _Rules:
    """The checks of each top-level property, built once from the loaded schema."""

    def __init__(self, document: dict[str, Any]) -> None:
        properties = document["properties"]
        timestamp = _pattern(document["$defs"]["timestamp"]["pattern"])
        commit = _pattern(properties["git"]["properties"]["commit"]["pattern"])
        statuses = frozenset(properties["status"]["enum"])
        version = properties["schema"]["const"]
        self.required = frozenset(document["required"])
        self.declared = frozenset(properties)
        self.checks: dict[str, Check] = {
            "schema": lambda v: isinstance(v, str) and v == version,
            "run_id": _text,
            "experiment": _text,
            "started_at": timestamp,
            "ended_at": timestamp,
            "status": lambda v: isinstance(v, str) and v in statuses,
            "git": lambda v: _git(v, commit),
            "params": lambda v: isinstance(v, dict),
            "metrics": _metrics,
            "datasets": _datasets,
            "seed": _integer,
            "tags": _tags,
            "code": lambda v: _fields(v, {"entrypoint": _text}),
            "environment": lambda v: _fields(v, {"python": _string, "packages": _strings}),
            "parent_run_id": _text,
        }


@functools.cache
def _rules() -> _Rules:
    return _Rules(schema.load("runlog"))


def _pattern(expression: str) -> Check:
    # jsonschema matches "pattern" with re.search, so this does too.
    compiled = re.compile(expression)
    return lambda v: isinstance(v, str) and compiled.search(v) is not None


def _string(value: Any) -> bool:
    return isinstance(value, str)


def _text(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 1


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _integer(value: Any) -> bool:
    # JSON Schema counts 3.0 as an integer.
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _fields(value: Any, checks: Mapping[str, Check]) -> bool:
    """An object whose listed keys, where present, pass their checks."""
    if not isinstance(value, dict):
        return False
    return all(check(value[key]) for key, check in checks.items() if key in value)


def _strings(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def _git(value: Any, commit: Check) -> bool:
    if not isinstance(value, dict) or "commit" not in value or not commit(value["commit"]):
        return False
    if "branch" in value and not isinstance(value["branch"], str):
        return False
    return "dirty" not in value or isinstance(value["dirty"], bool)


def _metrics(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    for metric in value.values():
        kind = type(metric)
        if kind is float or kind is int:  # the usual case first: a plain number
            continue
        if kind is list:
            if not metric or not all(_point(p) for p in metric):
                return False
        elif not _number(metric):
            return False
    return True


def _point(value: Any) -> bool:
    if not isinstance(value, dict) or "step" not in value or "value" not in value:
        return False
    return _integer(value["step"]) and _number(value["value"])


def _datasets(value: Any) -> bool:
    return isinstance(value, list) and all(_dataset(item) for item in value)


def _dataset(value: Any) -> bool:
    if not isinstance(value, dict) or ("name" not in value and "path" not in value):
        return False
    checks = {"name": _text, "path": _text, "version": _string, "role": _string}
    return _fields(value, checks)


def _tags(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(v, str) for v in value)
    return _strings(value)
