"""One project (one manifest) as the rules see it: manifest, policy, phase, safe paths."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from mlpolicy import manifest as manifest_module
from mlpolicy import policy as policy_module
from mlpolicy import safeio
from mlpolicy.errors import DocumentError, UsageError
from mlpolicy.facts import GitAnswers, ProjectFacts, Readings
from mlpolicy.findings import Artifact, Location, Problem
from mlpolicy.manifest import Manifest, ManifestError
from mlpolicy.policy import Policy
from mlpolicy.yamlio import JsonPath

if TYPE_CHECKING:
    from mlpolicy.baseline import Snapshot
    from mlpolicy.gitscope import GitScope
    from mlpolicy.settings import Settings

T = TypeVar("T")

# Directories that never hold project artifacts worth globbing into.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
    }
)


class Repository:
    """The repository a check runs in: its root, and git access when it is a git work tree."""

    def __init__(self, root: Path, is_git: bool, use_git: bool) -> None:
        self.root = root
        self.is_git = is_git
        self.use_git = use_git and is_git
        self._git: GitScope | None = None
        self._root = os.fspath(root)
        self._prefix = self._root.rstrip(os.sep) + os.sep
        self._real_dirs: dict[str, str] = {}

    @classmethod
    def containing(cls, path: Path, use_git: bool) -> Repository:
        """The git work tree around ``path``, or ``path`` itself when it is not in one."""
        start = Path(os.path.realpath(path))
        start = start if start.is_dir() else start.parent
        for candidate in (start, *start.parents):
            if (candidate / ".git").exists():
                return cls(candidate, True, use_git)
        return cls(start, False, use_git)

    @property
    def git(self) -> GitScope | None:
        """Git access, or None outside a work tree or with ``--no-git``."""
        if not self.use_git:
            return None
        if self._git is None:
            from mlpolicy.gitscope import GitScope

            self._git = GitScope(self.root)
        return self._git

    def close(self) -> None:
        """Stop any git process still running for this repository."""
        if self._git is not None:
            self._git.close()

    def rel(self, path: Path | str) -> str:
        """``path`` relative to the repository root, with ``/``."""
        absolute = os.path.abspath(path)
        if absolute.startswith(self._prefix):  # the common case, without relpath's walk
            relative = absolute[len(self._prefix) :]
            return relative.replace(os.sep, "/") if os.sep != "/" else relative
        relative = os.path.relpath(absolute, self.root)
        return "." if relative == "." else PurePosixPath(*Path(relative).parts).as_posix()

    def contains(self, path: str) -> bool:
        """True when the normalised absolute ``path`` is the root or lies below it."""
        return path == self._root or path.startswith(self._prefix)

    def real(self, path: str) -> str:
        """``os.path.realpath(path)`` for a normalised absolute path, each folder resolved once
        per run: only the last component is looked at again (one ``lstat``)."""
        folder, name = os.path.split(path)
        real_folder = self._real_dirs.get(folder)
        if real_folder is None:
            real_folder = self._real_dirs[folder] = os.path.realpath(folder)
        candidate = os.path.join(real_folder, name) if name else real_folder
        return os.path.realpath(candidate) if os.path.islink(candidate) else candidate


class Project:
    """A manifest's project as the Read and Ask-git stages build it up.

    Readers resolve paths through it, cache what they parsed on it and record what they
    met (artifacts, paths leading out, unreadable files, history gaps); :meth:`facts` then
    freezes all of it for the rules, which never see the project itself.
    """

    def __init__(
        self,
        repository: Repository,
        manifest_path: Path,
        settings: Settings,
        forced_policy: Policy | None = None,
        snapshot: Snapshot | None = None,
    ) -> None:
        self.repository = repository
        self.snapshot = snapshot  # the base commit's files, in pull-request mode
        self.settings = settings
        self.manifest_path = Path(os.path.realpath(manifest_path))
        lexical = Path(os.path.abspath(manifest_path))
        outside = not self.manifest_path.is_relative_to(repository.root)
        if outside:  # a committed symlink leading out: judged where it stands, never opened
            self.manifest_path = lexical
        self.root = self.manifest_path.parent
        self._root = os.fspath(self.root)
        self.rel_root = repository.rel(self.root)
        self.manifest_rel = repository.rel(self.manifest_path)
        self.manifest: Manifest | None = None
        self.load_problems: dict[str, tuple[Problem, ...]] = {}
        self.policy: Policy = forced_policy or policy_module.builtin()
        self.artifacts: dict[tuple[str, str], Artifact] = {}
        self.escapes: dict[str, Problem] = {}
        self.unreadable: dict[str, Problem] = {}  # MLP009: what had to be read but could not
        self.base_manifest: Manifest | None = None  # the manifest at the base commit
        self.base_changes: list[Problem] = []  # MLP504: what the change edits but cannot apply
        self.history_gaps: dict[
            str, Problem
        ] = {}  # MLP505: checks the clone's history cannot answer
        self.policy_files: set[str] = set()  # repo-relative policy files this project reads
        self._cache: dict[str, Any] = {}
        self._resolved: dict[str, Path | None] = {}
        if outside:
            self.escapes[self.manifest_rel] = Problem(
                f"manifest {self.manifest_rel} is a symlink leading outside the repository;"
                " it was not read",
                Location(self.manifest_rel),
                "Replace the symlink with the manifest itself, committed in the repository.",
            )
        else:
            self._load(forced_policy is not None)

    # -- loading -----------------------------------------------------------------------

    def _load(self, policy_forced: bool) -> None:
        try:
            self.manifest = manifest_module.load(self.manifest_path, self.manifest_rel)
        except ManifestError as exc:
            self.load_problems[exc.rule] = exc.problems
            return
        if self.snapshot is not None:
            from mlpolicy import baseline

            self.base_manifest = self.snapshot.manifest(self.snapshot.origin(self.manifest_rel))
            self.manifest, changes = baseline.govern(self.manifest, self.base_manifest)
            self.base_changes += changes
        if self.manifest.policy and not policy_forced:
            self._load_policy(self.manifest.policy)
        what_if = self.settings.phase
        if what_if and what_if not in self.policy.phase_ids:
            guess = self.policy.suggest_phase(what_if)
            raise UsageError(
                f'--phase: unknown phase "{what_if}" for {self.manifest_rel}'
                + (f'; did you mean "{guess}"?' if guess else "")
                + f" (the policy's phases: {', '.join(self.policy.phase_ids)})"
            )
        phase = self.manifest.phase
        if phase not in self.policy.phase_ids and "MLP004" not in self.load_problems:
            self.load_problems["MLP003"] = (self._unknown_phase(phase),)

    def _load_policy(self, declared: str) -> None:
        where = self.manifest_location(("policy",))
        path = self.resolve(declared, where)
        if path is None:
            self.load_problems["MLP004"] = (
                Problem(f'policy path "{declared}" is not usable (see MLP008)', where),
            )
            return
        rel = self.repository.rel(path)
        self.policy_files.add(rel)
        try:
            self.policy = policy_module.parse(self._policy_bytes(path, rel), source=rel)
        except safeio.FileProblem as exc:
            problem = Problem(
                f'policy file "{declared}" {exc.reason}; it was not read',
                where,
                "Fix the `policy:` path or remove it to use the built-in policy."
                if isinstance(exc, safeio.Missing)
                else f"{exc.hint} Or remove `policy:` to use the built-in policy.",
            )
            self.load_problems["MLP004"] = (problem,)
        except (OSError, DocumentError) as exc:
            message = exc.message if isinstance(exc, DocumentError) else str(exc)
            line, column = (
                (exc.line, exc.column) if isinstance(exc, DocumentError) else (None, None)
            )
            problem = Problem(
                f"policy is invalid: {message}",
                Location(rel, line, column),
                "`mlpolicy schema policy` shows the policy format.",
            )
            self.load_problems["MLP004"] = (problem,)

    def _policy_bytes(self, path: Path, rel: str) -> bytes:
        """The policy file; in pull-request mode its version at the base, when it had one."""
        if self.snapshot is None:
            return safeio.read_bounded(path, policy_module.MAX_BYTES)
        data, change = self.snapshot.policy(path, rel)
        self.base_changes += [change] if change else []
        return data

    @property
    def base_phase(self) -> str | None:
        """The phase declared at the base commit (pull-request mode), if the project had one."""
        return self.base_manifest.phase if self.base_manifest else None

    def _unknown_phase(self, phase: str) -> Problem:
        ids = self.policy.phase_ids
        guess = self.policy.suggest_phase(phase)
        return Problem(
            f'unknown phase "{phase}"' + (f'; did you mean "{guess}"?' if guess else ""),
            self.manifest_location(("phase",)),
            f"The policy ({self.policy.source}) knows the phases: {', '.join(ids)}.",
        )

    @property
    def loaded(self) -> bool:
        """True when the manifest and policy loaded and the phase is known."""
        return self.manifest is not None and not self.load_problems

    @property
    def phase(self) -> str | None:
        """The phase checked: ``--phase`` if given, else the manifest's."""
        if self.manifest is None:
            return None
        return self.settings.phase or self.manifest.phase

    @property
    def git(self) -> GitScope | None:
        return self.repository.git

    def manifest_location(self, path: JsonPath = ()) -> Location:
        if self.manifest is None:
            return Location(self.manifest_rel)
        return self.manifest.location(path)

    def requirement_location(self, kind: str) -> Location:
        """Where a missing artifact of ``kind`` is reported.

        The manifest key that declares it (``artifacts.<kind>``) when there is one, otherwise
        the ``phase:`` line: the phase is what requires the artifact, so that is the line
        to change (or to keep, and add the artifact) -- never an unrelated line.
        """
        declared = self.manifest is not None and kind in self.manifest.artifacts
        return self.manifest_location(("artifacts", kind) if declared else ("phase",))

    # -- paths -------------------------------------------------------------------------

    def rel(self, path: Path) -> str:
        return self.repository.rel(path)

    def resolve(self, declared: str, where: Location | None = None) -> Path | None:
        """The file ``declared`` (relative to the project) names, if it stays in the repository.

        Absolute paths, ``..`` escapes and symlinks leading outside are recorded for
        MLP008 and yield None, so nothing outside the repository is ever read. The answer
        is kept: readers and stages ask about the same paths again, and an escape is
        recorded once, where it was first met, however often it is asked about.
        """
        if declared in self._resolved:
            return self._resolved[declared]
        resolved = self._resolved[declared] = self._resolve(declared, where)
        return resolved

    def _resolve(self, declared: str, where: Location | None) -> Path | None:
        reason = None
        if PurePosixPath(declared).is_absolute() or PureWindowsPath(declared).drive:
            reason = "is absolute"
        else:
            lexical = os.path.normpath(os.path.join(self._root, declared))
            if not self.repository.contains(lexical):
                reason = "climbs out of the repository with .."
            elif not self.repository.contains(self.repository.real(lexical)):
                reason = "is a symlink leading outside the repository"
            else:
                return Path(lexical)
        where = where or Location(
            self.rel(self.root / declared) if reason.startswith("is a") else self.manifest_rel
        )
        self.escapes.setdefault(
            declared,
            Problem(
                f'path "{declared}" {reason}; it was not read',
                where,
                "Use a path inside the repository, relative to the manifest's directory.",
            ),
        )
        return None

    def declared(self, kind: str) -> tuple[tuple[str, Location], ...] | None:
        """The manifest's paths for artifact ``kind`` with their locations, or None if not set."""
        if self.manifest is None or kind not in self.manifest.artifacts:
            return None
        values = self.manifest.artifacts[kind]
        single = len(values) == 1 and isinstance(
            self.manifest.document.value["artifacts"][kind], str
        )
        return tuple(
            (
                value,
                self.manifest.location(("artifacts", kind) if single else ("artifacts", kind, i)),
            )
            for i, value in enumerate(values)
        )

    def find(self, patterns: Iterable[str]) -> list[Path]:
        """Existing paths under the project matching ``patterns``, in order.

        Escapes (MLP008) and paths that cannot be read or listed (MLP009) are recorded and
        dropped. A literal default is tested with ``safeio.present``, not glob, because glob
        does not see a symlink loop or a file in an unsearchable folder, which must be
        reported rather than skipped.
        """
        found: list[Path] = []
        for pattern in patterns:
            if glob.has_magic(pattern):
                matches = [m.relative_to(self.root).parts for m in sorted(self.root.glob(pattern))]
            elif safeio.present(os.path.join(self._root, pattern.rstrip("/") or ".")):
                matches = [tuple(p for p in pattern.split("/") if p not in ("", "."))]
            else:
                matches = []
            for parts in matches:
                if SKIP_DIRS.intersection(parts):
                    continue
                safe = self.resolve("/".join(parts))
                if safe is not None and safe not in found and self.usable(safe):
                    found.append(safe)
        return found

    def files_under(self, directory: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
        """Files below ``directory`` ending in ``suffixes`` (any case), sorted, escapes dropped.

        Directory symlinks are not followed (one leading outside is recorded for MLP008); a
        file symlink goes through ``resolve`` likewise, so nothing outside is ever read. A
        folder that cannot be listed, or a matching file that is not a readable regular
        file, is recorded for MLP009 rather than skipped.
        """
        for folder, dirs, files in safeio.walk(directory, self.note_unreadable):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            for name in dirs:
                if os.path.islink(os.path.join(folder, name)):
                    self.resolve(self._declared_name(folder, name))
            for name in sorted(files):
                if name.lower().endswith(suffixes):
                    safe = self.resolve(self._declared_name(folder, name))
                    if safe is not None and self.usable(safe) and safe.is_file():
                        yield safe

    def _declared_name(self, folder: str, name: str) -> str:
        return Path(os.path.relpath(os.path.join(folder, name), self.root)).as_posix()

    def usable(self, path: Path) -> bool:
        """False (and recorded for MLP009) when ``path`` exists but cannot be read or listed."""
        problem = safeio.problem_of(path)
        if problem is not None:
            self.note_unreadable(path, problem)
        return problem is None

    def note_unreadable(self, path: Path, problem: safeio.FileProblem) -> None:
        """Record that ``path`` had to be read but could not (MLP009)."""
        rel = self.rel(path)
        message = f"{rel} {problem.reason}; it was not read"
        self.unreadable.setdefault(rel, Problem(message, Location(rel), problem.hint))

    def read_bounded(self, path: Path, cap: int) -> bytes:
        """:func:`safeio.read_bounded`, recording a file that cannot be read for MLP009.

        An oversized file is the reader's to word (its own finding), so only
        :class:`safeio.Unreadable` is recorded; both are re-raised.
        """
        try:
            return safeio.read_bounded(path, cap)
        except safeio.Unreadable as exc:
            self.note_unreadable(path, exc)
            raise

    def read(self, path: Path, cap: int) -> bytes:
        """At most ``cap + 1`` bytes of the file (the reader judges the size).

        A file that is not a readable regular file is recorded for MLP009, then re-raised
        as :class:`safeio.FileProblem` for the reader to mark its artifact unreadable.
        """
        try:
            return safeio.read_head(path, cap)
        except safeio.FileProblem as exc:
            self.note_unreadable(path, exc)
            raise

    def candidates(
        self, kind: str, defaults: Iterable[str]
    ) -> Iterator[tuple[Path, Location | None]]:
        """Paths for ``kind``: the manifest's (missing ones included) or existing defaults.

        Declared paths come with the manifest location that names them, so a reader can
        report "declared here but absent"; default paths come with None.
        """
        declared = self.declared(kind)
        if declared is None:
            for path in self.find(defaults):
                yield path, None
            return
        for value, where in declared:
            safe = self.resolve(value, where)
            if safe is not None and self.usable(safe):
                yield safe, where

    def resolve_declared(self) -> None:
        """Resolve every path the manifest declares, so each escape is known (MLP008).

        Readers resolve the paths of the artifacts they read; this covers the rest (kinds
        the phase does not require, ``code_paths``, waiver paths), each at its manifest line.
        """
        manifest = self.manifest
        if manifest is None:
            return
        for kind in manifest.artifacts:
            for value, where in self.declared(kind) or ():
                self.resolve(value, where)
        single = isinstance(manifest.document.value.get("code_paths"), str)
        for index, value in enumerate(manifest.code_paths):
            self.resolve(
                value, manifest.location(("code_paths",) if single else ("code_paths", index))
            )
        for index, waiver in enumerate(manifest.waivers):
            if waiver.path is not None:
                self.resolve(waiver.path, manifest.location(("waivers", index, "path")))

    def facts(self, readings: Readings, answers: GitAnswers) -> ProjectFacts:
        """What the Read and Ask-git stages established, frozen for the rules."""
        return ProjectFacts(
            root=self.rel_root,
            manifest_path=self.manifest_rel,
            manifest=self.manifest,
            policy=self.policy,
            phase=self.phase,
            loaded=self.loaded,
            load_problems=MappingProxyType(dict(self.load_problems)),
            base_phase=self.base_phase,
            base_changes=tuple(self.base_changes),
            readings=readings,
            answers=answers,
            git_used=self.git is not None,
            artifacts=tuple(sorted(self.artifacts.values(), key=lambda a: (a.kind, a.path))),
            policy_files=tuple(sorted(self.policy_files)),
            escapes=tuple(self.escapes.values()),
            unreadable=tuple(self.unreadable.values()),
            history_gaps=tuple(self.history_gaps.values()),
        )

    # -- results -----------------------------------------------------------------------

    def record(self, artifact: Artifact) -> None:
        """Note an artifact the checker looked at, for the report's ``artifacts`` list."""
        self.artifacts[(artifact.kind, artifact.path)] = artifact

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Read-once memo for readers shared by several rules."""
        if key not in self._cache:
            self._cache[key] = build()
        value: T = self._cache[key]
        return value
