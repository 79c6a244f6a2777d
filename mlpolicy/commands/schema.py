"""``mlpolicy schema NAME``: print a bundled JSON Schema, or an example record."""

from __future__ import annotations

import click

from mlpolicy.commands import EXIT_OK
from mlpolicy.errors import UsageError


@click.command(name="schema")
@click.argument("name")
@click.option("--example", is_flag=True, help="Print one valid record instead (runlog).")
def command(name: str, example: bool) -> int:
    """Print a bundled JSON Schema (manifest, policy, report, ...)."""
    from mlpolicy import schema

    if example:
        from mlpolicy import runlog

        if name != "runlog":
            schema.text(name)  # an unknown name is reported as such
            raise UsageError(f'--example: no example for "{name}"; there is one for: runlog')
        click.echo(runlog.example())
        return EXIT_OK
    click.echo(schema.text(name), nl=False)
    return EXIT_OK
