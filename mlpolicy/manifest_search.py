"""Manifest search: every manifest under the PATHs the user gave (the projects of a run)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy import safeio
from mlpolicy.manifest import NAMES
from mlpolicy.project import SKIP_DIRS

if TYPE_CHECKING:
    from mlpolicy.gitscope import GitScope


@dataclass(frozen=True, slots=True)
class Discovery:
    """The manifests found, and the folders that could not be searched (for MLP009)."""

    manifests: tuple[Path, ...]
    unreadable: tuple[tuple[Path, safeio.FileProblem], ...]


def manifests(paths: Iterable[Path], git: GitScope | None = None) -> list[Path]:
    """Manifest files under ``paths`` (a manifest file itself counts), sorted, one per project."""
    return list(scan(paths, git).manifests)


def scan(paths: Iterable[Path], git: GitScope | None = None) -> Discovery:
    """Manifests under ``paths``, sorted, one per project, and the folders that hid some.

    In a git work tree the candidates come from the index plus untracked files that are not
    ignored (one ``git ls-files``, so a monorepo costs what its projects cost, not what its
    files cost, and ignored folders are never walked); elsewhere the folders are walked.
    A manifest path that exists but is not a readable file (a FIFO, a symlink loop, a
    folder named ``mlpolicy.yaml``) is still returned, so loading it reports why (MLP002).
    """
    found: dict[Path, Path] = {}
    unreadable: list[tuple[Path, safeio.FileProblem]] = []
    for path in paths:
        listed = _listed(path, git, unreadable) if git is not None else _walk(path, unreadable)
        for manifest in listed:
            found.setdefault(manifest.parent.resolve(), manifest)
    return Discovery(tuple(found[folder] for folder in sorted(found)), tuple(unreadable))


def _listed(
    path: Path, git: GitScope, unreadable: list[tuple[Path, safeio.FileProblem]]
) -> list[Path]:
    if not path.is_dir():
        return [path] if path.name in NAMES else []
    start = Path(os.path.realpath(path))
    prefix = "" if start == git.root else start.relative_to(git.root).as_posix() + "/"
    for folder in sorted(git.unopened):
        if (folder + "/").startswith(prefix):
            unreadable.append(
                (git.root / folder, safeio.Unreadable("cannot be read: permission denied"))
            )
    by_folder: dict[str, set[str]] = {}
    for rel in _named(git.tracked | git.untracked):
        if rel.startswith(prefix) and not SKIP_DIRS.intersection(rel.split("/")[:-1]):
            folder, _, name = rel.rpartition("/")
            by_folder.setdefault(folder, set()).add(name)
    result = []
    for folder, names in by_folder.items():
        # mlpolicy.yaml wins over mlpolicy.yml when a directory holds both.
        candidates = [git.root / folder / n for n in NAMES if n in names]
        # A deleted file stays in the index; one in a folder that cannot be searched is
        # there, and loading it says so (MLP002).
        existing = [c for c in candidates if safeio.present(c)]
        if existing and not _in_venv(existing[0].parent, start):
            result.append(existing[0])
    return result


def _named(paths: Iterable[str]) -> Iterator[str]:
    """Paths named like a manifest, and folders so named (``mlpolicy.yaml/x`` gives one)."""
    for rel in paths:
        parts = rel.split("/")
        for end, part in enumerate(parts, start=1):
            if part in NAMES:
                yield "/".join(parts[:end])
                break


def _in_venv(folder: Path, top: Path) -> bool:
    """True when a folder between ``top`` and ``folder`` (exclusive of ``top``) is a venv."""
    while folder != top and top in folder.parents:
        if _is_venv(folder):
            return True
        folder = folder.parent
    return False


def _walk(path: Path, unreadable: list[tuple[Path, safeio.FileProblem]]) -> list[Path]:
    if not path.is_dir():
        return [path] if path.name in NAMES else []
    result = []

    def note(folder: Path, problem: safeio.FileProblem) -> None:
        unreadable.append((folder, problem))

    for folder, dirs, files in safeio.walk(path, note):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _is_venv(Path(folder, d)))
        # mlpolicy.yaml wins over mlpolicy.yml when a directory holds both.
        for name in NAMES:
            if name in files or name in dirs:
                result.append(Path(folder, name))
                break
    return result


def _is_venv(folder: Path) -> bool:
    try:
        return (folder / "pyvenv.cfg").is_file()
    except OSError:  # a folder that cannot be searched: the walk reports it
        return False
