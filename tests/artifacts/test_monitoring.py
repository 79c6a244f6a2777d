"""The monitoring reader: real Prometheus/Alertmanager samples, monitoring.yaml, hostile bytes."""

from __future__ import annotations

import base64
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
    (routing,) = config.routings
    route = routing.receiver_for
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
    assert config.issues == ()
    (routing,) = config.routings
    assert routing.receiver_for({"team": "risk-ml"}) == "pager"
    assert routing.receiver_for({"team": "web"}) is None


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


# -- Kubernetes wrappers and multi-document files --------------------------------------

K8S = Path(__file__).parent.parent / "fixtures" / "monitoring-kubernetes"


def _fixture(name: str) -> monitoring.MonitoringFile:
    return monitoring.parse((K8S / name).read_bytes(), f"monitoring/{Path(name).name}")


@pytest.mark.parametrize(
    ("name", "format", "alerts", "delivering"),
    [
        # kube-prometheus: stringData, receivers without integrations (they route nothing).
        ("kube-prometheus/alertmanager-secret.yaml", monitoring.ALERTMANAGER_SECRET, 0, [[]]),
        ("kube-prometheus/alertmanager-secret-2019.yaml", monitoring.ALERTMANAGER_SECRET, 0, [[]]),
        ("kube-prometheus/alertmanager-prometheusRule.yaml", monitoring.PROMETHEUS, 9, []),
        ("prometheus-operator/prometheus-example-rules.yaml", monitoring.PROMETHEUS, 1, []),
        (
            "prometheus-operator/alertmanager-config-example.yaml",
            monitoring.ALERTMANAGER_RESOURCE,
            0,
            [["webhook"]],
        ),
        (
            "generated/alertmanager-example-secret.yaml",
            monitoring.ALERTMANAGER_SECRET,
            0,
            [["webhook"]],
        ),
        (
            "generated/kustomized.yaml",
            f"{monitoring.ALERTMANAGER_SECRET}+{monitoring.PROMETHEUS}",
            1,
            [["webhook"]],
        ),
    ],
)
def test_real_kubernetes_manifests_are_read(
    name: str, format: str, alerts: int, delivering: list[list[str]]
) -> None:
    found = _fixture(name)
    assert (found.format, found.status, found.issues) == (format, "ok", ())
    assert len(found.checks) == alerts
    assert [sorted(r.delivering) for r in found.routings] == delivering


def test_secret_routes_like_the_config_it_carries() -> None:
    (secret,) = _fixture("kube-prometheus/alertmanager-secret.yaml").routings
    assert secret.root.receivers({"alertname": "Watchdog"}) == ["Watchdog"]
    assert secret.root.receivers({"severity": "critical"}) == ["Critical"]
    assert secret.root.receivers({"alertname": "ModelDrift"}) == ["Default"]
    assert secret.receiver_for({"severity": "critical"}) is None  # no integration anywhere
    rules = monitoring.parse(
        b"groups:\n- name: g\n  rules:\n  - alert: Drift\n    expr: psi > 0.2\n", "r.yml"
    )
    routed = monitoring.bundle([rules, _fixture("generated/alertmanager-example-secret.yaml")])
    assert routed.checks[0].route == "webhook"


def test_defects_inside_a_string_data_block_point_at_the_file_line() -> None:
    text = (K8S / "kube-prometheus/alertmanager-secret.yaml").read_text()
    broken = text.replace('"receiver": "Critical"', '"receiver": "Pager"')
    line = broken.splitlines().index('        "receiver": "Pager"') + 1
    for text in (broken, broken.replace("\n", "\r\n")):  # CRLF files map the same way
        (issue,) = monitoring.parse(text.encode(), "secret.yaml").issues
        assert "undefined receiver 'Pager'" in issue.message
        assert (issue.location.line, issue.location.column) == (line, 9)


