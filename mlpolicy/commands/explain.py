"""``mlpolicy explain RULE``: a rule's own documentation, found by id or name."""

from __future__ import annotations

import click

from mlpolicy.commands import EXIT_OK
from mlpolicy.errors import UsageError


@click.command(name="explain")
@click.argument("rule")
def command(rule: str) -> int:
    """Show a rule's documentation (id or name): what, why, an example, the fix."""
    click.echo(explain(rule), nl=False)
    return EXIT_OK


def explain(name: str) -> str:
    """The documentation page of the rule ``name`` (an id in any case, or a rule name)."""
    from mlpolicy.rules import ALL_RULES, RULES_BY_ID
    from mlpolicy.rules.docs import page
    from mlpolicy.schema import suggest

    key = name.strip()
    rule = RULES_BY_ID.get(key.upper()) or next((r for r in ALL_RULES if r.name == key), None)
    if rule is None:
        choices = [*RULES_BY_ID, *(r.name for r in ALL_RULES)]
        raise UsageError(f'no rule "{name}"{suggest(key, choices)}; `mlpolicy rules` lists them')
    return page(rule)
