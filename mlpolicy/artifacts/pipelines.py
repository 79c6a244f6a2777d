"""Pipeline definitions: found where the manifest says (or at default places), then checked.

Public API:

- ``read(project) -> Pipelines``: every definition of the project, read once per check
  (cached on the project) and recorded in the report's artifacts list.
- ``Pipelines.definitions``: files recognised as pipeline definitions (valid or not), plus
  files the manifest names that are not recognised; ``Pipelines.absent``: declared paths
  that hold no definition.
- ``parse(name, data)``: what one file is, from its name and bytes alone.
- ``files_under(project, directory, suffixes)``: the safe files of a directory.

Formats: ``dvc.yaml`` (DVC), Kubeflow Pipelines compiled IR YAML, and Python files of
Airflow, Kedro, ZenML, Metaflow and KFP, recognised with ``ast`` and never imported.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy import yamlio
from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "pipelines"
DEFAULTS = ("dvc.yaml", "pipelines", "pipeline")
SUFFIXES = (".py", ".yaml", ".yml")
MAX_BYTES = yamlio.MAX_BYTES
UNKNOWN = "unknown"
NOT_RECOGNISED = (
    "not a recognised pipeline definition (expected dvc.yaml, a Kubeflow Pipelines IR YAML, "
    "or a Python file defining an Airflow, Kedro, ZenML, Metaflow or KFP pipeline)"
)


@dataclass(frozen=True, slots=True)
class Defect:
    """What is wrong in a definition, and where (1-based; None when unknown)."""

    message: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True, slots=True)
class Definition:
    """One file read as a pipeline definition, with whatever is wrong in it."""

    path: Path
    rel: str
    format: str  # dvc | kfp-ir | airflow | kedro | zenml | metaflow | kfp | python | yaml | unknown
    defects: tuple[Defect, ...]
    status: str  # ok | invalid | unreadable

    @property
    def valid(self) -> bool:
        return not self.defects


@dataclass(frozen=True, slots=True)
class Absent:
    """A path the manifest names that yields no definition, and the manifest line naming it."""

    rel: str
    location: Location
    reason: str  # "does not exist" | "holds no recognised pipeline definition"


@dataclass(frozen=True, slots=True)
class Pipelines:
    """What the project's pipeline search found."""

    definitions: tuple[Definition, ...]
    absent: tuple[Absent, ...]
    declared: bool  # the manifest names the paths (no default search)


def read(project: Project) -> Pipelines:
    """The project's pipeline definitions, read once per check."""
    return project.cached(KIND, lambda: _read(project))


def _read(project: Project) -> Pipelines:
    definitions: dict[Path, Definition] = {}
    absent: list[Absent] = []
    for path, where in project.candidates(KIND, DEFAULTS):
        rel = project.rel(path)
        if path.is_dir():
            found = [_read_file(project, f, explicit=False) for f in files_under(project, path)]
            kept = [d for d in found if d is not None]
            definitions.update((d.path, d) for d in kept if d.path not in definitions)
            if where is not None and not kept:
                absent.append(Absent(rel, where, "holds no recognised pipeline definition"))
        elif path.is_file():
            definition = _read_file(project, path, explicit=where is not None)
            if definition is not None and path not in definitions:
                definitions[path] = definition
        elif where is not None:
            absent.append(Absent(rel, where, "does not exist"))
    for definition in definitions.values():
        project.record(Artifact(KIND, definition.rel, definition.format, definition.status))
    for missing in absent:
        project.record(Artifact(KIND, missing.rel, UNKNOWN, "missing"))
    return Pipelines(tuple(definitions.values()), tuple(absent), project.declared(KIND) is not None)


def files_under(
    project: Project, directory: Path, suffixes: tuple[str, ...] = SUFFIXES
) -> Iterator[Path]:
    """Files below ``directory`` ending in ``suffixes``, sorted, each kept inside the repository.

    ``os.walk`` does not follow directory symlinks; a file symlink leading outside the
    repository is dropped (and reported by MLP008) by ``project.resolve``.
    """
    from mlpolicy.project import SKIP_DIRS

    for folder, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(suffixes):
                declared = os.path.relpath(os.path.join(folder, name), project.root)
                safe = project.resolve(Path(declared).as_posix())
                if safe is not None and safe.is_file():
                    yield safe


def _read_file(project: Project, path: Path, explicit: bool) -> Definition | None:
    rel = project.rel(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return Definition(
            path, rel, UNKNOWN, (Defect(f"cannot read: {exc.strerror}"),), "unreadable"
        )
    parsed = parse(path.name, data)
    if parsed is None:
        if not explicit:
            return None
        parsed = (UNKNOWN, (Defect(NOT_RECOGNISED),))
    format_name, defects = parsed
    return Definition(path, rel, format_name, defects, "invalid" if defects else "ok")


def parse(name: str, data: bytes) -> tuple[str, tuple[Defect, ...]] | None:
    """The format of file ``name`` holding ``data`` and its defects; None: not a pipeline."""
    if len(data) > MAX_BYTES:
        return UNKNOWN, (Defect(f"file is larger than {MAX_BYTES} bytes; it was not read"),)
    # The format modules import Defect from here, so they are imported when first needed.
    if name.endswith(".py"):
        from mlpolicy.artifacts import pipeline_python

        return pipeline_python.parse(data)
    if name.endswith((".yaml", ".yml")):
        from mlpolicy.artifacts import pipeline_yaml

        return pipeline_yaml.parse(data, dvc=name == "dvc.yaml")
    return None
