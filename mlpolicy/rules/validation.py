"""Rules about pipeline validation evidence: MLP303 missing, MLP304 failed, MLP305 stale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.artifacts import evidence as formats
from mlpolicy.artifacts import validation
from mlpolicy.artifacts.unrecognised import looked_at
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts

_ATTEST = "`mlpolicy attest PIPELINE... --junit REPORT`"
_MISSING_HINT = (
    "Run the pipeline's tests and commit the evidence: a JUnit report under reports/, "
    f"a Great Expectations validation result, or a record written by {_ATTEST}."
)
_LABELS = {
    formats.MLPOLICY: "validation record",
    formats.JUNIT: "JUnit report",
    formats.GX: "Great Expectations result",
}


def pipeline_validation_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project with no pipeline validation evidence, every path under
    `artifacts: pipeline_validation:` that does not exist, and every evidence file that
    cannot be read as evidence (XML or JSON that does not parse, a record that violates
    `schemas/validation.schema.json`). Without a declaration,
    `reports/pipeline-validation.json`, `reports/*.xml` and
    `gx/uncommitted/validations/` are searched. Evidence is a record written by
    `mlpolicy attest`, a JUnit XML report, or a Great Expectations validation result.
    The message names the XML and JSON files that were looked at and why each is not
    evidence; a file the manifest names that is not evidence is flagged by itself.

    ## Why is this bad?
    The pipeline phase ends with *validated* pipelines. A pipeline nobody has tested may
    train on leaked labels or ship a model worse than the one that was evaluated; the
    evidence in the repository shows reviewers that the checks ran and what they found.

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
        deps:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```

    ## Fix
    Run the pipeline's tests with a JUnit report (`pytest --junitxml=...`) and commit it.

    ```xml title="reports/pipeline-tests.xml"
    <?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pipeline" tests="2" failures="0" errors="0" skipped="0">
    <testcase classname="tests.test_pipeline" name="test_train_stage_beats_baseline"/>
    <testcase classname="tests.test_pipeline" name="test_no_label_leakage"/>
    </testsuite></testsuites>
    ```
    """
    found = facts.readings.validation
    for absent in found.absent:
        message = f'pipeline validation evidence "{absent.rel}" {absent.reason}'
        yield Problem(message + looked_at(absent.looked_at), absent.location, _MISSING_HINT)
    for evidence in found.evidence:
        if not evidence.usable:
            message = f"{evidence.rel} is not usable validation evidence: {evidence.message}"
            yield Problem(message, evidence.location, _MISSING_HINT)
    if not found.evidence and not found.absent:
        declared = facts.declares(validation.KIND)
        key = ("artifacts", validation.KIND) if declared else ("phase",)
        message = (
            "no usable validation evidence: every declared path was refused"
            if declared
            else f"no pipeline validation evidence found ({validation.LOCATIONS})"
        )
        message += looked_at(found.unrecognised)
        yield Problem(message, facts.manifest_location(key), _MISSING_HINT)


