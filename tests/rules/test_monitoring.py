"""MLP401-MLP405 and MLP408: monitoring and logging, checked in real git repositories."""

from __future__ import annotations

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
