"""Where each project stands: every requirement up to the next phase, met or not, and why.

Each project is checked once, by the engine, at the phase after its own (at its own phase
when it is at the last one). Findings carry the requirement they count against, so each
requirement's row collects its own; a row of the project's current or an earlier phase is
judged with the current phase's severities (what ``check`` says today), a row of the next
phase with the next phase's (what ``advance`` would say).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mlpolicy import engine, manifest_search
from mlpolicy.findings import Artifact, Finding, ProjectResult, Severity
from mlpolicy.policy import Policy
from mlpolicy.project import Project, Repository
from mlpolicy.rules import RULES_BY_ID
from mlpolicy.settings import Settings

# requirement -> (how it is named, the artifact kinds that answer it)
REQUIREMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "design_doc": ("design doc", ("design_doc",)),
    "design_doc_approved": ("design doc approved", ("design_doc",)),
    "experiments": ("experiment logs", ("experiments",)),
    "quality_bar": ("quality bar met", ()),
    "pipelines": ("pipeline definitions", ("pipelines",)),
    "pipeline_validation": ("pipeline validation", ("pipeline_validation",)),
    "monitoring": ("monitoring", ("monitoring",)),
    "logging": ("prediction logging", ("monitoring",)),
    "model_card": ("model card", ("model_card",)),
}
MET, WARNING, UNMET = "met", "warning", "unmet"


@dataclass(frozen=True, slots=True)
class RequirementStatus:
    """One requirement: met, met with warnings, or unmet, with what was found and why."""

    id: str
    label: str
    level: str  # the policy's level where it is judged: error | warning | note
    status: str  # met | warning | unmet
    artifacts: tuple[Artifact, ...]
    findings: tuple[Finding, ...]  # open findings against it, with the judged severity


@dataclass(frozen=True, slots=True)
class PhaseStatus:
    """A phase and the requirements it adds to the earlier ones."""

    id: str
    name: str
    role: str  # earlier | current | next
    requirements: tuple[RequirementStatus, ...]


@dataclass(frozen=True, slots=True)
class ProjectStatus:
    """A project's readiness: its phases so far and the next, and what blocks the next."""

    root: str
    manifest: str
    phase: str | None  # None when the manifest or policy could not be loaded
    next_phase: str | None  # None at the policy's last phase
    phases: tuple[PhaseStatus, ...]
    general: tuple[Finding, ...]  # open findings about the project as a whole
    blocking: tuple[Finding, ...]  # open errors at the next phase (the last: at its own)

    @property
    def target(self) -> str | None:
        """The phase ``blocking`` is judged at."""
        return self.next_phase or self.phase


@dataclass(frozen=True, slots=True)
class Status:
    """Every project's readiness, and findings that belong to no project (MLP001)."""

    projects: tuple[ProjectStatus, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]