def _secret(data: str, section: str = "data") -> bytes:
    return (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: alertmanager-main\n"
        f"{section}:\n  alertmanager.yaml: {data}\n"
    ).encode()


@pytest.mark.parametrize(
    ("secret", "words"),
    [
        (_secret("not base64!"), "not valid base64"),
        (_secret(base64.b64encode(b"route: [\n").decode()), "(line 2 of the embedded file)"),
        (_secret(base64.b64encode(b"\xff\xfe").decode()), "not valid UTF-8"),
        (_secret(base64.b64encode(b"- a list\n").decode()), "must hold an Alertmanager config"),
        (_secret('"route: {receiver: a}\\nreceivers: []"', "stringData"), "undefined receiver"),
        (_secret("{route: {}}", "stringData"), "must be text"),
    ],
)
def test_broken_embedded_config_is_reported_at_its_key(secret: bytes, words: str) -> None:
    found = monitoring.parse(secret, "monitoring/secret.yaml")
    (issue,) = found.issues
    assert words in issue.message
    assert (issue.location.path, issue.location.line) == ("monitoring/secret.yaml", 6)
    assert found.format == monitoring.ALERTMANAGER_SECRET


def test_config_map_and_yml_key_carry_a_config_too() -> None:
    text = (
        b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: am}\ndata:\n  alertmanager.yml: |\n"
        b"    route: {receiver: team}\n    receivers:\n    - name: team\n"
        b"      email_configs: [{to: ml@example.com}]\n"
    )
    (routing,) = monitoring.parse(text, "cm.yaml").routings
    assert routing.receiver_for({}) == "team"


def test_alertmanager_config_resource_reads_camel_case() -> None:
    text = b"""apiVersion: monitoring.coreos.com/v1alpha1
kind: AlertmanagerConfig
metadata: {name: churn}
spec:
  route:
    receiver: quiet
    routes:
    - matchers:
      - {name: severity, value: critical}
      - {name: team, value: risk-.*, matchType: "=~"}
      receiver: pager
    - matchers: [{name: team, value: web, regex: true}, {value: x}]
      receiver: slack
  receivers:
  - name: quiet
  - name: pager
    pagerdutyConfigs: [{routingKey: {name: pd, key: key}}]
  - name: slack
    slackConfigs: [{channel: "#ml"}]
"""
    found = monitoring.parse(text, "amc.yaml")
    (issue,) = found.issues  # the matcher without a name
    assert (issue.location.line, "label matcher" in issue.message) == (12, True)
    (routing,) = found.routings
    assert routing.delivering == {"pager", "slack"}
    assert routing.receiver_for({"severity": "critical", "team": "risk-ml"}) == "pager"
    assert routing.receiver_for({"severity": "critical"}) is None  # to "quiet", which is silent


def test_resource_without_spec_is_invalid() -> None:
    found = monitoring.parse(
        b"apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\n",
        "r.yaml",
    )
    assert [("spec" in i.message, i.location.line) for i in found.issues] == [(True, 1)]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            b"apiVersion: v1\nkind: Secret\nstringData: {token: x}\n",
            "Secret without an alertmanager.yaml",
        ),
        (b"apiVersion: apps/v1\nkind: Deployment\nspec: {}\n", "Kubernetes 'Deployment'"),
        (
            b"apiVersion: v1\nkind: Service\n---\napiVersion: v1\nkind: ConfigMap\ndata: {}\n",
            "none of its 2 YAML documents is monitoring config",
        ),
        (b"panels: []\ntitle: Churn\n", "top-level keys ('panels', 'title')"),
        (b"- 1\n", "a list"),
        (b"", "empty"),
        (b"---\n---\n", "empty"),
    ],
)
def test_unrecognised_files_say_why(text: bytes, reason: str) -> None:
    found = monitoring.parse(text, "monitoring/x.yaml")
    assert (found.format, found.status, found.issues) == (
        monitoring.UNRECOGNISED,
        "unrecognised",
        (),
    )
    assert found.reason is not None and reason in found.reason
    named = monitoring.parse(text, "monitoring/x.yaml", named=True)
    assert named.status == "invalid" and reason in named.issues[0].message


