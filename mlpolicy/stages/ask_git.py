"""The Ask-git stage: every git question about a project's artifacts, asked before any rule.

After the Read stage, the questions are known: which commits the experiment runs name, what
changed under the watched paths since those commits and since each validation file was last
committed, and whether each artifact is in the index. They are asked here, through the run's
one :class:`~mlpolicy.gitscope.GitScope` (a fixed handful of git processes for the whole run),
and the answers become the frozen :class:`~mlpolicy.facts.GitAnswers`. What the clone's
history cannot answer is noted as a history gap (MLP505) here too, never by a rule.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from typing import TYPE_CHECKING

from mlpolicy import code_changes
from mlpolicy.facts import GitAnswers, Readings
from mlpolicy.findings import Artifact, Location
from mlpolicy.gitscope import GitError, Questions

if TYPE_CHECKING:
    from mlpolicy.code_changes import Change
    from mlpolicy.gitscope import Commit, GitScope
    from mlpolicy.project import Project

# Artifact statuses that name no file on disk to ask git about.
_NO_FILE = frozenset({"missing", "not-present"})


def questions(project: Project, readings: Readings, in_force: Collection[str]) -> Questions:
    """What :func:`ask` will want to know about ``project``, so that the engine can ask git
    for a batch of projects at once (``GitScope.prefetch``); ``ask`` then finds every answer
    already known. Only what can be told before any answer comes back is listed here."""
    commits: set[str] = set()
    objects: set[tuple[str, str]] = set()
    history: set[str] = set()
    if "experiments" in in_force:
        runs = readings.experiments.runs
        commits = {run.commit for run in runs if run.commit}
        watched = code_changes.watched_paths(project)
        usable = {run.commit for run in runs if run.commit and run.usable}
        objects = {(rev, path) for rev in (*usable, code_changes.HEAD) for path in watched}
    if "pipeline_validation" in in_force and "pipelines" in readings.values:
        history = {e.rel for e in readings.validation.usable if e.inputs_sha256 is None}
    return Questions(frozenset(commits), frozenset(history), frozenset(objects))


def follow_up(
    project: Project, git: GitScope, readings: Readings, in_force: Collection[str]
) -> Questions:
    """What :func:`ask` will want once the :func:`questions` are answered: the watched paths
    at the commit that last changed each validation file (as ``_evidence_history`` asks)."""
    if "pipeline_validation" not in in_force or "pipelines" not in readings.values:
        return Questions()
    watched, lasts = _evidence_commits(project, git, readings)
    revs = {c.sha for c in lasts.values()}
    return Questions(objects=frozenset((r, p) for r in (*revs, code_changes.HEAD) for p in watched))


def _evidence_commits(
    project: Project, git: GitScope, readings: Readings
) -> tuple[tuple[str, ...], dict[str, Commit]]:
    """The paths validation evidence without input hashes is judged against (pipeline
    definitions and ``code_paths``), and the last commit of every validation file; nothing
    when no evidence lacks hashes or nothing is watched."""
    from mlpolicy.artifacts import validation

    unhashed = {e.rel for e in readings.validation.usable if e.inputs_sha256 is None}
    if not unhashed:
        return (), {}
    defined = (d.rel for d in readings.pipelines.definitions)
    watched = code_changes.watched_paths(project, defined)
    if not watched:
        return (), {}
    recorded = {a.path for a in project.artifacts.values() if a.kind == validation.KIND}
    return watched, git.last_commits(recorded | unhashed)


def ask(project: Project, readings: Readings, in_force: Collection[str]) -> GitAnswers:
    """Ask git what the rules of the requirements ``in_force`` need to know about what the
    Read stage found."""
    git = project.git
    if git is None:
        return GitAnswers()
    shallow = git.is_shallow()
    run_commits, error, run_changes = None, None, {}
    if "experiments" in in_force:
        runs = readings.experiments.runs
        wanted = [run.commit for run in runs if run.commit]
        try:
            run_commits = git.commits(wanted) if runs else {}
        except GitError as exc:
            error = str(exc)
        if shallow and run_commits is not None:
            _unreachable_runs(project, readings, run_commits)
        run_changes = _run_changes(project, git, readings, run_commits, shallow)
    history = {}
    if "pipeline_validation" in in_force:
        history = _evidence_history(project, git, readings)
    return GitAnswers(
        run_commits=run_commits,
        run_commit_error=error,
        shallow=shallow,
        run_changes=run_changes,
        evidence_history=history,
        index=_index(project, git),
    )


def _unreachable_runs(project: Project, readings: Readings, known: dict[str, Commit]) -> None:
    """A shallow clone lacks old commits: "not in history" cannot be told from "not fetched",
    so a run commit it does not have is a history gap (MLP505), never a false MLP204."""
    for run in readings.experiments.runs:
        if run.commit and run.commit not in known:
            message = (
                f"cannot tell whether commit {run.commit[:12]} of the runs in"
                f" {run.location.path} is in the history: this clone is shallow"
            )
            code_changes.history_gap(project, f"runs:{run.location.path}", message, run.location)


def _run_changes(
    project: Project,
    git: GitScope,
    readings: Readings,
    commits: dict[str, Commit] | None,
    shallow: bool,
) -> dict[str, Change | None]:
    """For each usable run's commit: the ``code_paths`` changed since (MLP205)."""
    watched = code_changes.watched_paths(project)
    if not watched:
        return {}
    runs = [r for r in readings.experiments.runs if r.commit and r.usable]
    if runs and commits is None:  # the lookup failed: judging staleness would guess
        raise GitError("could not look the runs' commits up in git")
    known = commits or {}
    judged = [known[r.commit] for r in runs if r.commit in known]
    if not judged:
        if runs and shallow:
            code_changes.history_gap(
                project,
                "MLP205",
                "cannot tell whether the experiment logs are stale: no run's commit is in"
                " this shallow clone",
                runs[0].location,
            )
        return {}
    return code_changes.changes(git, judged, watched)


