"""``check`` never writes into the repository, and asks git a fixed number of questions."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from conftest import SAMPLES, Repo, run_record
from ideation import DESIGN_DOC

JUNIT = (SAMPLES / "junit" / "pipeline-tests.xml").read_text(encoding="utf-8")
DVC = "stages:\n  train:\n    cmd: python src/train.py\n    deps: [src/train.py]\n"
MANIFEST = (
    "version: 1\nphase: pipeline\ncode_paths: [src/]\n"
    "quality_bar:\n  metric: val_auc\n  goal: maximize\n  threshold: 0.8\n"
)


def _run(index: int, commit: str) -> str:
    return run_record(commit, f"run-{index}")


def _project(repo: Repo, artifacts: int) -> str:
    """A pipeline-phase project with ``artifacts`` runs, JUnit reports and untracked files,
    whose code changed after everything was recorded; returns the first commit."""
    first = repo.write({"src/train.py": "LR = 0.05\n", "README.md": "# churn\n"}).commit("code")
    files = {
        "mlpolicy.yaml": MANIFEST,
        "docs/design.md": "---\nstatus: approved\n---\n" + DESIGN_DOC,
        "dvc.yaml": DVC,
        "experiments/runs.jsonl": "\n".join(_run(i, first) for i in range(artifacts)) + "\n",
    }
    files.update({f"reports/suite-{i:03d}.xml": JUNIT for i in range(artifacts)})
    repo.write(files).commit("evidence")
    repo.write({"src/train.py": "LR = 0.02\n"}).commit("new learning rate")
    repo.write({f"reports/local-{i:03d}.xml": JUNIT for i in range(artifacts)})  # untracked
    repo.write({"src/train.py": "LR = 0.01\n"})
    repo.git("add", "src/train.py")  # staged, not committed
    return first


def _fingerprint(root: Path) -> dict[str, str]:
    """The content hash of every file under ``root``, .git included."""
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            found[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_check_leaves_the_repository_byte_identical(repo: Repo) -> None:
    first = _project(repo, 5)
    status = repo.git("status", "--porcelain")
    os.utime(repo.root / "README.md", (1, 1))  # stat-dirty: git status would rewrite the index
    before = _fingerprint(repo.root)
    for args in (
        (),
        ("--format", "json"),
        ("--base", first, "--changed-only"),
        ("--base", "HEAD~1", "--format", "json"),
        ("--base", "no-such-ref"),
    ):
        result = repo.check(*args, env={"GITHUB_BASE_REF": "main"})
        assert result.code in (0, 1), result.stderr
        assert _fingerprint(repo.root) == before, f"check {' '.join(args)} wrote files"
    assert repo.git("--no-optional-locks", "status", "--porcelain") == status
    repo.git("status")
    assert _fingerprint(repo.root) != before  # the fingerprint does see an index refresh


def test_the_findings_the_run_relies_on_are_there(repo: Repo) -> None:
    _project(repo, 5)
    result = repo.check("--format", "json", "--select", "MLP205,MLP305,MLP501")
    rules = result.rules()
    assert rules.count("MLP501") == 5 and "MLP205" in rules


def _count_git(repo: Repo, tmp_path: Path, *args: str) -> int:
    """How many git processes one ``check`` starts, counted by a wrapper early on PATH."""
    real = shutil.which("git")
    wrapper_dir, log = tmp_path / "wrapper", tmp_path / "git-calls.log"
    wrapper_dir.mkdir(exist_ok=True)
    wrapper = wrapper_dir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    log.write_text("")
    env = {"PATH": f"{wrapper_dir}{os.pathsep}{os.environ['PATH']}"}
    result = repo.check("--format", "json", *args, env=env)
    assert result.code in (0, 1), result.stderr
    return len(log.read_text().splitlines())


def test_git_work_does_not_grow_with_the_number_of_artifacts(make_repo, tmp_path: Path) -> None:
    small, large = make_repo("small"), make_repo("large")
    first_small, first_large = _project(small, 5), _project(large, 200)
    few = _count_git(small, tmp_path, "--base", first_small)
    many = _count_git(large, tmp_path, "--base", first_large)
    assert few == many, (few, many)
    assert many <= 15
