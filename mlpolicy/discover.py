"""Project discovery: every manifest under the PATHs the user gave."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.manifest import NAMES
from mlpolicy.project import SKIP_DIRS

if TYPE_CHECKING:
    from mlpolicy.gitscope import GitScope


def manifests(paths: Iterable[Path], git: GitScope | None = None) -> list[Path]:
    """Manifest files under ``paths`` (a manifest file itself counts), sorted, one per project.

    In a git work tree the candidates come from the index plus untracked files that are not
    ignored (one ``git ls-files``, so a monorepo costs what its projects cost, not what its
    files cost, and ignored folders are never walked); elsewhere the folders are walked.
    """
    found: dict[Path, Path] = {}
    for path in paths:
        for manifest in _listed(path, git) if git is not None else _walk(path):
            found.setdefault(manifest.parent.resolve(), manifest)
    return [found[folder] for folder in sorted(found)]


def _listed(path: Path, git: GitScope) -> list[Path]:
    if path.is_file():
        return [path] if path.name in NAMES else []
    start = Path(os.path.realpath(path))
    prefix = "" if start == git.root else start.relative_to(git.root).as_posix() + "/"
    by_folder: dict[str, set[str]] = {}
    for rel in _named(git.tracked | git.untracked):
        if rel.startswith(prefix) and not SKIP_DIRS.intersection(rel.split("/")[:-1]):
            folder, _, name = rel.rpartition("/")
            by_folder.setdefault(folder, set()).add(name)
    result = []
    for folder, names in by_folder.items():
        # mlpolicy.yaml wins over mlpolicy.yml when a directory holds both.
        candidates = [git.root / folder / n for n in NAMES if n in names]
        existing = [c for c in candidates if c.is_file()]  # a deleted file stays in the index
        if existing and not _in_venv(existing[0].parent, start):
            result.append(existing[0])
    return result


def _named(paths: Iterable[str]) -> Iterator[str]:
    for rel in paths:
        if rel.rpartition("/")[2] in NAMES:
            yield rel


def _in_venv(folder: Path, top: Path) -> bool:
    """True when a folder between ``top`` and ``folder`` (exclusive of ``top``) is a venv."""
    while folder != top and top in folder.parents:
        if _is_venv(folder):
            return True
        folder = folder.parent
    return False


def _walk(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if path.name in NAMES else []
    result = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not _is_venv(Path(folder, d)))
        # mlpolicy.yaml wins over mlpolicy.yml when a directory holds both.
        for name in NAMES:
            if name in files:
                result.append(Path(folder, name))
                break
    return result


def _is_venv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()
