"""``check``'s options parsed once: command line, environment, ``[tool.mlpolicy]``, one value.

Precedence (SPEC section 8): command line, then environment, then ``[tool.mlpolicy]``, then
the option's default. Which ``[tool.mlpolicy]`` applies, and when, is ``mlpolicy.trust``'s
decision (SPEC section 12); everything the run needs afterwards is in :class:`CheckSettings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlpolicy.commands.options import color
from mlpolicy.errors import UsageError
from mlpolicy.report import REPORTER_BY_NAME

if TYPE_CHECKING:
    from mlpolicy.policy import Policy
    from mlpolicy.settings import Settings
    from mlpolicy.trust import Sourced

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


@dataclass(frozen=True, slots=True)
class Target:
    """One report: its format, and its file (None: standard output)."""

    format: str
    path: Path | None


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """Everything one ``mlpolicy check`` was asked, from every source, checked for sense."""

    paths: tuple[Path, ...]
    engine: Settings
    forced_policy: Policy | None  # --policy (or [tool.mlpolicy] policy), loaded
    targets: tuple[Target, ...]  # --format/--output first, then each --report
    roots: frozenset[Path]  # the checked folders' roots: no report goes into their git
    color: bool
    quiet: bool


def parse(params: Mapping[str, Any], given: Mapping[str, Any]) -> CheckSettings:
    """The settings of a check from click's ``params`` and the ``given`` (trusted) keys.

    Raises :class:`UsageError` for anything that cannot run as asked, before anything runs.
    """
    from mlpolicy import trust
    from mlpolicy.project import Repository
    from mlpolicy.settings import load_forced_policy

    paths = tuple(params["paths"]) or (Path(),)
    github_base_ref = params["github_base_ref"] or None
    sourced = trust.resolve(paths, given, github_base_ref)
    value = {
        **{key: params[name] for key, name in PYPROJECT_KEYS.items()},
        **sourced.values,
        **given,
    }
    use_git, base = not value["no_git"], given.get("base") or sourced.base
    if base and not use_git:
        raise UsageError("--base compares git history; it cannot be used with --no-git")
    if value["changed_only"] and not (base or (github_base_ref and use_git)):
        raise UsageError("--changed-only needs --base: the change is what is compared with it")
    targets = (
        Target(value["format"], params["output"]),
        *(_report_target(spec) for spec in params["reports"]),
    )
    roots = frozenset(Repository.containing(path, use_git=False).root for path in paths)
    _check_destinations(targets, roots)
    policy_path = Path(value["policy"]) if value["policy"] else None
    forced = load_forced_policy(policy_path, sourced.policy_data) if policy_path else None
    phase = value["phase"]
    if phase and forced and phase not in forced.phase_ids:
        raise UsageError(f'--phase: unknown phase "{phase}"{_suggest(phase, forced.phase_ids)}')
    engine = _engine_settings(value, params, sourced, policy_path, base)
    shown = color(params["color"], params["output"])
    return CheckSettings(paths, engine, forced, targets, roots, shown, bool(params["quiet"]))


def _engine_settings(
    value: Mapping[str, Any],
    params: Mapping[str, Any],
    sourced: Sourced,
    policy_path: Path | None,
    base: str | None,
) -> Settings:
    """What the engine is told: the merged values, rule codes checked against the catalogue."""
    from mlpolicy.rules.index import RULE_INDEX  # ids only: no rule module is imported
    from mlpolicy.settings import FAIL_ON, Settings, split_codes

    known = tuple(RULE_INDEX)
    today: dt.datetime | None = params["today"]
    return Settings(
        phase=value["phase"],
        select=split_codes(value["select"], known),
        ignore=split_codes(value["ignore"], known),
        fail_on=FAIL_ON[value["fail_on"]],
        policy=policy_path,
        use_git=not value["no_git"],
        base=base,
        changed_only=value["changed_only"],
        github_base_ref=params["github_base_ref"] or None,
        today=today.date() if today else None,
        notes=sourced.notes,
        changes=sourced.changes,
    )


def _check_destinations(targets: tuple[Target, ...], roots: frozenset[Path]) -> None:
    """Refuse a report file that must not be written, before anything runs."""
    files = [target.path for target in targets if target.path is not None]
    if files:
        from mlpolicy.report import destination

        for file in files:
            destination.check(file, roots)


def _report_target(spec: str) -> Target:
    name, sep, file = spec.partition("=")
    if not sep or not file:
        raise UsageError(f'--report expects FORMAT=FILE, got "{spec}"')
    if name not in REPORTER_BY_NAME:
        raise UsageError(f'--report: unknown format "{name}"{_suggest(name, REPORTER_BY_NAME)}')
    return Target(name, Path(file))


def _suggest(word: str, choices: Any) -> str:
    # mlpolicy.schema brings ruamel.yaml along: only an error pays for it
    from mlpolicy.schema import suggest

    return suggest(word, choices)
