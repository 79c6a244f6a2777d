"""The ``Rule`` value: one rule's id, name, default severity, requirement, summary, check, doc."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mlpolicy.findings import Problem, Severity

Check = Callable[[Any], Iterable[Problem]]

# When a rule judges. RUN rules look at a whole PATH (discovery) rather than a project;
# PROJECT rules judge a project's frozen facts (after the Read and Ask-git stages); then
# waivers are applied, then the WAIVERS rules judge the waivers themselves (never waivable).
RUN, PROJECT, WAIVERS = -1, 0, 1


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule: its stable id and kebab-case name, its check, and the check's doc."""

    id: str
    name: str
    default: Severity
    requirement: str | None
    summary: str
    check: Check | None = None
    doc: str = ""
    stage: int = PROJECT

    @property
    def implemented(self) -> bool:
        return self.check is not None


def build_rule(
    rule_id: str,
    name: str,
    default: Severity,
    requirement: str | None,
    summary: str,
    check: Check,
    stage: int = PROJECT,
) -> Rule:
    """The rule ``rule_id``; the docstring of ``check`` is its documentation.

    ``requirement`` is the policy requirement the rule guards (None: always checked), and
    must match the rule's entry in :mod:`mlpolicy.rules.index` (a test checks it).
    """
    doc = inspect.cleandoc(check.__doc__ or "")
    if not doc:
        raise ValueError(f"{rule_id}: the check function needs a docstring (the rule's doc)")
    return Rule(rule_id, name, default, requirement, summary, check, doc, stage)
