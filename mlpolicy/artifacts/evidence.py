"""Validation evidence from one file's bytes: mlpolicy records, JUnit, Great Expectations.

``parse(path, rel, data, explicit)`` never raises: a file that cannot be read as evidence
becomes an ``invalid`` :class:`Evidence` with a message and, where known, a line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeGuard

from mlpolicy import yamlio
from mlpolicy.artifacts import junit
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location
from mlpolicy.yamlio import JsonPath

RECORD = "mlpolicy.validation/v1"
MLPOLICY, JUNIT, GX, UNKNOWN = "mlpolicy", "junit", "great-expectations", "unknown"
MAX_BYTES = 32 * 1024 * 1024
# jsonschema recurses once per nesting level; deeper records are refused before validation.
MAX_DEPTH = 64
NOT_EVIDENCE = (
    "not pipeline validation evidence (expected an mlpolicy validation record, "
    "a JUnit XML report or a Great Expectations validation result)"
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one evidence file says about the pipeline's validation."""

    path: Path
    rel: str
    format: str  # mlpolicy | junit | great-expectations | unknown
    status: str  # ok | invalid | unreadable
    passed: bool
    executed: int  # tests run (not skipped), or expectations evaluated
    failures: int
    errors: int
    skipped: int
    message: str  # the counts, or what is wrong with the file
    inputs_sha256: Mapping[str, str] | None
    pipelines: tuple[str, ...]
    commit: str | None
    location: Location  # the file, at the line that shows the failure when known

    @property
    def usable(self) -> bool:
        return self.status == "ok"


