"""One file of a monitoring location: every YAML document recognised, read, and joined.

A file may hold several documents (a kubectl manifest separated by ``---``); each is
recognised on its own, and those that are monitoring config are read and joined. Other
Kubernetes objects beside them (a Deployment, a ServiceMonitor) are ignored. A file with
no monitoring document is ``unrecognised``, with the reason why, so that it is never
skipped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePosixPath
from typing import Any

from mlpolicy import yamlio
from mlpolicy.artifacts import alertmanager, kubernetes, monitoring_yaml, prometheus
from mlpolicy.artifacts.alerts import Issue, MonitoringFile, Source, short
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location
from mlpolicy.yamlio import JsonPath, YamlDocument

MLPOLICY = monitoring_yaml.FORMAT
PROMETHEUS = prometheus.FORMAT
ALERTMANAGER = alertmanager.FORMAT
ALERTMANAGER_RESOURCE = "alertmanager-config-resource"
ALERTMANAGER_SECRET = kubernetes.SECRET_FORMAT
PROMTOOL_TEST = "promtool-test"
UNRECOGNISED = "unrecognised"
UNPARSEABLE = "unparseable"
# The formats that are monitoring config (a promtool test is recognised but is not).
RECOGNISED = frozenset(
    {MLPOLICY, PROMETHEUS, ALERTMANAGER, ALERTMANAGER_RESOURCE, ALERTMANAGER_SECRET}
)
_RESOURCES = {"PrometheusRule": PROMETHEUS, "AlertmanagerConfig": ALERTMANAGER_RESOURCE}
_EXPECTED = (
    "mlpolicy's monitoring.yaml (owner, checks, logging), Prometheus rule groups, an "
    "Alertmanager config, a PrometheusRule or AlertmanagerConfig resource, or a Secret "
    "holding alertmanager.yaml"
)


def parse(data: bytes, path: str, named: bool = False) -> MonitoringFile:
    """Read one file; ``named`` files (declared by the manifest) must be monitoring config."""
    try:
        text = yamlio.decode(data)
        documents = [d for d in yamlio.load_all(text) if d.value is not None]
    except DocumentError as exc:
        issue = Issue(exc.message, Location(path, exc.line, exc.column))
        return MonitoringFile(path, UNPARSEABLE, (issue,), parsed=False)
    lines = text.split("\n")
    if _own_format(path, documents):
        # Its schema errors say what is wrong better than "unrecognised".
        return monitoring_yaml.read_monitoring_yaml(Source(documents[0], path))
    parts = [_read_document(document, path, lines) for document in documents]
    found = [part for part in parts if part.reason is None]
    if found:
        return _join(path, found)
    reason = _reason_for_all([part.reason or "" for part in parts])
    if not named:
        return MonitoringFile(path, UNRECOGNISED, reason=reason)
    issue = Issue(
        f"not a recognised monitoring file ({reason}): expected {_EXPECTED}", Location(path, 1, 1)
    )
    return MonitoringFile(path, UNRECOGNISED, (issue,), reason=reason)


def _own_format(path: str, documents: list[YamlDocument]) -> bool:
    """A file called monitoring.yaml that is no other format is mlpolicy's own, if malformed."""
    return (
        PurePosixPath(path).stem == "monitoring"
        and len(documents) == 1
        and recognise(documents[0].value) == UNRECOGNISED
    )


def recognise(value: Any) -> str:
    """The format of a loaded document, told by its Kubernetes kind or its top-level keys."""
    if not isinstance(value, dict):
        return UNRECOGNISED
    kind = kubernetes.kind(value)
    if kind is not None:
        if kind in kubernetes.CARRIERS and kubernetes.carried(value) is not None:
            return ALERTMANAGER_SECRET
        return _RESOURCES.get(kind, UNRECOGNISED)
    if "groups" in value:
        return PROMETHEUS
    if "rule_files" in value or "tests" in value:
        return PROMTOOL_TEST
    if "route" in value or "receivers" in value:
        return ALERTMANAGER
    if {"checks", "logging", "owner"} & value.keys():
        return MLPOLICY
    return UNRECOGNISED


def _read_document(document: YamlDocument, path: str, lines: Sequence[str]) -> MonitoringFile:
    value = document.value
    kind = recognise(value)
    if kind == UNRECOGNISED:
        return MonitoringFile(path, UNRECOGNISED, reason=_reason(value))
    if kind == ALERTMANAGER_SECRET:
        return kubernetes.read_carried(document, path, lines)
    prefix: JsonPath = ("spec",) if kubernetes.kind(value) is not None else ()
    if prefix and not isinstance(value.get("spec"), dict):
        message = f"a {value['kind']} needs a `spec` mapping"
        issue = Issue(message, Location(path, *document.position(("spec",))))
        return MonitoringFile(path, kind, (issue,))
    reader = _READERS.get(kind)
    source = Source(document, path, prefix)
    return reader(source) if reader else MonitoringFile(path, kind)


def _reason(value: Any) -> str:
    """Why a document is not monitoring config, in words a user recognises."""
    if not isinstance(value, dict):
        return f"it holds {'a list' if isinstance(value, list) else 'a single value'}"
    kind = kubernetes.kind(value)
    if kind in kubernetes.CARRIERS:
        return f"a Kubernetes {kind} without an {' or '.join(kubernetes.KEYS)} key"
    if kind is not None:
        return f"a Kubernetes {short(kind)}, not a PrometheusRule or AlertmanagerConfig"
    keys = ", ".join(short(key) for key in list(value)[:4]) + (", ..." if len(value) > 4 else "")
    return f"its top-level keys ({keys}) match no monitoring format" if keys else "it is empty"


def _reason_for_all(reasons: list[str]) -> str:
    if not reasons:
        return "it is empty"
    if len(reasons) == 1:
        return reasons[0]
    distinct = list(dict.fromkeys(reasons))
    shown = "; ".join(distinct[:3]) + ("; ..." if len(distinct) > 3 else "")
    return f"none of its {len(reasons)} YAML documents is monitoring config: {shown}"


def _join(path: str, parts: list[MonitoringFile]) -> MonitoringFile:
    """The documents of one file that are monitoring config, as one file."""
    if len(parts) == 1:
        return parts[0]
    return MonitoringFile(
        path,
        "+".join(dict.fromkeys(part.format for part in parts)),
        tuple(issue for part in parts for issue in part.issues),
        tuple(check for part in parts for check in part.checks),
        owner=next((part.owner for part in parts if part.owner), None),
        logging=next((part.logging for part in parts if part.logging), None),
        routings=tuple(routing for part in parts for routing in part.routings),
        parsed=all(part.parsed for part in parts),
    )


def _read_alertmanager_resource(source: Source) -> MonitoringFile:
    return alertmanager.read_config(source, ALERTMANAGER_RESOURCE)


_READERS: dict[str, Callable[[Source], MonitoringFile]] = {
    MLPOLICY: monitoring_yaml.read_monitoring_yaml,
    PROMETHEUS: prometheus.read_rules,
    ALERTMANAGER: alertmanager.read_config,
    ALERTMANAGER_RESOURCE: _read_alertmanager_resource,
}
