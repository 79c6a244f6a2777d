"""Realistic repositories for the benchmark: complete production-phase projects with history.

Each project is a copy of ``examples/production`` (design doc, run log, DAG, JUnit report,
Prometheus rules, monitoring.yaml, model card). The repository gets two commits, as a real
one would: the code, then the runs and the validation evidence that name that code's commit,
so every git-based rule (MLP204 traceability, MLP205/MLP305 freshness, MLP501) has real work.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "production"
EVIDENCE = ("experiments/runs.jsonl", "reports/pipeline-tests.xml")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def _example_files() -> dict[str, bytes]:
    return {
        path.relative_to(EXAMPLE).as_posix(): path.read_bytes()
        for path in sorted(EXAMPLE.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


def _write(root: Path, files: Mapping[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _runlog(template: bytes, commit: str, extra_lines: int) -> bytes:
    """The example's runs pointed at ``commit``, plus ``extra_lines`` more finished runs."""
    records = [json.loads(line) for line in template.decode().splitlines() if line.strip()]
    for record in records:
        record["git"]["commit"] = commit
    base = records[-1]
    lines = [json.dumps(r, separators=(",", ":")) for r in records]
    for index in range(extra_lines):
        run = {
            **base,
            "run_id": f"bench-{index:06d}",
            "metrics": {"val_auc": 0.5 + index % 40 / 100},
        }
        lines.append(json.dumps(run, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode()


def build(
    root: Path,
    projects: int,
    *,
    unrelated_files: int = 0,
    runlog_lines: int = 0,
    hostile_lines: int = 0,
) -> Path:
    """A committed repository of ``projects`` production projects (the root itself when 1).

    ``hostile_lines`` appends that many ``{}`` lines to the run log: the check must still
    finish quickly, in bounded memory, with bounded output (SPEC 12).
    """
    root.mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    files = _example_files()
    code = {name: data for name, data in files.items() if name not in EVIDENCE}
    folders = ["."] if projects == 1 else [f"projects/p{i:05d}" for i in range(projects)]
    for folder in folders:
        _write(root / folder, code)
    for index in range(unrelated_files):
        _write(root, {f"vendor/d{index // 1000:03d}/f{index:06d}.txt": b"unrelated\n"})
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "code")
    commit = _git(root, "rev-parse", "HEAD")
    runlog = _runlog(files["experiments/runs.jsonl"], commit, runlog_lines)
    evidence = {
        # A hostile log: the valid runs, then lines of "{}" (each an invalid record).
        "experiments/runs.jsonl": runlog + b"{}\n" * hostile_lines,
        "reports/pipeline-tests.xml": files["reports/pipeline-tests.xml"],
    }
    for folder in folders:
        _write(root / folder, evidence)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "runs and validation")
    return root
