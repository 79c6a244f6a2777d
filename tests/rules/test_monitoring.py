"""MLP401-MLP405 and MLP408: monitoring and logging, checked in real git repositories."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES, Repo

# The monitoring rules only: MLP406/MLP407 (the model card) share the MLP4 prefix.
SELECT = "MLP401,MLP402,MLP403,MLP404,MLP405,MLP408"
PRODUCTION = "version: 1\nphase: production\n"
LOGGING = "logging:\n  predictions: s3://ml-logs/churn/predictions/\n"
LATENCY = (
    "  - name: p95-latency\n    kind: latency\n    threshold: 0.25\n"
    "    runbook: https://wiki.example.com/runbooks/churn#latency\n"
)
DRIFT = (
    "  - name: feature-drift\n    kind: drift\n    threshold: 0.2\n"
    "    runbook: https://wiki.example.com/runbooks/churn#drift\n"
)
COMPLETE = 'owner: "@ml-oncall"\nchecks:\n' + LATENCY + DRIFT + LOGGING


def _check(repo: Repo, files: dict[str, str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    repo.write(files).commit()
    result = repo.check("--format", "json", "--select", SELECT, *args)
    assert result.code in (0, 1), result.stderr
    findings = [f for p in result.json()["projects"] for f in p["findings"]]
    return result.code, findings


def _where(findings: list[dict[str, Any]], rule: str) -> list[tuple[str, int | None]]:
    return [(f["path"], f.get("line")) for f in findings if f["rule"] == rule]


def test_complete_monitoring_yaml_passes(repo: Repo) -> None:
    code, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": COMPLETE})
    assert (code, findings) == (0, [])


def test_no_drift_or_quality_check_is_mlp403(repo: Repo) -> None:
    config = 'owner: "@ml-oncall"\nchecks:\n' + LATENCY + LOGGING
    code, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": config})
    assert code == 1
    assert [f["rule"] for f in findings] == ["MLP403"]
    assert "drift" in findings[0]["message"] and findings[0]["path"] == "monitoring.yaml"


def test_drift_check_without_threshold_is_mlp403(repo: Repo) -> None:
    drift = DRIFT.replace("    threshold: 0.2\n", "")
    config = 'owner: "@ml-oncall"\nchecks:\n' + LATENCY + drift + LOGGING
    _, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": config})
    assert [f["rule"] for f in findings] == ["MLP403"]
    assert '"feature-drift"' in findings[0]["message"]


def test_no_service_health_check_is_mlp403(repo: Repo) -> None:
    config = 'owner: "@ml-oncall"\nchecks:\n' + DRIFT + LOGGING
    _, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": config})
    assert [f["rule"] for f in findings] == ["MLP403"]
    assert "service-health" in findings[0]["message"]


def test_no_logging_destination_is_mlp405(repo: Repo) -> None:
    config = COMPLETE.replace(LOGGING, "")
    code, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": config})
    assert code == 1
    assert _where(findings, "MLP405") == [("monitoring.yaml", None)]
    assert [f["rule"] for f in findings] == ["MLP405"]


def test_unrouted_prometheus_alert_is_mlp404_at_its_line(repo: Repo) -> None:
    rules = (
        "groups:\n  - name: churn\n    rules:\n"
        "      - alert: ChurnModelHighErrorRate\n        expr: rate(errors[5m]) > 0.02\n"
        "        labels: {team: risk-ml}\n"
        "        annotations:\n          runbook_url: https://wiki.example.com/errors\n"
        "      - alert: ChurnModelFeatureDrift\n        expr: max(psi) > 0.2\n"
        "        annotations:\n          runbook_url: https://wiki.example.com/drift\n"
    )
    files = {
        "mlpolicy.yaml": PRODUCTION,
        "monitoring/alerts.rules.yml": rules,
        "monitoring/monitoring.yaml": LOGGING,
    }
    code, findings = _check(repo, files)
    assert code == 1
    assert _where(findings, "MLP404") == [("monitoring/alerts.rules.yml", 9)]
    assert [f["rule"] for f in findings] == ["MLP404"]


def test_blackhole_alertmanager_routes_nothing(repo: Repo) -> None:
    config = "checks:\n" + LATENCY + DRIFT + LOGGING
    blackhole = "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n"
    files = {
        "mlpolicy.yaml": PRODUCTION,
        "monitoring/monitoring.yaml": config,
        "monitoring/alertmanager.yml": blackhole,
    }
    _, findings = _check(repo, files)
    assert _where(findings, "MLP404") == [
        ("monitoring/monitoring.yaml", 2),
        ("monitoring/monitoring.yaml", 6),
    ]
    delivering = blackhole + "    slack_configs: [{channel: '#ml'}]\n"
    _, findings = _check(repo, {"monitoring/alertmanager.yml": delivering})
    assert findings == []


def test_missing_runbook_is_only_a_warning(repo: Repo) -> None:
    config = COMPLETE.replace("    runbook: https://wiki.example.com/runbooks/churn#drift\n", "")
    result_code, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": config})
    assert result_code == 0
    assert [(f["rule"], f["severity"], f["line"]) for f in findings] == [("MLP408", "warning", 7)]


def test_prometheus_sample_with_alertmanager_and_logging_passes(repo: Repo) -> None:
    files = {
        f"monitoring/prometheus/{name}": (SAMPLES / "prometheus" / name).read_text()
        for name in ("ml-model-alerts.rules.yml", "ml-model-alerts.test.yml", "alertmanager.yml")
    }
    files |= {"mlpolicy.yaml": PRODUCTION, "monitoring/monitoring.yaml": LOGGING}
    code, findings = _check(repo, files)
    assert code == 0
    # The one alert of the sample without a runbook_url; the promtool test is not flagged.
    assert [(f["rule"], f["path"], f["line"]) for f in findings] == [
        ("MLP408", "monitoring/prometheus/ml-model-alerts.rules.yml", 46)
    ]


def test_no_monitoring_is_mlp401_at_production_only(repo: Repo) -> None:
    code, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION})
    assert code == 1
    assert _where(findings, "MLP401") == [("mlpolicy.yaml", 2)]
    assert not {"MLP402", "MLP403", "MLP404", "MLP408"} & {f["rule"] for f in findings}
    code, findings = _check(repo, {"mlpolicy.yaml": "version: 1\nphase: pipeline\n"})
    assert findings == []


def test_declared_but_absent_is_mlp401_at_the_manifest_line(repo: Repo) -> None:
    manifest = PRODUCTION + "artifacts:\n  monitoring:\n    - monitoring.yaml\n    - ops/alerts/\n"
    files = {"mlpolicy.yaml": manifest, "monitoring.yaml": COMPLETE}
    _, findings = _check(repo, files)
    assert _where(findings, "MLP401") == [("mlpolicy.yaml", 6)]
    assert [f["rule"] for f in findings] == ["MLP401"]


def test_only_unrecognised_files_is_mlp401(repo: Repo) -> None:
    files = {
        "mlpolicy.yaml": PRODUCTION,
        "monitoring/dashboard.json": (
            SAMPLES / "grafana" / "churn-model-dashboard.json"
        ).read_text(),
        "monitoring/ml-model-alerts.test.yml": (
            SAMPLES / "prometheus" / "ml-model-alerts.test.yml"
        ).read_text(),
    }
    _, findings = _check(repo, files)
    assert _where(findings, "MLP401") == [("mlpolicy.yaml", 2)]
    assert "MLP402" not in {f["rule"] for f in findings}


@pytest.mark.parametrize(
    ("config", "line", "column"),
    [
        ("owner: x\nchecks:\n  - name: a\n    kind: [\n", 5, 1),  # YAML syntax
        ('owner: "@x"\nchecks:\n  - name: a\n    threshold: high\n', 4, 5),  # schema
        ('owner: "@x"\nchecks:\n  - name: a\n  - name: a\n', 4, 5),  # duplicate name
    ],
)
def test_malformed_file_is_mlp402_at_its_line(
    repo: Repo, config: str, line: int, column: int
) -> None:
    _, findings = _check(repo, {"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": config})
    mlp402 = [(f["path"], f["line"], f["column"]) for f in findings if f["rule"] == "MLP402"]
    assert mlp402 == [("monitoring.yaml", line, column)]
    # A file that does not parse is MLP402, not also "missing" or "incomplete".
    assert not {"MLP401", "MLP403"} & {f["rule"] for f in findings if line == 5}


def test_prometheus_defect_is_mlp402(repo: Repo) -> None:
    rules = "groups:\n  - name: g\n    rules:\n      - alert: NoExpr\n        for: 5m\n"
    files = {"mlpolicy.yaml": PRODUCTION, "monitoring/a.rules.yml": rules}
    _, findings = _check(repo, files)
    assert _where(findings, "MLP402") == [("monitoring/a.rules.yml", 4)]


def test_monitoring_rules_are_reported_in_the_artifacts_list(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": COMPLETE}).commit()
    artifacts = repo.check("--format", "json").json()["projects"][0]["artifacts"]
    assert {"kind": "monitoring", "path": "monitoring.yaml", "format": "mlpolicy-monitoring",
            "status": "ok"} in artifacts  # fmt: skip


# -- Kubernetes wrappers ----------------------------------------------------------------

K8S = Path(__file__).parent.parent / "fixtures" / "monitoring-kubernetes"
# Alerts with no team label: only an Alertmanager route can deliver them.
UNLABELLED = (
    "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: churn}\n"
    "spec:\n  groups:\n  - name: churn\n    rules:\n"
    "    - alert: ChurnModelFeatureDrift\n      expr: max(psi) > 0.2\n"
    "      annotations: {runbook_url: 'https://wiki.example.com/drift'}\n"
    "    - alert: ChurnModelHighLatency\n      expr: p95_latency_seconds > 0.25\n"
    "      annotations: {runbook_url: 'https://wiki.example.com/latency'}\n"
)


def _kubernetes(secret: str) -> dict[str, str]:
    return {
        "mlpolicy.yaml": PRODUCTION,
        "monitoring/churn-rules.yaml": UNLABELLED,
        "monitoring/alertmanager-secret.yaml": secret,
        "monitoring/monitoring.yaml": LOGGING,
    }


def _string_data(config: str) -> str:
    indented = "".join(f"    {line}\n" for line in config.splitlines())
    return (
        "apiVersion: v1\nkind: Secret\nmetadata: {name: alertmanager-main}\n"
        f"stringData:\n  alertmanager.yaml: |\n{indented}"
    )


def test_secret_wrapped_alertmanager_config_routes_alerts(repo: Repo) -> None:
    secret = (K8S / "generated" / "alertmanager-example-secret.yaml").read_text()
    assert _check(repo, _kubernetes(secret)) == (0, [])
    artifacts = repo.check("--format", "json").json()["projects"][0]["artifacts"]
    assert {"kind": "monitoring", "path": "monitoring/alertmanager-secret.yaml",
            "format": "alertmanager-secret", "status": "ok"} in artifacts  # fmt: skip


def test_secret_without_its_only_receiver_leaves_alerts_unrouted(repo: Repo) -> None:
    config = (K8S / "prometheus-operator" / "alertmanager.yaml").read_text()
    assert _check(repo, _kubernetes(_string_data(config))) == (0, [])
    gone = _string_data(config.split("receivers:")[0] + "receivers: []\n")
    line = gone.splitlines().index("      receiver: 'webhook'") + 1
    code, findings = _check(repo, _kubernetes(gone))
    assert code == 1
    assert _where(findings, "MLP404") == [
        ("monitoring/churn-rules.yaml", 8),
        ("monitoring/churn-rules.yaml", 11),
    ]
    # The route's receiver is reported where it is written, inside the Secret's block.
    assert _where(findings, "MLP402") == [("monitoring/alertmanager-secret.yaml", line)]


def test_secret_with_a_null_receiver_routes_nothing(repo: Repo) -> None:
    # kube-prometheus ships receivers with no integrations: alerts reach nobody.
    secret = (K8S / "kube-prometheus" / "alertmanager-secret.yaml").read_text()
    _, findings = _check(repo, _kubernetes(secret))
    assert [f["rule"] for f in findings] == ["MLP404", "MLP404"]
    assert "sends it to 'Default', with no notification config" in findings[0]["message"]
    old = (K8S / "kube-prometheus" / "alertmanager-secret-2019.yaml").read_text()
    _, findings = _check(repo, {"monitoring/alertmanager-secret.yaml": old})
    assert [f["rule"] for f in findings] == ["MLP404", "MLP404"]


def test_alertmanager_config_resource_routes_alerts(repo: Repo) -> None:
    resource = (K8S / "prometheus-operator" / "alertmanager-config-example.yaml").read_text()
    assert _check(repo, _kubernetes(resource)) == (0, [])
    silent = resource.replace("    webhookConfigs:\n    - url: 'http://example.com/'\n", "")
    _, findings = _check(repo, {"monitoring/alertmanager-secret.yaml": silent})
    assert [f["rule"] for f in findings] == ["MLP404", "MLP404"]


def test_malformed_base64_is_mlp402_at_the_key(repo: Repo) -> None:
    secret = "apiVersion: v1\nkind: Secret\ndata:\n  alertmanager.yaml: '%%%'\n"
    _, findings = _check(repo, _kubernetes(secret))
    assert _where(findings, "MLP402") == [("monitoring/alertmanager-secret.yaml", 4)]
    assert "base64" in next(f["message"] for f in findings if f["rule"] == "MLP402")
    # Coverage is not judged on a config that could not be read; its alerts stay unrouted.
    assert {f["rule"] for f in findings} == {"MLP402", "MLP404"}


def test_unrecognised_file_beside_real_config_is_listed_as_unrecognised(repo: Repo) -> None:
    files = {
        "mlpolicy.yaml": PRODUCTION,
        "monitoring.yaml": COMPLETE,
        "monitoring/tokens.yaml": "apiVersion: v1\nkind: Secret\nstringData: {token: x}\n",
    }
    assert _check(repo, files) == (0, [])
    artifacts = repo.check("--format", "json").json()["projects"][0]["artifacts"]
    assert {"kind": "monitoring", "path": "monitoring/tokens.yaml", "format": "unrecognised",
            "status": "unrecognised"} in artifacts  # fmt: skip


def test_unrecognised_files_alone_are_named_in_mlp401(repo: Repo) -> None:
    files = {
        "mlpolicy.yaml": PRODUCTION + "artifacts:\n  monitoring: deploy/\n",
        "deploy/tokens.yaml": "apiVersion: v1\nkind: Secret\nstringData: {token: x}\n",
        "deploy/app.yaml": "apiVersion: apps/v1\nkind: Deployment\nspec: {}\n",
    }
    _, findings = _check(repo, files)
    assert _where(findings, "MLP401") == [("mlpolicy.yaml", 4)]
    message = next(f["message"] for f in findings if f["rule"] == "MLP401")
    assert "deploy/tokens.yaml: a Kubernetes Secret without an alertmanager.yaml" in message
    assert "deploy/app.yaml: a Kubernetes 'Deployment'" in message


def test_an_untracked_unrecognised_file_need_not_be_committed(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": PRODUCTION, "monitoring.yaml": COMPLETE}).commit()
    repo.write({"monitoring/tokens.yaml": "apiVersion: v1\nkind: Secret\nstringData: {a: b}\n"})
    result = repo.check("--format", "json", "--select", f"{SELECT},MLP501")
    assert (result.code, result.rules()) == (0, [])
    repo.write({"monitoring/alerts.yaml": "groups: []\n"})  # a rule file is relied on
    result = repo.check("--format", "json", "--select", f"{SELECT},MLP501")
    assert "MLP501" in result.rules()
