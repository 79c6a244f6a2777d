"""Which settings a check may trust (SPEC section 12).

The command line and the environment are trusted: the workflow set them. ``[tool.mlpolicy]``
is repository content, read only from the ``pyproject.toml`` at the repository root (outside
git: the checked directory), never from a parent directory. In pull-request mode it is read at
the base commit, so the change under review cannot loosen its own check; an edit to it is
reported (MLP504) and not applied. The same goes for a policy file named by ``--policy`` or
``[tool.mlpolicy] policy`` that lies inside the repository.

Two keys could otherwise pick the base a change is compared with, or switch git off:

- ``base`` is honoured only when no trusted base is in force (``--base``, ``MLPOLICY_BASE``,
  the pre-commit framework's ``pre-push`` stage, a GitHub pull request); the settings are
  then read from that base's ``pyproject.toml``, like any other base's.
- ``no-git`` is honoured only when pull-request mode is off: it never switches it off.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mlpolicy import settings as settings_module
from mlpolicy.baseline import CHANGE_HINT, Snapshot, choose
from mlpolicy.errors import UsageError
from mlpolicy.findings import Location, Problem
from mlpolicy.project import Repository
from mlpolicy.settings import PYPROJECT, Settings

GIT_MISSING = "git is not on PATH: install git, or pass --no-git to skip the git-based rules"
NO_BASE = "[tool.mlpolicy] was not applied: there is no usable base to read it from"
# Keys that decide whether there is a base at all: never taken from a base's own file.
_MODE_KEYS = ("base", "no_git")


@dataclass(frozen=True, slots=True)
class Sourced:
    """What ``[tool.mlpolicy]`` adds below the command line and environment, and why.

    ``values`` use the ``_`` key form (paths made absolute); ``base`` is the base of
    pull-request mode when the command line did not give one; ``policy_data`` holds the
    policy file as the base commit has it, when that is the version to apply.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    base: str | None = None
    notes: tuple[str, ...] = ()
    changes: tuple[Problem, ...] = ()
    policy_data: bytes | None = None


def resolve(
    paths: Sequence[Path], given: Mapping[str, Any], github_base_ref: str | None
) -> Sourced:
    """``[tool.mlpolicy]`` for a check of ``paths``; ``given`` holds the trusted settings."""
    use_git = not given.get("no_git", False)
    repository = Repository.containing(paths[0], use_git)
    if use_git and any(Repository.containing(p, True).is_git for p in paths):
        require_git()
    base = given.get("base") or (pre_push_base(os.environ) if use_git else None)
    if base or (github_base_ref and repository.use_git):
        return _at_base(repository, given, base, github_base_ref)
    table = settings_module.read_tool_table(repository.root)
    named = table.pop("base", None)
    if named and repository.use_git:
        sourced = _at_base(repository, given, named, None)
        note = f"the base {named!r} comes from [tool.mlpolicy] base (no base was given)"
        return replace(sourced, notes=(note, *sourced.notes))
    return Sourced(_located(table, repository.root))


def at_work_tree(paths: Sequence[Path]) -> Mapping[str, Any]:
    """``[tool.mlpolicy]`` as the work tree has it, for a command that informs and never gates.

    ``mlpolicy status`` decides nothing a change could loosen, so it has no pull-request mode
    and reads the table where it is, with the same checks as ``check``.
    """
    root = Repository.containing(paths[0], use_git=False).root
    return _located(settings_module.read_tool_table(root), root)


def require_git() -> None:
    """Exit 2 with one line when git is needed and cannot be run."""
    if not _on_path("git"):
        raise UsageError(GIT_MISSING)


def _on_path(program: str) -> bool:
    """Whether ``program`` is on PATH, as ``shutil.which`` and ``subprocess`` search it.

    On POSIX the search is done here: importing shutil (with bz2 and lzma) costs a check
    more than the search. Windows has PATHEXT and the current folder: shutil knows them.
    """
    if os.name == "nt":
        import shutil

        return shutil.which(program) is not None
    for folder in os.get_exec_path():
        path = os.path.join(folder, program)
        if folder and os.access(path, os.X_OK) and not os.path.isdir(path):
            return True
    return False


