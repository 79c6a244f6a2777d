"""The monitoring reader: real Prometheus/Alertmanager samples, monitoring.yaml, hostile bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpolicy.artifacts import alertmanager, alerts, monitoring
from mlpolicy.project import Project, Repository
from mlpolicy.settings import Settings

PROMETHEUS = SAMPLES / "prometheus"

FULL = """\
owner: "@ml-oncall"
checks:
  - name: p95-latency
    kind: latency
    metric: model_latency_p95_seconds
    threshold: 0.25
    alert: "#ml-oncall"
    runbook: https://wiki.example.com/runbooks/churn#latency
  - name: auc-drop
    kind: quality
    metric: rolling_auc
    threshold: 0.75
    severity: page
    for: 1h
logging:
  predictions: s3://ml-logs/churn/predictions/
  inputs: s3://ml-logs/churn/inputs/
  retention_days: 30
"""


def _sample(name: str) -> monitoring.MonitoringFile:
    return monitoring.parse((PROMETHEUS / name).read_bytes(), f"monitoring/{name}")


def test_prometheus_sample_reads_as_five_rules() -> None:
    rules = _sample("ml-model-alerts.rules.yml")
    assert rules.format == monitoring.PROMETHEUS
    assert rules.issues == ()
    assert [(c.kind, c.name) for c in rules.checks] == [
        ("record", "model:inference_latency_seconds:p95_5m"),
        ("alert", "ChurnModelHighErrorRate"),
        ("alert", "ChurnModelSlowInference"),
        ("alert", "ChurnModelFeatureDrift"),
        ("alert", "ChurnModelNoTraffic"),
    ]
    alerts = {c.name: c for c in rules.checks if c.kind == "alert"}
    errors = alerts["ChurnModelHighErrorRate"]
    assert (errors.category, errors.threshold, errors.duration) == ("errors", 0.02, "10m")
    assert (errors.severity, errors.route) == ("page", "risk-ml")
    assert errors.runbook == "https://wiki.example.com/runbooks/churn-model#errors"
    assert errors.location.line == 12
    assert (
        alerts["ChurnModelSlowInference"].category,
        alerts["ChurnModelSlowInference"].threshold,
    ) == ("latency", 0.25)
    assert alerts["ChurnModelFeatureDrift"].category == "drift"
    assert alerts["ChurnModelFeatureDrift"].threshold == 0.2
    no_traffic = alerts["ChurnModelNoTraffic"]
    assert (no_traffic.category, no_traffic.runbook, no_traffic.location.line) == (
        "traffic",
        None,
        46,
    )


def test_promtool_test_file_is_recognised_and_ignored() -> None:
    tests = _sample("ml-model-alerts.test.yml")
    assert (tests.format, tests.issues, tests.checks) == (monitoring.PROMTOOL_TEST, (), ())


def test_alertmanager_sample_routes_by_labels() -> None:
    config = _sample("alertmanager.yml")
    assert (config.format, config.issues) == (monitoring.ALERTMANAGER, ())
    assert config.routing is not None
    route = config.routing.receiver_for
    assert route({"team": "risk-ml", "severity": "page"}) == "risk-ml-pager"
    assert route({"team": "risk-ml", "severity": "ticket"}) == "risk-ml-slack"
    # The root route's receiver catches everything the child routes do not.
    assert route({"alertname": "Anything"}) == "default-email"


def test_bundle_routes_unlabelled_alerts_through_alertmanager() -> None:
    rules = monitoring.parse(
        b"groups:\n- name: g\n  rules:\n  - alert: Drift\n    expr: psi > 0.2\n", "r.yml"
    )
    assert rules.checks[0].route is None
    routed = monitoring.bundle([rules, _sample("alertmanager.yml")])
    assert routed.checks[0].route == "default-email"
    assert monitoring.bundle([rules]).checks[0].route is None


def test_blackhole_receiver_routes_nothing() -> None:
    config = monitoring.parse(
        b"route:\n  receiver: blackhole\n  routes:\n"
        b"    - matchers: ['team=~\"risk-.*\"']\n      receiver: pager\n"
        b"receivers:\n  - name: blackhole\n  - name: pager\n"
        b"    pagerduty_configs: [{routing_key: x}]\n",
        "am.yml",
    )
    assert config.issues == () and config.routing is not None
    assert config.routing.receiver_for({"team": "risk-ml"}) == "pager"
    assert config.routing.receiver_for({"team": "web"}) is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ('team="risk-ml"', ("team", "=", "risk-ml")),
        ("severity =~ page|ticket", ("severity", "=~", "page|ticket")),
        ('{env!="dev"}', ("env", "!=", "dev")),
        ('alertname!~"Watchdog.*"', ("alertname", "!~", "Watchdog.*")),
        ('msg="say \\"hi\\""', ("msg", "=", 'say "hi"')),
        ("team", None),
        ("=x", None),
    ],
)
def test_alertmanager_matchers(written: str, expected: tuple[str, str, str] | None) -> None:
    matcher = alertmanager.parse_matcher(written)
    assert (None if matcher is None else (matcher.name, matcher.op, matcher.value)) == expected


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        (b"route:\n  receiver: nobody\nreceivers: []\n", "undefined receiver", 2),
        (b"receivers: [{name: a, email_configs: [{to: x}]}]\n", "`route`", 1),
        (b"route: {routes: []}\nreceivers: []\n", "default `receiver`", 1),
        (b"route:\n  receiver: a\n  matchers: ['team']\nreceivers: [{name: a}]\n", "matcher", 3),
    ],
)
def test_alertmanager_defects(text: bytes, message: str, line: int) -> None:
    issues = monitoring.parse(text, "am.yml").issues
    assert [(message in i.message, i.location.line) for i in issues] == [(True, line)]


def test_full_monitoring_yaml() -> None:
    config = monitoring.parse(FULL.encode(), "monitoring.yaml")
    assert (config.format, config.issues, config.owner) == (monitoring.MLPOLICY, (), "@ml-oncall")
    latency, auc = config.checks
    assert (latency.category, latency.threshold, latency.route, latency.location.line) == (
        "latency",
        0.25,
        "#ml-oncall",
        3,
    )
    assert (auc.category, auc.severity, auc.duration, auc.runbook) == (
        "quality",
        "page",
        "1h",
        None,
    )
    assert config.logging is not None
    assert config.logging.destinations == (
        "s3://ml-logs/churn/predictions/",
        "s3://ml-logs/churn/inputs/",
    )
    assert config.logging.retention_days == 30
    # The owner routes the check that names no route of its own.
    assert [c.route for c in monitoring.bundle([config]).checks] == ["#ml-oncall", "@ml-oncall"]


def test_duplicate_check_name_is_reported_at_the_duplicate() -> None:
    text = b"checks:\n  - name: drift\n    kind: drift\n  - name: drift\n    kind: quality\n"
    (issue,) = monitoring.parse(text, "monitoring.yaml").issues
    assert "duplicate" in issue.message and "line 2" in issue.message
    assert (issue.location.line, issue.location.column) == (4, 5)


@pytest.mark.parametrize(
    ("text", "words", "line", "column"),
    [
        (b"checks:\n  - name: a\n    threshold: high\n", "threshold", 3, 5),
        (b"checks:\n  - name: a\n    kind: drfit\n", 'did you mean "drift"', 3, 5),
        (b"checks:\n  - kind: drift\n", '"name"', 2, 5),
        (b"owner: x\nlogging:\n  retention_days: 3\n", "predictions", 2, 1),
        (b"owner: x\nchekcs: []\n", 'did you mean "checks"', 2, 1),
        (b"checks:\n  - name: a\n    for: soon\n", "for", 3, 5),
    ],
)
def test_schema_violations_have_line_and_column(
    text: bytes, words: str, line: int, column: int
) -> None:
    issues = monitoring.parse(text, "monitoring.yaml").issues
    assert any(words in i.message for i in issues), issues
    assert (issues[0].location.line, issues[0].location.column) == (line, column)


def test_unrecognised_files_are_ignored_unless_named() -> None:
    dashboard = (SAMPLES / "grafana" / "churn-model-dashboard.json").read_bytes()
    found = monitoring.parse(dashboard, "monitoring/dashboard.json")
    assert (found.format, found.issues) == (monitoring.UNRECOGNISED, ())
    assert monitoring.parse(dashboard, "monitoring/dashboard.json", named=True).issues
    # A file called monitoring.yaml is mlpolicy's format, so its schema explains the error.
    (issue,) = monitoring.parse(b"- a\n", "monitoring.yaml").issues
    assert "mapping" in issue.message


def test_yaml_errors_keep_their_position() -> None:
    (issue,) = monitoring.parse(b"groups:\n  - name: g\n    rules: [\n", "r.yml").issues
    assert issue.location.line == 4


def test_prometheus_defects() -> None:
    text = (
        b"groups:\n- name: g\n  rules:\n  - alert: A\n  - record: r\n    alert: B\n    expr: x\n"
        b"  - alert: C\n    expr: up == 0\n    for: ten minutes\n"
        b"  - alert: D\n    expr: up == 0\n    labels: {mlpolicy_check: drfit}\n"
    )
    issues = monitoring.parse(text, "r.yml").issues
    assert [i.location.line for i in issues] == [4, 5, 10, 13]


def test_prometheus_operator_rule_resource() -> None:
    text = (
        b"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: churn}\n"
        b"spec:\n  groups:\n  - name: g\n    rules:\n    - alert: ChurnModelDrift\n"
        b"      expr: psi > 0.3\n      labels: {owner: ml}\n"
    )
    (alert,) = monitoring.parse(text, "rule.yaml").checks
    assert (alert.category, alert.threshold, alert.route, alert.location.line) == (
        "drift",
        0.3,
        "ml",
        8,
    )


@pytest.mark.parametrize(
    ("name", "expr", "category"),
    [
        ("ChurnModelFeatureDrift", "", "drift"),
        ("InputShift", "max(feature_psi) > 0.2", "drift"),
        ("LabelDistributionChanged", "", "drift"),
        ("AUCDropped", "", "quality"),
        ("ModelAccuracyLow", "", "quality"),
        ("Degraded", "rolling_precision < 0.3", "quality"),
        (
            "Slow",
            "histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 1",
            "latency",
        ),
        ("HighLatency", "", "latency"),
        ("ChurnModelHighErrorRate", "", "errors"),
        ("Broken", 'rate(http_responses{code="5xx"}[5m]) > 1', "errors"),
        ("ScoringFailures", "", "errors"),
        ("ChurnModelNoTraffic", "", "traffic"),
        ("Gone", "absent(up{job='model'})", "traffic"),
        ("Quiet", "sum(rate(requests_total[5m])) < 1", "traffic"),
        ("Something", "up == 0", None),
        # The name is read before the expression.
        ("HighLatency", "model_errors_total > 1", "latency"),
    ],
)
def test_category_inference(name: str, expr: str, category: str | None) -> None:
    assert alerts.categorise(name, expr) == category


def test_category_label_wins_over_words() -> None:
    text = (
        b"groups:\n- name: g\n  rules:\n  - alert: Latency\n    expr: x > 1\n"
        b"    labels: {mlpolicy_check: quality}\n"
    )
    assert monitoring.parse(text, "r.yml").checks[0].category == "quality"


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("rate(x[5m]) > 0.02", 0.02),
        ("x >= bool 3", 3.0),
        ("0.5 < x", 0.5),
        ("sum(x) == 0", 0.0),
        ("x > -1e3", -1000.0),
        ('x{code!="500"} > y', None),
        ("histogram_quantile(0.95, rate(x[5m]))", None),
        ('x{a=~"5.."}', None),
        ("absent(up)", None),
    ],
)
def test_threshold_is_a_comparison_with_a_number(expr: str, value: float | None) -> None:
    assert alerts.threshold(expr) == value


def test_project_reading_records_every_file(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "monitoring" / "rules").mkdir(parents=True)
    (root / "mlpolicy.yaml").write_text(
        "version: 1\nphase: production\nartifacts:\n  monitoring: [monitoring/, gone.yaml]\n"
    )
    for name in ("ml-model-alerts.rules.yml", "ml-model-alerts.test.yml", "alertmanager.yml"):
        (root / "monitoring" / "rules" / name).write_bytes((PROMETHEUS / name).read_bytes())
    (root / "monitoring" / "monitoring.yaml").write_text("logging:\n  predictions: s3://x/\n")
    (root / "monitoring" / "notes.txt").write_text("not read")
    project = Project(Repository.containing(root, False), root / "mlpolicy.yaml", Settings())
    found = monitoring.read(project)
    assert found is monitoring.read(project)
    assert [(path, where.line) for path, where in found.missing] == [("gone.yaml", 4)]
    assert {(a.path, a.format, a.status) for a in project.artifacts.values()} == {
        ("gone.yaml", "unknown", "missing"),
        ("monitoring/monitoring.yaml", monitoring.MLPOLICY, "ok"),
        ("monitoring/rules/alertmanager.yml", monitoring.ALERTMANAGER, "ok"),
        ("monitoring/rules/ml-model-alerts.rules.yml", monitoring.PROMETHEUS, "ok"),
        ("monitoring/rules/ml-model-alerts.test.yml", monitoring.PROMTOOL_TEST, "ok"),
    }
    assert len(found.checks) == 4 and all(c.route for c in found.checks)
    assert [entry.destinations for entry in found.logging] == [("s3://x/",)]


# -- never raise -----------------------------------------------------------------------

_KEYS = st.sampled_from(
    [
        "groups", "rules", "alert", "record", "expr", "for", "labels", "annotations",
        "route", "routes", "receiver", "receivers", "matchers", "match", "match_re",
        "continue", "name", "checks", "kind", "threshold", "logging", "owner",
        "predictions", "spec", "mlpolicy_check", "team", "runbook_url", "email_configs",
    ]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["PrometheusRule", "drift", 'team="a"', "(a+)+", "[", "10m", "x > 1"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for name in ("monitoring.yaml", "monitoring/x.yml"):
        monitoring.bundle([monitoring.parse(data, name, named=True)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(_KEYS, _VALUES, max_size=6), min_size=1, max_size=3))
def test_arbitrary_documents_never_raise(values: list[object]) -> None:
    # Several documents in one bundle, so generated routes meet generated alerts.
    files = [
        monitoring.parse(json.dumps(value).encode(), name)
        for value, name in zip(values, ("monitoring.yaml", "rules.yml", "am.yml"), strict=False)
    ]
    for check in monitoring.bundle(files).checks:
        assert check.category in (None, *alerts.CATEGORIES)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    monitoring.parse(text.encode("utf-8", "surrogatepass"), "monitoring.yaml")
    alerts.categorise(text, text)
    alerts.threshold(text)


def test_long_hostile_strings_are_read_in_linear_time() -> None:
    # Patterns that backtrack quadratically would take minutes on these.
    long = "1" * 200_000 + " x"
    assert alerts.threshold(long) is None
    assert alerts.categorise("A" * 200_000, long) is None
    assert alertmanager.parse_matcher("a" * 200_000) is None
    assert alertmanager.parse_matcher("a=" + " " * 200_000 + "b") is not None
