"""The command line: parse options, call one function per command, map errors to exit codes.

Importing this module must stay cheap (no jsonschema, no gitpython): ``--help`` and
``--version`` run on every fresh shell of a pre-commit hook.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from mlpolicy import __version__
from mlpolicy.errors import MlpolicyError, UsageError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMAT_NAMES = ("text", "json", "sarif", "github", "markdown", "junit")
PYPROJECT_KEYS = (
    "format",
    "fail_on",
    "select",
    "ignore",
    "policy",
    "no_git",
    "phase",
    "output",
    "base",
    "changed_only",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMAT_NAMES),
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
@click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path),
    envvar="MLPOLICY_POLICY",
    help="Use this policy file instead of the manifests' and the built-in one.",
)
@click.option("--no-git", is_flag=True, envvar="MLPOLICY_NO_GIT", help="Skip git-based rules.")
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
    "--color/--no-color", default=None, help="Colour the text report (default: on a terminal)."
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    envvar="MLPOLICY_TODAY",
    hidden=True,
    help="Judge waiver dates as of this day (for reproducible reports).",
)
def check(
    paths: tuple[Path, ...],
    format_: str,
    output: Path | None,
    reports: tuple[str, ...],
    phase: str | None,
    select: str | None,
    ignore: str | None,
    fail_on: str,
    policy_path: Path | None,
    no_git: bool,
    base: str | None,
    changed_only: bool,
    github_base_ref: str | None,
    color: bool | None,
    today: dt.datetime | None,
) -> int:
    """Check the projects under PATHS (default: the current directory).

    In a GitHub Actions pull request (GITHUB_BASE_REF set) the base defaults to HEAD^1,
    the base side of the merge commit actions/checkout makes (fetch-depth: 2 or more).
    """
    from mlpolicy import commands

    return commands.check(
        paths=paths or (Path(),),
        format_name=format_,
        output=output,
        reports=reports,
        phase=phase,
        select=select,
        ignore=ignore,
        fail_on=fail_on,
        policy_path=policy_path,
        use_git=not no_git,
        base=base or None,
        changed_only=changed_only,
        github_base_ref=github_base_ref or None,
        color=_color(color, output),
        today=today.date() if today else None,
    )


@cli.command()
@click.option(
    "--format", "format_", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules(format_: str) -> int:
    """List every rule of the catalogue."""
    from mlpolicy import commands

    click.echo(commands.rules(format_), nl=False)
    return EXIT_OK


@cli.command()
@click.argument("rule")
def explain(rule: str) -> int:
    """Show a rule's documentation (id or name): what, why, an example, the fix."""
    from mlpolicy import commands

    click.echo(commands.explain(rule), nl=False)
    return EXIT_OK


@cli.command(name="schema")
@click.argument("name")
@click.option("--example", is_flag=True, help="Print one valid record instead (runlog).")
def schema_command(name: str, example: bool) -> int:
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


