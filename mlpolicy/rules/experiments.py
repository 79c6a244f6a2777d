"""Rules about experiment logs and the quality bar: MLP201-MLP204, MLP206, MLP207."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.artifacts.runs import LogFile, Run
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts

_LOG_HINT = (
    "Log each training run with `mlpolicy log --experiment NAME --param K=V --metric K=V`"
    " (it appends to experiments/runs.jsonl), then commit the file."
)
_INVALID_HINT = "Fix or delete the record (`mlpolicy schema runlog --example` prints a valid one)."
# SPEC section 12: at most 50 findings per rule per file; the last one counts the rest.
_SHOWN = 50


def experiment_logs_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project with no experiment log in a format mlpolicy reads, and every path
    under `artifacts: experiments:` in the manifest that does not exist or holds no log.
    Without a declaration, the usual places are searched: `experiments/*.jsonl`
    (`mlpolicy.runlog/v1`), `mlflow.db` (MLflow's SQLite store), `mlruns/` (MLflow's file
    store), `dvclive/` (DVCLive) and `wandb/` (W&B run folders).

    ## Why is this bad?
    Experimentation is done when a model good enough for production exists, and the
    experiment log is the evidence: which code, data and parameters produced which
    metrics. A model nobody can trace back to a run cannot be reproduced or audited.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
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

    ## Fix
    Commit your tracker's log (an MLflow store, a `dvclive/` folder, W&B run folders),
    or turn a local store into a runlog with `mlpolicy export`, or write one line per
    training run to `experiments/runs.jsonl` and commit it (`mlpolicy schema runlog`
    prints the format), or declare where the logs are.

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```
    """
    logs = facts.readings.experiments
    for absent in logs.absent:
        yield Problem(
            f'experiment log "{absent.declared}" {absent.reason}',
            absent.location,
            absent.hint,
        )
    if not logs.recognised and not logs.absent:
        looked = ", ".join(logs.searched) or "the declared paths"
        yield Problem(
            f"no experiment log found (looked for {looked})",
            facts.requirement_location("experiments"),
            "Commit your tracker's log (mlflow.db, mlruns/, dvclive/, wandb/), turn it into"
            " a runlog with `mlpolicy export`, or log each training run with `mlpolicy log"
            " --experiment NAME --param K=V --metric K=V` (it appends to"
            " experiments/runs.jsonl) and commit the file.",
        )


