"""The command line: a group that loads one subcommand's module, and maps errors to exit codes.

Importing this module must stay cheap (no jsonschema, no gitpython, no subcommand module):
``--help`` and ``--version`` run on every fresh shell of a pre-commit hook, and ``check``
should pay only for ``check``.
"""

from __future__ import annotations

import importlib
import sys

import click

from mlpolicy import __version__
from mlpolicy.commands import COMMAND_BY_NAME, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from mlpolicy.errors import MlpolicyError


class LazyGroup(click.Group):
    """A group whose subcommands are imported from ``mlpolicy.commands`` on first use.

    click's documented pattern for large CLIs: ``list_commands`` names them from the table,
    ``get_command`` imports only the one asked for.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every subcommand, sorted as click sorts its own."""
        return sorted({*super().list_commands(ctx), *COMMAND_BY_NAME})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The subcommand ``cmd_name``, importing its module now; None when there is none."""
        module_name = COMMAND_BY_NAME.get(cmd_name)
        if module_name is None:
            return super().get_command(ctx, cmd_name)
        module = importlib.import_module(f"mlpolicy.commands.{module_name}")
        command: click.Command = module.command
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="mlpolicy", message="%(prog)s %(version)s"
)
@click.option("--verbose", is_flag=True, help="Show a traceback when mlpolicy itself fails.")
def cli(verbose: bool) -> None:
    """mlpolicy: a merge gate for ML repositories.

    Each project declares its phase in mlpolicy.yaml; `mlpolicy check` verifies that
    every artifact the phase (and all earlier phases) requires exists, is committed,
    well-formed, filled in and fresh.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command and exit with SPEC section 8's codes."""
    args = sys.argv[1:] if argv is None else argv
    sys.exit(run(args))


def run(args: list[str]) -> int:
    """Run ``mlpolicy ARGS`` and return the exit code (0, 1, 2 or 3)."""
    try:
        code = cli.main(args, prog_name="mlpolicy", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except MlpolicyError as exc:
        from mlpolicy.report.escape import controls  # messages may quote repository text

        click.echo(f"mlpolicy: error: {controls(str(exc))}", err=True)
        return EXIT_USAGE
    except Exception as exc:  # the gate fails closed: never 0 or 1 on a crash
        if "--verbose" in args:
            import traceback  # only a crash pays for it

            traceback.print_exc()
        click.echo(
            f"mlpolicy: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in mlpolicy; rerun with --verbose for the traceback and report it.",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK
