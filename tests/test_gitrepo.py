"""GitPython (``mlpolicy.gitrepo``) for the commands other than ``check``, never for a check.

SPEC section 11: GitPython stays the library for repository operations outside ``check``;
a check talks to git through plumbing and must not import it. Each command that asks git
through GitPython is run for real in a child process, which says whether ``git`` (the
GitPython package) was imported; the git processes GitPython starts are recorded by a
``git`` first on PATH, as in ``test_git_processes.py``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from conftest import GIT_ENV, Repo, git_shim
from trackerfix import DVCLIVE, copy_tree

from mlpolicy.gitrepo import GitRepo
from mlpolicy.gitscope import GitScope

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "production"
# Runs the CLI in this process, then writes its exit code and what it imported to argv[1].
_PROBE = """
import json, sys
from mlpolicy.cli import run
code = run(sys.argv[2:])
modules = sorted(m for m in sys.modules if m == "git" or m.startswith(("git.", "mlpolicy.git")))
with open(sys.argv[1], "w") as out:
    json.dump({"code": code, "modules": modules}, out)
"""


def _run(
    repo: Repo, tmp_path: Path, *args: str, env: Mapping[str, str] | None = None
) -> tuple[int, list[str], subprocess.CompletedProcess[str]]:
    """(exit code, modules named git* it imported, the process) of ``mlpolicy ARGS``."""
    report = tmp_path / "probe.json"
    report.unlink(missing_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(report), *args],
        cwd=repo.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **GIT_ENV, **(env or {})},
    )
    assert report.exists(), done.stderr
    found = json.loads(report.read_text())
    return found["code"], found["modules"], done


def _production(repo: Repo) -> Repo:
    """The production example, committed twice (so ``--base HEAD~1`` has a base)."""
    for path in sorted(EXAMPLE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            repo.write({path.relative_to(EXAMPLE).as_posix(): path.read_bytes()})
    repo.commit("project")
    repo.write({"NOTES.md": "notes\n"})
    repo.commit("notes")
    return repo


# -- check ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--base", "HEAD~1")], ids=["plain", "pull-request"])
def test_check_never_imports_gitpython(repo: Repo, tmp_path: Path, args: tuple[str, ...]) -> None:
    code, modules, done = _run(_production(repo), tmp_path, "check", "--format", "json", *args)
    assert code in (0, 1), done.stdout + done.stderr  # the example's runs name its own commit
    assert json.loads(done.stdout)["projects"], done.stdout
    assert "git" not in modules and "mlpolicy.gitrepo" not in modules, modules
    assert "mlpolicy.gitscope" in modules  # git was asked, through the plumbing


def test_only_gitrepo_imports_gitpython() -> None:
    importers = set()
    for path in (ROOT / "mlpolicy").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name == "git" or name.startswith("git.") for name in names):
                importers.add(path.relative_to(ROOT).as_posix())
    assert importers == {"mlpolicy/gitrepo.py"}


# -- the commands that use GitPython -------------------------------------------------------


SAMPLES = Path(__file__).parent / "samples"


def _fresh(repo: Repo) -> str:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: experimentation\n", "src/train.py": "1\n"})
    repo.write({"dvc.yaml": (SAMPLES / "dvc" / "dvc.yaml").read_bytes()})
    repo.write({"tests.xml": (SAMPLES / "junit" / "pipeline-tests.xml").read_bytes()})
    return repo.commit("project")


def _with_dvclive_runs(repo: Repo) -> str:
    """A fresh project with DVCLive output committed; the commit's sha."""
    _fresh(repo)
    copy_tree(DVCLIVE, repo.root / "dvclive")
    return repo.commit("runs")


def test_hooks_install_uses_gitpython_and_honours_hooks_path(repo: Repo, tmp_path: Path) -> None:
    _fresh(repo)
    repo.git("config", "core.hooksPath", "tools/githooks")
    code, modules, done = _run(repo, tmp_path, "hooks", "install")
    assert code == 0, done.stderr
    assert "git" in modules and "mlpolicy.gitrepo" in modules
    assert (repo.root / "tools" / "githooks" / "pre-commit").is_file()


