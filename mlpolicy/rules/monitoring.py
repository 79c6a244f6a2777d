"""Rules about the production phase's evidence, monitoring and logging: MLP401-MLP405, MLP408."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.artifacts import monitoring, unrecognised
from mlpolicy.artifacts.alerts import MonitoringFile, short
from mlpolicy.artifacts.monitoring import HEALTH, MLPOLICY, MODEL, Bundle
from mlpolicy.artifacts.unrecognised import Unrecognised
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts

_FORMATS_HINT = (
    "Add monitoring/monitoring.yaml (`mlpolicy schema monitoring` shows its format), "
    "Prometheus rule files or an Alertmanager config, or name them under "
    "`artifacts.monitoring` in the manifest."
)
_HINTS = {
    MLPOLICY: "`mlpolicy schema monitoring` shows the monitoring.yaml format.",
    monitoring.PROMETHEUS: "`promtool check rules FILE` shows the same problem.",
    monitoring.ALERTMANAGER: "`amtool check-config FILE` shows the same problem.",
    monitoring.ALERTMANAGER_SECRET: (
        "Decode the Secret's alertmanager.yaml and run `amtool check-config` on it."
    ),
    monitoring.ALERTMANAGER_RESOURCE: (
        "The Prometheus Operator's AlertmanagerConfig API (camelCase fields such as "
        "`slackConfigs`, matchers as `{name, value, matchType}`) describes every field."
    ),
}


def monitoring_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project with no monitoring config: no mlpolicy `monitoring.yaml`, Prometheus
    rule file or Alertmanager config at the paths `artifacts.monitoring` names or, when
    it names none, under `monitoring/` or in `monitoring.yaml`. Kubernetes manifests
    count too: a `PrometheusRule`, an `AlertmanagerConfig`, or a `Secret` (or ConfigMap)
    carrying `alertmanager.yaml`, also among other objects in a multi-document file. A
    declared path that does not exist is reported at the manifest line naming it. Files
    that are none of these formats (a promtool unit test, a dashboard, a Deployment) do
    not count, and the finding names each file it looked at and why it is not
    monitoring config; beside real config, the JSON report lists them as `unrecognised`.

    ## Why is this bad?
    A model in production without monitoring fails silently: inputs drift, quality
    decays, latency creeps up, and nobody hears of it until customers do. Monitoring and
    logging are the evidence the productionization phase exists to produce.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    artifacts:
      monitoring: monitoring/monitoring.yaml
    ```

    ## Fix
    ```yaml title="monitoring/monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: p95-latency
        kind: latency
        metric: model_latency_p95_seconds
        threshold: 0.25
        runbook: https://wiki.example.com/runbooks/churn#latency
      - name: feature-drift
        kind: drift
        metric: feature_psi
        threshold: 0.2
        runbook: https://wiki.example.com/runbooks/churn#drift
    logging:
      predictions: s3://ml-logs/churn/predictions/
      retention_days: 30
    ```
    """
    found = facts.readings.monitoring
    for path, where in found.missing:
        yield Problem(
            f'declared monitoring path "{path}" holds no monitoring file', where, _FORMATS_HINT
        )
    if found.missing or found.recognised or _unparseable(found):
        return
    yield Problem(
        "no monitoring config found" + _looked_at(found.files),
        facts.manifest_location(("artifacts", "monitoring") if _declared(facts) else ("phase",)),
        _FORMATS_HINT,
    )


def _looked_at(files: tuple[MonitoringFile, ...]) -> str:
    """The files read for MLP401 and why none is monitoring config, as every kind words it."""
    return unrecognised.looked_at([Unrecognised(Path(f.path), f.path, _why_not(f)) for f in files])


def _why_not(file: MonitoringFile) -> str:
    if file.reason is not None:
        return file.reason
    if file.format == monitoring.PROMTOOL_TEST:
        return "a promtool unit test, which tests rules but is not one"
    return f"{file.format}, not monitoring config"


