"""Alertmanager configs: the routing tree, and which receivers an alert's labels reach."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlpolicy.artifacts.alerts import MonitoringFile, Source, mapping, short, text
from mlpolicy.yamlio import JsonPath

FORMAT = "alertmanager"
_MATCHER = re.compile(
    r'(?P<name>"(?:[^"\\]|\\.)*"|[^\s=!~"{}]+)\s*(?P<op>=~|!~|!=|=)\s*(?P<value>.*)', re.DOTALL
)
_REGEX_ERRORS = (re.error, RecursionError, OverflowError)
_OPERATORS = ("=", "!=", "=~", "!~")


@dataclass(frozen=True, slots=True)
class Matcher:
    """One label matcher (``team="risk-ml"``, ``severity=~"page|ticket"``)."""

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
        except _REGEX_ERRORS:
            return False
        return found == (self.op == "=~")


@dataclass(frozen=True, slots=True)
class Route:
    """A node of the routing tree; ``receiver`` is already inherited from its parents."""

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
    """A config's routing tree and the receivers that deliver somewhere."""

    root: Route
    delivering: frozenset[str]

    def receiver_for(self, labels: Mapping[str, str]) -> str | None:
        """The first delivering receiver an alert with ``labels`` reaches, if any."""
        # A receiver without integrations is Alertmanager's usual "blackhole": alerts
        # routed there reach nobody, so they are not routed.
        return next((r for r in self.root.receivers(labels) if r in self.delivering), None)


def read_config(source: Source, format: str = FORMAT) -> MonitoringFile:
    """The routing of an Alertmanager config, and what `amtool check-config` would reject.

    Also reads the ``spec`` of a Prometheus Operator ``AlertmanagerConfig`` (the source's
    prefix), whose fields are camelCase: ``slackConfigs``, matchers as ``{name, value,
    matchType}``. Its route is read as a root route: the operator scopes it to the
    resource's namespace, which mlpolicy cannot know, so every alert counts as matching.
    """
    config = source.part
    raw_receivers = config.get("receivers")
    receivers: dict[str, bool] = {}
    for index, raw in enumerate(raw_receivers if isinstance(raw_receivers, list) else []):
        name = text(raw.get("name")) if isinstance(raw, dict) else None
        if name is None:
            source.flag("a receiver needs a `name`", ("receivers", index))
            continue
        receivers[name] = any(_integration(str(k)) and v for k, v in raw.items())
    raw_route = config.get("route")
    routing = None
    if not isinstance(raw_route, dict):
        source.flag("an Alertmanager config needs a `route` mapping", ("route",))
    else:
        root = _route(raw_route, ("route",), None, receivers, source)
        if root.receiver is None:
            source.flag("the root route needs a default `receiver`", ("route",))
        routing = Routing(root, frozenset(name for name, yes in receivers.items() if yes))
    routings = () if routing is None else (routing,)
    return MonitoringFile(source.path, format, tuple(source.issues), routings=routings)


def _integration(key: str) -> bool:
    """True for a receiver's notification list: ``slack_configs``, or ``slackConfigs``."""
    return key.endswith(("_configs", "Configs"))


def _route(
    raw: dict[str, Any], at: JsonPath, inherited: str | None, known: dict[str, bool], source: Source
) -> Route:
    receiver = text(raw.get("receiver"))
    if receiver is not None and receiver not in known:
        source.flag(f"route names undefined receiver {short(receiver)}", (*at, "receiver"))
    children = raw.get("routes")
    routes = tuple(
        _route(child, (*at, "routes", i), receiver or inherited, known, source)
        for i, child in enumerate(children if isinstance(children, list) else [])
        if isinstance(child, dict)
    )
    keep_going = raw.get("continue") is True
    return Route(receiver or inherited, _matchers(raw, at, source), routes, keep_going)


def _matchers(raw: dict[str, Any], at: JsonPath, source: Source) -> tuple[Matcher, ...]:
    found = [Matcher(k, "=", v) for k, v in mapping(raw.get("match")).items()]
    found += [Matcher(k, "=~", v) for k, v in mapping(raw.get("match_re")).items()]
    items = raw.get("matchers")
    for index, item in enumerate(items if isinstance(items, list) else []):
        matcher = _resource_matcher(item) if isinstance(item, dict) else None
        matcher = matcher or parse_matcher(text(item) or "")
        if matcher is None:
            message = f'{short(item)} is not a label matcher such as team="ml"'
            source.flag(message, (*at, "matchers", index))
        else:
            found.append(matcher)
    for matcher in found:
        if matcher.op in ("=~", "!~") and not _compiles(matcher.value):
            source.flag(f"matcher regex {short(matcher.value)} does not compile", at)
    return tuple(found)


def _resource_matcher(item: dict[str, Any]) -> Matcher | None:
    """An ``AlertmanagerConfig`` matcher: ``{name, value, matchType}`` (or ``regex: true``)."""
    name, value, op = text(item.get("name")), item.get("value", ""), item.get("matchType")
    if op is None:
        op = "=~" if item.get("regex") is True else "="
    if name is None or op not in _OPERATORS or isinstance(value, (dict, list, bool)):
        return None
    return Matcher(name, str(op), "" if value is None else str(value))


def parse_matcher(written: str) -> Matcher | None:
    """A matcher written ``name="value"`` (or ``{name=~"re"}``, or with the value unquoted)."""
    written = written.strip()
    if written.startswith("{") and written.endswith("}"):
        written = written[1:-1].strip()
    match = _MATCHER.fullmatch(written)
    if match is None:
        return None
    return Matcher(_unquote(match["name"]), match["op"], _unquote(match["value"]))


def _unquote(written: str) -> str:
    if len(written) >= 2 and written[0] == written[-1] == '"':
        return re.sub(r"\\(.)", r"\1", written[1:-1], flags=re.DOTALL)
    return written


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except _REGEX_ERRORS:
        return False
    return True
