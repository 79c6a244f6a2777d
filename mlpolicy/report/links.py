"""Where reports send their readers: the project's home and each rule's documentation."""

from __future__ import annotations

HOME_URL = "https://github.com/mlpolicy/mlpolicy"
# One page per rule, generated from the rule's docstring (the text `mlpolicy explain` prints).
RULE_DOCS_URL = HOME_URL + "/blob/main/docs/rules/{rule}.md"


def rule_url(rule_id: str) -> str:
    """The documentation page of rule ``rule_id``."""
    return RULE_DOCS_URL.format(rule=rule_id)
