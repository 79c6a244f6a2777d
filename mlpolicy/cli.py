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
from mlpolicy.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMAT_NAMES = tuple(FORMATS)
# `check` options that [tool.mlpolicy] may also set (its key, the option's parameter name).
# Report destinations are not among them: only the command line names where a report goes.
PYPROJECT_KEYS = {
    "format": "format_",
    "fail_on": "fail_on",
    "select": "select",
    "ignore": "ignore",
    "policy": "policy_path",
    "no_git": "no_git",
    "phase": "phase",
    "base": "base",
    "changed_only": "changed_only",
}


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
    quiet: bool,
    today: dt.datetime | None,
) -> int:
    """Check the projects under PATHS (default: the current directory).

    In a GitHub Actions pull request (GITHUB_BASE_REF set) the base defaults to HEAD^1,
    the base side of the merge commit actions/checkout makes (fetch-depth: 2 or more).
    """
    from mlpolicy import commands, trust

    paths = paths or (Path(),)
    given = _given(click.get_current_context())
    sourced = trust.resolve(paths, given, github_base_ref or None)
    value = {**sourced.values, **given}.get
    select_value, ignore_value = value("select"), value("ignore")
    return commands.check(
        paths=paths,
        format_name=value("format", format_),
        output=output,
        reports=reports,
        phase=value("phase", phase),
        select=",".join(select_value) if isinstance(select_value, list) else select_value,
        ignore=",".join(ignore_value) if isinstance(ignore_value, list) else ignore_value,
        fail_on=value("fail_on", fail_on),
        policy_path=Path(policy) if (policy := value("policy")) else None,
        use_git=not value("no_git", no_git),
        base=given.get("base") or sourced.base,
        changed_only=value("changed_only", changed_only),
        github_base_ref=github_base_ref or None,
        color=_color(color, output),
        today=today.date() if today else None,
        quiet=quiet,
        notes=sourced.notes,
        changes=sourced.changes,
        policy_data=sourced.policy_data,
    )


def _given(ctx: click.Context) -> dict[str, Any]:
    """The settings the command line or the environment gave: trusted, and above pyproject."""
    from click.core import ParameterSource

    trusted = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    given = {}
    for key, name in PYPROJECT_KEYS.items():
        if ctx.get_parameter_source(name) in trusted and ctx.params[name] not in (None, ""):
            given[key] = ctx.params[name]
    return given


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
    they are replaced with the project's own content. It ends with numbered next steps,
    each command runnable as printed, that lead to a passing check.
    """
    from mlpolicy import init

    outcome = init.init(path, phase)
    for written in outcome.written:
        click.echo(f"wrote {written}")
    for skipped in outcome.skipped:
        click.echo(f"skipped {skipped} (it exists)")
    click.echo("\nNext steps:")
    for number, step in enumerate(outcome.steps, 1):
        click.echo(f"  {number}. {step}")
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
    click.echo(
        f"{outcome.manifest}: at {outcome.current}; checking the requirements of"
        f" {outcome.target} (everything up to and including it)"
    )
    if outcome.moved:
        click.echo(f"{outcome.manifest}: phase {outcome.current} -> {outcome.target}")
        return EXIT_OK
    click.echo(text.render(outcome.as_checked(), False), nl=False)
    click.echo(
        f"{outcome.manifest}: stays at {outcome.current}: {outcome.target} requires what the"
        f" findings above say is missing (`mlpolicy status` lists it by phase)"
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


@cli.command(name="status")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format.",
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
    "--color/--no-color", default=None, help="Colour the text output (default: on a terminal)."
)
def status_command(
    paths: tuple[Path, ...],
    format_: str,
    policy_path: Path | None,
    no_git: bool,
    color: bool | None,
) -> int:
    """Show where each project under PATHS stands and what is missing to advance.

    Every phase up to and including the next one is listed with its requirements, ticked
    or crossed, then exactly what blocks the next phase. It informs and never gates: the
    exit status is 0 whatever the readiness (`mlpolicy check` is the gate).
    """
    from mlpolicy import status
    from mlpolicy.commands import load_forced_policy

    forced = load_forced_policy(policy_path) if policy_path else None
    readiness = status.readiness.assess(paths or (Path(),), not no_git, forced)
    text = status.renderer(format_)(readiness, _color(color, None) and format_ == "text")
    click.echo(text, nl=False, color=_color(color, None))
    return EXIT_OK


@cli.command(name="export")
@click.option(
    "--from",
    "tool",
    required=True,
    type=click.Choice(("mlflow", "dvclive", "wandb")),
    help="The tracker that wrote STORE.",
)
@click.argument("store", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the records to FILE (default: standard output).",
)
@click.option("--experiment", metavar="NAME", help="Only runs of experiment NAME.")
@click.option("--finished-only", is_flag=True, help="Only finished runs.")
def export_command(
    tool: str, store: Path, output: Path | None, experiment: str | None, finished_only: bool
) -> int:
    """Write the runs of a local tracker STORE as mlpolicy.runlog/v1 JSONL.

    STORE is an MLflow mlflow.db or mlruns/ folder, a dvclive/ folder, or a wandb/ folder
    (or one wandb/run-* folder). Runs whose run_id FILE already holds are not written
    again. Commit FILE: it is the evidence `mlpolicy check` reads.

    \b
    Exit status: 0 exported (possibly nothing new); 2 STORE could not be read.
    """
    from mlpolicy import export

    request = export.Request(tool, store, output, experiment, finished_only)
    outcome = export.export(request)
    if output is None and outcome.lines:
        click.echo("\n".join(outcome.lines))
    for note in outcome.notes:
        click.echo(f"mlpolicy: note: {note}", err=True)
    click.echo(outcome.summary(request), err=True)
    return EXIT_OK


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
    """Colour or not: the flag, then NO_COLOR, then FORCE_COLOR, then "is it a terminal".

    As no-color.org and force-color.org say, only a non-empty value counts; NO_COLOR wins
    over FORCE_COLOR (as in CPython's own REPL and tracebacks), and --color/--no-color over
    both (as ruff's --color does).
    """
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR") or output is not None:
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


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
            traceback.print_exc()
        click.echo(
            f"mlpolicy: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in mlpolicy; rerun with --verbose for the traceback and report it.",
            err=True,
        )
        return EXIT_INTERNAL
    return code if isinstance(code, int) else EXIT_OK
