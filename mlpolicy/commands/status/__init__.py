"""``mlpolicy status``: each project's requirements by phase, and what is missing to advance.

``readiness`` works out where each project stands; one module per output format renders it,
found through ``FORMATS`` (imported only when that format is asked for). The options are
parsed once into :class:`StatusSettings`; ``[tool.mlpolicy]`` may set ``policy`` and
``no-git``, below the command line and the environment, as for ``check``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlpolicy.commands import EXIT_OK, options
from mlpolicy.commands.options import color, given

if TYPE_CHECKING:
    from mlpolicy.commands.status.readiness import Status
    from mlpolicy.policy import Policy

Renderer = Callable[["Status", bool], str]

# format name -> module under mlpolicy.commands.status
FORMATS: dict[str, str] = {"text": "text", "json": "json_status", "markdown": "markdown"}
# the [tool.mlpolicy] keys status honours (its key, the option's parameter name)
PYPROJECT_KEYS = {"policy": "policy_path", "no_git": "no_git"}


@dataclass(frozen=True, slots=True)
class StatusSettings:
    """Everything one ``mlpolicy status`` was asked, from every source."""

    paths: tuple[Path, ...]
    use_git: bool
    forced_policy: Policy | None
    format: str
    color: bool


def renderer(name: str) -> Renderer:
    """The render function of status format ``name``, given readiness it can encode."""
    module = importlib.import_module(f"mlpolicy.commands.status.{FORMATS[name]}")
    from mlpolicy.report.escape import encodable

    render: Renderer = module.render
    return encodable(render)


def parse(params: Mapping[str, Any], trusted: Mapping[str, Any]) -> StatusSettings:
    """The settings of a status run: command line, environment, then ``[tool.mlpolicy]``."""
    from mlpolicy import trust
    from mlpolicy.settings import load_forced_policy

    paths = tuple(params["paths"]) or (Path(),)
    defaults = {key: params[name] for key, name in PYPROJECT_KEYS.items()}
    table = {k: v for k, v in trust.at_work_tree(paths).items() if k in PYPROJECT_KEYS}
    value = {**defaults, **table, **trusted}
    policy_path = Path(value["policy"]) if value["policy"] else None
    forced = load_forced_policy(policy_path) if policy_path else None
    shown = color(params["color"], None)
    return StatusSettings(paths, not value["no_git"], forced, params["format_"], shown)


def run(settings: StatusSettings) -> int:
    """Assess every project and print the readiness; 0 whatever it says."""
    from mlpolicy.commands.status import readiness

    status = readiness.assess(settings.paths, settings.use_git, settings.forced_policy)
    colored = settings.color and settings.format == "text"
    click.echo(renderer(settings.format)(status, colored), nl=False, color=settings.color)
    return EXIT_OK


@click.command(name="status")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "format_",
    type=click.Choice(tuple(FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@options.policy
@options.no_git
@click.option(
    "--color/--no-color", default=None, help="Colour the text output (default: on a terminal)."
)
def command(**params: Any) -> int:
    """Show where each project under PATHS stands and what is missing to advance.

    Every phase up to and including the next one is listed with its requirements, ticked
    or crossed, then exactly what blocks the next phase. It informs and never gates: the
    exit status is 0 whatever the readiness (`mlpolicy check` is the gate).
    """
    ctx = click.get_current_context()
    return run(parse(params, given(ctx, PYPROJECT_KEYS)))
