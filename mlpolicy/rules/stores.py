"""MLP208: a tracker's local store left out of the repository beside committed logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.artifacts import trackers
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts


def experiment_store_uncommitted(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags an experiment log that exists on disk but is not in the git index, typically a
    git-ignored MLflow `mlflow.db` or `mlruns/`, or a `wandb/` folder, when committed logs
    already satisfy the requirement. Its runs are not counted as evidence. (When such a
    store is the only log, the requirement fails with MLP501 instead.) Outside git and
    with `--no-git` it is skipped.

    ## Why is this bad?
    A local store lives on one machine: the runs in it reach neither the pull request nor
    the reviewers, and nothing in the repository says which of them produced the model.
    Runs that matter belong in the committed log.

    ## Example
    MLflow's file store is git-ignored, beside the committed runlog:

    ```text title=".gitignore"
    mlruns/
    ```

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: experimentation
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

    ```yaml title="mlruns/1/5f0c2a9e/meta.yaml"
    run_id: 5f0c2a9e
    experiment_id: '1'
    status: 3
    start_time: 1795705024774
    lifecycle_stage: active
    ```

    ## Fix
    Export the runs that matter into the committed log
    (`mlpolicy export --from mlflow mlruns -o experiments/runs.jsonl`, then commit it)
    and delete the store, or keep it outside the project.

    ```yaml title="mlruns/1/5f0c2a9e/meta.yaml" delete
    ```
    """
    logs = facts.readings.experiments
    for store in logs.stores_left_out:
        export = trackers.export_hint(store.format, store.path, facts.root)
        yield Problem(
            f"experiment store {store.path} ({store.format}) is not committed;"
            f" its {len(store.runs)} runs are not counted as evidence",
            Location(store.path),
            export or f"Commit it (`git add {store.path}`) or remove it from the project.",
        )


RULES = (
    build_rule(
        "MLP208",
        "experiment-store-uncommitted",
        Severity.WARNING,
        "experiments",
        "A local experiment store exists but is not committed",
        experiment_store_uncommitted,
    ),
)
