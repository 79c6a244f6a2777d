"""``mlpolicy advance``: one phase forward, only when the next phase's requirements pass."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Repo, run_cli

ROOT = Path(__file__).parents[1]
MANIFEST = (
    "# Churn model\nversion: 1\nphase: 'ideation'   # moved by mlpolicy advance\n"
    'owners: ["@ml"]\n'
)


def _project(repo: Repo, status: str) -> None:
    design = (ROOT / "examples/ideation/docs/design.md").read_text(encoding="utf-8")
    repo.write({"mlpolicy.yaml": MANIFEST, "docs/design.md": design.replace("in-review", status)})
    repo.commit("project")


def test_refuses_while_the_next_phase_fails(repo: Repo) -> None:
    _project(repo, "in-review")
    result = run_cli("advance", cwd=repo.root)
    assert result.code == 1
    assert "MLP105" in result.stdout and "MLP201" in result.stdout
    assert (repo.root / "mlpolicy.yaml").read_text() == MANIFEST


def test_moves_one_phase_keeping_comments_and_quotes(repo: Repo) -> None:
    _project(repo, "approved")
    run = {
        "schema": "mlpolicy.runlog/v1", "run_id": "r1", "experiment": "churn",
        "started_at": "2026-11-20T10:00:00Z", "status": "finished",
        "git": {"commit": repo.git("rev-parse", "HEAD"), "dirty": False},
        "params": {"lr": 0.1}, "metrics": {"auc": 0.8},
    }  # fmt: skip
    repo.write({"experiments/runs.jsonl": json.dumps(run) + "\n"})
    repo.commit("runs")
    result = run_cli("advance", cwd=repo.root)
    assert result.code == 0, result.stdout + result.stderr
    assert "ideation -> experimentation" in result.stdout
    expected = MANIFEST.replace("'ideation'", "'experimentation'")
    assert (repo.root / "mlpolicy.yaml").read_text() == expected


def test_unknown_or_backward_target_is_a_usage_error(repo: Repo) -> None:
    _project(repo, "approved")
    assert run_cli("advance", "--to", "deploy", cwd=repo.root).code == 2
    assert run_cli("advance", "--to", "ideation", cwd=repo.root).code == 2
    assert run_cli("advance", str(repo.root / "docs"), cwd=repo.root).code == 2


def test_refusal_names_the_phase_it_checked_and_why(repo: Repo) -> None:
    _project(repo, "in-review")
    result = run_cli("advance", cwd=repo.root)
    assert result.code == 1
    lines = result.stdout.splitlines()
    assert "at ideation; checking the requirements of experimentation" in lines[0]
    # The findings are experimentation's, and the project header says so.
    assert ". [experimentation] 2 findings" in lines
    assert "[ideation]" not in result.stdout
    assert "stays at ideation: experimentation requires" in lines[-1]