def _evidence_history(
    project: Project, git: GitScope, readings: Readings
) -> dict[str, tuple[Commit, Change | None]]:
    """Each validation file without input hashes: its last commit and what changed since.

    Such evidence is stale when the pipeline definitions or ``code_paths`` changed after the
    commit that last changed it (MLP305); stale evidence is recorded as such, and a file
    whose last commit lies beyond a shallow clone's boundary is a history gap.
    """
    from mlpolicy.artifacts import validation

    watched, lasts = _evidence_commits(project, git, readings)
    if not watched:
        return {}
    found = code_changes.changes(git, list({c.sha: c for c in lasts.values()}.values()), watched)
    history = {path: (last, found[last.sha]) for path, last in lasts.items()}
    for evidence in (e for e in readings.validation.usable if e.inputs_sha256 is None):
        last, change = history.get(evidence.rel, (None, None))
        if last is None:
            continue  # never committed: MLP501 speaks for it, or it is being committed now
        if change is None and last.boundary:
            code_changes.history_gap(
                project,
                f"MLP305:{evidence.rel}",
                f"cannot tell whether {evidence.rel} is stale: this shallow clone does not"
                " reach the commit that last changed it",
                Location(evidence.rel),
            )
        if change is not None:
            project.record(Artifact(validation.KIND, evidence.rel, evidence.format, "stale"))
    return history


def _index(project: Project, git: GitScope) -> dict[str, str]:
    """Where each artifact, the manifest and the policy files stand in git (MLP501)."""
    files = {project.manifest_rel, *project.policy_files}
    paths = {a.path for a in project.artifacts.values() if a.status not in _NO_FILE} | files
    index = {}
    for path in paths:
        if git.is_tracked(path):
            index[path] = "tracked"
            continue
        on_disk = os.path.join(git.root, path)
        if not (os.path.isfile(on_disk) if path in files else os.path.exists(on_disk)):
            continue
        prefix = path.rstrip("/") + "/"
        untracked = any(p == path or p.startswith(prefix) for p in git.untracked)
        index[path] = "untracked" if untracked else "ignored"
    return index
