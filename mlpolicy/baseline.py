"""Pull-request mode: the base commit, and the files that govern each project as they were there.

Policy, waivers and ``quality_bar`` are taken from the base version (SPEC section 7), so a
change cannot lower its own bar or waive its own failure. A project with no usable manifest
at the base is new: nothing is there to compare its phase with, so every requirement of its
declared phase and all earlier ones is checked; its quality bar is its own, its policy file
is read at the base when it existed there, and it gets no waivers, because waivers never
come from the change they would excuse. A manifest that git's rename detection pairs with
a base manifest is not new: the project moved (``git mv``), and its base version governs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy import manifest as manifest_module
from mlpolicy import policy as policy_module
from mlpolicy import safeio
from mlpolicy.findings import Location, Problem
from mlpolicy.manifest import Manifest, ManifestError, QualityBar, Waiver

if TYPE_CHECKING:
    from mlpolicy.gitscope import GitScope
    from mlpolicy.project import Project, Repository
    from mlpolicy.settings import Settings

SHALLOW_HINT = (
    "The clone is shallow. In GitHub Actions give actions/checkout `fetch-depth: 0` (at least"
    " `fetch-depth: 2` for the default HEAD^1 base); elsewhere run `git fetch --unshallow` or"
    " `git fetch --deepen=100`."
)
FETCH_HINT = (
    "Fetch the base branch first (for example `git fetch origin main`), or pass a ref or"
    " commit this clone has to --base."
)


@dataclass(frozen=True, slots=True)
class Base:
    """The base a check compares with: the ref asked for and its merge base with HEAD.

    ``commit`` is None when the base is unusable; ``problem`` then says why (MLP505).
    """

    ref: str
    commit: str | None
    problem: Problem | None = None
    note: str | None = None


def choose(repository: Repository, settings: Settings) -> Base | None:
    """The base asked for (``--base``), or in a GitHub pull request HEAD^1; None otherwise."""
    git = repository.git
    if settings.base:
        if git is None:
            where = "git is switched off (--no-git)" if repository.is_git else "not a git work tree"
            return Base(settings.base, None, Problem(f"--base needs git history: {where}"))
        return merge_base(git, settings.base)
    if settings.github_base_ref and git is not None:
        return _github_base(git, settings.github_base_ref)
    return None


def merge_base(git: GitScope, ref: str, why: str = "pull-request mode") -> Base:
    """``ref``'s merge base with HEAD, or an MLP505 problem saying why there is none."""
    from mlpolicy.gitscope import GitError

    try:
        commit = git.merge_base(ref)
        return Base(ref, commit, note=f"{why}: compared with {ref} (merge base {commit[:7]})")
    except GitError as exc:
        hint = SHALLOW_HINT if git.is_shallow() else FETCH_HINT
        return Base(ref, None, Problem(f"cannot compare with base {ref!r}: {exc}", hint=hint))


def _github_base(git: GitScope, target: str) -> Base:
    """HEAD^1 of the merge commit actions/checkout makes for a pull request into ``target``."""
    from mlpolicy.gitscope import GitError

    try:
        parents = git.parents("HEAD")
    except GitError as exc:
        return Base("HEAD^1", None, Problem(f"cannot read HEAD: {exc}", hint=FETCH_HINT))
    if len(parents) == 2:
        why = (
            f"GitHub pull request into {target} (HEAD^1 is the base side of the merge commit"
            " actions/checkout made; pass --base to choose another)"
        )
        return merge_base(git, "HEAD^1", why)
    if not parents and git.is_shallow():
        problem = Problem(
            f"GitHub pull request into {target}: HEAD's parents were not fetched,"
            " so there is no base to compare with",
            hint=SHALLOW_HINT,
        )
        return Base("HEAD^1", None, problem)
    why = f"GitHub pull request into {target} (HEAD is not a merge commit)"
    return merge_base(git, f"origin/{target}", why)


class Snapshot:
    """Files at the base commit, fetched in batches and parsed once."""

    def __init__(self, git: GitScope, base: Base) -> None:
        assert base.commit is not None
        self.git = git
        self.base = base
        self.commit = base.commit
        self._files: dict[str, bytes | None] = {}
        self._manifests: dict[str, Manifest | None] = {}
        # manifests the change renamed {index path: base path} and deleted, asked once
        self._delta: tuple[dict[str, str], tuple[str, ...]] | None = None

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read every path not read yet in one request to the run's one ``git cat-file``."""
        wanted = [p for p in paths if p not in self._files]
        if wanted:
            self._files.update(self.git.files_at(self.commit, wanted))

    def prefetch_projects(self, manifests: Iterable[str]) -> None:
        """Read the manifests at the base, then the policy files they name: two requests."""
        manifests = list(manifests)
        self.prefetch(manifests)
        origins = [self.origin(rel) for rel in manifests]
        self.prefetch(origins)
        self.prefetch(
            policy
            for rel in origins
            if (found := self.manifest(rel)) and (policy := policy_path(rel, found.policy))
        )

    def origin(self, rel: str) -> str:
        """Where the manifest at ``rel`` was at the base: the same path, or, when none was
        there, the base manifest git's rename detection pairs it with (a moved project)."""
        if self.read(rel) is not None:
            return rel
        return self._manifest_delta()[0].get(rel, rel)

    def removed(self, found: Iterable[str], under: str) -> tuple[str, ...]:
        """Base manifests under ``under`` that the change deletes, or moves to a path where
        discovery did not ``found`` them (a folder it skips, such as ``node_modules/``)."""
        renamed, deleted = self._manifest_delta()
        found = set(found)
        gone = [*deleted, *(base for head, base in renamed.items() if head not in found)]
        inside = under in ("", ".")
        return tuple(sorted(p for p in gone if inside or p.startswith(under.rstrip("/") + "/")))

    def _manifest_delta(self) -> tuple[dict[str, str], tuple[str, ...]]:
        if self._delta is None:
            self._delta = self.git.changes_since(self.commit, manifest_module.NAMES)
        return self._delta

    def read(self, path: str) -> bytes | None:
        """The file at the base commit, or None when it did not exist there."""
        self.prefetch([path])
        return self._files[path]

    def policy(self, path: Path, rel: str) -> tuple[bytes, Problem | None]:
        """A policy file's bytes at the base (the work tree's if it is new), and the edit if any."""
        base = self.read(rel)
        cap = policy_module.MAX_BYTES
        if base is None:
            return safeio.read_bounded(path, cap), None
        try:
            current: bytes | None = safeio.read_bounded(path, cap)
        except safeio.FileProblem:
            current = None
        if current == base:
            return base, None
        problem = Problem(
            f"the change edits the policy file {rel}; its version at the base"
            f" ({self.commit[:7]}) was applied",
            Location(rel),
            CHANGE_HINT,
        )
        return base, problem

    def manifest(self, rel: str) -> Manifest | None:
        """The project's manifest at the base, or None when it was absent or unusable there."""
        if rel not in self._manifests:
            data = self.read(rel)
            try:
                self._manifests[rel] = None if data is None else manifest_module.parse(data, rel)
            except ManifestError:
                self._manifests[rel] = None
        return self._manifests[rel]


