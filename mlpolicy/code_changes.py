"""Code changes since an evidence commit, from git history: is the evidence still current?

Content decides, not dates: evidence made at commit R is stale when a watched path (a
directory of ``code_paths``, a pipeline definition) has a different object id at R than at
HEAD. Equal ids mean nothing under the path changed, however the history got there
(merges, rebases, reverts), and one request to the run's one ``git cat-file`` answers
every (commit, path) pair of a project (of every project, after ``GitScope.prefetch``).
The commit that last touched each changed path comes from the run's one shared ``git log``
(one batched question for all of them) and only names the change in the message.
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
    """Watched paths that differ between an evidence commit and HEAD, and who changed each."""

    evidence: Commit
    paths: tuple[str, ...]
    last: tuple[Commit | None, ...]  # per path: the newest commit touching it, if known

    def describe(self) -> str:
        """``dvc.yaml changed in 1a2b3c4 (2026-01-02), src in 9f8e7d6 (2026-01-05)``.

        Each path is named with its own last commit (paths sharing one are grouped), so a
        path changed long ago is never dated by another path's newer commit.
        """
        groups: dict[Commit | None, list[str]] = {}
        for path, commit in zip(self.paths, self.last, strict=True):
            groups.setdefault(commit, []).append(path)
        parts = [_phrase(paths, commit, i == 0) for i, (commit, paths) in enumerate(groups.items())]
        return ", ".join(parts)


def _phrase(paths: list[str], commit: Commit | None, first: bool) -> str:
    names = ", ".join(paths)
    if commit is None:
        return f"{names} differ at HEAD"
    when = "at or before" if commit.boundary else "in"
    return f"{names} {'changed ' if first else ''}{when} {commit.describe()}"


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
    changed = {
        c.sha: tuple(p for p in watched if ids[(c.sha, p)] != ids[(HEAD, p)]) for c in evidence
    }
    # One history question names the last commit of every changed path of every commit.
    touched = {p for paths in changed.values() for p in paths}
    last = git.last_commits(touched) if touched else {}
    return {
        c.sha: Change(c, changed[c.sha], tuple(last.get(_key(p)) for p in changed[c.sha]))
        if changed[c.sha]
        else None
        for c in evidence
    }


def _key(path: str) -> str:
    """How :meth:`GitScope.last_commits` keys ``path`` in its answer."""
    return "" if path == "." else path.strip("/")


def history_gap(project: Project, key: str, message: str, where: Location | None) -> None:
    """Note a freshness question this clone's history cannot answer (reported as MLP505)."""
    project.history_gaps.setdefault(key, Problem(message, where, SHALLOW_HINT))
