"""``mlpolicy hooks install``: copy the plain git hooks into a repository's hooks directory."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from mlpolicy.commands import EXIT_OK
from mlpolicy.errors import UsageError

HOOK_NAMES = ("pre-commit", "pre-push")
# Package copies of the top-level hooks/ scripts (a test keeps them identical).
SCRIPTS_DIR = Path(__file__).parents[1] / "data" / "hooks"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one hook: installed, unchanged, replaced or skipped."""

    name: str
    path: Path
    action: str

    def describe(self) -> str:
        """One line for the user."""
        where = _shown(self.path)
        if self.action == "skipped":
            return f"skipped {where}: a different hook is already there (--force replaces it)"
        return f"{self.action} {where}"


def install(start: Path, force: bool = False) -> tuple[Outcome, ...]:
    """Install every hook into the hooks directory of the repository around ``start``."""
    folder = hooks_dir(start)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return tuple(_install(name, folder / name, force) for name in HOOK_NAMES)
    except OSError as exc:
        raise UsageError(f"cannot install hooks into {folder}: {exc.strerror}") from None


def hooks_dir(start: Path) -> Path:
    """The directory git runs hooks from for the repository around ``start``."""
    from mlpolicy.gitrepo import GitError, GitRepo
    from mlpolicy.project import Repository

    repository = Repository.containing(start, use_git=False)
    if not repository.is_git:
        raise UsageError(f"{start.resolve()} is not inside a git repository")
    try:
        with GitRepo(repository.root) as repo:
            return repo.hooks_dir()
    except GitError as exc:
        raise UsageError(f"cannot find the repository's hooks directory: {exc}") from None


def _install(name: str, target: Path, force: bool) -> Outcome:
    script = (SCRIPTS_DIR / name).read_bytes()
    action = "installed"
    if target.exists() or target.is_symlink():
        if target.is_file() and target.read_bytes() == script:
            target.chmod(0o755)
            return Outcome(name, target, "unchanged")
        if not force:
            return Outcome(name, target, "skipped")
        # Replace a symlink itself, never the file it points to.
        target.unlink()
        action = "replaced"
    target.write_bytes(script)
    target.chmod(0o755)
    return Outcome(name, target, action)


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@click.group(name="hooks")
def command() -> None:
    """Plain git hooks, for teams that do not use the pre-commit framework."""


@command.command(name="install")
@click.option("--force", is_flag=True, help="Replace existing hooks that differ from mlpolicy's.")
def install_command(force: bool) -> int:
    """Copy the pre-commit and pre-push hooks into this repository's hooks directory."""
    for outcome in install(Path(), force):
        click.echo(outcome.describe())
    return EXIT_OK