def pre_push_base(environ: Mapping[str, str]) -> str | None:
    """What a push goes over, in the pre-commit framework's ``pre-push`` stage only.

    pre-commit exports ``PRE_COMMIT_FROM_REF`` (the remote's commit being pushed over) to
    that stage, and ``PRE_COMMIT_REMOTE_BRANCH`` only there: ``pre-commit run --from-ref``
    at another stage sets the first without the second.
    """
    if environ.get("PRE_COMMIT_REMOTE_BRANCH") and environ.get("PRE_COMMIT_FROM_REF"):
        return environ["PRE_COMMIT_FROM_REF"]
    return None


def _at_base(
    repository: Repository, given: Mapping[str, Any], ref: str | None, github: str | None
) -> Sourced:
    """Pull-request mode: ``[tool.mlpolicy]`` (and a policy file) as the base commit has them."""
    chosen = choose(repository, Settings(base=ref, github_base_ref=github))
    git = repository.git
    if chosen is None or chosen.commit is None or git is None:
        return Sourced(base=ref, notes=(NO_BASE,))
    snapshot = Snapshot(git, chosen)
    where = f"{PYPROJECT} at the base ({snapshot.commit[:7]})"
    data = snapshot.read(PYPROJECT)
    raw = settings_module.parse_tool_table(data, where) if data is not None else {}
    settings_module.validate_tool_table(raw, where)
    table = {key: value for key, value in raw.items() if key not in _MODE_KEYS}
    notes = tuple(
        f"[tool.mlpolicy] {key.replace('_', '-')} at the base was not applied:"
        " pull-request mode is on"
        for key in _MODE_KEYS
        if key in raw
    )
    values = _located(table, repository.root)
    changes = [*_settings_edits(repository.root, raw, snapshot.commit)]
    policy = given.get("policy") or values.get("policy")
    policy_data = None
    if policy:
        policy_data, change = _policy_at_base(repository, snapshot, Path(policy))
        changes += [change] if change else []
    return Sourced(values, ref, notes, tuple(changes), policy_data)


def _located(table: dict[str, Any], root: Path) -> dict[str, Any]:
    """Relative paths in pyproject.toml are relative to its folder, the repository root."""
    if isinstance(table.get("policy"), str):
        return {**table, "policy": str(root / table["policy"])}
    return table


def _settings_edits(root: Path, base: dict[str, Any], commit: str) -> Iterator[Problem]:
    """MLP504 when the work tree's ``[tool.mlpolicy]`` differs from the base's."""
    data: bytes | None = None
    current: dict[str, Any] | None = {}
    try:
        data = settings_module.read_tool_bytes(root)
        if data is not None:
            current = settings_module.parse_tool_table(data, PYPROJECT)
    except UsageError:  # a FIFO, a symlink leading out, broken TOML: an edit all the same
        current = None
    if current == base:
        return
    if current is None:
        what = "it cannot be read any more"
    else:
        keys = sorted(k for k in base.keys() | current.keys() if base.get(k) != current.get(k))
        what = ", ".join(key.replace("_", "-") for key in keys)
    line = settings_module.tool_table_line(data) if data is not None else None
    yield Problem(
        f"the change edits [tool.mlpolicy] in {PYPROJECT} ({what}); its version at the"
        f" base ({commit[:7]}) was applied",
        Location(PYPROJECT, line),
        CHANGE_HINT,
    )


def _policy_at_base(
    repository: Repository, snapshot: Snapshot, path: Path
) -> tuple[bytes | None, Problem | None]:
    """A policy file inside the repository as the base has it, and the change's edit to it.

    ``(None, None)`` when the file is outside the repository or new: it is read as it is.
    """
    real, root = Path(os.path.realpath(path)), Path(os.path.realpath(repository.root))
    if not real.is_relative_to(root):
        return None, None
    rel = real.relative_to(root).as_posix()
    if snapshot.read(rel) is None:
        return None, None
    return snapshot.policy(real, rel)