def monitoring_invalid(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a malformed monitoring file: YAML that does not parse, a `monitoring.yaml` that
    violates `schemas/monitoring.schema.json` or repeats a check name, a Prometheus rule
    without `expr` or with a bad `for:` duration, an Alertmanager route naming an
    undefined receiver, a Kubernetes `Secret` whose `alertmanager.yaml` is not valid
    base64 or YAML. Each problem is reported at its line; inside a Secret's
    `stringData` block, at the line of the file, otherwise at the Secret's key.

    ## Why is this bad?
    A monitoring file that Prometheus, Alertmanager or mlpolicy cannot read monitors
    nothing, and a check that cannot be told apart from another by name cannot be
    silenced, routed or discussed reliably.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: feature-drift
        kind: drift
        threshold: high
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```

    ## Fix
    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: feature-drift
        kind: drift
        threshold: 0.2
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```
    """
    for item in facts.readings.monitoring.files:
        hint = _HINTS.get(item.format, "Fix the file at that position.")
        for issue in item.issues:
            yield Problem(issue.message, issue.location, hint)


def monitoring_incomplete(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags monitoring that leaves a required coverage category out, one finding per
    category: service health (at least one latency, errors or traffic check) and model
    health (at least one drift or quality check with a numeric threshold). A check's
    category is its `kind` in `monitoring.yaml`, a Prometheus alert's `mlpolicy_check`
    label, or else words in its name and expression (drift, psi, distribution; accuracy,
    auc, precision, recall, quality; latency, duration; error, 5xx, failure; absent,
    traffic, requests). A Prometheus alert has a threshold when its `expr` compares with
    a number.

    ## Why is this bad?
    Service health alone says the model answers, not that its answers are still good: a
    model can serve fast, error-free predictions on drifted inputs for months. A drift
    check without a threshold never fires. Model health alone misses the outage.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: p95-latency
        kind: latency
        threshold: 0.25
      - name: feature-drift
        kind: drift
        metric: feature_psi
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```

    ## Fix
    Give the drift check the value it alerts at.

    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: p95-latency
        kind: latency
        threshold: 0.25
      - name: feature-drift
        kind: drift
        metric: feature_psi
        threshold: 0.2
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```
    """
    found = facts.readings.monitoring
    # Without config (MLP401) or with a file that does not parse (MLP402), coverage
    # cannot be judged; those rules already fail the project.
    if not found.recognised or _unparseable(found):
        return
    where = _primary(found)
    if not any(c.category in HEALTH for c in found.checks):
        yield Problem(
            "no service-health check: nothing watches latency, errors or traffic",
            where,
            "Add a check of kind latency, errors or traffic to monitoring.yaml, or a "
            "Prometheus alert on the model's latency, error rate or request rate.",
        )
    model = [c for c in found.checks if c.category in MODEL]
    if not any(c.threshold is not None for c in model):
        unset = ", ".join(f'"{c.name}"' for c in model)
        yield Problem(
            "no drift or quality check with a numeric threshold"
            + (f" ({unset} set none)" if unset else ""),
            where,
            "Add a check of kind drift or quality with a `threshold:` to monitoring.yaml, or "
            "a Prometheus alert comparing a drift or quality metric with a number.",
        )


def alert_unrouted(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a check or alert that reaches nobody: a `monitoring.yaml` check without
    `alert:`, a Prometheus alert without a `team` or `owner` label, when the bundle has
    no `owner:` and no Alertmanager route delivers it to a receiver. Alertmanager's root
    route with a receiver routes every alert; a receiver without any integration (a
    "blackhole", such as kube-prometheus's `null`) routes none. The Alertmanager config
    may be a plain file, the `alertmanager.yaml` a Kubernetes `Secret` carries, or an
    `AlertmanagerConfig` resource (whose route is taken to match every alert).

    ## Why is this bad?
    An alert without an owner fires into the void. When the model degrades at 3 a.m.
    the alert exists, but no one is paged and no one feels responsible for it.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```yaml title="monitoring/churn.rules.yml"
    groups:
      - name: churn-model
        rules:
          - alert: ChurnModelFeatureDrift
            expr: max(model_feature_drift_score{model="churn"}) > 0.2
            for: 1h
            annotations:
              runbook_url: https://wiki.example.com/runbooks/churn#drift
          - alert: ChurnModelHighLatency
            expr: model:latency_seconds:p95{model="churn"} > 0.25
            for: 15m
            annotations:
              runbook_url: https://wiki.example.com/runbooks/churn#latency
    ```

    ```yaml title="monitoring/monitoring.yaml"
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```

    ## Fix
    Name an owner for the whole bundle (or give each alert a `team` label, or add an
    Alertmanager config routing them to a receiver).

    ```yaml title="monitoring/monitoring.yaml"
    owner: "@ml-oncall"
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```
    """
    found = facts.readings.monitoring
    for check in found.checks:
        if check.route is None:
            silent = ", ".join(short(name) for name in found.silent_receivers(check))
            yield Problem(
                f'{check.kind} "{check.name}" is routed to no owner or receiver'
                + (
                    f" (Alertmanager sends it to {silent}, with no notification config)"
                    if silent
                    else ""
                ),
                check.location,
                "Set `owner:` in monitoring.yaml, `alert:` on the check, a `team` label on "
                "the Prometheus alert, or an Alertmanager route to a receiver with a "
                "notification config (`slack_configs`, `slackConfigs`, ...).",
            )


def logging_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project whose monitoring bundle declares no logging destination: no
    `logging.predictions` or `logging.inputs` in a `monitoring.yaml`.

    ## Why is this bad?
    Without logged predictions and inputs, drift cannot be measured against what the
    model really saw, incidents cannot be replayed, and the model cannot be retrained
    on its own traffic or audited when a decision is challenged.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: p95-latency
        kind: latency
        threshold: 0.25
      - name: feature-drift
        kind: drift
        threshold: 0.2
    ```

    ## Fix
    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: p95-latency
        kind: latency
        threshold: 0.25
      - name: feature-drift
        kind: drift
        threshold: 0.2
    logging:
      predictions: s3://ml-logs/churn/predictions/
      inputs: s3://ml-logs/churn/inputs/
      retention_days: 30
    ```
    """
    found = facts.readings.monitoring
    if any(entry.destinations for entry in found.logging):
        return
    declared = next((entry.location for entry in found.logging), None)
    yield Problem(
        "no prediction or input logging destination is declared",
        declared or _primary(found) or facts.manifest_location(("phase",)),
        "Add `logging: {predictions: <URI or path>, inputs: <URI or path>}` to monitoring.yaml.",
    )


def alert_without_runbook(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Warns about a check or alert without a runbook link: no `runbook:` on a
    `monitoring.yaml` check, no `runbook_url` (or `runbook`) annotation on a Prometheus
    alert.

    ## Why is this bad?
    Whoever is paged needs to know what the alert means and what to do first. Without a
    runbook, every incident starts with rediscovering how the model is served.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: feature-drift
        kind: drift
        threshold: 0.2
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```

    ## Fix
    ```yaml title="monitoring.yaml"
    owner: "@ml-oncall"
    checks:
      - name: feature-drift
        kind: drift
        threshold: 0.2
        runbook: https://wiki.example.com/runbooks/churn#drift
    logging:
      predictions: s3://ml-logs/churn/predictions/
    ```
    """
    for check in facts.readings.monitoring.checks:
        if check.runbook is None:
            yield Problem(
                f'{check.kind} "{check.name}" has no runbook link',
                check.location,
                "Add `runbook:` to the check, or a `runbook_url` annotation to the alert.",
            )


def _unparseable(found: Bundle) -> bool:
    return any(not f.parsed or f.unreadable for f in found.files)


def _primary(found: Bundle) -> Location | None:
    """Where bundle-wide findings point: the first monitoring.yaml, else the first file."""
    files = sorted(found.recognised, key=lambda f: (f.format != MLPOLICY, f.path))
    return Location(files[0].path) if files else None


def _declared(facts: ProjectFacts) -> bool:
    return facts.manifest is not None and "monitoring" in facts.manifest.artifacts


RULES = (
    build_rule(
        "MLP401",
        "monitoring-missing",
        Severity.ERROR,
        "monitoring",
        "No monitoring config",
        monitoring_missing,
    ),
    build_rule(
        "MLP402",
        "monitoring-invalid",
        Severity.ERROR,
        "monitoring",
        "A monitoring file is malformed",
        monitoring_invalid,
    ),
    build_rule(
        "MLP403",
        "monitoring-incomplete",
        Severity.ERROR,
        "monitoring",
        "A required monitoring coverage category is absent",
        monitoring_incomplete,
    ),
    build_rule(
        "MLP404",
        "alert-unrouted",
        Severity.ERROR,
        "monitoring",
        "An alert has no owner or receiver",
        alert_unrouted,
    ),
    build_rule(
        "MLP405",
        "logging-missing",
        Severity.ERROR,
        "logging",
        "No prediction/input logging destination",
        logging_missing,
    ),
    build_rule(
        "MLP408",
        "alert-without-runbook",
        Severity.WARNING,
        "monitoring",
        "An alert has no runbook link",
        alert_without_runbook,
    ),
)
