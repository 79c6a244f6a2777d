"""``mlpolicy check``: the gate. Its options become one :class:`CheckSettings`, then it runs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlpolicy.commands import EXIT_FINDINGS, EXIT_OK, options
from mlpolicy.commands.check_settings import PYPROJECT_KEYS, CheckSettings, Target, parse
from mlpolicy.commands.options import given
from mlpolicy.report import REPORTER_BY_NAME

if TYPE_CHECKING:
    from mlpolicy.findings import CheckResult


@click.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(tuple(REPORTER_BY_NAME)),
    default="text",
    envvar="MLPOLICY_FORMAT",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to FILE instead of standard output.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="FORMAT=FILE",
    help="Also write a report in FORMAT to FILE (repeatable).",
)
@click.option("--phase", envvar="MLPOLICY_PHASE", help="Check as if every project were at PHASE.")
@click.option(
    "--select",
    envvar="MLPOLICY_SELECT",
    metavar="RULES",
    help="Only these rules: comma list of ids or prefixes (MLP2,MLP305).",
)
@click.option(
    "--ignore",
    envvar="MLPOLICY_IGNORE",
    metavar="RULES",
    help="Skip these rules: comma list of ids or prefixes.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default="error",
    envvar="MLPOLICY_FAIL_ON",
    show_default=True,
    help="Lowest severity that makes the check fail (exit 1).",
)
@options.policy
@options.no_git
@click.option(
    "--base",
    metavar="REF",
    envvar="MLPOLICY_BASE",
    help="Pull-request mode: compare with the merge base of HEAD and REF; policy, waivers"
    " and quality bar come from there.",
)
@click.option(
    "--changed-only",
    is_flag=True,
    envvar="MLPOLICY_CHANGED_ONLY",
    help="With --base: report only the projects the change touches.",
)
@click.option("--github-base-ref", envvar="GITHUB_BASE_REF", hidden=True)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text report (default: on a terminal, or when FORCE_COLOR is set;"
    " never when NO_COLOR is set).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print only the findings (text format): no summary, and nothing on a clean pass.",
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    envvar="MLPOLICY_TODAY",
    hidden=True,
    help="Judge waiver dates as of this day (for reproducible reports).",
)
def command(**params: Any) -> int:
    """Check the projects under PATHS (default: the current directory).

    In a GitHub Actions pull request (GITHUB_BASE_REF set) the base defaults to HEAD^1,
    the base side of the merge commit actions/checkout makes (fetch-depth: 2 or more).
    """
    ctx = click.get_current_context()
    return run(parse(params, given(ctx, PYPROJECT_KEYS)))


def run(settings: CheckSettings) -> int:
    """Run the engine, write every report, return 0 (passed) or 1."""
    from mlpolicy import engine

    result = engine.check(settings.paths, settings.engine, settings.forced_policy)
    for target in settings.targets:
        if settings.quiet and target.format == "text" and target.path is None:
            _echo_quiet(result, settings.color)
            continue
        _write(result, target, settings.color and target.path is None, settings.roots)
    return EXIT_OK if result.passed else EXIT_FINDINGS


def _echo_quiet(result: CheckResult, color: bool) -> None:
    """``--quiet`` changes only the text printed to a terminal or log, never a report file."""
    from mlpolicy.report import text

    click.echo(text.render_quiet(result, color), nl=False, color=color)


def _write(result: CheckResult, target: Target, color: bool, roots: frozenset[Path]) -> None:
    from mlpolicy.report import renderer

    text = renderer(target.format)(result, color)
    if target.path is None:
        click.echo(text, nl=False, color=color)  # click strips ANSI codes unless told
        return
    from mlpolicy.report import destination

    destination.write(target.path, text, roots)
