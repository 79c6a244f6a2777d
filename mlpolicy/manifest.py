"""The project manifest (``mlpolicy.yaml``): load, validate, and hand out typed values."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlpolicy import safeio, schema, yamlio
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location, Problem
from mlpolicy.yamlio import JsonPath

NAMES = ("mlpolicy.yaml", "mlpolicy.yml")
ARTIFACT_KINDS = (
    "design_doc",
    "experiments",
    "pipelines",
    "pipeline_validation",
    "monitoring",
    "model_card",
)
MAX_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class QualityBar:
    """What "good enough for production" means: a metric, a direction and a threshold."""

    metric: str
    goal: str
    threshold: float

    def met_by(self, value: float) -> bool:
        return value >= self.threshold if self.goal == "maximize" else value <= self.threshold


@dataclass(frozen=True, slots=True)
class Waiver:
    """A time-limited, approved exception for one rule, optionally under one path."""

    rule: str
    reason: str
    expires: dt.date
    approved_by: str
    path: str | None
    location: Location


@dataclass(frozen=True, slots=True)
class Manifest:
    """A valid manifest, with the source position of each of its keys."""

    rel_path: str
    document: yamlio.YamlDocument
    phase: str
    project: str | None
    owners: tuple[str, ...]
    policy: str | None
    artifacts: Mapping[str, tuple[str, ...]]
    code_paths: tuple[str, ...]
    quality_bar: QualityBar | None
    waivers: tuple[Waiver, ...]

    def location(self, path: JsonPath = ()) -> Location:
        """Where ``path`` (a key path such as ``("artifacts", "design_doc")``) is written."""
        line, column = self.document.position(path)
        return Location(self.rel_path, line, column)


class ManifestError(Exception):
    """The manifest could not be loaded: ``rule`` is MLP002 (syntax) or MLP003 (schema)."""

    def __init__(self, rule: str, problems: tuple[Problem, ...]) -> None:
        super().__init__(problems[0].message)
        self.rule = rule
        self.problems = problems


def load(path: Path, rel_path: str) -> Manifest:
    """Read and validate ``path``; raise :class:`ManifestError` with every problem found."""
    try:
        data = safeio.read_bounded(path, MAX_BYTES)
    except safeio.FileProblem as exc:
        problem = Problem(f"the manifest {exc.reason}", Location(rel_path), exc.hint)
        raise ManifestError("MLP002", (problem,)) from None
    return parse(data, rel_path)


def parse(data: bytes, rel_path: str) -> Manifest:
    """Validate manifest bytes (a file, or its version at another commit)."""
    try:
        document = yamlio.load(yamlio.decode(data, MAX_BYTES))
    except DocumentError as exc:
        hint = _SYNTAX_HINT if exc.line is not None else _FILE_HINT
        problem = Problem(exc.message, Location(rel_path, exc.line, exc.column), hint)
        raise ManifestError("MLP002", (problem,)) from None
    problems = [
        Problem(e.message, Location(rel_path, *document.position(e.path)), _hint(e.message))
        for e in schema.validate("manifest", document.value)
    ]
    problems += _date_problems(document, rel_path)
    problems += _number_problems(document, rel_path, document.value, ())
    if problems:
        raise ManifestError("MLP003", tuple(problems))
    return _build(document, rel_path)


_SYNTAX_HINT = "Fix the YAML at that position; `mlpolicy schema manifest` shows the format."
_FILE_HINT = "A manifest is a short UTF-8 YAML text file; `mlpolicy init` writes one."


def _hint(message: str) -> str:
    if "did you mean" in message:
        return "Use the suggested name; `mlpolicy schema manifest` lists every key."
    return "See `mlpolicy schema manifest` for the expected format."


def _date_problems(document: yamlio.YamlDocument, rel_path: str) -> list[Problem]:
    problems = []
    value = document.value if isinstance(document.value, dict) else {}
    waivers = value.get("waivers")
    for index, waiver in enumerate(waivers if isinstance(waivers, list) else []):
        expires = waiver.get("expires") if isinstance(waiver, dict) else None
        if isinstance(expires, str) and _parse_date(expires) is None:
            where = Location(rel_path, *document.position(("waivers", index, "expires")))
            problems.append(Problem(f'"{expires}" is not a calendar date', where, _hint("")))
    return problems


def _number_problems(
    document: yamlio.YamlDocument, rel_path: str, value: object, path: JsonPath
) -> list[Problem]:
    """Numbers no comparison can use: infinities, and integers beyond a float's range."""
    if isinstance(value, dict):
        items: list[tuple[str | int, object]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return [_number_problem(document, rel_path, value, path)] if _unusable(value) else []
    return [
        p for key, item in items for p in _number_problems(document, rel_path, item, (*path, key))
    ]


def _unusable(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return not math.isfinite(float(value))
    except OverflowError:
        return True


def _number_problem(
    document: yamlio.YamlDocument, rel_path: str, value: object, path: JsonPath
) -> Problem:
    text = str(value) if isinstance(value, float) else f"a number of {len(str(value))} digits"
    where = Location(rel_path, *document.position(path))
    return Problem(f"{text} is not a finite number a comparison can use", where, _hint(""))


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _as_tuple(value: str | list[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _build(document: yamlio.YamlDocument, rel_path: str) -> Manifest:
    value = document.value
    bar = value.get("quality_bar")
    waivers = tuple(
        Waiver(
            rule=w["rule"],
            reason=w["reason"],
            expires=dt.date.fromisoformat(w["expires"]),
            approved_by=w["approved_by"],
            path=w.get("path"),
            location=Location(rel_path, *document.position(("waivers", i))),
        )
        for i, w in enumerate(value.get("waivers", []))
    )
    return Manifest(
        rel_path=rel_path,
        document=document,
        phase=value["phase"],
        project=value.get("project"),
        owners=tuple(value.get("owners", [])),
        policy=value.get("policy"),
        artifacts={k: _as_tuple(v) for k, v in value.get("artifacts", {}).items()},
        code_paths=_as_tuple(value.get("code_paths")),
        quality_bar=QualityBar(bar["metric"], bar["goal"], float(bar["threshold"]))
        if bar
        else None,
        waivers=waivers,
    )
