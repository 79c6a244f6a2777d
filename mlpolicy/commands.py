"""What each command does, called by ``cli`` with plain values."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

from mlpolicy import engine, report
from mlpolicy import policy as policy_module
from mlpolicy.errors import DocumentError, UsageError
from mlpolicy.findings import CheckResult, Problem
from mlpolicy.policy import Policy
from mlpolicy.project import Repository
from mlpolicy.report import destination
from mlpolicy.rules import ALL_RULES, RULES_BY_ID
from mlpolicy.safeio import FileProblem
from mlpolicy.schema import suggest
from mlpolicy.settings import FAIL_ON, Settings, split_codes


def check(
    *,
    paths: Sequence[Path],
    format_name: str,
    output: Path | None,
    reports: Sequence[str],
    phase: str | None,
    select: str | None,
    ignore: str | None,
    fail_on: str,
    policy_path: Path | None,
    use_git: bool,
    color: bool,
    today: dt.date | None,
    base: str | None = None,
    changed_only: bool = False,
    github_base_ref: str | None = None,
    quiet: bool = False,
    notes: tuple[str, ...] = (),
    changes: tuple[Problem, ...] = (),
    policy_data: bytes | None = None,
) -> int:
    """``mlpolicy check``: run the engine, write the reports, return 0 or 1.

    ``notes`` and ``changes`` (MLP504) come from settings resolution (mlpolicy.trust);
    ``policy_data`` is the ``--policy`` file as the base commit has it, when it applies.
    """
    if base and not use_git:
        raise UsageError("--base compares git history; it cannot be used with --no-git")
    if changed_only and not (base or (github_base_ref and use_git)):
        raise UsageError("--changed-only needs --base: the change is what is compared with it")
    known = tuple(RULES_BY_ID)
    targets = [(format_name, output)] + [_report_target(r) for r in reports]
    roots = {Repository.containing(path, use_git=False).root for path in paths}
    for _, target in targets:
        if target is not None:
            destination.check(target, roots)  # refused before anything runs
    forced = load_forced_policy(policy_path, policy_data) if policy_path else None
    if phase and forced and phase not in forced.phase_ids:
        raise UsageError(f'--phase: unknown phase "{phase}"{suggest(phase, forced.phase_ids)}')
    settings = Settings(
        phase=phase,
        select=split_codes(select, known),
        ignore=split_codes(ignore, known),
        fail_on=FAIL_ON[fail_on],
        policy=policy_path,
        use_git=use_git,
        base=base,
        changed_only=changed_only,
        github_base_ref=github_base_ref,
        today=today,
        notes=notes,
        changes=changes,
    )
    result = engine.check(paths, settings, forced)
    for name, target in targets:
        if quiet and name == "text" and target is None:
            _echo_quiet(result, color)
            continue
        _write(result, name, target, color and target is None, roots)
    return 0 if result.passed else 1


def _echo_quiet(result: CheckResult, color: bool) -> None:
    """``--quiet`` changes only the text printed to a terminal or log, never a report file."""
    import click

    from mlpolicy.report import text

    click.echo(text.render_quiet(result, color), nl=False, color=color)


def _report_target(spec: str) -> tuple[str, Path]:
    name, sep, file = spec.partition("=")
    if not sep or not file:
        raise UsageError(f'--report expects FORMAT=FILE, got "{spec}"')
    if name not in report.FORMATS:
        raise UsageError(f'--report: unknown format "{name}"{suggest(name, report.FORMATS)}')
    return name, Path(file)


def _write(
    result: CheckResult, name: str, target: Path | None, color: bool, roots: set[Path]
) -> None:
    text = report.renderer(name)(result, color)
    if target is None:
        import click

        click.echo(text, nl=False, color=color)  # click strips ANSI codes unless told
        return
    destination.write(target, text, roots)


def load_forced_policy(path: Path, data: bytes | None = None) -> Policy:
    """The ``--policy`` file (or ``data``, its version at the base); a problem is exit 2."""
    try:
        if data is not None:
            return policy_module.parse(data, str(path))
        return policy_module.load(path)
    except FileProblem as exc:
        raise UsageError(f"--policy: {path} {exc.reason}") from None
    except OSError as exc:
        raise UsageError(f"--policy: cannot read {path}: {exc.strerror}") from None
    except DocumentError as exc:
        where = ":".join(str(p) for p in (path, exc.line, exc.column) if p is not None)
        raise UsageError(f"--policy: {where}: {exc.message}") from None


def rules(format_name: str) -> str:
    """``mlpolicy rules``: the catalogue as text or JSON."""
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


def explain(name: str) -> str:
    """``mlpolicy explain RULE``: the rule's own documentation."""
    key = name.strip()
    rule = RULES_BY_ID.get(key.upper()) or next((r for r in ALL_RULES if r.name == key), None)
    if rule is None:
        choices = [*RULES_BY_ID, *(r.name for r in ALL_RULES)]
        raise UsageError(f'no rule "{name}"{suggest(key, choices)}; `mlpolicy rules` lists them')
    from mlpolicy.rules.docs import page

    return page(rule)
