"""``mlpolicy status --format json``: ``mlpolicy.status/v1`` (``schemas/status.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from mlpolicy import __version__
from mlpolicy.commands.status.readiness import PhaseStatus, ProjectStatus, RequirementStatus, Status
from mlpolicy.findings import Finding
from mlpolicy.report.json_report import artifact_json, finding_json


def render(status: Status, color: bool = False) -> str:
    """The readiness as JSON text; the same input always gives the same bytes."""
    data = {
        "schema": "mlpolicy.status/v1",
        "tool": {"name": "mlpolicy", "version": __version__},
        "findings": [_finding(f) for f in status.findings],
        "projects": [_project(p) for p in status.projects],
        "notes": list(status.notes),
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _project(project: ProjectStatus) -> dict[str, Any]:
    return {
        "root": project.root,
        "manifest": project.manifest,
        "phase": project.phase,
        "next_phase": project.next_phase,
        "target": project.target,
        "ready": project.phase is not None and not project.blocking,
        "phases": [_phase(p) for p in project.phases],
        "general": [_finding(f) for f in project.general],
        "blocking": [_finding(f) for f in project.blocking],
    }


def _phase(phase: PhaseStatus) -> dict[str, Any]:
    return {
        "id": phase.id,
        "name": phase.name,
        "role": phase.role,
        "requirements": [_requirement(r) for r in phase.requirements],
    }


def _requirement(row: RequirementStatus) -> dict[str, Any]:
    return {
        "id": row.id,
        "label": row.label,
        "level": row.level,
        "status": row.status,
        "artifacts": [artifact_json(a) for a in row.artifacts],
        "findings": [_finding(f) for f in row.findings],
    }


def _finding(finding: Finding) -> dict[str, Any]:
    """The JSON report's finding, with the requirement it counts against (status files
    findings under requirements, and never lists waived ones)."""
    data = finding_json(finding)
    del data["waived"]
    data["requirement"] = finding.requirement
    return data
