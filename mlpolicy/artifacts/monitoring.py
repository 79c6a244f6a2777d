"""Monitoring bundles: mlpolicy's monitoring.yaml, Prometheus rule files, Alertmanager configs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mlpolicy import schema, yamlio
from mlpolicy.artifacts import alertmanager, prometheus
from mlpolicy.artifacts.alertmanager import Routing
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
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Artifact, Location
from mlpolicy.safeio import FileProblem

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "monitoring"
DEFAULTS = (
    "monitoring/**/*.yaml",
    "monitoring/**/*.yml",
    "monitoring/**/*.json",
    "monitoring.yaml",
    "monitoring.yml",
)
SUFFIXES = (".yaml", ".yml", ".json")
HEALTH = frozenset({"latency", "errors", "traffic"})
MODEL = frozenset({"drift", "quality"})

MLPOLICY = "mlpolicy-monitoring"
PROMETHEUS = prometheus.FORMAT
ALERTMANAGER = alertmanager.FORMAT
PROMTOOL_TEST = "promtool-test"
UNRECOGNISED = "unrecognised"
UNPARSEABLE = "unparseable"
RECOGNISED = frozenset({MLPOLICY, PROMETHEUS, ALERTMANAGER})


@dataclass(frozen=True, slots=True)
class Bundle:
    """A project's monitoring files together, every check and alert routed bundle-wide."""

    files: tuple[MonitoringFile, ...]
    missing: tuple[tuple[str, Location], ...]  # declared paths holding no file, and where
    checks: tuple[Check, ...]  # checks and alerts; recording rules are left out
    owner: str | None

    @property
    def recognised(self) -> tuple[MonitoringFile, ...]:
        return tuple(f for f in self.files if f.format in RECOGNISED)

    @property
    def logging(self) -> tuple[Logging, ...]:
        return tuple(f.logging for f in self.files if f.logging is not None)


# -- the bundle ------------------------------------------------------------------------


def read(project: Project) -> Bundle:
    """The project's monitoring bundle, read once and shared by the MLP4xx rules."""
    return project.cached("artifacts.monitoring", lambda: _read(project))


def _read(project: Project) -> Bundle:
    paths: dict[Path, bool] = {}  # path -> named by the manifest (so it must be monitoring)
    missing: list[tuple[str, Location]] = []
    for path, where in project.candidates(KIND, DEFAULTS):
        found = [path] if path.is_file() else list(project.files_under(path, SUFFIXES))
        if not found and where is not None:
            missing.append((project.rel(path), where))
            project.record(Artifact(KIND, project.rel(path), "unknown", "missing"))
        for item in found:
            paths.setdefault(item, item == path and where is not None)
    files = [_read_file(project, path, named) for path, named in paths.items()]
    for file in files:
        project.record(Artifact(KIND, file.path, file.format, file.status))
    return bundle(files, missing)


def _read_file(project: Project, path: Path, named: bool) -> MonitoringFile:
    rel = project.rel(path)
    try:
        data = project.read(path, yamlio.MAX_BYTES)
    except FileProblem as exc:
        issue = Issue(f"the file {exc.reason}", Location(rel))
        return MonitoringFile(rel, "unknown", (issue,), unreadable=True)
    if len(data) > yamlio.MAX_BYTES:
        issue = Issue(f"file is larger than the {yamlio.MAX_BYTES} bytes limit", Location(rel))
        return MonitoringFile(rel, UNPARSEABLE, (issue,))
    return parse(data, rel, named)


def bundle(
    files: list[MonitoringFile], missing: list[tuple[str, Location]] | None = None
) -> Bundle:
    """Join files into a bundle: the owner and Alertmanager routes apply to every check."""
    owner = next((f.owner for f in files if f.owner), None)
    routings = [f.routing for f in files if f.routing is not None]
    checks = tuple(
        replace(c, route=_route(c, owner, routings))
        for f in files
        for c in f.checks
        if c.kind != "record"
    )
    return Bundle(tuple(files), tuple(missing or ()), checks, owner)


def _route(check: Check, owner: str | None, routings: list[Routing]) -> str | None:
    if check.route:
        return check.route
    labels = {"alertname": check.name, **check.labels}
    return next((r for r in (x.receiver_for(labels) for x in routings) if r), None) or owner


# -- one file --------------------------------------------------------------------------


def parse(data: bytes, path: str, named: bool = False) -> MonitoringFile:
    """Read one file; ``named`` files (declared by the manifest) must be monitoring config."""
    try:
        document = yamlio.load(data)
    except DocumentError as exc:
        return MonitoringFile(
            path, UNPARSEABLE, (Issue(exc.message, Location(path, exc.line, exc.column)),)
        )
    kind = recognise(document.value)
    if kind == UNRECOGNISED and PurePosixPath(path).stem == "monitoring":
        kind = MLPOLICY  # its schema errors say what is wrong better than "unrecognised"
    if kind == UNRECOGNISED and named:
        issue = Issue(
            "not a recognised monitoring file: expected mlpolicy's monitoring.yaml "
            "(owner, checks, logging), Prometheus rule groups or an Alertmanager config",
            Location(path, 1, 1),
        )
        return MonitoringFile(path, kind, (issue,))
    reader = _READERS.get(kind)
    return reader(Source(document, path)) if reader else MonitoringFile(path, kind)


def recognise(value: Any) -> str:
    """The format of a loaded document, told by its top-level keys."""
    if not isinstance(value, dict):
        return UNRECOGNISED
    if "groups" in value or prometheus.is_rule_resource(value):
        return PROMETHEUS
    if "rule_files" in value or "tests" in value:
        return PROMTOOL_TEST
    if "route" in value or "receivers" in value:
        return ALERTMANAGER
    if {"checks", "logging", "owner"} & value.keys():
        return MLPOLICY
    return UNRECOGNISED


# -- mlpolicy's monitoring.yaml --------------------------------------------------------


def _read_mlpolicy(source: Source) -> MonitoringFile:
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
        MLPOLICY,
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


_READERS: dict[str, Callable[[Source], MonitoringFile]] = {
    MLPOLICY: _read_mlpolicy,
    PROMETHEUS: prometheus.read_rules,
    ALERTMANAGER: alertmanager.read_config,
}