def parse(path: Path, rel: str, data: bytes, explicit: bool) -> Evidence | None:
    """The evidence in ``data``; None when it is none and was found at a default place."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return _junit(path, rel, data, explicit)
    if suffix == ".json":
        return _json(path, rel, data, explicit)
    return invalid(path, rel, NOT_EVIDENCE) if explicit else None


def invalid(
    path: Path,
    rel: str,
    message: str,
    line: int | None = None,
    column: int | None = None,
    status: str = "invalid",
    format_name: str = UNKNOWN,
) -> Evidence:
    where = Location(rel, line, column)
    return Evidence(
        path, rel, format_name, status, False, 0, 0, 0, 0, message, None, (), None, where
    )


def _junit(path: Path, rel: str, data: bytes, explicit: bool) -> Evidence | None:
    try:
        report = junit.load(data)
    except junit.NotJUnit:
        return invalid(path, rel, NOT_EVIDENCE) if explicit else None
    except DocumentError as exc:
        return invalid(path, rel, exc.message, exc.line, exc.column, format_name=JUNIT)
    message = report.summary() + ("" if report.executed else "; no test was executed")
    return Evidence(
        path=path,
        rel=rel,
        format=JUNIT,
        status="ok",
        passed=report.passed,
        executed=report.executed,
        failures=report.failures,
        errors=report.errors,
        skipped=report.skipped,
        message=message,
        inputs_sha256=None,
        pipelines=(),
        commit=None,
        location=Location(rel, report.problem_line),
    )


def _json(path: Path, rel: str, data: bytes, explicit: bool) -> Evidence | None:
    try:
        text = yamlio.decode(data, MAX_BYTES)
        value = json.loads(text)
    except DocumentError as exc:
        return invalid(path, rel, exc.message, exc.line, exc.column)
    except json.JSONDecodeError as exc:
        return invalid(path, rel, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        return invalid(path, rel, f"invalid JSON: {type(exc).__name__}")
    if isinstance(value, dict) and str(value.get("schema", "")).startswith("mlpolicy.validation"):
        return _record(path, rel, text, value)
    if _is_great_expectations(value):
        return _great_expectations(path, rel, text, value)
    return invalid(path, rel, NOT_EVIDENCE) if explicit else None


def _record(path: Path, rel: str, text: str, value: dict[str, Any]) -> Evidence:
    from mlpolicy import schema

    if _depth(value) > MAX_DEPTH:
        return invalid(
            path, rel, f"nesting is deeper than {MAX_DEPTH} levels", format_name=MLPOLICY
        )
    problems = schema.validate("validation", value)
    if problems:
        line, column = position(text, problems[0].path)
        message = f"validation record: {problems[0].message}"
        return invalid(path, rel, message, line, column, format_name=MLPOLICY)
    checks = value["checks"]
    failed = sum(1 for check in checks if check["status"] == "failed")
    skipped = sum(1 for check in checks if check["status"] == "skipped")
    totals = value.get("junit") or {
        "tests": len(checks),
        "failures": failed,
        "errors": 0,
        "skipped": skipped,
    }
    tests, failures, errors = totals["tests"], totals["failures"], totals["errors"]
    executed = max(tests - totals["skipped"], 0)
    passed = value["status"] == "passed" and failures + errors + failed == 0 and executed > 0
    pipeline = value["pipeline"]
    return Evidence(
        path=path,
        rel=rel,
        format=MLPOLICY,
        status="ok",
        passed=passed,
        executed=executed,
        failures=max(failures, failed),
        errors=errors,
        skipped=totals["skipped"],
        message=f'status "{value["status"]}": '
        + junit.counts(tests, failures, errors, totals["skipped"]),
        inputs_sha256=MappingProxyType({k: v.lower() for k, v in value["inputs_sha256"].items()}),
        pipelines=(pipeline,) if isinstance(pipeline, str) else tuple(pipeline),
        commit=value["commit"],
        location=Location(rel, *(position(text, ("status",)) if not passed else (None, None))),
    )


def _is_great_expectations(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("success"), bool)
        and (isinstance(value.get("statistics"), dict) or "validation_results" in value)
    )


def _great_expectations(path: Path, rel: str, text: str, value: dict[str, Any]) -> Evidence:
    """A GX 1.x validation result, or a checkpoint result holding several of them."""
    results = value.get("validation_results", [value])
    evaluated = unsuccessful = 0
    for index, result in enumerate(results if isinstance(results, list) else [None]):
        stats = result.get("statistics") if isinstance(result, dict) else None
        stats = stats if isinstance(stats, dict) else {}
        count = stats.get("evaluated_expectations")
        failed = stats.get("unsuccessful_expectations", 0)
        if not (_whole(count) and _whole(failed)):
            where = ("statistics",) if result is value else ("validation_results", index)
            message = (
                "Great Expectations result: statistics.evaluated_expectations and "
                "unsuccessful_expectations must be whole numbers"
            )
            return invalid(path, rel, message, *position(text, where), format_name=GX)
        evaluated += count
        unsuccessful += failed
    success = value["success"]
    passed = success and evaluated > 0 and unsuccessful == 0
    return Evidence(
        path=path,
        rel=rel,
        format=GX,
        status="ok",
        passed=passed,
        executed=evaluated,
        failures=unsuccessful,
        errors=0,
        skipped=0,
        message=f"success: {str(success).lower()}, {evaluated} expectations evaluated, "
        f"{unsuccessful} unsuccessful",
        inputs_sha256=None,
        pipelines=(),
        commit=None,
        location=Location(rel, *(position(text, ("success",)) if not passed else (None, None))),
    )


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _depth(value: Any) -> int:
    """Nesting depth, measured without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        stack.extend((child, level + 1) for child in children)
    return deepest


def position(text: str, path: JsonPath) -> tuple[int | None, int | None]:
    """Line and column of ``path`` in a JSON document, or (None, None).

    JSON is (nearly) YAML 1.2, and the YAML loader keeps positions where ``json`` does not;
    this runs only to point at a problem, so a document YAML refuses just loses the line.
    """
    if len(text) > yamlio.MAX_BYTES:
        return (None, None)
    try:
        return yamlio.load(text).position(path)
    except DocumentError:
        return (None, None)
