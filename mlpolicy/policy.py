"""The policy: phases in order, cumulative requirements and severities, document rules."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from mlpolicy import safeio, schema, yamlio
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Severity
from mlpolicy.patterns import MAX_TOTAL, cost, unsafe
from mlpolicy.yamlio import JsonPath

BUILTIN = "built-in"
_DEFAULT_FILE = Path(__file__).parent / "data" / "default-policy.yaml"
# The built-in policy as plain data, frozen from the YAML by `python -m mlpolicy.policy`.
_FROZEN_FILE = _DEFAULT_FILE.with_suffix(".json")
MAX_BYTES = yamlio.MAX_BYTES
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "note": Severity.NOTE}


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase: id, display name, goal, and what it adds to the earlier phases' requirements."""

    id: str
    name: str
    goal: str
    requires: Mapping[str, str]
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Section:
    """A required document section and the heading texts that count as it."""

    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """Sections, minimum words per section and placeholder patterns for a Markdown artifact."""

    min_words: int
    sections: tuple[Section, ...]
    placeholders: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded, validated policy."""

    source: str
    sha256: str
    phases: tuple[Phase, ...]
    rule_levels: Mapping[str, Mapping[str, str]]
    design_doc: DocumentSpec
    model_card: DocumentSpec
    waiver_warning_days: int
    # requirements() by phase, filled as asked; not part of the policy's value
    _requirements: dict[str, Mapping[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def phase_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.phases)

    def suggest_phase(self, word: str) -> str | None:
        """The phase id ``word`` most likely means (an alias, or a near spelling)."""
        import difflib

        lowered = word.strip().lower()
        for phase in self.phases:
            if lowered == phase.id or lowered in (a.lower() for a in phase.aliases):
                return phase.id
        close = difflib.get_close_matches(lowered, self.phase_ids, n=1, cutoff=0.6)
        return close[0] if close else None

    def index(self, phase: str) -> int:
        return self.phase_ids.index(phase)

    def requirements(self, phase: str) -> Mapping[str, str]:
        """Requirement -> level in force at ``phase``: its own and every earlier phase's.

        Asked for every rule of every project, so each phase's answer is worked out once.
        """
        known = self._requirements.get(phase)
        if known is None:
            levels: dict[str, str] = {}
            for candidate in self.phases[: self.index(phase) + 1]:
                levels.update(candidate.requires)
            in_force = {name: level for name, level in levels.items() if level != "off"}
            known = self._requirements[phase] = MappingProxyType(in_force)
        return known

    def severity(
        self, rule: str, requirement: str | None, phase: str | None, default: Severity
    ) -> Severity | None:
        """The severity of ``rule`` at ``phase``, or None when the policy does not ask for it.

        A rule that guards a requirement runs only where the requirement is in force; a
        per-rule override then beats the requirement's level.
        """
        level: str | None = None
        if requirement is not None and phase is not None:
            level = self.requirements(phase).get(requirement)
            if level is None:
                return None
        override = self.rule_levels.get(rule, {})
        level = override.get(phase or "", override.get("*", level))
        return default if level is None else _LEVELS.get(level)


def load(path: Path | None, source: str | None = None) -> Policy:
    """Load and validate a policy file (the built-in one when ``path`` is None).

    Raises :class:`DocumentError` with the line and column of the problem, and
    :class:`safeio.FileProblem` for a file that is not a regular file of at most
    ``MAX_BYTES`` (a FIFO or ``/dev/zero`` given as ``--policy`` must not hang the check).
    """
    data = safeio.read_bounded(path, MAX_BYTES) if path else _DEFAULT_FILE.read_bytes()
    return parse(data, source or (BUILTIN if path is None else str(path)))


def parse(data: bytes, source: str) -> Policy:
    """Validate policy bytes (a file, or its version at another commit)."""
    document = yamlio.load(data)
    for error in schema.validate("policy", document.value):
        raise DocumentError(error.message, *document.position(error.path))
    return _build(document.value, document.position, _digest(data), source)


@functools.cache
def builtin() -> Policy:
    """The built-in policy, loaded once per process.

    Parsing and validating its YAML costs a check more than anything else the policy does,
    so the frozen form is read instead when it was frozen from these very bytes; it is the
    YAML's data, validated when it was written (``tests/test_policy.py`` proves that both
    give the same policy). A frozen form that does not match falls back to the YAML.
    """
    data = _DEFAULT_FILE.read_bytes()
    digest = _digest(data)
    value = _frozen(digest)
    if value is None:
        return parse(data, BUILTIN)
    return _build(value, _nowhere, digest, BUILTIN, checked=False)


def builtin_document() -> dict[str, Any]:
    """The built-in policy as plain data (for ``init`` and documentation)."""
    data = _DEFAULT_FILE.read_bytes()
    frozen = _frozen(_digest(data))
    if frozen is not None:
        return frozen
    value: dict[str, Any] = yamlio.load(data).value
    return value


def freeze() -> str:
    """The frozen form of the built-in policy: its YAML's data as JSON, with the YAML's hash."""
    data = _DEFAULT_FILE.read_bytes()
    parse(data, BUILTIN)  # only a valid policy is frozen
    frozen = {
        "generated": "by `python -m mlpolicy.policy` from default-policy.yaml; do not edit",
        "yaml_sha256": _digest(data),
        "policy": yamlio.load(data).value,
    }
    return json.dumps(frozen, indent=2, ensure_ascii=False) + "\n"


def _frozen(digest: str) -> dict[str, Any] | None:
    """The frozen policy data when it was frozen from the YAML whose hash is ``digest``."""
    try:
        frozen = json.loads(_FROZEN_FILE.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(frozen, dict) or frozen.get("yaml_sha256") != digest:
        return None
    value = frozen.get("policy")
    return value if isinstance(value, dict) else None


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _nowhere(path: JsonPath) -> tuple[int | None, int | None]:
    return (None, None)


Position = Callable[[JsonPath], tuple[int | None, int | None]]


def _build(
    value: dict[str, Any], position: Position, digest: str, source: str, checked: bool = True
) -> Policy:
    """The policy from validated data; ``checked`` False skips the pattern checks (built-in)."""
    phases = tuple(
        Phase(
            p["id"],
            p.get("name", p["id"]),
            p.get("goal", ""),
            dict(p.get("requires", {})),
            tuple(p.get("aliases", ())),
        )
        for p in value["phases"]
    )
    ids = [p.id for p in phases]
    for index, phase_id in enumerate(ids):
        if ids.index(phase_id) != index:
            raise DocumentError(
                f'phase "{phase_id}" is listed twice', *position(("phases", index, "id"))
            )
    levels = {rule: _rule_levels(raw) for rule, raw in value.get("rules", {}).items()}
    for rule, by_phase in levels.items():
        for phase_id in by_phase:
            if phase_id != "*" and phase_id not in ids:
                raise DocumentError(
                    f'rule {rule} names unknown phase "{phase_id}"{schema.suggest(phase_id, ids)}',
                    *position(("rules", rule, phase_id)),
                )
    defaults = builtin_document() if source != BUILTIN else value
    return Policy(
        source=source,
        sha256=digest,
        phases=phases,
        rule_levels=levels,
        design_doc=_document_spec(value, position, "design_doc", defaults, checked),
        model_card=_document_spec(value, position, "model_card", defaults, checked),
        waiver_warning_days=value.get(
            "waiver_warning_days", defaults.get("waiver_warning_days", 14)
        ),
    )


# Repository patterns must match in linear time; mlpolicy.patterns says why and how.
_PATTERN_RULES = (
    "patterns may not nest repeats, repeat groups, use backreferences or lookarounds, and"
    " allow one unbounded repeat only after a leading literal it cannot match, such as"
    " '<fill in[^<>]*>'"
)


def _rule_levels(raw: str | dict[str, str]) -> dict[str, str]:
    return {"*": raw} if isinstance(raw, str) else dict(raw)


def _document_spec(
    value: dict[str, Any], position: Position, key: str, defaults: dict[str, Any], checked: bool
) -> DocumentSpec:
    """A document spec; keys the policy leaves out come from the built-in policy."""
    raw = {**defaults.get(key, {}), **value.get(key, {})}
    patterns = []
    total = 0
    for index, pattern in enumerate(raw.get("placeholders", [])):
        if checked:
            total += _pattern_cost(pattern, key, total, position((key, "placeholders", index)))
        patterns.append(re.compile(pattern, re.IGNORECASE))
    sections = tuple(Section(s["name"], tuple(s["aliases"])) for s in raw.get("sections", []))
    return DocumentSpec(int(raw.get("min_words", 0)), sections, tuple(patterns))


def _pattern_cost(pattern: str, key: str, total: int, where: tuple[int | None, int | None]) -> int:
    """``pattern``'s cost, when it is safe and keeps the ``key`` patterns' total in bounds."""
    reason = unsafe(pattern)
    if reason is not None:
        raise DocumentError(
            f"placeholder pattern {pattern!r} is not allowed: {reason} ({_PATTERN_RULES})",
            *where,
        )
    added = cost(pattern)
    if total + added > MAX_TOTAL:
        raise DocumentError(
            f"placeholder pattern {pattern!r} is not allowed: the {key} patterns' bounded"
            f" repeats add up to more than {MAX_TOTAL} ({_PATTERN_RULES})",
            *where,
        )
    return added


if __name__ == "__main__":
    _FROZEN_FILE.write_text(freeze(), encoding="utf-8")
