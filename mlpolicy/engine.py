"""The engine: run the rules over each project, judge severities, apply waivers, sort."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from mlpolicy import baseline, manifest_search
from mlpolicy.baseline import Base, Snapshot
from mlpolicy.facts import ProjectFacts, WaiverFacts
from mlpolicy.findings import (
    Artifact,
    BaseInfo,
    CheckResult,
    Finding,
    Location,
    Problem,
    ProjectResult,
    Severity,
)
from mlpolicy.gitscope import GitError, Questions
from mlpolicy.manifest import Waiver
from mlpolicy.policy import Policy
from mlpolicy.project import Project, Repository
from mlpolicy.rules import rule as rule_of
from mlpolicy.rules import rules
from mlpolicy.rules.base import PROJECT, RUN, WAIVERS, Rule
from mlpolicy.rules.index import RULE_INDEX
from mlpolicy.rules.manifest import Scan
from mlpolicy.settings import Settings
from mlpolicy.stages import ask_git
from mlpolicy.stages import read as read_stage


def check(
    paths: Sequence[Path], settings: Settings, forced_policy: Policy | None = None
) -> CheckResult:
    """Check every project under ``paths``."""
    run = _Run(settings, forced_policy)
    run.notes += settings.notes
    if settings.changes and settings.wants("MLP504"):
        run.findings += _judge_run(rule_of("MLP504"), settings.changes)
    try:
        for path in paths:
            run.check_path(path)
    finally:
        for repository in run.repositories.values():
            repository.close()
    base = next((b for b in run.bases.values() if b is not None), None)
    return CheckResult(
        projects=tuple(sorted(run.results, key=lambda r: r.root)),
        findings=tuple(sorted(run.findings, key=Finding.sort_key)),
        base=BaseInfo(base.ref, base.commit) if base else None,
        fail_on=settings.fail_on,
        notes=tuple(dict.fromkeys(run.notes)),
    )


class _Run:
    """One check run: repositories and their bases, each asked about once."""

    def __init__(self, settings: Settings, forced_policy: Policy | None) -> None:
        self.settings = settings
        self.forced_policy = forced_policy
        self.repositories: dict[Path, Repository] = {}
        self.bases: dict[Path, Base | None] = {}
        self.snapshots: dict[Path, Snapshot] = {}
        self.results: list[ProjectResult] = []
        self.findings: list[Finding] = []
        self.notes: list[str] = []

    def check_path(self, path: Path) -> None:
        repository = self._repository(path)
        found = manifest_search.scan([path], repository.git)
        snapshot = self._snapshot(repository, found.manifests)
        removed = (
            snapshot.removed((repository.rel(m) for m in found.manifests), repository.rel(path))
            if snapshot is not None
            else ()
        )
        scan = Scan(repository, path, found.manifests, removed)
        for rule in run_rules(self.settings):
            self.findings += _judge_run(rule, rule.check(scan) if rule.check else ())
        if self.settings.wants("MLP009"):
            self.findings += _judge_run(rule_of("MLP009"), _unsearched(repository, found))

        def load(manifest: Path) -> Project:
            return Project(repository, manifest, self.settings, self.forced_policy, snapshot)

        if self.settings.changed_only and snapshot is not None:
            projects = [load(manifest) for manifest in scan.manifests]
            touched = baseline.touched(projects, repository.git, snapshot)
            self.notes.append(
                f"{repository.rel(path)}: --changed-only: {len(touched)} of {len(projects)}"
                f" projects are touched by the change since {snapshot.commit[:7]}"
            )
            self.results += check_projects(touched)
            return
        # A batch of projects at a time: their git questions go to git together, and what
        # their readers parsed is dropped once they are judged, so memory does not grow
        # with the number of projects.
        loading = (load(manifest) for manifest in scan.manifests)
        while batch := list(itertools.islice(loading, BATCH)):
            self.results += check_projects(batch)

    def _repository(self, path: Path) -> Repository:
        found = Repository.containing(path, self.settings.use_git)
        if self.settings.use_git and not found.is_git:
            self.notes.append(f"{path}: not inside a git repository; git-based rules were skipped")
        repository = self.repositories.setdefault(found.root, found)
        if repository.root not in self.bases:
            base = self.bases[repository.root] = baseline.choose(repository, self.settings)
            if base is not None and base.note:
                self.notes.append(base.note)
            if base is not None and base.problem and self.settings.wants("MLP505"):
                self.findings += _judge_run(rule_of("MLP505"), [base.problem])
        return repository

    def _snapshot(self, repository: Repository, manifests: Sequence[Path]) -> Snapshot | None:
        """The base commit's files for ``repository`` (None outside pull-request mode)."""
        base, git = self.bases[repository.root], repository.git
        if base is None or base.commit is None or git is None:
            return None
        snapshot = self.snapshots.setdefault(repository.root, Snapshot(git, base))
        snapshot.prefetch_projects(repository.rel(m) for m in manifests)
        return snapshot