def test_other_kubernetes_objects_beside_monitoring_ones_are_ignored() -> None:
    rule = (K8S / "prometheus-operator/prometheus-example-rules.yaml").read_bytes()
    found = monitoring.parse(
        b"apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n" + rule, "m.yaml"
    )
    assert (found.format, found.status) == (monitoring.PROMETHEUS, "ok")
    assert found.checks[0].location.line == 4 + 13  # lines count from the top of the file


# -- never raise -----------------------------------------------------------------------

_KEYS = st.sampled_from(
    [
        "groups", "rules", "alert", "record", "expr", "for", "labels", "annotations",
        "route", "routes", "receiver", "receivers", "matchers", "match", "match_re",
        "continue", "name", "checks", "kind", "threshold", "logging", "owner",
        "predictions", "spec", "mlpolicy_check", "team", "runbook_url", "email_configs",
        "apiVersion", "kind", "stringData", "data", "alertmanager.yaml", "slackConfigs",
        "value", "matchType", "regex",
    ]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "PrometheusRule",
            "AlertmanagerConfig",
            "Secret",
            "ConfigMap",
            "v1",
            "drift",
            'team="a"',
            "(a+)+",
            "[",
            "10m",
            "x > 1",
            "=~",
            "cm91dGU6IHt9",
            "route: {}",
        ]
    ),
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


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=1024), st.sampled_from(["data", "stringData"]), st.booleans())
def test_arbitrary_bytes_in_a_secret_never_raise(
    payload: bytes, section: str, encode: bool
) -> None:
    value = base64.b64encode(payload).decode() if encode else payload.decode("latin-1")
    text = json.dumps({"apiVersion": "v1", "kind": "Secret", section: {"alertmanager.yaml": value}})
    found = monitoring.parse(text.encode(), "monitoring/secret.yaml")
    assert found.format == monitoring.ALERTMANAGER_SECRET
    assert all(i.location.path == "monitoring/secret.yaml" for i in found.issues)
    monitoring.bundle([found])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.integers(min_value=0, max_value=8))
def test_arbitrary_string_data_blocks_never_raise(text: str, indent: int) -> None:
    block = "".join(" " * (indent + 4) + line + "\n" for line in text.splitlines())
    data = f"apiVersion: v1\nkind: Secret\nstringData:\n  alertmanager.yaml: |\n{block}"
    found = monitoring.parse(data.encode("utf-8", "surrogatepass"), "s.yaml")
    monitoring.bundle([found])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(_KEYS, _VALUES, max_size=6), min_size=1, max_size=4))
def test_arbitrary_multi_document_files_never_raise(values: list[object]) -> None:
    text = "---\n".join(json.dumps(value) + "\n" for value in values)
    found = monitoring.parse(text.encode(), "monitoring/k8s.yaml", named=True)
    assert found.status in ("ok", "invalid", "unrecognised")
    monitoring.bundle([found])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["AlertmanagerConfig", "PrometheusRule", "Secret", "ConfigMap"]),
    st.dictionaries(_KEYS, _VALUES, max_size=6),
)
def test_arbitrary_kubernetes_objects_never_raise(kind: str, spec: dict[str, object]) -> None:
    value = {"apiVersion": "monitoring.coreos.com/v1alpha1", "kind": kind, "spec": spec}
    value |= {"data": spec, "stringData": {"alertmanager.yaml": json.dumps(spec)}}
    found = monitoring.parse(json.dumps(value).encode(), "monitoring/object.yaml")
    # Only a ConfigMap's `data` (here, the random spec) may lack the config's key.
    assert found.status in ("ok", "invalid") or kind == "ConfigMap"
    monitoring.bundle([found])
