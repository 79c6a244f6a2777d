"""The pre-commit framework integration, run with the real pre-commit against real repositories.

``pre-commit try-repo`` installs a hook repository from a commit, so the test copies this
checkout's package files into a scratch git repository, commits them, and tries that. Each
try-repo builds a fresh environment (about 12 s), so the other hook goes through
``pre-commit run`` with a config naming that commit, as a user's config would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import ideation
import pytest
from conftest import GIT_ENV, Repo

from mlpolicy import yamlio

ROOT = Path(__file__).parents[1]
# What `pip install .` of the hook repository needs, and the hook declarations.
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "mlpolicy", "schemas")
TOOLS_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


def _pre_commit(*args: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    pre_commit = shutil.which("pre-commit", path=TOOLS_PATH)
    assert pre_commit, "pre-commit is a test dependency (pip install -e '.[test]')"
    return subprocess.run(
        [pre_commit, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, "PATH": TOOLS_PATH, "PRE_COMMIT_HOME": str(home)},
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A committed copy of this checkout's package, and a PRE_COMMIT_HOME for it."""
    base = tmp_path_factory.mktemp("precommit")
    repo = Repo(base / "mlpolicy")
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, repo.root / name, ignore=ignore)
        else:
            shutil.copy2(source, repo.root / name)
    repo.commit("mlpolicy as it is in the working tree")
    return repo.root, base / "pre-commit-home"


def test_the_hooks_manifest_is_valid(tmp_path: Path) -> None:
    done = _pre_commit("validate-manifest", ".pre-commit-hooks.yaml", cwd=ROOT, home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_dogfood_config_is_valid_and_uses_the_published_manifest_hook(tmp_path: Path) -> None:
    done = _pre_commit("validate-config", ".pre-commit-config.yaml", cwd=ROOT, home=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    published = {
        h["id"]: h for h in yamlio.load((ROOT / ".pre-commit-hooks.yaml").read_bytes()).value
    }
    config = yamlio.load((ROOT / ".pre-commit-config.yaml").read_bytes()).value
    local = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "mlpolicy-manifest"} <= set(local)
    ours, theirs = local["mlpolicy-manifest"], published["mlpolicy-manifest"]
    assert ours["entry"] == "python -m " + theirs["entry"]
    for key in ("files", "pass_filenames", "always_run"):
        assert ours.get(key) == theirs.get(key), key


def test_try_repo_passes_a_complete_project(
    hook_repo: tuple[Path, Path], make_repo: Callable[[str], Repo]
) -> None:
    source, home = hook_repo
    project = make_repo("complete")
    project.write(ideation.complete())
    project.commit("ideation")
    done = _pre_commit(
        "try-repo", str(source), "mlpolicy", "--all-files", cwd=project.root, home=home
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_try_repo_fails_an_incomplete_project_and_prints_findings(
    hook_repo: tuple[Path, Path], make_repo: Callable[[str], Repo]
) -> None:
    source, home = hook_repo
    project = make_repo("incomplete")
    project.write(ideation.incomplete())
    project.commit("ideation, unfinished")
    done = _pre_commit(
        "try-repo", str(source), "mlpolicy", "--all-files", cwd=project.root, home=home
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "docs/design.md: MLP102 design-doc-section-missing" in done.stdout


def test_the_manifest_hook_checks_manifests_only(
    hook_repo: tuple[Path, Path], make_repo: Callable[[str], Repo]
) -> None:
    source, home = hook_repo
    project = make_repo("manifests")
    # As a user's config names it; unlike try-repo, `run` keeps its environment in `home`.
    rev = Repo(source).git("rev-parse", "HEAD")
    config = (
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: mlpolicy-manifest\n"
    )
    # An incomplete project is fine for this hook: it only reads manifests.
    project.write({**ideation.incomplete("a/"), "b/mlpolicy.yml": "version: 1\nphase: deploy\n"})
    project.write({".pre-commit-config.yaml": config})
    project.commit("two projects")
    failed = _pre_commit("run", "--all-files", cwd=project.root, home=home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "b/mlpolicy.yml:2:1: MLP003 manifest-invalid" in failed.stdout
    assert "MLP102" not in failed.stdout
    project.write({"b/mlpolicy.yml": "version: 1\nphase: production\n"})
    project.commit("fixed")
    passed = _pre_commit("run", "--all-files", cwd=project.root, home=home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


WAIVED = (
    "version: 1\nphase: ideation\nwaivers:\n  - rule: MLP102\n"
    "    reason: the metrics land next sprint\n    expires: 2099-01-31\n    approved_by: '@me'\n"
)


def _config(source: Path, hook: str) -> str:
    rev = Repo(source).git("rev-parse", "HEAD")
    return f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n"


def test_the_pre_push_stage_compares_with_what_the_push_goes_over(
    hook_repo: tuple[Path, Path], make_repo: Callable[[str], Repo], tmp_path: Path
) -> None:
    source, home = hook_repo
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    project = make_repo("pushed")
    project.write({**ideation.complete(), ".pre-commit-config.yaml": _config(source, "mlpolicy")})
    project.commit("ideation")
    project.git("remote", "add", "origin", str(remote))
    project.git("push", "-q", "origin", "main")
    installed = _pre_commit("install", "--hook-type", "pre-push", cwd=project.root, home=home)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    project.write({**ideation.incomplete(), "mlpolicy.yaml": WAIVED})
    project.commit("shorter design doc, waived in the same change")
    push = subprocess.run(
        ["git", "push", "origin", "main"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, "PATH": TOOLS_PATH, "PRE_COMMIT_HOME": str(home)},
    )
    assert push.returncode != 0, push.stdout + push.stderr
    assert "MLP102" in push.stdout + push.stderr
    assert "MLP504" in push.stdout + push.stderr


def test_the_manifest_hook_runs_when_only_a_policy_file_changes(
    hook_repo: tuple[Path, Path], make_repo: Callable[[str], Repo]
) -> None:
    source, home = hook_repo
    project = make_repo("policy-only")
    policy = (ROOT / "mlpolicy" / "data" / "default-policy.yaml").read_text()
    manifest = "version: 1\nphase: ideation\npolicy: org-policy.yaml\n"
    project.write({"mlpolicy.yaml": manifest, "org-policy.yaml": policy})
    project.write({".pre-commit-config.yaml": _config(source, "mlpolicy-manifest")})
    project.commit("a project with its own policy")
    project.write({"org-policy.yaml": "version: 1\nphases: 5\n"})
    project.git("add", "org-policy.yaml")
    done = _pre_commit("run", cwd=project.root, home=home)  # the staged files: the policy
    assert done.returncode == 1, done.stdout + done.stderr
    assert "MLP004" in done.stdout
