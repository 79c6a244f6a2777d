"""Monitoring bundles: every monitoring file of a project together, checks routed bundle-wide."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy import safeio, yamlio
from mlpolicy.artifacts.alertmanager import Routing
from mlpolicy.artifacts.alerts import Check, Issue, Logging, MonitoringFile
from mlpolicy.artifacts.monitoring_file import (
    ALERTMANAGER,
    ALERTMANAGER_RESOURCE,
    ALERTMANAGER_SECRET,
    MLPOLICY,
    PROMETHEUS,
    PROMTOOL_TEST,
    RECOGNISED,
    UNPARSEABLE,
    UNRECOGNISED,
    parse,
)
from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.project import Project

__all__ = [
    "ALERTMANAGER",
    "ALERTMANAGER_RESOURCE",
    "ALERTMANAGER_SECRET",
    "HEALTH",
    "MLPOLICY",
    "MODEL",
    "PROMETHEUS",
    "PROMTOOL_TEST",
    "UNPARSEABLE",
    "UNRECOGNISED",
    "Bundle",
    "bundle",
    "parse",
    "read",
]

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


@dataclass(frozen=True, slots=True)
class Bundle:
    """A project's monitoring files together, every check and alert routed bundle-wide."""

    files: tuple[MonitoringFile, ...]
    missing: tuple[tuple[str, Location], ...]  # declared paths holding no file, and where
    checks: tuple[Check, ...]  # checks and alerts; recording rules are left out
    owner: str | None

    @property
    def recognised(self) -> tuple[MonitoringFile, ...]:
        """The files that are monitoring config (a multi-document file's formats join with +)."""
        return tuple(f for f in self.files if RECOGNISED & set(f.format.split("+")))

    @property
    def logging(self) -> tuple[Logging, ...]:
        return tuple(f.logging for f in self.files if f.logging is not None)

    def silent_receivers(self, check: Check) -> list[str]:
        """Receivers without integrations that Alertmanager routes ``check`` to, if any."""
        labels = {"alertname": check.name, **check.labels}
        reached = [r for f in self.files for x in f.routings for r in x.root.receivers(labels)]
        delivering = {r for f in self.files for x in f.routings for r in x.delivering}
        return [r for r in dict.fromkeys(reached) if r not in delivering]


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
        data = project.read_bounded(path, yamlio.MAX_BYTES)
    except safeio.TooLarge as exc:
        issue = Issue(f"the file {exc.reason}", Location(rel))
        return MonitoringFile(rel, UNPARSEABLE, (issue,), parsed=False)
    except safeio.FileProblem as exc:
        issue = Issue(f"the file {exc.reason}", Location(rel))
        return MonitoringFile(rel, "unknown", (issue,), unreadable=True, parsed=False)
    return parse(data, rel, named)


def bundle(
    files: list[MonitoringFile], missing: list[tuple[str, Location]] | None = None
) -> Bundle:
    """Join files into a bundle: the owner and Alertmanager routes apply to every check."""
    owner = next((f.owner for f in files if f.owner), None)
    routings = [routing for f in files for routing in f.routings]
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
