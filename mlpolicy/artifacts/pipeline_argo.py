"""Argo Workflows (what Kubeflow Pipelines v1 compiles to), checked for the shape Argo needs.

A ``Workflow``, ``WorkflowTemplate``, ``ClusterWorkflowTemplate`` or ``CronWorkflow`` of
``argoproj.io`` runs ``spec.templates`` from ``spec.entrypoint`` (a ``CronWorkflow`` keeps
both under ``spec.workflowSpec``). Argo refuses a workflow whose entrypoint, DAG task or
step names a template it does not define, so those are the defects reported, at their line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlpolicy.artifacts.pipeline_defects import Defect
from mlpolicy.yamlio import JsonPath, YamlDocument

ARGO = "argo"
KINDS = frozenset({"Workflow", "WorkflowTemplate", "ClusterWorkflowTemplate", "CronWorkflow"})


def is_argo(value: Any) -> bool:
    """True for a document that is one of Argo's workflow resources."""
    return (
        isinstance(value, dict)
        and str(value.get("apiVersion", "")).startswith("argoproj.io/")
        and value.get("kind") in KINDS
    )


def defects(document: YamlDocument) -> Iterator[Defect]:
    """What Argo would refuse in this workflow document."""
    value: dict[str, Any] = document.value
    kind = value["kind"]
    path: JsonPath = ("spec", "workflowSpec") if kind == "CronWorkflow" else ("spec",)
    spec = _at(value, path)
    if not isinstance(spec, dict):
        yield _defect(document, path, f"{kind} needs a `{'.'.join(map(str, path))}` mapping")
        return
    if "workflowTemplateRef" in spec:
        return  # the referenced template holds the templates and the entrypoint
    templates = spec.get("templates")
    if not isinstance(templates, list) or not templates:
        yield _defect(document, (*path, "templates"), f"{kind} defines no `templates`")
        return
    names = {t.get("name") for t in templates if isinstance(t, dict)}
    yield from _entrypoint(document, path, spec, names, kind)
    for index, template in enumerate(templates):
        yield from _template(document, (*path, "templates", index), template, names)


def _entrypoint(
    document: YamlDocument, path: JsonPath, spec: dict[str, Any], names: set[Any], kind: str
) -> Iterator[Defect]:
    entrypoint = spec.get("entrypoint")
    if entrypoint is None:
        if kind != "WorkflowTemplate" and kind != "ClusterWorkflowTemplate":
            yield _defect(document, path, f"{kind} has no `entrypoint`")
    elif entrypoint not in names:
        yield _defect(
            document,
            (*path, "entrypoint"),
            f'entrypoint "{entrypoint}" is not a template of this workflow',
        )


def _template(
    document: YamlDocument, path: JsonPath, template: Any, names: set[Any]
) -> Iterator[Defect]:
    if not isinstance(template, dict) or not isinstance(template.get("name"), str):
        yield _defect(document, path, "a template needs a `name`")
        return
    dag = template.get("dag")
    tasks = dag.get("tasks") if isinstance(dag, dict) else None
    for index, task in enumerate(tasks if isinstance(tasks, list) else []):
        yield from _reference(document, (*path, "dag", "tasks", index), task, names)
    steps = template.get("steps")
    for group, parallel in enumerate(steps if isinstance(steps, list) else []):
        for index, step in enumerate(parallel if isinstance(parallel, list) else [parallel]):
            yield from _reference(document, (*path, "steps", group, index), step, names)


def _reference(
    document: YamlDocument, path: JsonPath, task: Any, names: set[Any]
) -> Iterator[Defect]:
    if not isinstance(task, dict) or "templateRef" in task or "inline" in task:
        return
    target = task.get("template")
    if target not in names:
        name = task.get("name", path[-1])
        yield _defect(
            document,
            (*path, "template") if "template" in task else path,
            f'task {name}: template "{target}" is not defined in this workflow',
        )


def _at(value: Any, path: JsonPath) -> Any:
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _defect(document: YamlDocument, path: JsonPath, message: str) -> Defect:
    return Defect(message, *document.position(path))
