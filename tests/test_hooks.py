"""The plain git hooks and ``mlpolicy hooks install``, in real repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import ideation
import pytest
from conftest import GIT_ENV, Repo, run_cli

from mlpolicy.commands.hooks import HOOK_NAMES, SCRIPTS_DIR

ROOT = Path(__file__).parents[1]
# The hooks call `mlpolicy` from PATH, as they would on a developer's machine.
WITH_MLPOLICY = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


def _git(repo: Repo, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, "NO_COLOR": "1", **env},
    )


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_the_packaged_hooks_are_the_canonical_ones(name: str) -> None:
    canonical = ROOT / "hooks" / name
    assert (SCRIPTS_DIR / name).read_bytes() == canonical.read_bytes()
    assert os.access(canonical, os.X_OK)


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_the_hooks_are_posix_shell(name: str) -> None:
    script = ROOT / "hooks" / name
    assert script.read_text().startswith("#!/bin/sh\n")
    dash = shutil.which("dash") or "/bin/sh"
    subprocess.run([dash, "-n", str(script)], check=True)


def test_install_copies_executable_hooks_and_is_idempotent(repo: Repo) -> None:
    first = run_cli("hooks", "install", cwd=repo.root)
    assert first.code == 0, first
    for name in HOOK_NAMES:
        installed = repo.root / ".git" / "hooks" / name
        assert installed.read_bytes() == (SCRIPTS_DIR / name).read_bytes()
        assert os.access(installed, os.X_OK)
    again = run_cli("hooks", "install", cwd=repo.root)
    assert again.code == 0 and again.stdout.count("unchanged") == 2


def test_install_never_clobbers_a_different_hook_unless_forced(repo: Repo) -> None:
    existing = repo.root / ".git" / "hooks" / "pre-commit"
    existing.write_text("#!/bin/sh\necho mine\n")
    result = run_cli("hooks", "install", cwd=repo.root)
    assert result.code == 0
    assert "skipped" in result.stdout and "--force" in result.stdout
    assert existing.read_text() == "#!/bin/sh\necho mine\n"
    assert (repo.root / ".git" / "hooks" / "pre-push").exists()
    forced = run_cli("hooks", "install", "--force", cwd=repo.root)
    assert forced.code == 0 and "replaced" in forced.stdout
    assert existing.read_bytes() == (SCRIPTS_DIR / "pre-commit").read_bytes()


def test_force_replaces_a_symlink_not_its_target(repo: Repo, tmp_path: Path) -> None:
    target = tmp_path / "shared-hook"
    target.write_text("#!/bin/sh\n")
    (repo.root / ".git" / "hooks" / "pre-commit").symlink_to(target)
    assert run_cli("hooks", "install", "--force", cwd=repo.root).code == 0
    assert target.read_text() == "#!/bin/sh\n"
    assert not (repo.root / ".git" / "hooks" / "pre-commit").is_symlink()


def test_install_honours_core_hooks_path_from_a_subdirectory(repo: Repo) -> None:
    repo.git("config", "core.hooksPath", "tools/githooks")
    (repo.root / "sub").mkdir()
    result = run_cli("hooks", "install", cwd=repo.root / "sub")
    assert result.code == 0, result
    assert (repo.root / "tools" / "githooks" / "pre-commit").is_file()
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()


def test_install_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("hooks", "install", cwd=tmp_path)
    assert result.code == 2 and "not inside a git repository" in result.stderr


def test_pre_commit_hook_refuses_a_commit_that_removes_the_design_doc(repo: Repo) -> None:
    repo.write(ideation.complete())
    repo.commit("ideation")
    assert run_cli("hooks", "install", cwd=repo.root).code == 0
    repo.git("rm", "-q", "docs/design.md")
    refused = _git(repo, "commit", "-m", "drop the design doc", env=WITH_MLPOLICY)
    assert refused.returncode != 0
    assert "MLP101" in refused.stdout + refused.stderr
    assert repo.git("ls-tree", "--name-only", "-r", "HEAD", "docs") == "docs/design.md"


def test_pre_commit_hook_lets_a_good_commit_through(repo: Repo) -> None:
    repo.write(ideation.complete())
    repo.commit("ideation")
    assert run_cli("hooks", "install", cwd=repo.root).code == 0
    repo.write({"notes.md": "More notes.\n"})
    repo.git("add", "notes.md")
    done = _git(repo, "commit", "-m", "notes", env=WITH_MLPOLICY)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_hook_without_mlpolicy_on_path_says_so_and_fails(repo: Repo) -> None:
    repo.write(ideation.complete())
    assert run_cli("hooks", "install", cwd=repo.root).code == 0
    repo.git("add", "-A")
    git_dir = str(Path(shutil.which("git") or "/usr/bin/git").parent)
    bare_path = os.pathsep.join(dict.fromkeys([git_dir, "/usr/bin", "/bin"]))
    assert shutil.which("mlpolicy", path=bare_path) is None
    refused = _git(repo, "commit", "-m", "x", env={"PATH": bare_path})
    assert refused.returncode == 1
    assert "mlpolicy command is not on PATH" in refused.stderr


def test_pre_push_hook_checks_against_the_upstream(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo = make_repo("work")
    repo.write(ideation.complete())
    repo.commit("ideation")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "-u", "origin", "main")
    assert run_cli("hooks", "install", cwd=repo.root).code == 0
    repo.write({"docs/design.md": ideation.incomplete()["docs/design.md"]})
    repo.git("commit", "-q", "--no-verify", "-am", "shorter design doc")
    refused = _git(repo, "push", "origin", "main", env=WITH_MLPOLICY)
    assert refused.returncode != 0
    assert "MLP102" in refused.stdout + refused.stderr
    repo.write(ideation.complete())
    repo.git("commit", "-q", "--no-verify", "-am", "restore it")
    pushed = _git(repo, "push", "origin", "main", env=WITH_MLPOLICY)
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr


WAIVED = (
    "version: 1\nphase: ideation\nwaivers:\n  - rule: MLP102\n"
    "    reason: the metrics land next sprint\n    expires: 2099-01-31\n    approved_by: '@me'\n"
)


def test_pre_push_hook_refuses_a_new_branch_that_waives_its_own_failure(
    make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    repo = make_repo("work")
    repo.write(ideation.complete()).commit("ideation")
    repo.git("remote", "add", "origin", str(remote))
    repo.git("push", "-q", "origin", "main")
    assert run_cli("hooks", "install", cwd=repo.root).code == 0
    repo.git("checkout", "-q", "-b", "feature")  # no upstream: the push creates the branch
    repo.write({**ideation.incomplete(), "mlpolicy.yaml": WAIVED})
    repo.git("commit", "-q", "--no-verify", "-am", "shorter design doc, waived")
    refused = _git(repo, "push", "origin", "feature", env=WITH_MLPOLICY)
    assert refused.returncode != 0
    assert "MLP102" in refused.stdout + refused.stderr
    assert "MLP504" in refused.stdout + refused.stderr  # the waiver is shown, not applied
    repo.git("push", "-q", "--no-verify", "origin", "feature")
    repo.write({"notes.md": "notes\n"})
    repo.git("add", "notes.md")
    repo.git("commit", "-q", "--no-verify", "-m", "more")
    again = _git(repo, "push", "origin", "feature", env=WITH_MLPOLICY)  # over the remote's
    assert again.returncode == 0, again.stdout + again.stderr  # the base now has the waiver
