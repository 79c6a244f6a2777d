"""The ``Rule`` value: a catalogue entry, and the check and doc when implemented."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.catalogue import CATALOGUE

Check = Callable[[Any], Iterable[Problem]]

# Stages run in order. RUN rules look at a whole PATH (discovery) rather than a project;
# then artifact rules, then rules about what the artifact rules touched (path escapes);
# then waivers are applied, then the waiver rules themselves (never waivable).
RUN, ARTIFACTS, PATHS, WAIVERS = -1, 0, 1, 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule of the catalogue; ``check`` is None until it is implemented."""

    id: str
    name: str
    default: Severity
    requirement: str | None
    summary: str
    check: Check | None = None
    doc: str = ""
    stage: int = ARTIFACTS

    @property
    def implemented(self) -> bool:
        return self.check is not None


CATALOGUE_BY_ID = {
    row[0]: Rule(id=row[0], name=row[1], default=row[2], requirement=row[3], summary=row[4])
    for row in CATALOGUE
}


def implement(rule_id: str, check: Check, stage: int = ARTIFACTS) -> Rule:
    """Attach ``check`` (its docstring is the rule's documentation) to entry ``rule_id``."""
    doc = inspect.cleandoc(check.__doc__ or "")
    if not doc:
        raise ValueError(f"{rule_id}: the check function needs a docstring (the rule's doc)")
    return replace(CATALOGUE_BY_ID[rule_id], check=check, doc=doc, stage=stage)
