"""Monitoring bundles: mlpolicy's monitoring.yaml, Prometheus rule files, Alertmanager configs."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from mlpolicy import schema, yamlio
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Artifact, Location
from mlpolicy.yamlio import JsonPath, YamlDocument

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "monitoring"
DEFAULTS = (
    "monitoring/**/*.yaml",
    "monitoring/**/*.yml",
    "monitoring/**/*.json",
    "monitoring.yaml",
    "monitoring.yml",
)
SUFFIXES = frozenset({".yaml", ".yml", ".json"})
CATEGORIES = ("drift", "quality", "data", "latency", "errors", "traffic")
HEALTH = frozenset({"latency", "errors", "traffic"})
MODEL = frozenset({"drift", "quality"})

MLPOLICY = "mlpolicy-monitoring"
PROMETHEUS = "prometheus-rules"
ALERTMANAGER = "alertmanager"
PROMTOOL_TEST = "promtool-test"
UNRECOGNISED = "unrecognised"
UNPARSEABLE = "unparseable"
RECOGNISED = frozenset({MLPOLICY, PROMETHEUS, ALERTMANAGER})

# SPEC section 5: words in an alert's name or expression that reveal what it watches,
# tried category by category in this order (a "request duration" alert is latency).
_CATEGORY_WORDS = (
    ("drift", frozenset({"drift", "psi", "distribution"})),
    ("quality", frozenset({"accuracy", "auc", "precision", "recall", "quality"})),
    ("latency", frozenset({"latency", "duration"})),
    ("errors", frozenset({"error", "5xx", "failure", "fail", "failed"})),
    ("traffic", frozenset({"absent", "traffic", "request"})),
)
_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_OPERATOR = r"(?:==|!=|>=|<=|>|<)"
# A comparison with a literal number on either side; label matchers (`!="x"`, `=~`)
# never match because their right side is quoted.
_COMPARISON = re.compile(
    rf"{_OPERATOR}\s*(?:bool\s+)?(?P<right>{_NUMBER})(?![\w.:])"
    rf"|(?<![\w.:\]])(?P<left>{_NUMBER})\s*{_OPERATOR}"
)
_DURATION = re.compile(r"^(?:0|(?:[0-9]+(?:ms|s|m|h|d|w|y))+)$")
_MATCHER = re.compile(
    r'^\s*\{?\s*(?P<name>"(?:[^"\\]|\\.)*"|[^\s=!~"{}]+)\s*(?P<op>=~|!~|!=|=)'
    r'\s*(?P<value>"(?:[^"\\]|\\.)*"|[^"{}]*?)\s*\}?\s*$'
)


@dataclass(frozen=True, slots=True)
class Check:
    """A check or alert: what it watches, when it fires, whom it tells, where to read up."""

    name: str
    kind: str  # "check" (monitoring.yaml), "alert" or "record" (Prometheus)
    category: str | None
    threshold: float | None
    route: str | None
    runbook: str | None
    duration: str | None  # the `for:` value
    severity: str | None
    location: Location
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Logging:
    """Where served predictions and their inputs are logged."""

    predictions: str | None
    inputs: str | None
    retention_days: int | None
    location: Location

    @property
    def destinations(self) -> tuple[str, ...]:
        return tuple(d for d in (self.predictions, self.inputs) if d)


@dataclass(frozen=True, slots=True)
class Matcher:
    """One Alertmanager label matcher (``team="risk-ml"``, ``severity=~"page|ticket"``)."""

    name: str
    op: str
    value: str

    def matches(self, labels: Mapping[str, str]) -> bool:
        # Alertmanager: an absent label has the empty value; regexes are fully anchored.
        actual = labels.get(self.name, "")
        if self.op in ("=", "!="):
            return (actual == self.value) == (self.op == "=")
        try:
            found = re.fullmatch(self.value, actual) is not None
        except (re.error, RecursionError, OverflowError):
            return False
        return found == (self.op == "=~")


@dataclass(frozen=True, slots=True)
class Route:
    """A node of Alertmanager's routing tree; ``receiver`` is already inherited."""

    receiver: str | None
    matchers: tuple[Matcher, ...]
    routes: tuple[Route, ...]
    keep_going: bool  # `continue: true`

    def receivers(self, labels: Mapping[str, str]) -> list[str]:
        """The receivers an alert with ``labels`` reaches from this (matching) node."""
        found: list[str] = []
        for child in self.routes:
            if all(m.matches(labels) for m in child.matchers):
                found += child.receivers(labels)
                if not child.keep_going:
                    break
        return found or ([self.receiver] if self.receiver else [])


