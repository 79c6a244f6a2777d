"""MLP008: nothing outside the repository is ever read or echoed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import Repo

SECRET = "TOP-SECRET-CONTENT-4242"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.md"
    secret.parent.mkdir()
    secret.write_text(f"# Problem\n{SECRET}\n## Data\n{SECRET}\n", encoding="utf-8")
    return secret


def _mlp008(result) -> list[dict]:
    return [f for p in result.json()["projects"] for f in p["findings"] if f["rule"] == "MLP008"]


@pytest.mark.parametrize("declared", ["../../etc/passwd", "../outside/secret.md", "/etc/passwd"])
def test_escaping_declared_path_is_mlp008(repo: Repo, declared: str) -> None:
    repo.write(
        {"mlpolicy.yaml": f"version: 1\nphase: ideation\nartifacts:\n  design_doc: {declared}\n"}
    )
    for fmt in ("json", "text"):
        result = repo.check("--format", fmt)
        assert result.code == 1
        assert "root:" not in result.stdout  # nothing of /etc/passwd
    [finding] = _mlp008(repo.check("--format", "json"))
    assert (finding["path"], finding["line"], finding["column"]) == ("mlpolicy.yaml", 4, 3)


def test_symlink_leading_outside_is_mlp008_and_never_read(repo: Repo, outside: Path) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    (repo.root / "docs").mkdir()
    os.symlink(outside, repo.root / "docs" / "design.md")
    for fmt in ("json", "text"):
        result = repo.check("--format", fmt)
        assert SECRET not in result.stdout + result.stderr
        assert result.code == 1
    [finding] = _mlp008(repo.check("--format", "json"))
    assert finding["path"] == "docs/design.md"


def test_declared_symlink_outside_is_mlp008(repo: Repo, outside: Path) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\nartifacts:\n  design_doc: d.md\n"})
    os.symlink(outside, repo.root / "d.md")
    result = repo.check("--format", "json")
    assert SECRET not in result.stdout
    assert [f["line"] for f in _mlp008(result)] == [4]


def test_dotdot_inside_the_repository_is_fine(repo: Repo) -> None:
    repo.write(
        {
            "ml/churn/mlpolicy.yaml": (
                "version: 1\nphase: ideation\npolicy: ../../policies/org.yaml\n"
                "artifacts:\n  design_doc: ../../docs/churn.md\n"
            ),
            "policies/org.yaml": "version: 1\nphases:\n  - id: ideation\n",
            "docs/churn.md": "# Churn\n",
        }
    )
    result = repo.check("--format", "json")
    assert _mlp008(result) == []
    assert "MLP004" not in result.rules()


def test_symlink_inside_the_repository_is_fine(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n", "real.md": "# Design\n"})
    (repo.root / "docs").mkdir()
    os.symlink(repo.root / "real.md", repo.root / "docs" / "design.md")
    assert _mlp008(repo.check("--format", "json")) == []
