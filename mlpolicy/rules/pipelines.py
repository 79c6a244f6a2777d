"""Rules about pipeline definitions: MLP301 missing, MLP302 malformed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.artifacts import pipelines
from mlpolicy.artifacts.unrecognised import looked_at
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts

_MISSING_HINT = (
    "Commit the pipeline definition (dvc.yaml, a compiled Kubeflow or Argo workflow, or an "
    "Airflow, Kedro, ZenML, Metaflow or KFP Python file defining the pipeline itself) where "
    "mlpolicy looks, or point `artifacts.pipelines` at it."
)
_INVALID_HINTS = {
    "dvc": "See https://dvc.org/doc/user-guide/project-structure/dvcyaml-files; "
    "`dvc stage list` shows whether DVC can read the file.",
    "kfp-ir": "Recompile the pipeline with `kfp.compiler.Compiler().compile(...)` "
    "rather than editing the compiled YAML.",
    "python": "Fix the syntax error; mlpolicy only parses the file, it never imports or runs it.",
    "yaml": "Fix the YAML at that position.",
    "metaflow": "Add the missing step; Metaflow runs a flow from `start` to `end`.",
    "argo": "Argo runs `spec.templates` from `spec.entrypoint`; "
    "`argo lint` shows what Argo refuses.",
    pipelines.UNKNOWN: "Make the file a readable regular file of a sane size.",
}


def pipeline_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project with no pipeline definition mlpolicy recognises, and every path under
    `artifacts: pipelines:` that does not exist, is a directory holding no definition, or
    is a file that is none. Without a declaration, `dvc.yaml`, `pipelines/`, `pipeline/`
    and the frameworks' own scaffolds are searched: Airflow's `dags/`, Kedro's
    `src/*/pipelines/`, Metaflow's and ZenML's `flows/`. Recognised are `dvc.yaml`,
    Kubeflow Pipelines compiled IR YAML, Argo Workflows (what KFP v1 compiles to), and
    Python files that define an Airflow DAG, a Kedro pipeline, a ZenML `@pipeline`, a
    Metaflow flow or a KFP `@dsl.pipeline` (read as syntax only: never imported or run).
    A file of components, steps or nodes alone defines no pipeline. The message names
    the files that were looked at and why each is not a pipeline definition.

    ## Why is this bad?
    The pipeline phase is done when data processing, training and serving are automated.
    The definition is that automation; without it in the repository, training the model
    again depends on someone repeating the notebook steps by hand.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
    phase: pipeline
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.80
    ```

    ```markdown title="docs/design.md"
    ---
    status: approved
    ---
    # Churn prediction

    ## Problem statement
    The retention team calls five hundred accounts a week, chosen by gut feel alone.

    ## Non-ML baseline
    Tenure under six months with two support tickets flags churners at precision 0.18.

    ## Success metrics
    Precision at five hundred above 0.27 and churn among contacted accounts down a third.

    ## Data
    The customers table, support tickets and billing events, labelled by cancellation.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```

    Training is a script someone runs by hand:

    ```python title="src/train.py"
    import pandas as pd

    frame = pd.read_csv("data/prepared/customers.csv")
    ```

    ## Fix
    Commit the pipeline that prepares the data and trains the model.

    ```yaml title="dvc.yaml"
    stages:
      train:
        cmd: python src/train.py
        deps:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```
    """
    found = facts.readings.pipelines
    for absent in found.absent:
        message = f'pipeline definition "{absent.rel}" {absent.reason}'
        yield Problem(message + looked_at(absent.looked_at), absent.location, _MISSING_HINT)
    if not found.definitions and not found.absent:
        if found.declared:
            where = facts.manifest_location(("artifacts", "pipelines"))
            message = "no usable pipeline definition: every declared path was refused"
        else:
            where = facts.manifest_location(("phase",))
            message = f"no pipeline definition found ({pipelines.LOCATIONS})"
        yield Problem(message + looked_at(found.unrecognised), where, _MISSING_HINT)


def pipeline_invalid(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags each problem in a pipeline definition, at its line and column: YAML or Python
    that does not parse; a `dvc.yaml` without `stages`, a stage without `cmd`, an unknown
    key (`dep:` for `deps:`), a `deps`/`outs`/`params` that is not a list, a `foreach`
    without `do`; a compiled Kubeflow pipeline whose tasks name undefined components or
    whose components name undefined executors; an Argo Workflow without templates or
    whose entrypoint, DAG task or step names a template it does not define; a Metaflow
    flow without `start` or `end`; and a definition that cannot be read.

    ## Why is this bad?
    A definition the orchestrator cannot load automates nothing: `dvc repro` refuses the
    whole file over one misspelt key, and a DAG with a syntax error never reaches the
    scheduler. These checks catch that in review instead of at the next scheduled run.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
    phase: pipeline
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.80
    ```

    ```markdown title="docs/design.md"
    ---
    status: approved
    ---
    # Churn prediction

    ## Problem statement
    The retention team calls five hundred accounts a week, chosen by gut feel alone.

    ## Non-ML baseline
    Tenure under six months with two support tickets flags churners at precision 0.18.

    ## Success metrics
    Precision at five hundred above 0.27 and churn among contacted accounts down a third.

    ## Data
    The customers table, support tickets and billing events, labelled by cancellation.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```

    ```yaml title="dvc.yaml"
    stages:
      train:
        cmd: python src/train.py
        dep:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```

    ```xml title="reports/pipeline-tests.xml"
    <?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pipeline" tests="2" failures="0" errors="0" skipped="0">
    <testcase classname="tests.test_pipeline" name="test_train_stage_beats_baseline"/>
    <testcase classname="tests.test_pipeline" name="test_no_label_leakage"/>
    </testsuite></testsuites>
    ```

    ## Fix
    ```yaml title="dvc.yaml"
    stages:
      train:
        cmd: python src/train.py
        deps:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```
    """
    for definition in facts.readings.pipelines.definitions:
        hint = _INVALID_HINTS.get(definition.format)
        for defect in definition.defects:
            where = Location(definition.rel, defect.line, defect.column)
            yield Problem(defect.message, where, hint)


RULES = (
    build_rule(
        "MLP301",
        "pipeline-missing",
        Severity.ERROR,
        "pipelines",
        "No recognised pipeline definition",
        pipeline_missing,
    ),
    build_rule(
        "MLP302",
        "pipeline-invalid",
        Severity.ERROR,
        "pipelines",
        "A pipeline definition is malformed",
        pipeline_invalid,
    ),
)
