"""Shared fixtures: real git repositories in temp dirs, and running the real CLI."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

SAMPLES = Path(__file__).parent / "samples"
# Every test process (and the mlpolicy processes they start) shares one throwaway
# validation cache instead of the user's ~/.cache/mlpolicy.
_CACHE = tempfile.mkdtemp(prefix="mlpolicy-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["MLPOLICY_CACHE_DIR"] = _CACHE
os.environ.pop("MLPOLICY_NO_CACHE", None)

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


@dataclass
class Result:
    """What a CLI run printed and returned."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    def rules(self) -> list[str]:
        """Rule ids of every unwaived finding in a ``--format json`` run."""
        data = self.json()
        found = list(data["findings"]) + [f for p in data["projects"] for f in p["findings"]]
        return [f["rule"] for f in found if not f["waived"]]


class Repo:
    """A real git repository in a temp dir, written file by file, committed on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, **GIT_ENV},
        )
        return done.stdout.strip()

    def write(self, files: Mapping[str, str | bytes]) -> Repo:
        for name, content in files.items():
            path = self.root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return self

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def check(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        return run_cli("check", *args, cwd=self.root, env=env)


def git_shim(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A ``git`` first on PATH that logs each command line and runs the real git: the
    environment to run under, and the log (one line per git start)."""
    real = shutil.which("git")
    shim, log = tmp_path / "shim", tmp_path / "git-starts.log"
    shim.mkdir(exist_ok=True)
    (shim / "git").write_text(f'#!/bin/sh\necho "$*" >> "{log}"\nexec "{real}" "$@"\n')
    (shim / "git").chmod(0o755)
    log.write_text("")
    return {"PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}, log


def run_record(commit: str, run_id: str = "gbm-1", **changes: object) -> str:
    """One finished ``mlpolicy.runlog/v1`` run (a JSONL line, without its newline)."""
    record: dict[str, object] = {
        "schema": "mlpolicy.runlog/v1",
        "run_id": run_id,
        "experiment": "churn",
        "started_at": "2026-11-26T15:30:00Z",
        "status": "finished",
        "git": {"commit": commit, "dirty": False},
        "params": {"lr": 0.05},
        "metrics": {"val_auc": 0.83},
        **changes,
    }
    return json.dumps(record)


def run_cli(*args: str, cwd: Path, env: Mapping[str, str] | None = None) -> Result:
    """Run ``python -m mlpolicy ARGS`` as a separate process, as a user would."""
    done = subprocess.run(
        [sys.executable, "-m", "mlpolicy", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **GIT_ENV, **(env or {})},
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty git repository."""
    return Repo(tmp_path / "repo")


@pytest.fixture
def make_repo(tmp_path: Path) -> Iterator[Callable[[str], Repo]]:
    """A factory for several repositories in one test."""
    yield lambda name: Repo(tmp_path / name)