def policy_path(manifest_rel: str, declared: str | None) -> str | None:
    """The repo-relative path of a manifest's ``policy:``, or None if unset or outside."""
    if not declared or os.path.isabs(declared):
        return None
    joined = os.path.normpath(os.path.join(os.path.dirname(manifest_rel), declared))
    parts = joined.replace("\\", "/").split("/")
    return None if parts[0] == ".." or joined == "." else "/".join(parts)


CHANGE_HINT = (
    "Land policy, waiver and quality-bar changes in a pull request of their own; until"
    " they are merged the base version is what this change is checked against."
)


def govern(head: Manifest, base: Manifest | None) -> tuple[Manifest, tuple[Problem, ...]]:
    """``head`` with the base's policy, waivers and quality bar; and what the change edits."""
    if base is None:
        if not head.waivers:
            return head, ()
        problem = Problem(
            "this change adds the project with waivers; waivers apply once merged,"
            " so none were applied",
            head.location(("waivers",)),
            CHANGE_HINT,
        )
        return replace(head, waivers=()), (problem,)
    governed = replace(
        head,
        policy=base.policy,
        quality_bar=base.quality_bar,
        waivers=_relocated(base.waivers, head),
    )
    return governed, tuple(_changes(head, base))


def _changes(head: Manifest, base: Manifest) -> Iterable[Problem]:
    if head.policy != base.policy:
        yield Problem(
            f"the change sets policy to {_policy(head.policy)} (was {_policy(base.policy)});"
            " the base policy was applied",
            head.location(("policy",)),
            CHANGE_HINT,
        )
    if head.quality_bar != base.quality_bar:
        yield Problem(
            f"the change edits quality_bar ({_bar(base.quality_bar)} -> {_bar(head.quality_bar)});"
            f" the base version ({_bar(base.quality_bar)}) was applied",
            head.location(("quality_bar",)),
            CHANGE_HINT,
        )
    if {_key(w) for w in head.waivers} != {_key(w) for w in base.waivers}:
        yield Problem(
            f"the change edits waivers ({_waiver_delta(head, base)}); the base version's"
            " waivers were applied",
            head.location(("waivers",)),
            CHANGE_HINT,
        )


def _relocated(waivers: tuple[Waiver, ...], head: Manifest) -> tuple[Waiver, ...]:
    """Base waivers, placed where the same waiver is written now (else at ``waivers:``)."""
    here = {_key(w): w.location for w in head.waivers}
    fallback = head.location(("waivers",))
    return tuple(replace(w, location=here.get(_key(w), fallback)) for w in waivers)


def _key(waiver: Waiver) -> tuple[str, str, str, str, str | None]:
    return (waiver.rule, waiver.reason, waiver.expires.isoformat(), waiver.approved_by, waiver.path)


def _waiver_delta(head: Manifest, base: Manifest) -> str:
    now, then = {_key(w) for w in head.waivers}, {_key(w) for w in base.waivers}
    parts = []
    for verb, keys in (("adds", now - then), ("removes", then - now)):
        if keys:
            parts.append(f"{verb} {', '.join(sorted(k[0] for k in keys))}")
    return "; ".join(parts)


def _policy(declared: str | None) -> str:
    return declared if declared else "the built-in policy"


def _bar(bar: QualityBar | None) -> str:
    if bar is None:
        return "none"
    return f"{bar.metric} {'>=' if bar.goal == 'maximize' else '<='} {bar.threshold:g}"


def touched(projects: list[Project], git: GitScope | None, snapshot: Snapshot) -> list[Project]:
    """The projects the change touches: a changed path in a project's own directory (not in
    a project nested in it), or in a policy file the project reads."""
    if git is None:
        return projects
    changed = git.changed_paths(snapshot.commit)
    roots = sorted({p.rel_root for p in projects}, key=len, reverse=True)
    owners = {_owner(path, roots) for path in changed}
    return [p for p in projects if p.rel_root in owners or p.policy_files & changed]


def _owner(path: str, roots: list[str]) -> str | None:
    """The deepest of ``roots`` (longest first) holding ``path``."""
    return next((r for r in roots if r == "." or path == r or path.startswith(r + "/")), None)
