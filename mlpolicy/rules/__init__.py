"""The rule registry: the whole catalogue, with the implemented rules' checks and docs."""

from __future__ import annotations

from mlpolicy.rules import (
    change,
    design_doc,
    experiments,
    git,
    manifest,
    model_card,
    monitoring,
    paths,
    pipeline_lock,
    pipelines,
    staleness,
    stores,
    unreadable,
    validation,
    waivers,
)
from mlpolicy.rules.base import CATALOGUE_BY_ID, RUN, Rule

_MODULES = (
    manifest,
    paths,
    waivers,
    monitoring,
    experiments,
    design_doc,
    model_card,
    pipelines,
    validation,
    staleness,
    git,
    change,
    pipeline_lock,
    stores,
    unreadable,
)

IMPLEMENTED: dict[str, Rule] = {rule.id: rule for module in _MODULES for rule in module.RULES}
ALL_RULES: tuple[Rule, ...] = tuple(
    IMPLEMENTED.get(rule_id, rule) for rule_id, rule in CATALOGUE_BY_ID.items()
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}


def project_rules() -> tuple[Rule, ...]:
    """Implemented rules that check one project, in stage then id order."""
    rules = (rule for rule in ALL_RULES if rule.implemented and rule.stage != RUN)
    return tuple(sorted(rules, key=lambda rule: (rule.stage, rule.id)))
