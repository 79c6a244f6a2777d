"""YAML pipeline definitions: ``dvc.yaml``, Kubeflow Pipelines IR and Argo Workflows, checked.

The checks follow DVC's own ``dvc.yaml`` schema (``dvc/schema.py``: stage keys, ``foreach``/
``do``, ``matrix``), the KFP IR ``PipelineSpec`` (every task's component exists, every
component's executor exists) and Argo's workflow spec (:mod:`pipeline_argo`). Each defect
carries the line and column of the offending key. A file may hold several YAML documents
(Argo manifests often do; ``kfp-kubernetes`` appends a platform spec to compiled IR).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mlpolicy import yamlio
from mlpolicy.artifacts import pipeline_argo
from mlpolicy.artifacts.pipeline_defects import Defect, NotPipeline
from mlpolicy.errors import DocumentError
from mlpolicy.schema import suggest
from mlpolicy.yamlio import JsonPath, YamlDocument

DVC, KFP_IR, YAML = "dvc", "kfp-ir", "yaml"

Check = Callable[[Any], bool]
MAX_DOCUMENTS = 100
NO_PIPELINE_KEYS = (
    "YAML with no recognised pipeline keys (not dvc.yaml, Kubeflow Pipelines IR "
    "or an Argo Workflow)"
)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _list_of(*types: type) -> Check:
    return lambda value: isinstance(value, list) and all(isinstance(i, types) for i in value)


def _is_cmd(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, list) and bool(value) and all(isinstance(i, str) for i in value)


_PATHS = "a list of paths"
_OUTPUTS = "a list of paths or {path: options} entries"
# DVC's STAGE_DEFINITION: key -> (what it must be, check).
_STAGE_KEYS: dict[str, tuple[str, Check]] = {
    "cmd": ("a command or a list of commands", _is_cmd),
    "wdir": ("a path", _is_str),
    "deps": (_PATHS, _list_of(str)),
    "params": ("a list of parameter names or {file: [names]} entries", _list_of(str, dict)),
    "outs": (_OUTPUTS, _list_of(str, dict)),
    "metrics": (_OUTPUTS, _list_of(str, dict)),
    "plots": (_OUTPUTS, _list_of(str, dict)),
    "vars": ("a list of files or mappings", _list_of(str, dict)),
    "frozen": ("true or false", _is_bool),
    "always_changed": ("true or false", _is_bool),
    "desc": ("a string", _is_str),
    "meta": ("anything", lambda value: True),
}
_TOP_KEYS: dict[str, tuple[str, Check]] = {
    "stages": ("a mapping of stage names to stages", lambda value: isinstance(value, dict)),
    "vars": _STAGE_KEYS["vars"],
    "params": ("a list of parameter files", _list_of(str, dict)),
    "metrics": ("a list of metrics files", _list_of(str, dict)),
    "plots": ("a list of plots", _list_of(str, dict)),
    "artifacts": ("a mapping of artifact names", lambda value: isinstance(value, dict)),
    "datasets": ("a list of datasets", _list_of(dict)),
}


def parse(data: bytes, dvc: bool) -> tuple[str, tuple[Defect, ...]] | NotPipeline:
    """A YAML file's pipeline format and defects, or why it holds no pipeline."""
    try:
        documents = [yamlio.load(data)] if dvc else _documents(data)
    except DocumentError as exc:
        return (DVC if dvc else YAML), (Defect(exc.message, exc.line, exc.column),)
    if dvc:
        return DVC, tuple(_dvc_defects(documents[0]))
    argo = [d for d in documents if pipeline_argo.is_argo(d.value)]
    if argo:
        return pipeline_argo.ARGO, tuple(f for d in argo for f in pipeline_argo.defects(d))
    value = documents[0].value
    if isinstance(value, dict) and (
        "pipelineInfo" in value or {"root", "deploymentSpec"} <= value.keys()
    ):
        return KFP_IR, tuple(_kfp_defects(documents[0]))
    return NotPipeline(NO_PIPELINE_KEYS)


def _documents(data: bytes) -> list[YamlDocument]:
    """Every document of a multi-document file, positions counted from the file's start."""
    lines = yamlio.decode(data).splitlines(keepends=True)
    documents: list[YamlDocument] = []
    start = 0
    while len(documents) < MAX_DOCUMENTS:
        try:
            documents.append(_shifted("".join(lines[start:]), start))
            return documents
        except _NextDocument as cut:
            end = cut.line
        documents.append(_shifted("".join(lines[start:end]), start))
        start = end
    raise DocumentError(f"the file holds more than {MAX_DOCUMENTS} YAML documents")