@dataclass(frozen=True, slots=True)
class Routing:
    """An Alertmanager config: the routing tree and the receivers that deliver somewhere."""

    root: Route
    delivering: frozenset[str]

    def receiver_for(self, labels: Mapping[str, str]) -> str | None:
        # A receiver without integrations is Alertmanager's usual "blackhole": alerts
        # routed there reach nobody, so they are not routed.
        return next((r for r in self.root.receivers(labels) if r in self.delivering), None)


@dataclass(frozen=True, slots=True)
class Issue:
    """Something malformed in a monitoring file, and where."""

    message: str
    location: Location


@dataclass(frozen=True, slots=True)
class MonitoringFile:
    """One file of the bundle, read: its format, defects and what it contributes."""

    path: str
    format: str
    issues: tuple[Issue, ...] = ()
    checks: tuple[Check, ...] = ()
    owner: str | None = None
    logging: Logging | None = None
    routing: Routing | None = None
    unreadable: bool = False

    @property
    def status(self) -> str:
        if self.unreadable:
            return "unreadable"
        return "invalid" if self.issues else "ok"


@dataclass(frozen=True, slots=True)
class Bundle:
    """A project's monitoring files together, every check and alert routed bundle-wide."""

    files: tuple[MonitoringFile, ...]
    missing: tuple[tuple[str, Location], ...]  # declared paths holding no file, and where
    checks: tuple[Check, ...]  # checks and alerts; recording rules are left out
    owner: str | None

    @property
    def recognised(self) -> tuple[MonitoringFile, ...]:
        return tuple(f for f in self.files if f.format in RECOGNISED)

    @property
    def logging(self) -> tuple[Logging, ...]:
        return tuple(f.logging for f in self.files if f.logging is not None)


# -- the bundle ------------------------------------------------------------------------


def read(project: Project) -> Bundle:
    """The project's monitoring bundle, read once and shared by the MLP4xx rules."""
    return project.cached("artifacts.monitoring", lambda: _read(project))


def _read(project: Project) -> Bundle:
    paths: dict[Path, bool] = {}  # path -> named directly (so it must be monitoring)
    missing: list[tuple[str, Location]] = []
    for path, where in project.candidates(KIND, DEFAULTS):
        found = list(_directory(project, path)) if path.is_dir() else []
        if path.is_file():
            found = [path]
        if not found and where is not None:
            missing.append((project.rel(path), where))
            project.record(Artifact(KIND, project.rel(path), "unknown", "missing"))
        for item in found:
            paths.setdefault(item, item == path and where is not None)
    files = [_read_file(project, path, named) for path, named in paths.items()]
    for read_file in files:
        project.record(Artifact(KIND, read_file.path, read_file.format, read_file.status))
    return bundle(files, missing)


def _directory(project: Project, directory: Path) -> Iterator[Path]:
    from mlpolicy.project import SKIP_DIRS

    for match in sorted(directory.rglob("*")):
        relative = match.relative_to(directory).parts
        if match.suffix.lower() in SUFFIXES and not SKIP_DIRS.intersection(relative):
            safe = project.resolve(os.path.relpath(match, project.root))
            if safe is not None and safe.is_file():
                yield safe


