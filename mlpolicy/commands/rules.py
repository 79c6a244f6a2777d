"""``mlpolicy rules``: the catalogue, one line per rule or as JSON."""

from __future__ import annotations

import json

import click

from mlpolicy.commands import EXIT_OK


@click.command(name="rules")
@click.option(
    "--format", "format_", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def command(format_: str) -> int:
    """List every rule of the catalogue."""
    click.echo(render(format_), nl=False)
    return EXIT_OK


def render(format_name: str) -> str:
    """The catalogue as text or JSON."""
    from mlpolicy.rules import ALL_RULES

    if format_name == "json":
        rows = [
            {
                "id": r.id,
                "name": r.name,
                "summary": r.summary,
                "default_severity": r.default.value,
                "requirement": r.requirement,
                "implemented": r.implemented,
            }
            for r in ALL_RULES
        ]
        return json.dumps(rows, indent=2) + "\n"
    lines = []
    for r in ALL_RULES:
        status = "" if r.implemented else "  (not implemented yet)"
        lines.append(f"{r.id}  {r.name:<30} {r.default.value:<8} {r.summary}{status}")
    return "\n".join(lines) + "\n"
