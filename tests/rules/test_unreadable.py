"""MLP009: a file or folder that must be read but cannot be is a finding, never a skip."""

from __future__ import annotations

import os

import pytest
from conftest import Repo
from ideation import complete

from mlpolicy.project import Project, Repository
from mlpolicy.safeio import TooLarge, Unreadable
from mlpolicy.settings import Settings

PIPELINE = "stages:\n  train:\n    cmd: python train.py\n"


def _mlp009(result) -> list[tuple[str, str]]:
    found = [f for p in result.json()["projects"] for f in p["findings"]]
    return [(f["path"], f["message"]) for f in found if f["rule"] == "MLP009"]


def _pipeline_project(repo: Repo) -> None:
    manifest = "version: 1\nphase: pipeline\nartifacts:\n  pipelines: [pipelines/]\n"
    repo.write({**complete(), "mlpolicy.yaml": manifest, "pipelines/dvc.yaml": PIPELINE})


def test_a_fifo_in_a_declared_folder_is_mlp009_naming_it(repo: Repo) -> None:
    _pipeline_project(repo)
    os.mkfifo(repo.root / "pipelines" / "train.yaml")
    result = repo.check("--format", "json")
    [(path, message)] = _mlp009(result)
    assert path == "pipelines/train.yaml" and "FIFO" in message and result.code == 1


def test_a_symlink_loop_in_a_declared_folder_is_mlp009(repo: Repo) -> None:
    _pipeline_project(repo)
    (repo.root / "pipelines" / "serve.yaml").symlink_to("serve.yaml")
    [(path, message)] = _mlp009(repo.check("--format", "json"))
    assert path == "pipelines/serve.yaml" and "loop" in message


def test_a_fifo_in_a_declared_experiments_folder_is_mlp009(repo: Repo) -> None:
    manifest = "version: 1\nphase: experimentation\nartifacts:\n  experiments: logs/\n"
    repo.write({**complete(), "mlpolicy.yaml": manifest, "logs/README.md": "runs\n"})
    os.mkfifo(repo.root / "logs" / "runs.jsonl")
    [(path, message)] = _mlp009(repo.check("--format", "json"))
    assert path == "logs/runs.jsonl" and "FIFO" in message


def test_readable_files_and_unrelated_special_files_are_not_mlp009(repo: Repo) -> None:
    _pipeline_project(repo)
    os.mkfifo(repo.root / "pipelines" / "notes.txt")  # not a pipeline candidate: not read
    assert _mlp009(repo.check("--format", "json")) == []


def test_a_folder_the_phase_does_not_require_is_not_read(repo: Repo) -> None:
    repo.write(complete())
    (repo.root / "monitoring").mkdir()
    os.mkfifo(repo.root / "monitoring" / "alerts.yaml")
    # ideation requires no monitoring, so the folder is never read: nothing to report.
    assert _mlp009(repo.check("--format", "json")) == []


def test_project_read_bounded_records_unreadable_but_not_oversized(repo: Repo) -> None:
    repo.write({**complete(), "big.yaml": "x" * 100})
    os.mkfifo(repo.root / "pipe.yaml")
    project = Project(Repository(repo.root, True, False), repo.root / "mlpolicy.yaml", Settings())
    with pytest.raises(TooLarge):
        project.read_bounded(repo.root / "big.yaml", 10)
    with pytest.raises(Unreadable):
        project.read_bounded(repo.root / "pipe.yaml", 10)
    assert list(project.unreadable) == ["pipe.yaml"]
