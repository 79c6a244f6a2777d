"""The values every part of mlpolicy passes around: severities, locations, findings, results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    """How bad a finding is; ordered ``note < warning < error``."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_RANKS = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the repository: a repo-relative ``/`` path, 1-based line and column if known."""

    path: str
    line: int | None = None
    column: int | None = None

    def sort_key(self) -> tuple[str, int, int]:
        return (self.path, self.line or 0, self.column or 0)

    def __str__(self) -> str:
        """``path:line:column``, as far as they are known (the form editors jump to)."""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}" + ("" if self.column is None else f":{self.column}")


@dataclass(frozen=True, slots=True)
class Problem:
    """What a rule reports: what is wrong and where, before the engine judges it.

    ``requirement`` lets a rule that guards several requirements (MLP501, say) take
    its severity from the one this problem belongs to.
    """

    message: str
    location: Location | None = None
    hint: str | None = None
    requirement: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem judged by the engine: rule id and name, severity, and whether it is waived."""

    rule: str
    name: str
    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None
    waived: bool = False

    def sort_key(self) -> tuple[str, int, int, str, str]:
        path, line, column = self.location.sort_key() if self.location else ("", 0, 0)
        return (path, line, column, self.rule, self.message)


@dataclass(frozen=True, slots=True)
class Artifact:
    """An artifact the checker looked for: kind, path, format and status."""

    kind: str
    path: str
    format: str
    status: str  # ok | missing | invalid | stale | not-present | unreadable | unrecognised


@dataclass(frozen=True, slots=True)
class ProjectResult:
    """Everything the check concluded about one project (one manifest)."""

    root: str
    manifest: str
    phase: str | None
    base_phase: str | None
    policy_source: str
    policy_sha256: str | None
    artifacts: tuple[Artifact, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class BaseInfo:
    """The pull-request base the check compared against."""

    ref: str
    commit: str | None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The outcome of one ``mlpolicy check`` run, the input of every report format."""

    projects: tuple[ProjectResult, ...]
    findings: tuple[Finding, ...] = ()
    base: BaseInfo | None = None
    fail_on: Severity | None = Severity.ERROR
    notes: tuple[str, ...] = field(default=())

    def all_findings(self) -> tuple[Finding, ...]:
        return self.findings + tuple(f for p in self.projects for f in p.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.all_findings() if f.severity is severity and not f.waived)

    @property
    def waived(self) -> int:
        return sum(1 for f in self.all_findings() if f.waived)

    @property
    def passed(self) -> bool:
        if self.fail_on is None:
            return True
        return not any(f.severity >= self.fail_on for f in self.all_findings() if not f.waived)
