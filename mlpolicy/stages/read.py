"""The Read stage: every artifact a project's phase requires, parsed once, before any rule.

Which readers run follows the policy's requirements in force at the project's phase, never
the rules selected: an artifact is read (and recorded for the report and MLP501) exactly when
its phase requires it. The readers work on the :class:`~mlpolicy.project.Project`, which
collects what they meet along the way (artifacts, paths leading out, unreadable files); the
values they return become the frozen :class:`~mlpolicy.facts.Readings`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from mlpolicy.facts import InputDrift, Readings
from mlpolicy.findings import Artifact

if TYPE_CHECKING:
    from mlpolicy.artifacts.validation import Evidence
    from mlpolicy.project import Project


def requirements(project: Project) -> Mapping[str, Any]:
    """The policy requirements in force at the project's phase (none when it did not load)."""
    if not project.loaded or project.phase is None:
        return {}
    return project.policy.requirements(project.phase)


def read(project: Project) -> Readings:
    """Run the readers the project's requirements need; then resolve every declared path."""
    in_force = requirements(project)
    values: dict[str, Any] = {}
    if "design_doc" in in_force or "design_doc_approved" in in_force:
        from mlpolicy.artifacts import design_doc

        values["design_doc"] = design_doc.load(project)
        values["design_doc_sections"] = design_doc.sections(project)
    if "experiments" in in_force or "quality_bar" in in_force:
        from mlpolicy.artifacts import experiments

        values["experiments"] = experiments.read(project)
    if "pipelines" in in_force:
        from mlpolicy.artifacts import pipelines

        values["pipelines"] = pipelines.read(project)
    if "pipeline_validation" in in_force:
        _read_validation(project, values)
    if "pipelines" in in_force:
        from mlpolicy.artifacts import dvc_lock

        values["dvc_lock"] = dvc_lock.read(project)
    if "monitoring" in in_force or "logging" in in_force:
        from mlpolicy.artifacts import monitoring

        values["monitoring"] = monitoring.read(project)
    if "model_card" in in_force:
        from mlpolicy.artifacts import model_card

        values["model_card"] = model_card.load(project)
        values["model_card_sections"] = model_card.sections(project)
    project.resolve_declared()
    return Readings(MappingProxyType(values))


def _read_validation(project: Project, values: dict[str, Any]) -> None:
    """Validation evidence, and for each record with input hashes what changed since.

    The pipeline definitions are read as well when some evidence needs them: a record with
    input hashes must cover every definition, and evidence without hashes is judged against
    changes to them (the Ask-git stage).
    """
    from mlpolicy.artifacts import pipelines, validation

    found = values["validation"] = validation.read(project)
    usable = found.usable
    hashed = [e for e in usable if e.inputs_sha256 is not None]
    unhashed = any(e.inputs_sha256 is None for e in usable)
    if hashed or (unhashed and project.git is not None):
        values["pipelines"] = pipelines.read(project)
    drift = {}
    for evidence in hashed:
        drift[evidence.rel] = _input_drift(project, evidence)
        if drift[evidence.rel].stale:
            project.record(Artifact(validation.KIND, evidence.rel, evidence.format, "stale"))
    values["validation_inputs"] = drift


def _input_drift(project: Project, evidence: Evidence) -> InputDrift:
    """What changed since the record was written, and the first changed input's key."""
    from mlpolicy.artifacts import pipelines, validation

    recorded = evidence.inputs_sha256 or {}
    resolved = validation.resolve_inputs(project, evidence)
    stale, first = [], None
    for key, path in resolved.items():
        current = validation.file_sha256(path)
        if current != recorded[key]:
            stale.append(f"{key} {'was deleted' if current is None else 'changed'}")
            first = first or key
    covered = {os.path.normpath(path) for path in resolved.values()}
    for definition in pipelines.read(project).definitions:
        if os.path.normpath(definition.path) not in covered:
            stale.append(f"{definition.rel} is not covered by the record")
    return InputDrift(tuple(stale), first)