def _unsearched(repository: Repository, found: manifest_search.Discovery) -> Iterator[Problem]:
    """Folders discovery could not search: a manifest in them would go unchecked."""
    for folder, problem in found.unreadable:
        rel = repository.rel(folder)
        yield Problem(
            f"folder {rel} {problem.reason}; manifests in it could not be looked for",
            Location(rel),
            problem.hint,
        )


def run_rules(settings: Settings) -> list[Rule]:
    """The selected rules that look at a whole PATH rather than one project."""
    wanted = [i for i, (_, requirement) in RULE_INDEX.items() if requirement is None]
    return [r for r in rules(wanted) if r.stage == RUN and settings.wants(r.id)]


def project_rules(project: Project) -> tuple[Rule, ...]:
    """The rules that can report on ``project``, in stage then id order.

    A rule guarding a requirement the project's phase does not have is never imported:
    it would not run, and its module's readers are not needed.
    """
    in_force = read_stage.requirements(project)
    ids = (i for i, (_, req) in RULE_INDEX.items() if req is None or req in in_force)
    found = (r for r in rules(ids) if r.stage != RUN)
    return tuple(sorted(found, key=lambda r: (r.stage, r.id)))


def _judge_run(rule: Rule, problems: Iterable[Problem]) -> list[Finding]:
    return [
        Finding(rule.id, rule.name, rule.default, p.message, p.location, p.hint) for p in problems
    ]


# Projects read before their git questions are asked together: large enough that git
# answers a batch in one request, small enough that the batch's readings stay small.
BATCH = 64


def check_projects(projects: Sequence[Project]) -> list[ProjectResult]:
    """Check ``projects`` (of one repository) stage by stage: read them all, ask git all of
    their questions at once, then judge each."""
    staged = [(p, read_stage.requirements(p), read_stage.read(p)) for p in projects]
    git = projects[0].git if projects else None
    if git is not None:
        # On failure each project asks again, and reports (or fails on) what git says then.
        with contextlib.suppress(GitError):
            git.prefetch(_merged(ask_git.questions(p, r, f) for p, f, r in staged))
            git.prefetch(_merged(ask_git.follow_up(p, git, r, f) for p, f, r in staged))
    results = []
    for project, in_force, readings in staged:
        facts = project.facts(readings, ask_git.ask(project, readings, in_force))
        results.append(_judge_project(project, facts))
    return results


def _merged(questions: Iterable[Questions]) -> Questions:
    asked = list(questions)
    return Questions(
        frozenset().union(*(q.commits for q in asked)),
        frozenset().union(*(q.history for q in asked)),
        frozenset().union(*(q.objects for q in asked)),
        frozenset().union(*(q.files for q in asked)),
    )


def check_project(project: Project) -> ProjectResult:
    """Check one project: read it, ask git about it, judge it."""
    return check_projects([project])[0]


def _judge_project(project: Project, facts: ProjectFacts) -> ProjectResult:
    """Judge the project's frozen facts; keep the selected findings.

    The Read stage parsed every artifact the project's phase requires and the Ask-git stage
    asked every question about them, whatever ``--select``/``--ignore`` say; the rules
    judge only the frozen :class:`ProjectFacts`, so selection never changes what is known
    (which artifacts exist, are committed, readable or inside the repository). When MLP007
    is selected every rule runs and waivers are matched against all their findings (so an
    unused waiver never depends on selection); only then are the unselected findings
    dropped. The waiver rules judge :class:`WaiverFacts` and run only when selected.
    """
    wants = project.settings.wants
    candidates = project_rules(project)
    findings: list[Finding] = []
    # Waivers are matched against every rule's findings, so that MLP007 (unused waiver) never
    # depends on selection; without MLP007, a rule nobody selected cannot change the report.
    judged = [r for r in candidates if r.stage == PROJECT and (wants(r.id) or wants("MLP007"))]
    for rule in judged:
        findings += _judge(facts, rule, _capped(rule.id, _run(rule, facts)))
    findings, used = _apply_waivers(project, findings, project.settings.date)
    findings = [f for f in findings if wants(f.rule)]
    waivers = _waiver_facts(project, used)
    for rule in (r for r in candidates if r.stage == WAIVERS and wants(r.id)):
        findings += _judge(facts, rule, _capped(rule.id, _run(rule, waivers)))
    return ProjectResult(
        root=project.rel_root,
        manifest=project.manifest_rel,
        phase=project.manifest.phase if project.manifest else None,
        base_phase=project.base_phase,
        policy_source=project.policy.source,
        policy_sha256=project.policy.sha256,
        artifacts=_judged_artifacts(facts.artifacts, findings),
        findings=tuple(sorted(findings, key=Finding.sort_key)),
        rules=tuple(sorted(r.id for r in candidates if wants(r.id) and _applies(facts, r))),
    )