def assess(
    paths: Sequence[Path], use_git: bool = True, forced_policy: Policy | None = None
) -> Status:
    """The readiness of every project under ``paths`` (``forced_policy``: ``--policy``).

    Projects of one repository that are checked at the same phase share one engine run,
    so git is asked once per (repository, phase), not once per project.
    """
    plans: list[_Plan] = []
    findings: list[Finding] = []
    notes: list[str] = []
    for path in paths:
        found = _plans(path, use_git, forced_policy)
        if not found:
            empty = engine.check([path], Settings(use_git=use_git), forced_policy)
            findings += empty.findings
            notes += empty.notes
        plans += found
    groups: dict[tuple[Path, str | None], list[_Plan]] = {}
    for plan in plans:
        groups.setdefault((plan.repository, plan.target), []).append(plan)
    projects: list[ProjectStatus] = []
    for (_, target), group in groups.items():
        settings = Settings(phase=target, use_git=use_git)
        result = engine.check([p.manifest for p in group], settings, forced_policy)
        checked = {r.manifest: r for r in result.projects}
        projects += [plan.judge(checked[plan.rel]) for plan in group]
        notes += result.notes
    return Status(
        projects=tuple(sorted(projects, key=lambda p: (p.root, p.manifest))),
        findings=tuple(findings),
        notes=tuple(dict.fromkeys(notes)),
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """A project before its check: where it is, its policy and phase, the phase to check at."""

    repository: Path
    manifest: Path
    rel: str
    policy: Policy | None  # None when the manifest or policy cannot be used
    phase: str | None
    following: str | None

    @property
    def target(self) -> str | None:
        return self.following or self.phase

    def judge(self, checked: ProjectResult) -> ProjectStatus:
        if self.policy is None or self.phase is None:
            return _unloaded(checked)
        return _judged(self.policy, self.phase, self.following, checked)


def _plans(path: Path, use_git: bool, forced_policy: Policy | None) -> list[_Plan]:
    repository = Repository.containing(path, use_git)
    try:
        manifests = manifest_search.manifests([path], repository.git)
        return [_plan(repository, m, use_git, forced_policy) for m in manifests]
    finally:
        repository.close()


def _plan(
    repository: Repository, manifest: Path, use_git: bool, forced_policy: Policy | None
) -> _Plan:
    project = Project(repository, manifest, Settings(use_git=use_git), forced_policy)
    where = (repository.root, manifest, project.manifest_rel)
    if not project.loaded or project.phase is None:
        return _Plan(*where, None, None, None)
    ids, phase = project.policy.phase_ids, project.phase
    following = ids[ids.index(phase) + 1] if ids.index(phase) + 1 < len(ids) else None
    return _Plan(*where, project.policy, phase, following)


def _unloaded(checked: ProjectResult) -> ProjectStatus:
    open_findings = tuple(f for f in checked.findings if not f.waived)
    errors = tuple(f for f in open_findings if f.severity is Severity.ERROR)
    return ProjectStatus(checked.root, checked.manifest, None, None, (), open_findings, errors)


def _judged(
    policy: Policy, phase: str, following: str | None, checked: ProjectResult
) -> ProjectStatus:
    open_findings = [f for f in checked.findings if not f.waived]
    current = policy.index(phase)
    phases = []
    for index, (phase_id, required) in enumerate(_introduced(policy, following or phase)):
        judged_at = phase if index <= current else phase_id
        rows = tuple(
            _requirement(policy, requirement, judged_at, open_findings, checked.artifacts)
            for requirement in required
        )
        role = "earlier" if index < current else "current" if index == current else "next"
        spec = policy.phases[index]
        phases.append(PhaseStatus(phase_id, spec.name, role, rows))
    shown = {row.id for p in phases for row in p.requirements}
    general = tuple(f for f in open_findings if f.requirement not in shown)
    blocking = tuple(f for f in open_findings if f.severity is Severity.ERROR)
    return ProjectStatus(
        checked.root, checked.manifest, phase, following, tuple(phases), general, blocking
    )


def _introduced(policy: Policy, last: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each phase up to ``last`` with the requirements it brings into force."""
    seen: set[str] = set()
    introduced = []
    for spec in policy.phases[: policy.index(last) + 1]:
        new = tuple(r for r in policy.requirements(spec.id) if r not in seen)
        seen.update(new)
        introduced.append((spec.id, new))
    return introduced


def _requirement(
    policy: Policy,
    requirement: str,
    phase: str,
    findings: Iterable[Finding],
    artifacts: Iterable[Artifact],
) -> RequirementStatus:
    label, kinds = REQUIREMENTS.get(requirement, (requirement.replace("_", " "), ()))
    judged = tuple(
        replace(f, severity=severity)
        for f in findings
        if f.requirement == requirement and (severity := _severity(policy, f, phase)) is not None
    )
    if any(f.severity is Severity.ERROR for f in judged):
        status = UNMET
    else:
        status = WARNING if judged else MET
    found = tuple(a for a in artifacts if a.kind in kinds and a.status != "missing")
    level = policy.requirements(phase).get(requirement, "error")
    return RequirementStatus(requirement, label, level, status, found, judged)


def _severity(policy: Policy, finding: Finding, phase: str) -> Severity | None:
    rule = RULES_BY_ID.get(finding.rule)
    default = rule.default if rule is not None else finding.severity
    return policy.severity(finding.rule, finding.requirement, phase, default)
