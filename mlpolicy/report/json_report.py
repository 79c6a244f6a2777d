"""The ``json`` report: ``mlpolicy.report/v1`` (``schemas/report.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from mlpolicy import __version__
from mlpolicy.findings import Artifact, CheckResult, Finding, ProjectResult, Severity


def render(result: CheckResult, color: bool = False) -> str:
    """The report as JSON text; the same input always gives the same bytes."""
    return json.dumps(as_dict(result), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def as_dict(result: CheckResult) -> dict[str, Any]:
    """The report as plain data (shared by formats that embed it)."""
    return {
        "schema": "mlpolicy.report/v1",
        "tool": {"name": "mlpolicy", "version": __version__},
        "passed": result.passed,
        "summary": {
            "projects": len(result.projects),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "notes": result.count(Severity.NOTE),
            "waived": result.waived,
        },
        "base": {"ref": result.base.ref, "commit": result.base.commit} if result.base else None,
        "findings": [finding_json(f) for f in result.findings],
        "projects": [_project(p) for p in result.projects],
    }


def _project(project: ProjectResult) -> dict[str, Any]:
    return {
        "root": project.root,
        "manifest": project.manifest,
        "phase": project.phase,
        "base_phase": project.base_phase,
        "policy": {"source": project.policy_source, "sha256": project.policy_sha256},
        "artifacts": [artifact_json(a) for a in project.artifacts],
        "findings": [finding_json(f) for f in project.findings],
    }


def artifact_json(artifact: Artifact) -> dict[str, str]:
    """One artifact as the JSON report (and ``status --format json``) writes it."""
    return {
        "kind": artifact.kind,
        "path": artifact.path,
        "format": artifact.format,
        "status": artifact.status,
    }


def finding_json(finding: Finding) -> dict[str, Any]:
    """One finding as the JSON report (and ``status --format json``) writes it."""
    data: dict[str, Any] = {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.location.path if finding.location else None,
    }
    # Unknown line/column are left out rather than written as 0 (SPEC section 9).
    if finding.location and finding.location.line is not None:
        data["line"] = finding.location.line
    if finding.location and finding.location.column is not None:
        data["column"] = finding.location.column
    data["hint"] = finding.hint
    data["waived"] = finding.waived
    return data