def test_hooks_install_in_a_linked_worktree_uses_the_common_hooks(
    repo: Repo, tmp_path: Path
) -> None:
    _fresh(repo)
    linked = tmp_path / "linked"
    repo.git("worktree", "add", "-q", str(linked))
    result = subprocess.run(
        [sys.executable, "-m", "mlpolicy", "hooks", "install"],
        cwd=linked,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    assert result.returncode == 0, result.stderr
    assert (repo.root / ".git" / "hooks" / "pre-push").is_file()
    assert not (linked / ".git").is_dir()  # a file naming the worktree's git directory


def test_log_takes_head_and_the_dirty_flag_through_gitpython(repo: Repo, tmp_path: Path) -> None:
    head = _fresh(repo)
    repo.write({"src/train.py": "2\n"})
    args = ("log", "--experiment", "churn", "--metric", "auc=0.8", "-o", "runs.jsonl")
    code, modules, done = _run(repo, tmp_path, *args)
    assert code == 0, done.stderr
    assert "git" in modules and "mlpolicy.gitrepo" in modules
    record = json.loads((repo.root / "runs.jsonl").read_text())
    assert record["git"] == {"commit": head, "dirty": True}


def test_attest_takes_head_through_gitpython(repo: Repo, tmp_path: Path) -> None:
    repo.write(
        {
            "mlpolicy.yaml": "version: 1\nphase: pipeline\n",
            "dvc.yaml": (SAMPLES / "dvc" / "dvc.yaml").read_bytes(),
            "tests.xml": (SAMPLES / "junit" / "pipeline-tests.xml").read_bytes(),
        }
    )
    head = repo.commit("project")
    code, modules, done = _run(repo, tmp_path, "attest", "dvc.yaml", "--junit", "tests.xml")
    assert code == 0, done.stderr
    assert "git" in modules and "mlpolicy.gitrepo" in modules
    record = json.loads((repo.root / "reports" / "pipeline-validation.json").read_text())
    assert record["commit"] == head


def test_export_takes_the_stores_last_commit_through_gitpython(repo: Repo, tmp_path: Path) -> None:
    runs = _with_dvclive_runs(repo)
    repo.write({"src/train.py": "2\n"})
    repo.commit("later code")
    args = ("export", "--from", "dvclive", "dvclive", "-o", "runs.jsonl")
    code, modules, done = _run(repo, tmp_path, *args)
    assert code == 0, done.stderr
    assert "git" in modules and "mlpolicy.gitrepo" in modules
    [record] = [json.loads(line) for line in (repo.root / "runs.jsonl").read_text().splitlines()]
    assert record["git"]["commit"] == runs and record["run_id"] == f"dvclive@{runs[:12]}"


def test_last_commit_names_the_commit_the_checks_history_names(repo: Repo) -> None:
    repo.write({"a/x.txt": "1\n", "b/y.txt": "1\n", "c.txt": "1\n"})
    repo.commit("root")
    repo.git("checkout", "-q", "-b", "side")
    repo.write({"a/x.txt": "side\n"})
    repo.commit("side edits a")
    repo.git("checkout", "-q", "main")
    repo.write({"b/y.txt": "main\n"})
    repo.commit("main edits b")
    repo.git("merge", "-q", "--no-edit", "side")
    repo.write({"c.txt": "2\n"})
    repo.commit("c")
    paths = ["a", "a/x.txt", "b", "b/y.txt", "c.txt", ".", "missing", "a/"]
    scope = GitScope(repo.root)
    try:
        expected = scope.last_commits(paths)
    finally:
        scope.close()
    with GitRepo(repo.root) as opened:
        for path in paths:
            found = opened.last_commit(path)
            key = "" if path == "." else path.strip("/")
            wanted = expected.get(key) or expected.get(path)
            assert (found and (found.sha, found.timestamp)) == (
                wanted and (wanted.sha, wanted.timestamp)
            ), path


# -- what GitPython's git may run ---------------------------------------------------------


def test_every_git_gitpython_starts_has_hooks_and_fsmonitor_off(repo: Repo, tmp_path: Path) -> None:
    _with_dvclive_runs(repo)
    env, log = git_shim(tmp_path)
    commands = [
        ("log", "--experiment", "churn", "--metric", "auc=0.8", "-o", "runs.jsonl"),
        ("export", "--from", "dvclive", "dvclive", "-o", "exported.jsonl"),
        ("hooks", "install"),
    ]
    for args in commands:
        code, _, done = _run(repo, tmp_path, *args, env=env)
        assert code == 0, done.stderr
    starts = log.read_text().splitlines()
    asked = [line for line in starts if line != "version"]  # GitPython's probe at import
    assert len(asked) >= 4, starts
    for line in asked:
        assert line.startswith("--no-optional-locks "), line
        assert "-c core.fsmonitor=false" in line, line
        if "rev-parse --git-path hooks" not in line:  # it prints the hooks path, runs none
            assert "-c core.hooksPath=/dev/null" in line, line
    assert any(" diff --quiet --no-ext-diff --no-textconv HEAD" in line for line in asked)


def test_log_never_runs_the_repositorys_fsmonitor(repo: Repo, tmp_path: Path) -> None:
    _fresh(repo)
    marker = tmp_path / "fsmonitor-ran"
    probe = tmp_path / "fsmonitor.sh"
    probe.write_text(f'#!/bin/sh\ntouch "{marker}"\nexit 1\n')
    probe.chmod(0o755)
    repo.git("config", "core.fsmonitor", str(probe))
    repo.git("diff", "--quiet", "HEAD")  # git itself does run it...
    assert marker.exists()
    marker.unlink()
    args = ("log", "--experiment", "churn", "--metric", "auc=0.8", "-o", "runs.jsonl")
    code, _, done = _run(repo, tmp_path, *args)
    assert code == 0, done.stderr
    assert not marker.exists()  # ...mlpolicy's does not


# -- a git that is missing or broken -------------------------------------------------------

_COMMANDS = [
    ("log", "--experiment", "churn", "--metric", "auc=0.8", "-o", "runs.jsonl"),
    ("hooks", "install"),
    ("attest", "dvc.yaml", "--junit", "tests.xml"),
    ("export", "--from", "dvclive", "dvclive"),
]


def _one_line_error(done: subprocess.CompletedProcess[str], code: int) -> str:
    assert code == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


@pytest.mark.parametrize("args", _COMMANDS, ids=lambda args: args[0])
def test_no_git_on_path_is_exit_2_in_one_line(
    repo: Repo, tmp_path: Path, args: tuple[str, ...]
) -> None:
    _with_dvclive_runs(repo)
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, done = _run(repo, tmp_path, *args, env={"PATH": str(empty)})
    assert "git is not on PATH" in _one_line_error(done, code)


@pytest.mark.parametrize("args", _COMMANDS, ids=lambda args: args[0])
def test_a_git_that_fails_is_exit_2_with_its_message(
    repo: Repo, tmp_path: Path, args: tuple[str, ...]
) -> None:
    _with_dvclive_runs(repo)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "git").write_text('#!/bin/sh\necho "fatal: this git is broken" >&2\nexit 128\n')
    (broken / "git").chmod(0o755)
    env = {"PATH": f"{broken}{os.pathsep}{os.environ['PATH']}"}
    code, _, done = _run(repo, tmp_path, *args, env=env)
    assert "this git is broken" in _one_line_error(done, code)
