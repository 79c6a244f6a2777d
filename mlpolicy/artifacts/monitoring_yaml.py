"""mlpolicy's own monitoring.yaml (``schemas/monitoring.schema.json``): checks, owner, logging."""

from __future__ import annotations

from typing import Any

from mlpolicy import schema
from mlpolicy.artifacts.alerts import (
    CATEGORIES,
    Check,
    Issue,
    Logging,
    MonitoringFile,
    Source,
    categorise,
    number,
    text,
)
from mlpolicy.findings import Location

FORMAT = "mlpolicy-monitoring"


def read_monitoring_yaml(source: Source) -> MonitoringFile:
    """Checks, owner and logging of mlpolicy's own monitoring.yaml, schema errors as issues."""
    for error in schema.validate("monitoring", source.value):
        source.flag(error.message, error.path)
    value = source.value if isinstance(source.value, dict) else {}
    raw_checks = value.get("checks")
    checks: list[Check] = []
    first_line: dict[str, int | None] = {}
    for index, raw in enumerate(raw_checks if isinstance(raw_checks, list) else []):
        name = text(raw.get("name")) if isinstance(raw, dict) else None
        if name is None:
            continue  # the schema reported it
        where = source.at(("checks", index, "name"))
        if name in first_line:
            message = f'duplicate check name "{name}" (first used on line {first_line[name]})'
            source.issues.append(Issue(message, where))
        first_line.setdefault(name, where.line)
        checks.append(_check(raw, name, where))
    logging = value.get("logging")
    return MonitoringFile(
        source.path,
        FORMAT,
        tuple(source.issues),
        tuple(checks),
        owner=text(value.get("owner")),
        logging=_logging(logging, source.at(("logging",))) if isinstance(logging, dict) else None,
    )


def _check(raw: dict[str, Any], name: str, where: Location) -> Check:
    kind = raw.get("kind")
    severity = text(raw.get("severity"))
    return Check(
        name=name,
        kind="check",
        category=kind if kind in CATEGORIES else categorise(name, text(raw.get("metric")) or ""),
        threshold=number(raw.get("threshold")),
        route=text(raw.get("alert")),
        runbook=text(raw.get("runbook")),
        duration=text(raw.get("for")),
        severity=severity,
        location=where,
        labels={"severity": severity} if severity else {},
    )


def _logging(raw: dict[str, Any], where: Location) -> Logging:
    days = raw.get("retention_days")
    return Logging(
        predictions=text(raw.get("predictions")),
        inputs=text(raw.get("inputs")),
        retention_days=days if isinstance(days, int) and not isinstance(days, bool) else None,
        location=where,
    )