def pipeline_validation_failed(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags validation evidence that does not show a passing validation: a JUnit report
    with failures or errors, or in which no test ran (every test skipped, or none at
    all); a Great Expectations result with `success: false` or no evaluated
    expectations; an `mlpolicy attest` record whose `status` is `failed`. The message
    gives the counts.

    ## Why is this bad?
    Evidence of a failed validation is evidence that the pipeline is not ready. A report
    where every test was skipped proves nothing, which is why zero executed tests counts
    as a failure rather than a pass.

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
        deps:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```

    ```xml title="reports/pipeline-tests.xml"
    <?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pipeline" tests="2" failures="1" errors="0" skipped="0">
    <testcase classname="tests.test_pipeline" name="test_train_stage_beats_baseline"/>
    <testcase classname="tests.test_pipeline" name="test_no_label_leakage">
    <failure message="AssertionError: label column leaked into features"/>
    </testcase>
    </testsuite></testsuites>
    ```

    ## Fix
    Fix what the failing check found, run the tests again and commit the new report.

    ```xml title="reports/pipeline-tests.xml"
    <?xml version="1.0" encoding="utf-8"?>
    <testsuites><testsuite name="pipeline" tests="2" failures="0" errors="0" skipped="0">
    <testcase classname="tests.test_pipeline" name="test_train_stage_beats_baseline"/>
    <testcase classname="tests.test_pipeline" name="test_no_label_leakage"/>
    </testsuite></testsuites>
    ```
    """
    for evidence in facts.readings.validation.usable:
        if not evidence.passed:
            label = _LABELS.get(evidence.format, evidence.format)
            yield Problem(
                f"{label} does not show a passing validation: {evidence.message}",
                evidence.location,
                f"Fix what failed, rerun the tests, and commit the new evidence ({_ATTEST}).",
            )


def pipeline_validation_stale(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags validation evidence older than what it validated. A record written by
    `mlpolicy attest` holds the SHA-256 of every file it covered: it is stale when one
    of them changed or was deleted since, or when a pipeline definition exists that it
    does not cover. The message names the paths.

    ## Why is this bad?
    Evidence proves something only about the pipeline it was produced from. Once the
    pipeline changes, a green record describes a pipeline that no longer exists, and the
    change itself has never been validated.

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

    The training command changed after the record was written:

    ```yaml title="dvc.yaml"
    stages:
      train:
        cmd: python src/train.py --lr 0.02
        deps:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```

    ```json title="reports/pipeline-validation.json"
    {
      "schema": "mlpolicy.validation/v1",
      "pipeline": ["dvc.yaml"],
      "status": "passed",
      "validated_at": "2026-11-26T15:02:11Z",
      "commit": "c23e1d4f9fd49f3bf793237e43431e641f655921",
      "inputs_sha256": {
        "dvc.yaml": "df5b8be775f458f99e0f2b4e49feb2000493aa0e5a5b17b2884486a817a20ad3"
      },
      "checks": [
        {"name": "tests.test_pipeline::test_train_stage_beats_baseline", "status": "passed"},
        {"name": "tests.test_pipeline::test_no_label_leakage", "status": "passed"}
      ]
    }
    ```

    ## Fix
    Run the tests against the changed pipeline and write a new record:
    `mlpolicy attest dvc.yaml --junit reports/pipeline-tests.xml`, then commit it.

    ```json title="reports/pipeline-validation.json"
    {
      "schema": "mlpolicy.validation/v1",
      "pipeline": ["dvc.yaml"],
      "status": "passed",
      "validated_at": "2026-11-27T09:40:52Z",
      "commit": "c23e1d4f9fd49f3bf793237e43431e641f655921",
      "inputs_sha256": {
        "dvc.yaml": "cfd9a74e03b59cbf71eb952381879fbb8f707e04d2c77aba156e44a22031b722"
      },
      "checks": [
        {"name": "tests.test_pipeline::test_train_stage_beats_baseline", "status": "passed"},
        {"name": "tests.test_pipeline::test_no_label_leakage", "status": "passed"}
      ]
    }
    ```
    """
    for evidence in facts.readings.validation.usable:
        if evidence.inputs_sha256 is None:
            yield from _stale_by_history(facts, evidence.rel)
            continue
        drift = facts.readings.validation_inputs[evidence.rel]
        if drift.stale:
            key = ("inputs_sha256", drift.first) if drift.first else ("inputs_sha256",)
            yield Problem(
                f"validation record is stale: {', '.join(drift.stale)}",
                validation.locate(evidence, key),
                f"Rerun the pipeline's tests and {_ATTEST} over every pipeline file, then "
                "commit the new record.",
            )


def _stale_by_history(facts: ProjectFacts, rel: str) -> Iterator[Problem]:
    """Evidence without input hashes (JUnit, Great Expectations) is stale when the pipeline
    definitions or ``code_paths`` changed after the commit that last changed it; the Ask-git
    stage found both."""
    last, change = facts.answers.evidence_history.get(rel, (None, None))
    if last is None or change is None:
        return  # never committed (MLP501 speaks for it), or nothing changed since
    when = "at or before" if last.boundary else "in"
    yield Problem(
        f"validation evidence is stale: {change.describe()}, after {rel} was last"
        f" committed {when} {last.describe()}",
        Location(rel),
        "Run the pipeline's validation again on the current code and commit the new"
        " evidence (`mlpolicy attest` writes a record that carries input hashes).",
    )


RULES = (
    build_rule(
        "MLP303",
        "pipeline-validation-missing",
        Severity.ERROR,
        "pipeline_validation",
        "No pipeline validation evidence",
        pipeline_validation_missing,
    ),
    build_rule(
        "MLP304",
        "pipeline-validation-failed",
        Severity.ERROR,
        "pipeline_validation",
        "Validation evidence shows failures, errors, or zero executed tests",
        pipeline_validation_failed,
    ),
    build_rule(
        "MLP305",
        "pipeline-validation-stale",
        Severity.ERROR,
        "pipeline_validation",
        "The pipeline or `code_paths` changed after validation",
        pipeline_validation_stale,
    ),
)
