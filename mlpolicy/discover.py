"""Project discovery: every manifest under the PATHs the user gave."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from mlpolicy.manifest import NAMES
from mlpolicy.project import SKIP_DIRS


def manifests(paths: Iterable[Path]) -> list[Path]:
    """Manifest files under ``paths`` (a manifest file itself counts), sorted, one per project."""
    found: dict[Path, Path] = {}
    for path in paths:
        for manifest in _walk(path):
            found.setdefault(manifest.parent.resolve(), manifest)
    return [found[folder] for folder in sorted(found)]


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