@cli.command(name="init")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--phase", help="The phase to declare (default: the policy's first).")
def init_command(path: Path, phase: str | None) -> int:
    """Write mlpolicy.yaml and templates for the artifacts PHASE requires; never overwrites.

    The templates hold `<fill in ...>` placeholders, which `mlpolicy check` reports until
    they are replaced with the project's own content.
    """
    from mlpolicy import init

    outcome = init.init(path, phase)
    for written in outcome.written:
        click.echo(f"wrote {written}")
    for skipped in outcome.skipped:
        click.echo(f"skipped {skipped} (it exists)")
    return EXIT_OK


@cli.command(name="advance")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--to", "target", help="The phase to move to (default: the next one).")
def advance_command(path: Path, target: str | None) -> int:
    """Move the project at PATH to its next phase if that phase's requirements pass.

    Only the `phase:` value of mlpolicy.yaml is rewritten; comments and formatting stay.
    Exit status 1 (and the findings) when it refuses.
    """
    from mlpolicy import advance
    from mlpolicy.report import text

    outcome = advance.advance(path, target)
    if outcome.moved:
        click.echo(f"{outcome.manifest}: phase {outcome.current} -> {outcome.target}")
        return EXIT_OK
    click.echo(text.render(outcome.check, False), nl=False)
    click.echo(
        f"{outcome.manifest}: stays at {outcome.current}: the findings above block {outcome.target}"
    )
    return EXIT_FINDINGS


@cli.command(name="attest")
@click.argument(
    "pipelines",
    nargs=-1,
    required=True,
    metavar="PIPELINE...",
    type=click.Path(exists=True, path_type=Path),
)
@click.option(
    "--junit",
    "junit_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JUnit XML report of the pipeline's tests.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the record to FILE (default: reports/pipeline-validation.json).",
)
def attest_command(pipelines: tuple[Path, ...], junit_path: Path, output: Path | None) -> int:
    """Record that PIPELINE files (or directories) were validated by the tests in --junit.

    The record (schemas/validation.schema.json) holds the SHA-256 of every PIPELINE file,
    so `mlpolicy check` reports it stale (MLP305) once any of them changes. Its paths are
    relative to the directory of the project's mlpolicy.yaml. It passes only when no test
    failed or errored and at least one test ran.

    \b
    Exit status: 0 the record was written and passed; 1 it was written and failed;
    2 it could not be written (missing or unreadable JUnit report, bad path).
    """
    from mlpolicy import attest

    outcome = attest.attest(pipelines, junit_path, output, Path.cwd())
    verdict = "passed" if outcome.passed else "failed"
    click.echo(f"{outcome.output}: pipeline validation {verdict} ({outcome.summary})")
    return EXIT_OK if outcome.passed else EXIT_FINDINGS


@cli.command(name="log")
@click.option("--experiment", required=True, help="The experiment (or model) the run belongs to.")
@click.option("--param", "params", multiple=True, metavar="K=V", help="A parameter (repeatable).")
@click.option("--metric", "metrics", multiple=True, metavar="K=V", help="A metric (repeatable).")
@click.option(
    "--status",
    type=click.Choice(["running", "finished", "failed", "killed"]),
    default="finished",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append to FILE (default: experiments/runs.jsonl of the project).",
)
@click.option("--run-id", help="The run's id (default: a random UUID).")
@click.option("--started-at", help="RFC 3339 start time with offset (default: now, UTC).")
def log_command(
    experiment: str,
    params: tuple[str, ...],
    metrics: tuple[str, ...],
    status: str,
    output: Path | None,
    run_id: str | None,
    started_at: str | None,
) -> int:
    """Append one run record (mlpolicy.runlog/v1) to the project's experiment log.

    The run id, start time, commit (HEAD) and dirty flag are filled in. Parameter values
    are read as JSON scalars where they are one (lr=0.01 is a number, model=xgb a
    string); metric values must be numbers. Commit the file afterwards.
    """
    from mlpolicy import log

    logged = log.log(experiment, params, metrics, status, output, run_id, started_at)
    for line in log.summary(logged, Path.cwd()):
        click.echo(line)
    return EXIT_OK


@cli.group()
def hooks() -> None:
    """Plain git hooks, for teams that do not use the pre-commit framework."""


@hooks.command(name="install")
@click.option("--force", is_flag=True, help="Replace existing hooks that differ from mlpolicy's.")
def hooks_install(force: bool) -> int:
    """Copy the pre-commit and pre-push hooks into this repository's hooks directory."""
    from mlpolicy import hooks as hooks_module

    for outcome in hooks_module.install(Path(), force):
        click.echo(outcome.describe())
    return EXIT_OK


def _color(flag: bool | None, output: Path | None) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or output is not None:
        return False
    return sys.stdout.isatty()


def _default_map() -> dict[str, Any]:
    """``[tool.mlpolicy]`` as click defaults: below command line and environment."""
    from mlpolicy.schema import suggest
    from mlpolicy.settings import pyproject_defaults

    table = pyproject_defaults(Path.cwd())
    for key in table:
        if key not in PYPROJECT_KEYS:
            raise UsageError(f"[tool.mlpolicy]: unknown key {key!r}{suggest(key, PYPROJECT_KEYS)}")
    defaults = {
        ("format_" if k == "format" else "policy_path" if k == "policy" else k): v
        for k, v in table.items()
    }
    for key in ("select", "ignore"):
        if isinstance(defaults.get(key), list):
            defaults[key] = ",".join(map(str, defaults[key]))
    return {"check": defaults} if defaults else {}


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command and exit with SPEC section 8's codes."""
    args = sys.argv[1:] if argv is None else argv
    sys.exit(run(args))


def run(args: list[str]) -> int:
    """Run ``mlpolicy ARGS`` and return the exit code (0, 1, 2 or 3)."""
    try:
        # Only `check` reads [tool.mlpolicy]: a broken pyproject.toml must not stop
        # `--version`, `--help` or `explain`, and they need not pay for reading it.
        command = next((arg for arg in args if not arg.startswith("-")), None)
        defaults = _default_map() if command == "check" else {}
        code = cli.main(args, prog_name="mlpolicy", standalone_mode=False, default_map=defaults)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except MlpolicyError as exc:
        click.echo(f"mlpolicy: error: {exc}", err=True)
        return EXIT_USAGE
    except Exception as exc:  # the gate fails closed: never 0 or 1 on a crash
        if "--verbose" in args:
            traceback.print_exc()
        click.echo(
            f"mlpolicy: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in mlpolicy; rerun with --verbose for the traceback and report it.",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK
