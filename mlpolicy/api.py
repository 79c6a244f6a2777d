"""The Python API: ``mlpolicy.check(paths, **settings)``, the check the CLI runs, as values.

Settings are keyword arguments named after the CLI's options. Unlike the CLI, the API reads
no environment variables (``MLPOLICY_*``, ``GITHUB_BASE_REF``) and no ``[tool.mlpolicy]``
table: what a program passes is what is checked. Writing reports is left to the caller.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from mlpolicy.errors import UsageError
from mlpolicy.findings import CheckResult, Severity

PathArg = str | os.PathLike[str]
_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


def check(
    paths: PathArg | Iterable[PathArg] = ".",
    *,
    phase: str | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    fail_on: str | Severity | None = "error",
    policy: PathArg | None = None,
    use_git: bool = True,
    no_git: bool = False,
    base: str | None = None,
    changed_only: bool = False,
    today: dt.date | None = None,
) -> CheckResult:
    """Check the projects under ``paths``, as ``mlpolicy check`` does, and return the result.

    ``paths``: a path or several (folders holding ``mlpolicy.yaml`` files, or manifests).
    ``phase``: check every project as if it were at this phase. ``select``/``ignore``: rule
    ids or prefixes, as a comma list (``"MLP2,MLP305"``) or a list. ``fail_on``: ``"error"``,
    ``"warning"``, ``"never"`` (or a :class:`Severity`, or None for never); it decides
    ``result.passed``. ``policy``: a policy file that replaces every project's.
    ``use_git=False`` (or ``no_git=True``) skips the git-based rules. ``base``: pull-request
    mode against this ref; ``changed_only`` then keeps only the projects the change touches.
    ``today``: the date waivers are judged against (default: today).

    ``result.passed`` is the gate's verdict; ``result.projects`` holds each project's
    phase, artifacts and findings; ``result.all_findings()`` lists every finding, and
    ``result.findings`` only those that belong to no project (MLP001, MLP505).

    Raises :class:`mlpolicy.UsageError` when the check cannot run as asked (a path that does
    not exist, an unknown rule, phase or ``fail_on``, an unusable policy file, ``base``
    without git); problems in the repository's content are findings, never exceptions.
    """
    from mlpolicy import engine
    from mlpolicy.rules import RULES_BY_ID
    from mlpolicy.settings import Settings, load_forced_policy, split_codes

    targets = _paths(paths)
    git = use_git and not no_git
    if base and not git:
        raise UsageError("base= compares git history; it cannot be used without git")
    if changed_only and not base:
        raise UsageError("changed_only=True needs base=: the change is what is compared with it")
    forced = load_forced_policy(Path(policy)) if policy is not None else None
    if phase and forced and phase not in forced.phase_ids:
        raise UsageError(f'phase="{phase}" is not a phase of {policy}')
    known = tuple(RULES_BY_ID)
    settings = Settings(
        phase=phase,
        select=split_codes(_codes(select), known),
        ignore=split_codes(_codes(ignore), known),
        fail_on=_fail_on(fail_on),
        policy=Path(policy) if policy is not None else None,
        use_git=git,
        base=base,
        changed_only=changed_only,
        today=today,
    )
    return engine.check(targets, settings, forced)


def _paths(paths: PathArg | Iterable[PathArg]) -> list[Path]:
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if not items:
        raise UsageError("no paths to check")
    found = [Path(item) for item in items]
    for path in found:
        if not path.exists():
            raise UsageError(f"path does not exist: {path}")
    return found


def _codes(value: str | Iterable[str] | None) -> tuple[str, ...] | str | None:
    return value if value is None or isinstance(value, str) else tuple(value)


def _fail_on(value: str | Severity | None) -> Severity | None:
    if value is None or isinstance(value, Severity):
        return value
    if value not in _FAIL_ON:
        raise UsageError(f'fail_on="{value}": expected "error", "warning" or "never"')
    return _FAIL_ON[value]
