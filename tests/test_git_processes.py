"""A check starts a fixed number of git processes, whatever the number of projects.

Counted for real: a ``git`` first on PATH appends each start to a log and execs the real
git. The projects are complete production-phase projects (``examples/production``) with
history, so every git-based rule (MLP204, MLP205, MLP305, MLP501) asks its questions.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import Repo, git_shim

EXAMPLE = Path(__file__).parents[1] / "examples" / "production"
EVIDENCE = ("experiments/runs.jsonl", "reports/pipeline-tests.xml")


def _monorepo(root: Path, projects: int) -> Repo:
    """``projects`` copies of the production example: their code, then evidence naming it."""
    repo = Repo(root)
    files = {
        path.relative_to(EXAMPLE).as_posix(): path.read_bytes()
        for path in sorted(EXAMPLE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
    folders = [f"projects/p{i:03d}/" for i in range(projects)]
    code = {name: data for name, data in files.items() if name not in EVIDENCE}
    repo.write({folder + name: data for folder in folders for name, data in code.items()})
    commit = repo.commit("code")
    runs = [json.loads(line) for line in files[EVIDENCE[0]].decode().splitlines() if line]
    for run in runs:
        run["git"]["commit"] = commit
    evidence = {EVIDENCE[0]: "".join(json.dumps(r) + "\n" for r in runs)}
    evidence[EVIDENCE[1]] = files[EVIDENCE[1]].decode()
    repo.write({folder + name: data for folder in folders for name, data in evidence.items()})
    repo.commit("runs and validation")
    return repo


def _git_starts(repo: Repo, tmp_path: Path, *args: str) -> list[str]:
    """The git command lines one ``check`` started."""
    env, log = git_shim(tmp_path)
    result = repo.check("--format", "json", *args, env=env)
    assert result.code == 0, result.stdout + result.stderr
    assert len(result.json()["projects"]) >= 1
    return log.read_text().splitlines()


@pytest.mark.parametrize(
    ("args", "bound"),
    # PR mode: one diff-index of the manifests against the base (moved and removed projects)
    [((), 5), (("--base", "HEAD~1"), 9), (("--base", "HEAD~1", "--changed-only"), 11)],
    ids=repr,
)
def test_git_starts_do_not_grow_with_the_number_of_projects(
    tmp_path: Path, args: tuple[str, ...], bound: int
) -> None:
    counts = {}
    for projects in (1, 50, 200):
        repo = _monorepo(tmp_path / f"m{projects}", projects)
        counts[projects] = len(_git_starts(repo, tmp_path, *args))
    assert counts[1] == counts[50] == counts[200], counts
    assert counts[1] <= bound, counts  # was 9 for one project, plus 4 per project more


def test_every_git_start_has_hooks_and_fsmonitor_off(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path / "m2", 2)
    starts = _git_starts(repo, tmp_path, "--base", "HEAD~1", "--changed-only")
    assert starts
    for line in starts:
        assert "-c core.fsmonitor=false" in line and "-c core.hooksPath=/dev/null" in line, line
        assert line.startswith("--no-optional-locks "), line


def test_a_git_that_cannot_answer_is_exit_2_in_one_line(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path / "m1", 1)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "git").write_text('#!/bin/sh\necho "fatal: this git is broken" >&2\nexit 128\n')
    (broken / "git").chmod(0o755)
    result = repo.check(env={"PATH": f"{broken}{os.pathsep}{os.environ['PATH']}"})
    assert result.code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "this git is broken" in result.stderr
