"""Monorepos: discovery from git, one report for every project, --changed-only."""

from __future__ import annotations

from conftest import Repo
from ideation import complete, incomplete

POLICY = "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: error}\n"


def _monorepo(repo: Repo) -> str:
    """``churn`` passes, ``fraud`` fails (MLP102); returns the commit holding both."""
    repo.write({**complete("projects/churn/"), **incomplete("projects/fraud/")})
    return repo.commit("two projects")


def _roots(result) -> list[str]:
    assert result.code in (0, 1), result.stderr
    return [p["root"] for p in result.json()["projects"]]


def _rules(result, root: str) -> list[str]:
    project = next(p for p in result.json()["projects"] if p["root"] == root)
    return [f["rule"] for f in project["findings"]]


def test_one_failing_project_fails_the_run_and_both_are_reported(repo: Repo) -> None:
    _monorepo(repo)
    result = repo.check("--format", "json")
    assert result.code == 1
    assert _roots(result) == ["projects/churn", "projects/fraud"]
    assert _rules(result, "projects/churn") == []
    assert _rules(result, "projects/fraud") == ["MLP102"]


def test_changed_only_reports_only_the_touched_project(repo: Repo) -> None:
    base = _monorepo(repo)
    repo.write({"projects/churn/src/features.py": "FEATURES = ['tenure']\n"}).commit("churn")
    result = repo.check("--format", "json", "--base", base, "--changed-only")
    assert _roots(result) == ["projects/churn"]
    assert result.code == 0  # fraud's failure is not this change's
    assert "1 of 2 projects" in repo.check("--base", base, "--changed-only").stdout
    everything = repo.check("--format", "json", "--base", base)
    assert _roots(everything) == ["projects/churn", "projects/fraud"] and everything.code == 1


def test_changed_only_counts_uncommitted_and_new_files(repo: Repo) -> None:
    base = _monorepo(repo)
    repo.write({"projects/fraud/notes.txt": "not committed yet\n"})
    result = repo.check("--format", "json", "--base", base, "--changed-only")
    assert _roots(result) == ["projects/fraud"]


def test_a_change_to_a_shared_policy_file_touches_its_projects(repo: Repo) -> None:
    manifest = "version: 1\nphase: ideation\npolicy: ../../policies/org.yaml\n"
    repo.write({**complete("projects/churn/"), **complete("projects/fraud/")})
    repo.write({"projects/churn/mlpolicy.yaml": manifest, "policies/org.yaml": POLICY})
    base = repo.commit("churn uses the org policy")
    repo.write({"policies/org.yaml": POLICY + "waiver_warning_days: 30\n"}).commit("policy")
    result = repo.check("--format", "json", "--base", base, "--changed-only")
    assert _roots(result) == ["projects/churn"]


def test_a_nested_project_owns_its_own_changes(repo: Repo) -> None:
    repo.write({**complete(), **complete("models/churn/")})
    base = repo.commit("root project and a nested one")
    repo.write({"models/churn/train.py": "print(1)\n"}).commit()
    result = repo.check("--format", "json", "--base", base, "--changed-only")
    assert _roots(result) == ["models/churn"]
    repo.write({"README.md": "# all models\n"}).commit()
    result = repo.check("--format", "json", "--base", base, "--changed-only")
    assert _roots(result) == [".", "models/churn"]


def test_a_brand_new_untracked_manifest_is_discovered(repo: Repo) -> None:
    _monorepo(repo)
    repo.write(complete("projects/new/"))
    result = repo.check("--format", "json")
    assert "projects/new" in _roots(result)
    assert "MLP501" in _rules(result, "projects/new")  # found, and told to commit it


def test_ignored_folders_are_not_searched(repo: Repo) -> None:
    _monorepo(repo)
    repo.write({".gitignore": "build/\n", **incomplete("build/copy/")}).commit("ignore build")
    assert "build/copy" not in _roots(repo.check("--format", "json"))
    assert "build/copy" in _roots(repo.check("--format", "json", "--no-git"))


def test_a_deleted_but_tracked_manifest_is_not_a_project(repo: Repo) -> None:
    _monorepo(repo)
    (repo.root / "projects/fraud/mlpolicy.yaml").unlink()
    assert _roots(repo.check("--format", "json")) == ["projects/churn"]


def test_checking_a_subdirectory_finds_only_its_projects(repo: Repo) -> None:
    _monorepo(repo)
    result = repo.check("--format", "json", "projects/fraud")
    assert _roots(result) == ["projects/fraud"]
