"""``dvc.lock`` against ``dvc.yaml`` and the checkout, judged as ``dvc status`` does, without DVC.

Public API: ``read(project) -> tuple[Stale, ...]``, one fact per stage whose command, present
dependencies or referenced parameters differ from what ``dvc.lock`` recorded (plus a lock
that cannot be read). Outputs are never compared, and a dependency or parameters file absent
from the checkout is "not present", never changed. Stages DVC itself cannot compare without
templating (``foreach``, ``matrix``, ``${...}``) and ``frozen``/``always_changed`` stages are
left alone. Hashes come from :mod:`mlpolicy.artifacts.dvc_hash`.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlpolicy import safeio, yamlio
from mlpolicy.artifacts import dvc_hash, dvc_params, pipelines
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.artifacts.pipelines import Definition
    from mlpolicy.project import Project

# A dependency larger than this is compared by size (and file count) alone: hashing
# gigabytes of data on every commit would make the hook unusable.
MAX_HASHED = 512 * 1024 * 1024
LOCK = "dvc.lock"
FORMAT = "dvc-lock"


@dataclass(frozen=True, slots=True)
class Stale:
    """A stage ``dvc status`` would report as changed (or a lock that cannot be read)."""

    stage: str | None  # None: the lock itself
    message: str
    location: Location


def read(project: Project) -> tuple[Stale, ...]:
    """Every stale stage of every valid ``dvc.yaml`` with a ``dvc.lock`` beside it."""
    return project.cached("dvc-lock", lambda: tuple(_read(project)))


def _read(project: Project) -> list[Stale]:
    found: list[Stale] = []
    for definition in pipelines.read(project).definitions:
        lock = definition.path.with_name(LOCK)
        if definition.format == "dvc" and definition.valid and os.path.lexists(lock):
            found += _judge(project, definition, lock)
    return found


def _judge(project: Project, definition: Definition, lock: Path) -> list[Stale]:
    rel = project.rel(lock)
    project.record(Artifact(pipelines.KIND, rel, FORMAT, "ok"))
    try:
        locked = yamlio.load(safeio.read_bounded(lock, yamlio.MAX_BYTES))
        stages = yamlio.load(safeio.read_bounded(definition.path, yamlio.MAX_BYTES))
        entries = locked.value.get("stages") if isinstance(locked.value, dict) else None
        if not isinstance(entries, dict):
            raise DocumentError("it has no `stages` mapping", 1)
    except (safeio.FileProblem, DocumentError) as exc:
        project.record(Artifact(pipelines.KIND, rel, FORMAT, "invalid"))
        if isinstance(exc, safeio.FileProblem):
            return [Stale(None, f"{rel} {exc.reason}", Location(rel))]
        return [Stale(None, f"{rel} cannot be read: {exc.message}", Location(rel, exc.line))]
    judge = _Judge(project.repository.root, definition.path.parent)
    found = []
    for name, stage in stages.value["stages"].items():
        if not _comparable(stage):
            continue
        entry = entries.get(name)
        if not isinstance(entry, dict):
            where = Location(definition.rel, *stages.position(("stages", name)))
            found.append(Stale(name, f"stage {name} is not in {LOCK}: it has not run", where))
            continue
        changes = judge.changes(stage, entry)
        if changes:
            where = Location(rel, *locked.position(("stages", name)))
            found.append(Stale(name, f"stage {name}: {'; '.join(changes)}", where))
    return found


def _comparable(stage: Any) -> bool:
    """A stage whose lock entry can be compared without DVC's templating."""
    if not isinstance(stage, dict) or "foreach" in stage or "matrix" in stage:
        return False
    if stage.get("frozen") is True or stage.get("always_changed") is True:
        return False
    # `${...}` is interpolated from `vars` and params files by DVC before comparing.
    return "${" not in repr(stage)


class _Judge:
    """Compares one stage with its lock entry, relative to the ``dvc.yaml`` folder."""

    def __init__(self, root: Path, base: Path) -> None:
        self.root = root
        self.base = base

    def changes(self, stage: dict[str, Any], entry: dict[str, Any]) -> list[str]:
        found = [] if stage.get("cmd") == entry.get("cmd") else ["changed command"]
        wdir = self.base / str(stage.get("wdir", "."))
        deps = self._deps(wdir, stage, entry)
        deps += dvc_params.changes(wdir, stage, entry)
        if deps:
            found.append(f"changed deps: {', '.join(deps)}")
        return found

    def _deps(self, wdir: Path, stage: dict[str, Any], entry: dict[str, Any]) -> list[str]:
        declared = [posixpath.normpath(d) for d in stage.get("deps", []) if isinstance(d, str)]
        recorded = {
            posixpath.normpath(e["path"]): e
            for e in entry.get("deps") or []
            if isinstance(e, dict) and isinstance(e.get("path"), str)
        }
        found = [f"new: {path}" for path in declared if path not in recorded]
        for path, record in recorded.items():
            if path not in declared:
                found.append(f"deleted from dvc.yaml: {path}")
                continue
            state = self._state(wdir / path, record)
            if state:
                found.append(f"{state}: {path}")
        return found

    def _state(self, path: Path, record: dict[str, Any]) -> str | None:
        """``modified`` when the present dependency differs from the lock; None otherwise."""
        recorded = record.get("md5")
        if not isinstance(recorded, str) or not os.path.lexists(path):
            return None  # another hash kind (a remote dependency), or not present
        if not Path(os.path.realpath(path)).is_relative_to(self.root):
            return None  # leads outside the repository: never read (MLP008's concern)
        legacy = record.get("hash") != "md5"
        try:
            if path.is_dir():
                return _directory(path, recorded, record, legacy, self.root)
            return _file(path, recorded, record, legacy)
        except (safeio.FileProblem, OSError) as exc:
            reason = exc.reason if isinstance(exc, safeio.FileProblem) else exc.strerror
            return f"unreadable ({reason})"


def _file(path: Path, recorded: str, record: dict[str, Any], legacy: bool) -> str | None:
    size = safeio.regular_file(path).st_size
    # DVC 2.x hashes text with CRLF as LF, so a file of another size may still be unchanged.
    if recorded.endswith(".dir") or (not legacy and record.get("size", size) != size):
        return "modified"
    if size > MAX_HASHED:
        return None
    return "modified" if dvc_hash.file_md5(path, legacy) != recorded else None


def _directory(
    path: Path, recorded: str, record: dict[str, Any], legacy: bool, root: Path
) -> str | None:
    if not recorded.endswith(".dir"):
        return "modified"
    if _ignores(path, root):
        return None  # a .dvcignore decides which files count; mlpolicy does not evaluate it
    files = list(dvc_hash.files_in(path))
    size = sum(safeio.regular_file(f).st_size for f in files)
    if record.get("nfiles", len(files)) != len(files):
        return "modified"
    if not legacy and record.get("size", size) != size:
        return "modified"
    if size > MAX_HASHED:
        return None
    return "modified" if dvc_hash.dir_md5(path, legacy) != recorded else None


def _ignores(path: Path, root: Path) -> bool:
    """True when a ``.dvcignore`` with patterns applies to ``path``."""
    for folder in (path, *path.parents):
        ignore = folder / ".dvcignore"
        if ignore.is_file():
            try:
                text = safeio.read_bounded(ignore, 1 << 20).decode("utf-8", "replace")
            except safeio.FileProblem:
                return True
            if any(line.strip() and not line.startswith("#") for line in text.splitlines()):
                return True
        if folder == root:
            break
    return False
