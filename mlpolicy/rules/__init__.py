"""The rule registry: every rule, found through the static index and imported only when used.

``rule(id)`` imports the one module that defines the rule; ``ALL_RULES`` and ``RULES_BY_ID``
(for listings, docs and the SARIF rule table) import them all, on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from mlpolicy.rules.index import RULE_INDEX

if TYPE_CHECKING:
    from mlpolicy.rules.base import Rule

ALL_RULES: tuple[Rule, ...]
RULES_BY_ID: dict[str, Rule]


@cache
def _module_rules(module: str) -> dict[str, Rule]:
    """The rules the family module ``module`` defines, by id."""
    loaded = importlib.import_module(f"mlpolicy.rules.{module}")
    defined: tuple[Rule, ...] = loaded.RULES
    return {r.id: r for r in defined}


def rule(rule_id: str) -> Rule:
    """The rule ``rule_id``, importing only the module that defines it."""
    module, _ = RULE_INDEX[rule_id]
    return _module_rules(module)[rule_id]


def rules(ids: Iterable[str]) -> tuple[Rule, ...]:
    """The rules ``ids``, in the order given."""
    return tuple(rule(rule_id) for rule_id in ids)


@cache
def _every_rule() -> tuple[Rule, ...]:
    return rules(RULE_INDEX)


def __getattr__(name: str) -> Any:
    """``ALL_RULES`` and ``RULES_BY_ID``, built (importing every rule module) on first use."""
    if name == "ALL_RULES":
        return _every_rule()
    if name == "RULES_BY_ID":
        return {r.id: r for r in _every_rule()}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