def _waiver_facts(project: Project, used: frozenset[int]) -> WaiverFacts:
    return WaiverFacts(
        waivers=project.manifest.waivers if project.manifest else (),
        judged=project.manifest is not None and project.loaded,
        today=project.settings.date,
        warning_days=project.policy.waiver_warning_days,
        used=used,
    )


# A generated file can hold a problem on every line; past this many per rule and file, one
# finding says how many more there were, so the report stays readable and bounded.
MAX_PER_FILE = 50


def _capped(rule_id: str, problems: Iterable[Problem]) -> Iterator[Problem]:
    """At most ``MAX_PER_FILE`` problems per file, as the rule reports them, then one
    saying how many more; the rest are counted, never turned into findings."""
    counts: dict[str, int] = {}
    overflow: dict[str, Problem] = {}
    for problem in problems:
        path = problem.location.path if problem.location else ""
        counts[path] = counts.get(path, 0) + 1
        if counts[path] <= MAX_PER_FILE:
            yield problem
        else:
            overflow.setdefault(path, problem)
    for path, first in overflow.items():
        more = counts[path] - MAX_PER_FILE
        yield replace(
            first,
            message=f"{more} more {rule_id} findings in this file were not listed",
            location=Location(path) if path else None,
            hint=f"Only the first {MAX_PER_FILE} are reported; fix those and check again.",
        )


# Findings about freshness make an artifact "stale"; git-state findings say nothing of its
# content. Any other open error at an artifact's path means it does not do its job; an
# artifact with only warnings (or notes) on it does its job, so it stays "ok".
_STALE_RULES = frozenset({"MLP205", "MLP305", "MLP306"})
_GIT_STATE_RULES = frozenset({"MLP501", "MLP505"})


def _judged_artifacts(
    artifacts: tuple[Artifact, ...], findings: list[Finding]
) -> tuple[Artifact, ...]:
    """The recorded artifacts, an "ok" one downgraded when an open error points at it."""
    flagged: dict[str, str] = {}
    for finding in findings:
        if finding.waived or finding.location is None or finding.rule in _GIT_STATE_RULES:
            continue
        if finding.severity is not Severity.ERROR:
            continue
        verdict = "stale" if finding.rule in _STALE_RULES else "invalid"
        if flagged.get(finding.location.path) != "invalid":
            flagged[finding.location.path] = verdict
    judged = (
        replace(a, status=flagged.get(a.path, a.status)) if a.status == "ok" else a
        for a in artifacts
    )
    return tuple(sorted(judged, key=lambda a: (a.kind, a.path)))


def _run(rule: Rule, subject: object) -> Iterable[Problem]:
    """The rule's problems about ``subject`` (a project's facts, or its waivers).

    Only rules whose requirement is in force get here (:func:`project_rules`): a rule
    guarding a requirement the phase does not have is never run, as its artifact is
    never read.
    """
    assert rule.check is not None
    return rule.check(subject)


def _applies(project: ProjectFacts, rule: Rule) -> bool:
    """True when ``rule`` can report on ``project``: the policy asks for it at its phase."""
    if rule.requirement is not None and (not project.loaded or project.phase is None):
        return False
    phase = project.phase if project.loaded else None
    return project.policy.severity(rule.id, rule.requirement, phase, rule.default) is not None


def _judge(project: ProjectFacts, rule: Rule, problems: Iterable[Problem]) -> list[Finding]:
    phase = project.phase if project.loaded else None
    findings = []
    for problem in problems:
        requirement = problem.requirement or rule.requirement
        severity = project.policy.severity(rule.id, requirement, phase, rule.default)
        if severity is None:
            continue
        findings.append(
            Finding(
                rule.id,
                rule.name,
                severity,
                problem.message,
                problem.location,
                problem.hint,
                requirement=requirement,
            )
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