class _NextDocument(Exception):
    """A second document starts at ``line`` (0-based, counted from the file's start)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _shifted(text: str, offset: int) -> YamlDocument:
    """``text`` (a single document, the file from line ``offset + 1``) loaded in place."""
    try:
        document = yamlio.load(text)
    except DocumentError as exc:
        line = None if exc.line is None else exc.line + offset
        if "more than one YAML document" in exc.message and line is not None and line > 1 + offset:
            raise _NextDocument(line - 1) from None
        raise DocumentError(exc.message, line, exc.column) from None
    positions = {
        path: (line + offset, column) for path, (line, column) in document.positions.items()
    }
    return YamlDocument(document.value, positions)


def _defect(document: YamlDocument, path: JsonPath, message: str) -> Defect:
    return Defect(message, *document.position(path))


def _dvc_defects(document: YamlDocument) -> Iterator[Defect]:
    value = document.value
    if not isinstance(value, dict):
        yield _defect(document, (), "dvc.yaml must be a mapping with a `stages` key")
        return
    yield from _keys(document, (), value, _TOP_KEYS, "dvc.yaml")
    stages = value.get("stages")
    if "stages" not in value or (isinstance(stages, dict) and not stages):
        yield _defect(document, ("stages",), "dvc.yaml defines no stages")
    if isinstance(stages, dict):
        for name, stage in stages.items():
            yield from _stage(document, ("stages", name), stage)


def _keys(
    document: YamlDocument,
    path: JsonPath,
    value: dict[str, Any],
    allowed: dict[str, tuple[str, Check]],
    owner: str,
) -> Iterator[Defect]:
    for key, item in value.items():
        if key not in allowed:
            hint = suggest(key, allowed)
            yield _defect(document, (*path, key), f'unknown key "{key}" in {owner}{hint}')
        elif not allowed[key][1](item):
            yield _defect(document, (*path, key), f'"{key}" must be {allowed[key][0]}')


def _stage(document: YamlDocument, path: JsonPath, stage: Any) -> Iterator[Defect]:
    name = f"stage {path[-1]}"
    if not isinstance(stage, dict):
        yield _defect(document, path, f"{name} must be a mapping with a `cmd`")
        return
    if "foreach" in stage:
        extra = {k: v for k, v in stage.items() if k not in ("foreach", "do")}
        yield from _keys(document, path, extra, {}, f"a foreach {name}")
        if not isinstance(stage.get("do"), dict):
            yield _defect(document, path, f"foreach {name} needs a `do` mapping")
        else:
            yield from _definition(document, (*path, "do"), stage["do"], name)
        return
    if "matrix" in stage:
        if not isinstance(stage["matrix"], dict) or not stage["matrix"]:
            yield _defect(document, (*path, "matrix"), f"matrix of {name} must be a mapping")
        stage = {k: v for k, v in stage.items() if k != "matrix"}
    yield from _definition(document, path, stage, name)


def _definition(
    document: YamlDocument, path: JsonPath, stage: dict[str, Any], name: str
) -> Iterator[Defect]:
    if "cmd" not in stage:
        yield _defect(document, path, f"{name} has no `cmd`")
    yield from _keys(document, path, stage, _STAGE_KEYS, name)


def _kfp_defects(document: YamlDocument) -> Iterator[Defect]:
    value: dict[str, Any] = document.value
    info = value.get("pipelineInfo")
    if not isinstance(info, dict) or not isinstance(info.get("name"), str) or not info["name"]:
        yield _defect(document, ("pipelineInfo",), "`pipelineInfo.name` must name the pipeline")
    if not isinstance(value.get("schemaVersion"), str):
        yield _defect(document, ("schemaVersion",), "`schemaVersion` must be a version string")
    components = value.get("components", {})
    if not isinstance(components, dict):
        yield _defect(document, ("components",), "`components` must be a mapping")
        components = {}
    spec = value.get("deploymentSpec")
    executors = spec.get("executors") if isinstance(spec, dict) else None
    executors = executors if isinstance(executors, dict) else {}
    root = value.get("root")
    if not isinstance(root, dict) or not isinstance(root.get("dag"), dict):
        yield _defect(document, ("root",), "`root` must hold the pipeline's `dag`")
    else:
        yield from _tasks(document, ("root", "dag"), root["dag"], components)
    for name, component in components.items():
        yield from _component(document, ("components", name), component, components, executors)


def _component(
    document: YamlDocument,
    path: JsonPath,
    component: Any,
    components: dict[str, Any],
    executors: dict[str, Any],
) -> Iterator[Defect]:
    if isinstance(component, dict) and isinstance(component.get("dag"), dict):
        yield from _tasks(document, (*path, "dag"), component["dag"], components)
    elif isinstance(component, dict) and "executorLabel" in component:
        label = component["executorLabel"]
        if not isinstance(label, str) or label not in executors:
            yield _defect(
                document,
                (*path, "executorLabel"),
                f'component {path[-1]}: executor "{label}" is not in `deploymentSpec.executors`',
            )
    else:
        yield _defect(document, path, f"component {path[-1]} has neither a `dag` nor an executor")


def _tasks(
    document: YamlDocument, path: JsonPath, dag: dict[str, Any], components: dict[str, Any]
) -> Iterator[Defect]:
    tasks = dag.get("tasks")
    if not isinstance(tasks, dict) or not tasks:
        yield _defect(document, path, "the dag has no `tasks`")
        return
    for name, task in tasks.items():
        where = (*path, "tasks", name)
        ref = task.get("componentRef") if isinstance(task, dict) else None
        component = ref.get("name") if isinstance(ref, dict) else None
        if not isinstance(component, str) or component not in components:
            yield _defect(document, where, f'task {name}: component "{component}" is not defined')
        needs = task.get("dependentTasks", []) if isinstance(task, dict) else []
        for index, other in enumerate(needs if isinstance(needs, list) else [needs]):
            if not isinstance(other, str) or other not in tasks:
                yield _defect(
                    document,
                    (*where, "dependentTasks", index),
                    f'task {name} depends on "{other}", which is not a task of this dag',
                )
