"""Prometheus rule files (plain, or a Prometheus Operator PrometheusRule) as checks and alerts."""

from __future__ import annotations

import re
from typing import Any

from mlpolicy import schema
from mlpolicy.artifacts.alerts import (
    CATEGORIES,
    Check,
    MonitoringFile,
    Source,
    categorise,
    mapping,
    short,
    text,
    threshold,
)
from mlpolicy.yamlio import JsonPath

FORMAT = "prometheus-rules"
_DURATION = re.compile(r"^(?:0|(?:[0-9]+(?:ms|s|m|h|d|w|y))+)$")


def read_rules(source: Source) -> MonitoringFile:
    """Every alerting and recording rule of a rule file, and what `promtool` would reject.

    For a ``PrometheusRule`` the source's prefix is its ``spec``, which holds the groups.
    """
    groups = source.part.get("groups")
    checks: list[Check] = []
    if not isinstance(groups, list):
        source.flag("`groups` must be a list of rule groups", ("groups",))
        groups = []
    for g_index, group in enumerate(groups):
        at: JsonPath = ("groups", g_index)
        if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
            source.flag("a rule group needs a `name` and a `rules` list", at)
            continue
        if text(group.get("name")) is None:
            source.flag("a rule group needs a `name`", at)
        for r_index, rule in enumerate(group["rules"]):
            check = _rule(rule, (*at, "rules", r_index), source)
            if check is not None:
                checks.append(check)
    return MonitoringFile(source.path, FORMAT, tuple(source.issues), tuple(checks))


def _rule(rule: Any, at: JsonPath, source: Source) -> Check | None:
    if not isinstance(rule, dict):
        source.flag("a rule must be a mapping with `alert` or `record` and `expr`", at)
        return None
    alert, record, expr = (text(rule.get(k)) for k in ("alert", "record", "expr"))
    if (alert is None) == (record is None):
        source.flag("a rule needs exactly one of `alert` and `record`", at)
        return None
    if expr is None:
        source.flag(f"rule {short(alert or record)} has no `expr`", at)
    duration = text(rule.get("for"))
    if duration is not None and not _DURATION.match(duration):
        source.flag(
            f"`for:` {short(duration)} is not a duration such as 10m or 1h30m", (*at, "for")
        )
    if alert is None:
        return Check(str(record), "record", None, None, None, None, None, None, source.at(at))
    return _alert(rule, alert, expr or "", duration, (*at, "alert"), source)


def _alert(
    rule: dict[str, Any], name: str, expr: str, duration: str | None, at: JsonPath, source: Source
) -> Check:
    labels = mapping(rule.get("labels"))
    annotations = mapping(rule.get("annotations"))
    declared = labels.get("mlpolicy_check")
    if declared is not None and declared not in CATEGORIES:
        hint = schema.suggest(declared, CATEGORIES)
        source.flag(
            f"label mlpolicy_check {short(declared)} is not one of {', '.join(CATEGORIES)}{hint}",
            (*at[:-1], "labels", "mlpolicy_check"),
        )
    return Check(
        name=name,
        kind="alert",
        category=declared if declared in CATEGORIES else categorise(name, expr),
        threshold=threshold(expr),
        route=labels.get("team") or labels.get("owner"),
        runbook=annotations.get("runbook_url") or annotations.get("runbook"),
        duration=duration,
        severity=labels.get("severity"),
        location=source.at(at),
        labels=labels,
    )
