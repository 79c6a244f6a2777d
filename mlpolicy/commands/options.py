"""What several commands share: options, which option values the workflow gave, and colour."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource

_TRUSTED = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)

# Options that mean the same for `check` and `status`.
policy = click.option(
    "--policy",
    "policy_path",
    type=click.Path(path_type=Path),
    envvar="MLPOLICY_POLICY",
    help="Use this policy file instead of the manifests' and the built-in one.",
)
no_git = click.option(
    "--no-git", is_flag=True, envvar="MLPOLICY_NO_GIT", help="Skip git-based rules."
)


def given(ctx: click.Context, names: Mapping[str, str]) -> dict[str, Any]:
    """The settings the command line or the environment gave: trusted, and above pyproject.

    ``names`` maps each ``[tool.mlpolicy]`` key to its option's parameter name; an empty
    value counts as not given.
    """
    found = {}
    for key, name in names.items():
        if ctx.get_parameter_source(name) in _TRUSTED and ctx.params[name] not in (None, ""):
            found[key] = ctx.params[name]
    return found


def color(flag: bool | None, output: Path | None) -> bool:
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
