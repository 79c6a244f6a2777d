"""What the monitoring readers produce: checks and alerts, logging, one file's result."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlpolicy.findings import Location
from mlpolicy.yamlio import JsonPath, YamlDocument

if TYPE_CHECKING:
    from mlpolicy.artifacts.alertmanager import Routing

CATEGORIES = ("drift", "quality", "data", "latency", "errors", "traffic")

# SPEC section 5: words in an alert's name or expression that reveal what it watches,
# tried category by category in this order (a "request duration" alert is latency).
_CATEGORY_WORDS = (
    ("drift", frozenset({"drift", "psi", "distribution"})),
    ("quality", frozenset({"accuracy", "auc", "precision", "recall", "quality"})),
    ("latency", frozenset({"latency", "duration"})),
    ("errors", frozenset({"error", "5xx", "failure", "fail", "failed"})),
    ("traffic", frozenset({"absent", "traffic", "request"})),
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")  # AUCDropped
_NUMBER = r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_OPERATOR = r"(?:==|!=|>=|<=|>|<)"
# A comparison with a literal number on either side. Label matchers (`!="x"`, `=~"5.."`)
# never match, their right side being quoted; the lookbehind keeps a search linear.
_COMPARISON = re.compile(
    rf"{_OPERATOR}\s*(?:bool\s+)?(?P<right>{_NUMBER})(?![\w.:])"
    rf"|(?<![\w.:\]])(?P<left>{_NUMBER})\s*{_OPERATOR}"
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
class Issue:
    """Something malformed in a monitoring file, and where."""

    message: str
    location: Location


@dataclass(frozen=True, slots=True)
class MonitoringFile:
    """One file of a monitoring bundle, read: its format, defects and what it contributes."""

    path: str
    format: str
    issues: tuple[Issue, ...] = ()
    checks: tuple[Check, ...] = ()
    owner: str | None = None
    logging: Logging | None = None
    routings: tuple[Routing, ...] = ()
    unreadable: bool = False
    reason: str | None = None  # why a file in a monitoring location is not monitoring config
    parsed: bool = True  # False when (part of) it could not be parsed: coverage is unknown

    @property
    def status(self) -> str:
        if self.unreadable:
            return "unreadable"
        if self.issues:
            return "invalid"
        return "ok" if self.reason is None else "unrecognised"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an embedded document (a config inside a Kubernetes Secret) sits in its file.

    A literal block scalar keeps its lines, so a position inside it is shifted by
    ``lines`` and ``columns``; any other embedding (base64, a quoted string) cannot be
    mapped, and every position becomes ``anchor``, the key that holds the document.
    """

    anchor: Location
    lines: int | None = None
    columns: int = 0

    @classmethod
    def at(cls, path: str, line: int | None, column: int | None) -> Origin:
        """An embedding whose positions cannot be mapped: all of them are the key's."""
        return cls(Location(path, line, column))

    def place(self, line: int | None, column: int | None) -> Location:
        if self.lines is None or line is None:
            return self.anchor
        return Location(self.anchor.path, line + self.lines, (column or 1) + self.columns)

    def note(self, message: str, line: int | None) -> str:
        """``message``, saying where in the embedded file when that position is not mapped."""
        if self.lines is not None or line is None:
            return message
        return f"{message} (line {line} of the embedded file)"


class Source:
    """A loaded document and its path, collecting issues while a reader walks it."""

    def __init__(
        self,
        document: YamlDocument,
        path: str,
        prefix: JsonPath = (),
        origin: Origin | None = None,
    ) -> None:
        self.document = document
        self.value = document.value
        self.path = path
        self.prefix = prefix  # where the reader's part starts (`spec` of a resource)
        self.origin = origin
        self.issues: list[Issue] = []

    @property
    def part(self) -> Any:
        """The value under ``prefix``: what the reader reads."""
        value = self.value
        for key in self.prefix:
            value = value[key]
        return value

    def at(self, key: JsonPath) -> Location:
        """Where ``key`` (relative to ``prefix``) is written in the file."""
        line, column = self.document.position((*self.prefix, *key))
        if self.origin is not None:
            return self.origin.place(line, column)
        return Location(self.path, line, column)

    def flag(self, message: str, key: JsonPath) -> None:
        if self.origin is not None:
            message = self.origin.note(message, self.document.position((*self.prefix, *key))[0])
        self.issues.append(Issue(message, self.at(key)))


def text(value: Any) -> str | None:
    """A non-empty scalar as text (YAML may read `for: 10` or `team: 42` as numbers)."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return None
    return str(value).strip() or None


def number(value: Any) -> float | None:
    """A YAML number as a float (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer literal beyond float range
        return math.copysign(math.inf, value)


def mapping(value: Any) -> dict[str, str]:
    """A mapping of scalars (labels, annotations, `match:`) as text, other entries dropped."""
    if not isinstance(value, dict):
        return {}
    return {str(k): t for k, v in value.items() if (t := text(v)) is not None}


def short(value: Any) -> str:
    """A value quoted for a message, cut so a hostile file cannot flood the report."""
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def categorise(name: str, expression: str = "") -> str | None:
    """The coverage category words in ``name`` (first) or ``expression`` reveal, if any."""
    for source in (name, expression):
        spaced = _CAMEL.sub(" ", source).lower()
        words = {w.removesuffix("s") if len(w) > 3 else w for w in re.findall(r"[a-z0-9]+", spaced)}
        for category, keywords in _CATEGORY_WORDS:
            if words & keywords:
                return category
    return None


def threshold(expression: str) -> float | None:
    """The number a PromQL expression compares against, or None when it compares none."""
    match = _COMPARISON.search(expression)
    return None if match is None else float(match["right"] or match["left"])
