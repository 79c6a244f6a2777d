"""Pipeline definitions: found where the manifest says (or at default places), then checked.

Public API:

- ``read(project) -> Pipelines``: every definition of the project, read once per check
  (cached on the project) and recorded in the report's artifacts list.
- ``Pipelines.definitions``: files recognised as pipeline definitions (valid or not);
  ``Pipelines.absent``: declared paths that yield no definition; ``Pipelines.unrecognised``:
  candidate files that are no pipeline definition, each with the reason.
- ``parse(name, data)``: what one file is, from its name and bytes alone.

Formats: ``dvc.yaml`` (DVC), Kubeflow Pipelines compiled IR YAML, Argo Workflows (what KFP
v1 compiles to), and Python files of Airflow, Kedro, ZenML, Metaflow and KFP, recognised
with ``ast`` and never imported. Default places are the frameworks' own scaffolds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy import safeio, yamlio
from mlpolicy.artifacts.candidates import UNKNOWN as UNKNOWN  # rules compare formats with it
from mlpolicy.artifacts.candidates import Absent as Absent  # rules read Pipelines.absent
from mlpolicy.artifacts.candidates import collect
from mlpolicy.artifacts.pipeline_defects import Defect as Defect
from mlpolicy.artifacts.pipeline_defects import NotPipeline as NotPipeline
from mlpolicy.artifacts.unrecognised import Unrecognised

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "pipelines"
# The frameworks' scaffolds: Airflow's dags/, `kedro new`'s src/<package>/pipelines/,
# Metaflow's and ZenML's flows/ (their templates and examples keep flows there).
DEFAULTS = ("dvc.yaml", "pipelines", "pipeline", "dags", "src/*/pipelines", "flows")
LOCATIONS = "dvc.yaml, pipelines/, pipeline/, dags/, src/*/pipelines/, flows/"
SUFFIXES = (".py", ".yaml", ".yml")
MAX_BYTES = yamlio.MAX_BYTES
NOT_RECOGNISED = (
    "not a pipeline definition (expected dvc.yaml, Kubeflow Pipelines IR or Argo Workflow "
    "YAML, or Python defining an Airflow, Kedro, ZenML, Metaflow or KFP pipeline)"
)


@dataclass(frozen=True, slots=True)
class Definition:
    """One file read as a pipeline definition, with whatever is wrong in it."""

    path: Path
    rel: str
    format: str  # dvc | kfp-ir | argo | airflow | kedro | zenml | metaflow | kfp | python | yaml
    defects: tuple[Defect, ...]
    status: str  # ok | invalid | unreadable

    @property
    def valid(self) -> bool:
        return not self.defects


@dataclass(frozen=True, slots=True)
class Pipelines:
    """What the project's pipeline search found."""

    definitions: tuple[Definition, ...]
    absent: tuple[Absent, ...]
    declared: bool  # the manifest names the paths (no default search)
    unrecognised: tuple[Unrecognised, ...] = ()


def read(project: Project) -> Pipelines:
    """The project's pipeline definitions, read once per check."""
    return project.cached(KIND, lambda: _read(project))


def _read(project: Project) -> Pipelines:
    empty = "holds no recognised pipeline definition"
    found = collect(project, KIND, DEFAULTS, SUFFIXES, _read_file, empty)
    declared = project.declared(KIND) is not None
    return Pipelines(found.items, found.absent, declared, found.unrecognised)


def _read_file(project: Project, path: Path) -> Definition | Unrecognised:
    rel = project.rel(path)
    try:
        data = project.read_bounded(path, MAX_BYTES)
    except safeio.TooLarge as exc:
        return Definition(path, rel, UNKNOWN, (Defect(f"the file {exc.reason}"),), "invalid")
    except safeio.FileProblem as exc:
        return Definition(path, rel, UNKNOWN, (Defect(f"the file {exc.reason}"),), "unreadable")
    parsed = parse(path.name, data)
    if isinstance(parsed, NotPipeline):
        return Unrecognised(path, rel, parsed.reason)
    format_name, defects = parsed
    return Definition(path, rel, format_name, defects, "invalid" if defects else "ok")


def parse(name: str, data: bytes) -> tuple[str, tuple[Defect, ...]] | NotPipeline:
    """The format of file ``name`` holding ``data`` and its defects, or why it is none."""
    if len(data) > MAX_BYTES:
        return UNKNOWN, (Defect(f"file is larger than {MAX_BYTES} bytes; it was not read"),)
    # Each format module is imported when a file of its kind is first read.
    if name.endswith(".py"):
        from mlpolicy.artifacts import pipeline_python

        return pipeline_python.parse(data)
    if name.endswith((".yaml", ".yml")):
        from mlpolicy.artifacts import pipeline_yaml

        return pipeline_yaml.parse(data, dvc=name == "dvc.yaml")
    return NotPipeline(NOT_RECOGNISED)
