"""Freshness from git history: did the code change after the commit some evidence vouches for?

Content decides, not dates: evidence made at commit R is stale when a watched path (a
directory of ``code_paths``, a pipeline definition) has a different object id at R than at
HEAD. Equal ids mean nothing under the path changed, however the history got there
(merges, rebases, reverts), and one ``git cat-file`` answers every (commit, path) pair of
a project. The newest commit touching the changed paths comes from the run's one shared
``git log`` and only names the change in the message.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlpolicy.baseline import SHALLOW_HINT
from mlpolicy.findings import Location, Problem

if TYPE_CHECKING:
    from mlpolicy.gitscope import Commit, GitScope
    from mlpolicy.project import Project

HEAD = "HEAD"


@dataclass(frozen=True, slots=True)
class Change:
    """Watched paths that differ between an evidence commit and HEAD, and who changed them."""

    evidence: Commit
    paths: tuple[str, ...]
    latest: Commit | None

    def describe(self) -> str:
        """``src/, dvc.yaml changed in 9f8e7d6 (2026-01-05)``, for messages."""
        if self.latest is None:
            return f"{', '.join(self.paths)} differ at HEAD"
        when = "at or before" if self.latest.boundary else "in"
        return f"{', '.join(self.paths)} changed {when} {self.latest.describe()}"


def watched_paths(project: Project, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The project's ``code_paths`` (repo-relative, escapes dropped) and ``extra`` paths."""
    paths: list[str] = []
    for declared in project.manifest.code_paths if project.manifest else ():
        resolved = project.resolve(declared)
        if resolved is not None:
            paths.append(project.rel(resolved))
    return tuple(dict.fromkeys([*paths, *extra]))


def changes(
    git: GitScope, evidence: Sequence[Commit], watched: Sequence[str]
) -> dict[str, Change | None]:
    """For each evidence commit: the watched paths changed since (None when none changed)."""
    specs = [(c.sha, p) for c in evidence for p in watched] + [(HEAD, p) for p in watched]
    ids = git.object_ids(specs)
    result: dict[str, Change | None] = {}
    for commit in evidence:
        changed = tuple(p for p in watched if ids[(commit.sha, p)] != ids[(HEAD, p)])
        result[commit.sha] = Change(commit, changed, _newest(git, changed)) if changed else None
    return result


def _newest(git: GitScope, paths: Sequence[str]) -> Commit | None:
    found = git.last_commits(paths).values()
    return max(found, key=lambda c: c.timestamp, default=None)


def history_gap(project: Project, key: str, message: str, where: Location | None) -> None:
    """Note a freshness question this clone's history cannot answer (reported as MLP505)."""
    project.history_gaps.setdefault(key, Problem(message, where, SHALLOW_HINT))
