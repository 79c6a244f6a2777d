"""Experiment logs made on code that has changed since: MLP205."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy import code_changes
    from mlpolicy.artifacts.runs import Run
    from mlpolicy.facts import ProjectFacts


def experiment_logs_stale(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags experiment logs whose runs were all made on older code: something under the
    manifest's `code_paths` changed after the commit each finished run records. The
    message names the newest run's commit, the paths that changed and the newest commit
    that changed them. It is a warning during experimentation and an error from the
    pipeline phase on; without `code_paths` there is nothing to compare and it is silent.

    ## Why is this bad?
    A run vouches for the code it ran. Once the training code changes, the metrics in the
    log (and the quality bar they meet) describe a model nobody can rebuild from the
    repository; pipelines built from the new code have never been measured.

    ## Example
    The run was made on the base commit's code; the change then rewrote the training code.

    ```yaml title="mlpolicy.yaml" base
    version: 1
    phase: pipeline
    code_paths: [src/]
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.80
    ```

    ```markdown title="docs/design.md" base
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

    ```python title="src/train.py" base
    LEARNING_RATE = 0.05
    ```

    ```yaml title="dvc.yaml" base
    stages:
      train:
        cmd: python src/train.py
        deps: [src/train.py]
        outs: [model.pkl]
    ```

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```

    ```python title="src/train.py"
    LEARNING_RATE = 0.02
    ```

    ## Fix
    Re-run the experiment on the current code and log the run, which names that commit.

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-2","experiment":"churn","started_at":"2026-11-27T09:12:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.02},"metrics":{"val_auc":0.84}}
    ```
    """
    changes = facts.answers.run_changes
    commits = facts.answers.run_commits or {}
    runs = [r for r in facts.readings.experiments.runs if r.usable]
    judged = [(commits[r.commit], r) for r in runs if r.commit is not None and r.commit in commits]
    if not changes or not judged or any(changes[c.sha] is None for c, _ in judged):
        return  # nothing watched, no run's commit known, or a run was made on the current code
    commit, run = max(judged, key=lambda pair: pair[0].timestamp)
    yield _stale_run(run, changes[commit.sha])


def _stale_run(run: Run, change: code_changes.Change | None) -> Problem:
    assert change is not None
    return Problem(
        f"experiment logs are stale: {change.describe()}, after the newest run's commit"
        f' {change.evidence.describe()} (run "{run.run_id}")',
        run.location,
        "Re-run the experiment on the current code and log the run (`mlpolicy log` records"
        " the new commit); runs on older code may stay in the log beside it.",
    )


RULES = (
    build_rule(
        "MLP205",
        "experiment-logs-stale",
        Severity.ERROR,
        "experiments",
        "`code_paths` changed after the newest run's commit",
        experiment_logs_stale,
    ),
)
