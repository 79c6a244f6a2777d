"""MLP001 in pull-request mode: a change cannot take a project out of the gate by removing
or hiding its manifest."""

from __future__ import annotations

import ideation
import pytest
from conftest import Repo


@pytest.fixture
def monorepo(repo: Repo) -> tuple[Repo, str]:
    repo.write({**ideation.complete("a/"), **ideation.complete("b/")})
    return repo, repo.commit("two projects")


def _mlp001(repo: Repo, *args: str) -> list[tuple[str, str | None]]:
    result = repo.check("--format", "json", *args)
    data = result.json()
    return [(f["rule"], f.get("path")) for f in data["findings"] if f["rule"] == "MLP001"]


def test_a_deleted_manifest_fails_the_change(monorepo: tuple[Repo, str]) -> None:
    repo, base = monorepo
    repo.git("rm", "-q", "b/mlpolicy.yaml")
    repo.commit("drop b")
    assert _mlp001(repo, "--base", base) == [("MLP001", "b/mlpolicy.yaml")]
    assert repo.check("--base", base).code == 1


def test_a_project_hidden_in_a_skipped_folder_fails_the_change(monorepo: tuple[Repo, str]) -> None:
    repo, base = monorepo
    (repo.root / "node_modules").mkdir()
    repo.git("mv", "b", "node_modules/b")
    repo.commit("hide b")
    assert _mlp001(repo, "--base", base) == [("MLP001", "b/mlpolicy.yaml")]


def test_a_moved_project_that_is_still_found_passes(monorepo: tuple[Repo, str]) -> None:
    repo, base = monorepo
    repo.git("mv", "b", "c")
    repo.commit("rename b")
    result = repo.check("--base", base)
    assert result.code == 0, result.stdout


def test_only_removals_under_the_checked_path_are_reported(monorepo: tuple[Repo, str]) -> None:
    repo, base = monorepo
    repo.git("rm", "-q", "b/mlpolicy.yaml")
    repo.commit("drop b")
    assert _mlp001(repo, "--base", base, "a") == []
    assert _mlp001(repo, "--base", base, "b") == [("MLP001", "b/mlpolicy.yaml")]


def test_without_a_base_a_missing_project_is_not_guessed(monorepo: tuple[Repo, str]) -> None:
    repo, _ = monorepo
    repo.git("rm", "-q", "b/mlpolicy.yaml")
    repo.commit("drop b")
    assert _mlp001(repo) == []
