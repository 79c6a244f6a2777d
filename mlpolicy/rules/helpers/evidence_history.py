"""Staleness of validation evidence without input hashes, judged from git history (MLP305)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy import code_changes
from mlpolicy.artifacts import pipelines, validation
from mlpolicy.findings import Artifact, Location, Problem

if TYPE_CHECKING:
    from mlpolicy.code_changes import Change
    from mlpolicy.gitscope import Commit
    from mlpolicy.project import Project


def evidence_stale(project: Project, rel: str, format_name: str) -> Iterator[Problem]:
    """MLP305 for evidence without input hashes (JUnit, Great Expectations) at ``rel``: stale
    when the pipeline definitions or ``code_paths`` changed after the commit that last
    changed the evidence. The validation rule calls it for each such file."""
    if project.git is None:
        return
    judged = project.cached("evidence-history", lambda: _judge_evidence(project, rel))
    last, change = judged.get(rel, (None, None))
    if last is None:
        return  # never committed: MLP501 speaks for it, or it is being committed now
    if change is None and last.boundary:
        code_changes.history_gap(
            project,
            f"MLP305:{rel}",
            f"cannot tell whether {rel} is stale: this shallow clone does not reach"
            " the commit that last changed it",
            Location(rel),
        )
    if change is None:
        return
    project.record(Artifact(validation.KIND, rel, format_name, "stale"))
    when = "at or before" if last.boundary else "in"
    yield Problem(
        f"validation evidence is stale: {change.describe()}, after {rel} was last"
        f" committed {when} {last.describe()}",
        Location(rel),
        "Run the pipeline's validation again on the current code and commit the new"
        " evidence (`mlpolicy attest` writes a record that carries input hashes).",
    )


def _judge_evidence(project: Project, rel: str) -> dict[str, tuple[Commit, Change | None]]:
    """Every validation file the reader recorded (``rel`` among them), judged in one batch:
    the commit that last changed it and what changed since. Two git questions in all."""
    git = project.git
    defined = (d.rel for d in pipelines.read(project).definitions)
    watched = code_changes.watched_paths(project, defined)
    if git is None or not watched:
        return {}
    rels = {a.path for a in project.artifacts.values() if a.kind == validation.KIND} | {rel}
    lasts = git.last_commits(rels)
    changes = code_changes.changes(git, list({c.sha: c for c in lasts.values()}.values()), watched)
    return {path: (last, changes[last.sha]) for path, last in lasts.items()}
