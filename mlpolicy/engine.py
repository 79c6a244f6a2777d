"""The engine: run the rules over each project, judge severities, apply waivers, sort."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from mlpolicy import discover
from mlpolicy.findings import CheckResult, Finding, Problem, ProjectResult
from mlpolicy.manifest import Waiver
from mlpolicy.policy import Policy
from mlpolicy.project import Project, Repository
from mlpolicy.rules import ALL_RULES, project_rules
from mlpolicy.rules.base import RUN, WAIVERS, Rule
from mlpolicy.rules.manifest import Scan
from mlpolicy.settings import Settings


def check(
    paths: Sequence[Path], settings: Settings, forced_policy: Policy | None = None
) -> CheckResult:
    """Check every project under ``paths``."""
    results: list[ProjectResult] = []
    run_findings: list[Finding] = []
    notes: list[str] = []
    for path in paths:
        repository = Repository.containing(path, settings.use_git)
        if settings.use_git and not repository.is_git:
            notes.append(f"{path}: not inside a git repository; git-based rules were skipped")
        scan = Scan(repository, path, tuple(discover.manifests([path])))
        for rule in run_rules(settings):
            run_findings += _judge_run(rule, rule.check(scan) if rule.check else ())
        for manifest_path in scan.manifests:
            project = Project(repository, manifest_path, settings, forced_policy)
            results.append(check_project(project))
    return CheckResult(
        projects=tuple(sorted(results, key=lambda r: r.root)),
        findings=tuple(sorted(run_findings, key=Finding.sort_key)),
        fail_on=settings.fail_on,
        notes=tuple(dict.fromkeys(notes)),
    )


def run_rules(settings: Settings) -> list[Rule]:
    return [r for r in ALL_RULES if r.implemented and r.stage == RUN and settings.wants(r.id)]


def _judge_run(rule: Rule, problems: Iterable[Problem]) -> list[Finding]:
    return [
        Finding(rule.id, rule.name, rule.default, p.message, p.location, p.hint) for p in problems
    ]


def check_project(project: Project) -> ProjectResult:
    """Run every selected rule on ``project`` and judge the problems they report."""
    findings: list[Finding] = []
    rules = [r for r in project_rules() if project.settings.wants(r.id)]
    for rule in (r for r in rules if r.stage < WAIVERS):
        findings += _judge(project, rule, _run(project, rule))
    findings, project.used_waivers = _apply_waivers(project, findings, project.settings.date)
    for rule in (r for r in rules if r.stage == WAIVERS):
        findings += _judge(project, rule, _run(project, rule))
    return ProjectResult(
        root=project.rel_root,
        manifest=project.manifest_rel,
        phase=project.manifest.phase if project.manifest else None,
        base_phase=None,
        policy_source=project.policy.source,
        policy_sha256=project.policy.sha256,
        artifacts=tuple(sorted(project.artifacts.values(), key=lambda a: (a.kind, a.path))),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
    )


def _run(project: Project, rule: Rule) -> Iterable[Problem]:
    """The rule's problems; requirement rules run only on a fully loaded project."""
    assert rule.check is not None
    if not project.loaded and rule.requirement is not None:
        return ()
    return rule.check(project)


def _judge(project: Project, rule: Rule, problems: Iterable[Problem]) -> list[Finding]:
    phase = project.phase if project.loaded else None
    findings = []
    for problem in problems:
        severity = project.policy.severity(
            rule.id, problem.requirement or rule.requirement, phase, rule.default
        )
        if severity is None:
            continue
        findings.append(
            Finding(rule.id, rule.name, severity, problem.message, problem.location, problem.hint)
        )
    return findings


def _apply_waivers(
    project: Project, findings: list[Finding], today: dt.date
) -> tuple[list[Finding], frozenset[int]]:
    """Mark findings covered by an unexpired waiver; return them and the waivers used."""
    waivers = project.manifest.waivers if project.manifest else ()
    active = [(i, w) for i, w in enumerate(waivers) if w.expires >= today]
    used: set[int] = set()
    judged = []
    for finding in findings:
        match = next((i for i, w in active if _covers(project, w, finding)), None)
        if match is not None:
            used.add(match)
            finding = replace(finding, waived=True)
        judged.append(finding)
    return judged, frozenset(used)


def _covers(project: Project, waiver: Waiver, finding: Finding) -> bool:
    if waiver.rule != finding.rule:
        return False
    if waiver.path is None:
        return True
    scope = project.repository.rel(project.root / waiver.path).rstrip("/")
    where = finding.location.path if finding.location else ""
    return where == scope or where.startswith(scope + "/") or scope == "."
