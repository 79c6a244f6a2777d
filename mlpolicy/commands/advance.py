"""``mlpolicy advance``: move a project to the next phase once that phase's requirements pass.

Only the phase value is rewritten, in place on its own line, so comments, quoting and the
rest of the manifest stay exactly as they were.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlpolicy.commands import EXIT_FINDINGS, EXIT_OK
from mlpolicy.errors import UsageError

if TYPE_CHECKING:
    from mlpolicy.findings import CheckResult

_PHASE_LINE = re.compile(r"^(?P<head>\s*phase\s*:\s*)(?P<q>[\"']?)(?P<value>[^\"'#\s]+)(?P=q)")


@dataclass(frozen=True, slots=True)
class Advance:
    """What ``advance`` did: the manifest, the phases, and the check that decided."""

    manifest: Path
    current: str
    target: str
    moved: bool
    check: CheckResult

    def as_checked(self) -> CheckResult:
        """The check labelled with the phase it was run at, not the manifest's phase."""
        projects = tuple(replace(p, phase=self.target) for p in self.check.projects)
        return replace(self.check, projects=projects)


def advance(folder: Path, to: str | None) -> Advance:
    """Check ``folder``'s project at the next phase (or ``to``); move it there if it passes."""
    from mlpolicy import engine
    from mlpolicy.project import Project, Repository
    from mlpolicy.settings import Settings

    manifest = _manifest(folder)
    project = Project(Repository.containing(manifest, use_git=True), manifest, Settings())
    if project.manifest is None or not project.loaded:
        raise UsageError(
            f"{manifest}: fix the manifest first (`mlpolicy check` says what is wrong)"
        )
    ids, current = project.policy.phase_ids, project.manifest.phase
    target = to or (ids[ids.index(current) + 1] if ids.index(current) + 1 < len(ids) else None)
    if target is None:
        raise UsageError(f'"{current}" is the policy\'s last phase; there is nowhere to advance')
    if target not in ids:
        guess = project.policy.suggest_phase(target)
        raise UsageError(
            f'--to: unknown phase "{target}"' + (f'; did you mean "{guess}"?' if guess else "")
        )
    if ids.index(target) <= ids.index(current):
        raise UsageError(f'--to: "{target}" is not after the current phase "{current}"')
    result = engine.check([manifest], Settings(phase=target))
    if result.passed:
        _rewrite(manifest, project.manifest.location(("phase",)).line, target)
    return Advance(manifest, current, target, result.passed, result)


def _manifest(folder: Path) -> Path:
    from mlpolicy.manifest import NAMES

    if folder.is_file():
        return folder
    for name in NAMES:
        if (folder / name).is_file():
            return folder / name
    raise UsageError(f"no mlpolicy.yaml in {folder} (`mlpolicy init` writes one)")


def _rewrite(manifest: Path, line: int | None, target: str) -> None:
    data = manifest.read_bytes()
    lines = data.decode("utf-8").splitlines(keepends=True)
    index = (line or 0) - 1
    match = _PHASE_LINE.match(lines[index]) if 0 <= index < len(lines) else None
    if match is None:
        raise UsageError(f"{manifest}: write `phase: <id>` on one line so it can be updated")
    lines[index] = (
        lines[index][: match.start("value")] + target + lines[index][match.end("value") :]
    )
    manifest.write_bytes("".join(lines).encode("utf-8"))


@click.command(name="advance")
@click.argument("path", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--to", "target", help="The phase to move to (default: the next one).")
def command(path: Path, target: str | None) -> int:
    """Move the project at PATH to its next phase if that phase's requirements pass.

    Only the `phase:` value of mlpolicy.yaml is rewritten; comments and formatting stay.
    Exit status 1 (and the findings) when it refuses.
    """
    from mlpolicy.report import text

    outcome = advance(path, target)
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