def experiment_log_invalid(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags each run record that is not valid JSON, not UTF-8, or does not match
    `schemas/runlog.schema.json` (at the line of the record), and each declared log that
    cannot be read at all or is in a format mlpolicy does not read. The other records of
    the file still count. A malformed record is reported here only, never again as an
    incomplete run (MLP203). Times need a UTC offset (`2026-11-30T10:00:00Z`): a time
    without one is rejected, with the corrected value in the hint, because a time zone
    guessed differently by each reader would order runs wrongly. At most 50 findings per
    file are shown; the last counts the remaining invalid records.

    ## Why is this bad?
    A record that does not parse is a run nobody can compare or reproduce. A half-written
    line is also the usual trace of a training job that crashed while logging, so the
    run it describes may never have finished.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
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

    The second run was cut off when its job was killed mid-write:

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-2","experiment":"churn","started_at":"2026-11-26T16:02:00Z","status":"finish
    ```

    ## Fix
    Complete the record if the run's results are known, or delete the line.

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```
    """
    for log in facts.readings.experiments.files:
        yield from _invalid_records(log)


def _invalid_records(log: LogFile) -> Iterator[Problem]:
    hidden = len(log.invalid) + log.more_invalid - _SHOWN
    shown = log.invalid if hidden <= 0 else log.invalid[: _SHOWN - 1]
    for record in shown:
        yield Problem(record.message, record.location, record.hint or _INVALID_HINT)
    if hidden > 0:
        rest = log.invalid[_SHOWN - 1].location
        yield Problem(
            f"{hidden + 1} more invalid records in this file from line {rest.line} on"
            " (only the first ones are shown)",
            rest,
            "Fix the records above first; the rest are often the same mistake.",
        )


def experiment_run_incomplete(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags experiment logs in which no valid run is usable: finished, with at least one
    parameter and at least one metric. The hint names the closest run and what it lacks.
    (No logs at all is MLP201; a log whose every record is malformed is MLP202 only.)

    ## Why is this bad?
    Runs that are still going, failed, were killed, or recorded nothing show that
    training was attempted, not what it achieved. Only a finished run with its
    parameters and metrics is evidence of a model that exists.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
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

    ```json title="experiments/runs.jsonl"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"failed","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{}}
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-2","experiment":"churn","started_at":"2026-11-26T16:02:00Z","status":"running","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.02},"metrics":{"val_auc":[{"step":0,"value":0.71}]}}
    ```

    ## Fix
    Let a run finish and log its final metrics (`mlpolicy log --status finished ...`
    appends such a record).

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"failed","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{}}
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-2","experiment":"churn","started_at":"2026-11-26T16:02:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.02},"metrics":{"val_auc":[{"step":0,"value":0.71},{"step":1,"value":0.83}]}}
    ```
    """
    logs = facts.readings.experiments
    if not logs.recognised or any(run.usable for run in logs.runs):
        return
    if not logs.runs and any(log.invalid for log in logs.recognised):
        return  # every record is malformed: MLP202 says so, once per record
    if not logs.runs:
        yield Problem(
            "no usable run: the experiment logs hold no run record",
            Location(logs.recognised[0].path),
            _LOG_HINT,
        )
        return
    reasons = Counter(_unusable(run) for run in logs.runs)
    detail = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    closest = min(reversed(logs.runs), key=lambda run: len(_lacks(run)))
    yield Problem(
        f"no usable run: none of the {len(logs.runs)} runs is finished with params and"
        f" metrics ({detail})",
        Location(logs.recognised[0].path),
        f'The closest is run "{closest.run_id}" ({closest.location}): it '
        + " and ".join(_lacks(closest))
        + ". Let a run finish and log its parameters and final metrics.",
    )


def _unusable(run: Run) -> str:
    if run.status != "finished":
        return run.status
    return "without params" if not run.params else "without metrics"


def _lacks(run: Run) -> list[str]:
    lacks = [] if run.status == "finished" else [f"is {run.status}, not finished"]
    lacks += [] if run.params else ["logs no params"]
    return lacks + ([] if run.metrics else ["logs no metrics"])


def experiment_run_untraceable(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags each run that records no commit, names a commit that is not in the
    repository, or was made from a working tree with uncommitted changes
    (`git.dirty: true`). Commits are looked up in git with one question for all runs;
    outside git or with `--no-git` only the first and last checks apply. DVCLive output
    records no commit: its run's commit is the last commit that changed the folder, so
    output that was never committed (or read without git) has none.

    ## Why is this bad?
    A run is only reproducible from the exact code that produced it. Uncommitted
    changes, or a commit that exists only on someone's laptop, mean nobody, including
    its author next month, can say which code gave those metrics.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
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

    The run was made on a laptop with uncommitted changes, from a commit never pushed:

    ```json title="experiments/runs.jsonl"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"9f2b7c1e0a4d6b8f3c5e7a9d1b3f5c7e9a1d3b5f","dirty":true},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```

    ## Fix
    Commit and push the code, re-run from the clean working tree, and replace the record
    with the new run's, which names that commit (here, the commit holding the example).

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-2","experiment":"churn","started_at":"2026-11-27T09:12:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    ```
    """
    runs = facts.readings.experiments.runs
    answers = facts.answers
    known = frozenset(answers.run_commits) if answers.run_commits is not None else None
    if answers.run_commit_error is not None and runs:
        where = Location(runs[0].location.path)
        yield Problem(
            f"could not look the runs' commits up in git: {answers.run_commit_error}", where
        )
    for run in runs:
        lookup = known
        if answers.shallow and known is not None and run.commit and run.commit not in known:
            # A shallow clone lacks old commits: "not in history" cannot be told from "not
            # fetched", so the Ask-git stage noted a history gap (MLP505), never a false MLP204.
            lookup = None
        reasons = _untraceable(run, lookup)
        if reasons:
            message = f'run "{run.run_id}" ' + " and ".join(reason for reason, _ in reasons)
            yield Problem(message, run.location, " ".join(fix for _, fix in reasons))


_NO_COMMIT = "Record the commit the run was made from (`mlpolicy log` fills it in)."
_FOREIGN = (
    "Re-run from a commit of this repository (push it if it only exists elsewhere), or log"
    " the run with `mlpolicy log` from a checkout of this repository."
)
_DIRTY = "Commit the changes, re-run from the clean working tree and log that run."


def _untraceable(run: Run, known: frozenset[str] | None) -> list[tuple[str, str]]:
    """(what is wrong, how to fix it) for each reason the run cannot be traced."""
    reasons = []
    if run.commit is None and run.commit_from:
        reasons.append(_no_history_commit(run.commit_from, known is not None))
    elif run.commit is None:
        reasons.append(("records no commit", _NO_COMMIT))
    elif known is not None and run.commit not in known:
        problem = f"names commit {run.commit[:12]}, which is not in this repository"
        reasons.append((problem, _FOREIGN))
    if run.dirty:
        problem = "was made from a working tree with uncommitted changes (git.dirty)"
        reasons.append((problem, _DIRTY))
    return reasons


def _no_history_commit(path: str, git_asked: bool) -> tuple[str, str]:
    """Why a run whose commit comes from git history (DVCLive) has none, and the fix."""
    if git_asked:
        return f"has no commit: {path} is in no commit of this repository", f"Commit {path}."
    return (
        f"has no commit: it is the last commit changing {path}, and git was not used",
        "Run the check with git (without --no-git), or export the runs with a commit.",
    )


def quality_bar_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a manifest without a `quality_bar`, once the policy requires one (by default
    from the `pipeline` phase on).

    ## Why is this bad?
    Building pipelines for a model is worth it only once the model is good enough for
    production. Without a declared metric, direction and threshold, "good enough" is
    whatever the last run happened to reach, and nobody can check it.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
    phase: pipeline
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
    <testsuites><testsuite name="pipeline" tests="2" failures="0" errors="0" skipped="0">
    <testcase classname="tests.test_pipeline" name="test_train_stage_beats_baseline"/>
    <testcase classname="tests.test_pipeline" name="test_no_label_leakage"/>
    </testsuite></testsuites>
    ```

    ## Fix
    Declare the metric from the design doc's success metrics, its direction and the
    threshold production needs.

    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
    phase: pipeline
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.80
    ```
    """
    if facts.manifest is not None and facts.manifest.quality_bar is None:
        yield Problem(
            "no quality_bar declared: nothing says when the model is good enough for production",
            facts.manifest_location(("phase",)),
            "Declare it in the manifest, e.g. "
            "`quality_bar: {metric: val_auc, goal: maximize, threshold: 0.80}`.",
        )


def quality_bar_unmet(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a declared `quality_bar` that no finished run meets: with `goal: maximize` a
    run's metric must be at least `threshold`, with `goal: minimize` at most. The
    message names the best finished run and its value, or says that no finished run
    records the metric at all. A metric logged as a series counts with its last value.

    ## Why is this bad?
    The bar is the team's own definition of "good enough for production". Automating
    the training and serving of a model that does not reach it spends the pipeline work
    on a model that should not ship.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
    phase: pipeline
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.85
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
    {"schema":"mlpolicy.runlog/v1","run_id":"lr-1","experiment":"churn","started_at":"2026-11-26T14:57:04Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"logreg","lr":0.01},"metrics":{"val_auc":[{"step":0,"value":0.7},{"step":2,"value":0.8}]}}
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
    <testsuites><testsuite name="pipeline" tests="2" failures="0" errors="0" skipped="0">
    <testcase classname="tests.test_pipeline" name="test_train_stage_beats_baseline"/>
    <testcase classname="tests.test_pipeline" name="test_no_label_leakage"/>
    </testsuite></testsuites>
    ```

    ## Fix
    Keep experimenting until a finished run reaches the bar, and log it. (Lowering the
    bar instead is a policy change that deserves its own review.)

    ```json title="experiments/runs.jsonl" commit="c23e1d4f9fd49f3bf793237e43431e641f655921"
    {"schema":"mlpolicy.runlog/v1","run_id":"lr-1","experiment":"churn","started_at":"2026-11-26T14:57:04Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"logreg","lr":0.01},"metrics":{"val_auc":[{"step":0,"value":0.7},{"step":2,"value":0.8}]}}
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-1","experiment":"churn","started_at":"2026-11-26T15:30:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.05},"metrics":{"val_auc":0.83}}
    {"schema":"mlpolicy.runlog/v1","run_id":"gbm-2","experiment":"churn","started_at":"2026-11-27T10:04:00Z","status":"finished","git":{"commit":"c23e1d4f9fd49f3bf793237e43431e641f655921","dirty":false},"params":{"model":"gbm","lr":0.02,"features":"v2"},"metrics":{"val_auc":0.87}}
    ```
    """
    bar = facts.manifest.quality_bar if facts.manifest else None
    if bar is None:
        return
    measured = [
        (run, run.metrics[bar.metric])
        for run in facts.readings.experiments.runs
        if run.status == "finished" and math.isfinite(run.metrics.get(bar.metric, math.nan))
    ]
    if any(bar.met_by(value) for _, value in measured):
        return
    sign = ">=" if bar.goal == "maximize" else "<="
    need = f"{bar.metric} {sign} {_number(bar.threshold)} (goal: {bar.goal})"
    where = facts.manifest_location(("quality_bar",))
    hint = "Log a finished run that meets the bar; changing the bar deserves its own review."
    if not measured:
        yield Problem(f'no finished run records "{bar.metric}"; the bar needs {need}', where, hint)
        return
    best, value = max(measured, key=lambda m: m[1] if bar.goal == "maximize" else -m[1])
    at = f"{best.location.path}:{best.location.line}"
    yield Problem(
        f'quality bar unmet: the best finished run, "{best.run_id}" ({at}), has'
        f" {bar.metric} = {_number(value)}; the bar needs {need}",
        where,
        hint,
    )


def _number(value: float) -> str:
    return f"{value:.15g}"


RULES = (
    build_rule(
        "MLP201",
        "experiment-logs-missing",
        Severity.ERROR,
        "experiments",
        "No recognised experiment log",
        experiment_logs_missing,
    ),
    build_rule(
        "MLP202",
        "experiment-log-invalid",
        Severity.ERROR,
        "experiments",
        "An experiment log file or run record is malformed",
        experiment_log_invalid,
    ),
    build_rule(
        "MLP203",
        "experiment-run-incomplete",
        Severity.ERROR,
        "experiments",
        "No finished run with params and metrics",
        experiment_run_incomplete,
    ),
    build_rule(
        "MLP204",
        "experiment-run-untraceable",
        Severity.ERROR,
        "experiments",
        "Runs record no commit, a commit not in history, or `dirty: true`",
        experiment_run_untraceable,
    ),
    build_rule(
        "MLP206",
        "quality-bar-missing",
        Severity.ERROR,
        "quality_bar",
        "No `quality_bar` declared",
        quality_bar_missing,
    ),
    build_rule(
        "MLP207",
        "quality-bar-unmet",
        Severity.ERROR,
        "quality_bar",
        "No finished run meets the quality bar",
        quality_bar_unmet,
    ),
)