def _read_file(project: Project, path: Path, named: bool) -> MonitoringFile:
    rel = project.rel(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(yamlio.MAX_BYTES + 1)
    except OSError as exc:
        issue = Issue(f"cannot read the file: {exc.strerror or exc}", Location(rel))
        return MonitoringFile(rel, "unknown", (issue,), unreadable=True)
    if len(data) > yamlio.MAX_BYTES:
        issue = Issue(f"file is larger than the {yamlio.MAX_BYTES} bytes limit", Location(rel))
        return MonitoringFile(rel, UNPARSEABLE, (issue,))
    return parse(data, rel, named)


def bundle(
    files: list[MonitoringFile], missing: list[tuple[str, Location]] | None = None
) -> Bundle:
    """Join files into a bundle: the owner and Alertmanager routes apply to every check."""
    owner = next((f.owner for f in files if f.owner), None)
    routings = [f.routing for f in files if f.routing is not None]
    checks = tuple(
        replace(c, route=_route(c, owner, routings))
        for f in files
        for c in f.checks
        if c.kind != "record"
    )
    return Bundle(tuple(files), tuple(missing or ()), checks, owner)


def _route(check: Check, owner: str | None, routings: list[Routing]) -> str | None:
    if check.route:
        return check.route
    labels = {"alertname": check.name, **check.labels}
    return next((r for r in (x.receiver_for(labels) for x in routings) if r), None) or owner


# -- one file --------------------------------------------------------------------------


def parse(data: bytes, path: str, named: bool = False) -> MonitoringFile:
    """Read one file; ``named`` files (declared by the manifest) must be monitoring config."""
    try:
        document = yamlio.load(data)
    except DocumentError as exc:
        return MonitoringFile(path, UNPARSEABLE, (Issue(exc.message, _at(path, exc)),))
    kind = recognise(document.value)
    if kind == UNRECOGNISED and PurePosixPath(path).stem == "monitoring":
        kind = MLPOLICY  # its schema errors say what is wrong better than "unrecognised"
    if kind == UNRECOGNISED and named:
        issue = Issue(
            "not a recognised monitoring file: expected mlpolicy's monitoring.yaml "
            "(owner, checks, logging), Prometheus rule groups or an Alertmanager config",
            Location(path, 1, 1),
        )
        return MonitoringFile(path, kind, (issue,))
    reader = _READERS.get(kind)
    return reader(_Source(document, path)) if reader else MonitoringFile(path, kind)


def recognise(value: Any) -> str:
    """The format of a loaded document, told by its top-level keys."""
    if not isinstance(value, dict):
        return UNRECOGNISED
    if "groups" in value or _is_rule_crd(value):
        return PROMETHEUS
    if "rule_files" in value or "tests" in value:
        return PROMTOOL_TEST
    if "route" in value or "receivers" in value:
        return ALERTMANAGER
    if {"checks", "logging", "owner"} & value.keys():
        return MLPOLICY
    return UNRECOGNISED


def _is_rule_crd(value: dict[str, Any]) -> bool:
    # The Prometheus Operator's PrometheusRule resource keeps the groups under `spec`.
    spec = value.get("spec")
    return value.get("kind") == "PrometheusRule" and isinstance(spec, dict) and "groups" in spec


def _at(path: str, exc: DocumentError) -> Location:
    return Location(path, exc.line, exc.column)


class _Source:
    """A loaded document and its path, collecting issues while a reader walks it."""

    def __init__(self, document: YamlDocument, path: str) -> None:
        self.value = document.value
        self.document = document
        self.path = path
        self.issues: list[Issue] = []

    def at(self, key: JsonPath) -> Location:
        return Location(self.path, *self.document.position(key))

    def flag(self, message: str, key: JsonPath) -> None:
        self.issues.append(Issue(message, self.at(key)))


def _text(value: Any) -> str | None:
    """A non-empty scalar as text (YAML may read `for: 10` or `team: 42` as numbers)."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.copysign(math.inf, value)


def _mapping(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): text for k, v in value.items() if (text := _text(v)) is not None}


def categorise(name: str, expression: str = "") -> str | None:
    """The coverage category words in ``name`` (first) or ``expression`` reveal, if any."""
    for text in (name, expression):
        spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text).lower()
        words = {w.removesuffix("s") if len(w) > 3 else w for w in re.findall(r"[a-z0-9]+", spaced)}
        for category, keywords in _CATEGORY_WORDS:
            if words & keywords:
                return category
    return None


def threshold(expression: str) -> float | None:
    """The number a PromQL expression compares against, or None when it compares none."""
    match = _COMPARISON.search(expression)
    if match is None:
        return None
    return float(match["right"] or match["left"])


# -- mlpolicy monitoring.yaml ----------------------------------------------------------


def _read_mlpolicy(source: _Source) -> MonitoringFile:
    for error in schema.validate("monitoring", source.value):
        source.flag(error.message, error.path)
    value = source.value if isinstance(source.value, dict) else {}
    raw_checks = value.get("checks")
    checks: list[Check] = []
    first_line: dict[str, int | None] = {}
    for index, raw in enumerate(raw_checks if isinstance(raw_checks, list) else []):
        name = _text(raw.get("name")) if isinstance(raw, dict) else None
        if name is None:
            continue
        where = source.at(("checks", index, "name"))
        if name in first_line:
            source.flag(
                f'duplicate check name "{name}" (first used on line {first_line[name]})',
                ("checks", index, "name"),
            )
        first_line.setdefault(name, where.line)
        checks.append(_mlpolicy_check(raw, name, where))
    return MonitoringFile(
        source.path,
        MLPOLICY,
        tuple(source.issues),
        tuple(checks),
        owner=_text(value.get("owner")),
        logging=_logging(value.get("logging"), source),
    )


def _mlpolicy_check(raw: dict[str, Any], name: str, where: Location) -> Check:
    kind = raw.get("kind")
    severity = _text(raw.get("severity"))
    return Check(
        name=name,
        kind="check",
        category=kind if kind in CATEGORIES else categorise(name, _text(raw.get("metric")) or ""),
        threshold=_number(raw.get("threshold")),
        route=_text(raw.get("alert")),
        runbook=_text(raw.get("runbook")),
        duration=_text(raw.get("for")),
        severity=severity,
        location=where,
        labels={"severity": severity} if severity else {},
    )


def _logging(raw: Any, source: _Source) -> Logging | None:
    if not isinstance(raw, dict):
        return None
    days = raw.get("retention_days")
    return Logging(
        predictions=_text(raw.get("predictions")),
        inputs=_text(raw.get("inputs")),
        retention_days=days if isinstance(days, int) and not isinstance(days, bool) else None,
        location=source.at(("logging",)),
    )


# -- Prometheus rule files -------------------------------------------------------------


def _read_prometheus(source: _Source) -> MonitoringFile:
    prefix: JsonPath = ("spec",) if _is_rule_crd(source.value) else ()
    container = source.value["spec"] if prefix else source.value
    groups = container.get("groups")
    checks: list[Check] = []
    if not isinstance(groups, list):
        source.flag("`groups` must be a list of rule groups", (*prefix, "groups"))
        groups = []
    for g_index, group in enumerate(groups):
        at: JsonPath = (*prefix, "groups", g_index)
        if not isinstance(group, dict) or not isinstance(group.get("rules"), list):
            source.flag("a rule group needs a `name` and a `rules` list", at)
            continue
        if _text(group.get("name")) is None:
            source.flag("a rule group needs a `name`", at)
        for r_index, rule in enumerate(group["rules"]):
            check = _prometheus_rule(rule, (*at, "rules", r_index), source)
            if check is not None:
                checks.append(check)
    return MonitoringFile(source.path, PROMETHEUS, tuple(source.issues), tuple(checks))


def _prometheus_rule(rule: Any, at: JsonPath, source: _Source) -> Check | None:
    if not isinstance(rule, dict):
        source.flag("a rule must be a mapping with `alert` or `record` and `expr`", at)
        return None
    alert, record, expr = (_text(rule.get(k)) for k in ("alert", "record", "expr"))
    if (alert is None) == (record is None):
        source.flag("a rule needs exactly one of `alert` and `record`", at)
        return None
    if expr is None:
        source.flag(f'rule "{alert or record}" has no `expr`', at)
    duration = _text(rule.get("for"))
    if duration is not None and not _DURATION.match(duration):
        source.flag(f"`for: {duration}` is not a duration such as 10m or 1h30m", (*at, "for"))
    if alert is None:
        return Check(str(record), "record", None, None, None, None, None, None, source.at(at))
    return _prometheus_alert(rule, alert, expr or "", duration, (*at, "alert"), source)


def _prometheus_alert(
    rule: dict[str, Any], name: str, expr: str, duration: str | None, at: JsonPath, source: _Source
) -> Check:
    labels = _mapping(rule.get("labels"))
    annotations = _mapping(rule.get("annotations"))
    declared = labels.get("mlpolicy_check")
    if declared is not None and declared not in CATEGORIES:
        hint = schema.suggest(declared, CATEGORIES)
        source.flag(
            f'label mlpolicy_check "{declared}" is not one of {", ".join(CATEGORIES)}{hint}',
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


# -- Alertmanager configs --------------------------------------------------------------


def _read_alertmanager(source: _Source) -> MonitoringFile:
    raw_receivers = source.value.get("receivers")
    receivers: dict[str, bool] = {}
    for index, raw in enumerate(raw_receivers if isinstance(raw_receivers, list) else []):
        name = _text(raw.get("name")) if isinstance(raw, dict) else None
        if name is None:
            source.flag("a receiver needs a `name`", ("receivers", index))
            continue
        receivers[name] = any(k.endswith("_configs") and v for k, v in raw.items())
    raw_route = source.value.get("route")
    routing = None
    if not isinstance(raw_route, dict):
        source.flag("an Alertmanager config needs a `route` mapping", ("route",))
    else:
        root = _route_node(raw_route, ("route",), None, receivers, source)
        if root.receiver is None:
            source.flag("the root route needs a default `receiver`", ("route",))
        delivering = frozenset(name for name, delivers in receivers.items() if delivers)
        routing = Routing(root, delivering)
    return MonitoringFile(source.path, ALERTMANAGER, tuple(source.issues), routing=routing)


def _route_node(
    raw: dict[str, Any],
    at: JsonPath,
    inherited: str | None,
    known: dict[str, bool],
    source: _Source,
) -> Route:
    receiver = _text(raw.get("receiver"))
    if receiver is not None and receiver not in known:
        source.flag(f'route names undefined receiver "{receiver}"', (*at, "receiver"))
    matchers = _matchers(raw, at, source)
    children = raw.get("routes")
    routes = tuple(
        _route_node(child, (*at, "routes", i), receiver or inherited, known, source)
        for i, child in enumerate(children if isinstance(children, list) else [])
        if isinstance(child, dict)
    )
    return Route(receiver or inherited, matchers, routes, raw.get("continue") is True)


def _matchers(raw: dict[str, Any], at: JsonPath, source: _Source) -> tuple[Matcher, ...]:
    found = [Matcher(k, "=", v) for k, v in _mapping(raw.get("match")).items()]
    found += [Matcher(k, "=~", v) for k, v in _mapping(raw.get("match_re")).items()]
    items = raw.get("matchers")
    for index, item in enumerate(items if isinstance(items, list) else []):
        matcher = _matcher(_text(item) or "")
        if matcher is None:
            source.flag(
                f'{item!r} is not a label matcher such as team="ml"', (*at, "matchers", index)
            )
        else:
            found.append(matcher)
    for matcher in found:
        if matcher.op in ("=~", "!~") and not _compiles(matcher.value):
            source.flag(f"matcher regex {matcher.value!r} does not compile", at)
    return tuple(found)


def _matcher(text: str) -> Matcher | None:
    match = _MATCHER.match(text)
    if match is None:
        return None
    name, value = (_unquote(match[k]) for k in ("name", "value"))
    return Matcher(name, match["op"], value)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


_READERS: dict[str, Callable[[_Source], MonitoringFile]] = {
    MLPOLICY: _read_mlpolicy,
    PROMETHEUS: _read_prometheus,
    ALERTMANAGER: _read_alertmanager,
}
