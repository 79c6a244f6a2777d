"""Pull-request mode (--base): phase moves, policy from the base, unusable bases."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from conftest import GIT_ENV, Repo, run_record
from ideation import complete, incomplete

BAR = "quality_bar:\n  metric: val_auc\n  goal: maximize\n  threshold: {}\n"
WAIVER = (
    "waivers:\n  - rule: MLP207\n    reason: the new features land next sprint\n"
    "    expires: 2099-01-31\n    approved_by: '@ml-lead'\n"
)


def _manifest(phase: str, extra: str = "") -> str:
    return f"version: 1\nphase: {phase}\n{extra}"


def _run(commit: str, auc: float = 0.83) -> str:
    return run_record(commit, metrics={"val_auc": auc})


def _findings(result) -> dict[str, list[dict]]:
    assert result.code in (0, 1), result.stderr
    data = result.json()
    found: dict[str, list[dict]] = {}
    for finding in data["findings"] + [f for p in data["projects"] for f in p["findings"]]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


def _clone(repo: Repo, dest: Path, depth: int) -> Repo:
    subprocess.run(
        ["git", "clone", "-q", "--depth", str(depth), f"file://{repo.root}", str(dest)],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    clone = Repo.__new__(Repo)
    clone.root = dest
    return clone


# -- MLP502 / MLP503 -----------------------------------------------------------------------


def test_skipping_a_phase_is_mlp502_and_the_report_names_the_base(repo: Repo) -> None:
    base = repo.write(complete()).commit("ideation")
    repo.write({"mlpolicy.yaml": _manifest("pipeline")}).commit("claim pipeline")
    result = repo.check("--format", "json", "--base", "main~1")
    found = _findings(result)
    assert [(f["path"], f["line"], f["severity"]) for f in found["MLP502"]] == [
        ("mlpolicy.yaml", 2, "error")
    ]
    assert "experimentation" in found["MLP502"][0]["message"]
    data = result.json()
    assert data["base"] == {"ref": "main~1", "commit": base}
    assert [(p["phase"], p["base_phase"]) for p in data["projects"]] == [("pipeline", "ideation")]


def test_one_step_forward_is_not_mlp502(repo: Repo) -> None:
    repo.write(complete()).commit("ideation")
    repo.write({"mlpolicy.yaml": _manifest("experimentation")}).commit()
    found = _findings(repo.check("--format", "json", "--base", "HEAD~1"))
    assert "MLP502" not in found and "MLP503" not in found


def test_going_back_is_an_mlp503_warning(repo: Repo) -> None:
    repo.write({**complete(), "mlpolicy.yaml": _manifest("experimentation")}).commit()
    repo.write({"mlpolicy.yaml": _manifest("ideation")}).commit("back to the drawing board")
    result = repo.check("--format", "json", "--base", "HEAD~1")
    assert [(f["rule"], f["severity"]) for f in _findings(result)["MLP503"]] == [
        ("MLP503", "warning")
    ]
    assert result.code == 0


def test_without_base_there_is_no_comparison(repo: Repo) -> None:
    repo.write(complete()).commit("ideation")
    repo.write({"mlpolicy.yaml": _manifest("pipeline")}).commit()
    result = repo.check("--format", "json")
    assert "MLP502" not in _findings(result)
    assert result.json()["base"] is None
    assert result.json()["projects"][0]["base_phase"] is None


# -- policy, waivers and quality bar from the base ------------------------------------------


def _failing_bar(repo: Repo) -> str:
    """A pipeline-phase project whose only run misses its bar of 0.90 (MLP207)."""
    sha = repo.write({"src/train.py": "print('train')\n"}).commit("code")
    files = {
        "mlpolicy.yaml": _manifest("pipeline", BAR.format("0.90")),
        "experiments/runs.jsonl": _run(sha) + "\n",
    }
    return repo.write(files).commit("runs")


def test_lowering_the_bar_in_the_change_does_not_apply(repo: Repo) -> None:
    _failing_bar(repo)
    repo.write({"mlpolicy.yaml": _manifest("pipeline", BAR.format("0.80"))}).commit("lower")
    select = ("--select", "MLP207,MLP504")
    assert "MLP207" not in _findings(repo.check("--format", "json", *select))  # sanity
    result = repo.check("--format", "json", *select, "--base", "HEAD~1")
    found = _findings(result)
    assert "0.9" in found["MLP207"][0]["message"]
    assert [(f["path"], f["line"], f["severity"]) for f in found["MLP504"]] == [
        ("mlpolicy.yaml", 3, "warning")
    ]
    assert "0.9" in found["MLP504"][0]["message"] and result.code == 1


def test_a_waiver_added_for_the_changes_own_failure_does_not_apply(repo: Repo) -> None:
    _failing_bar(repo)
    repo.write({"mlpolicy.yaml": _manifest("pipeline", BAR.format("0.90") + WAIVER)}).commit()
    select = ("--select", "MLP207,MLP504")
    assert _findings(repo.check("--format", "json", *select))["MLP207"][0]["waived"]  # sanity
    result = repo.check("--format", "json", *select, "--base", "HEAD~1")
    found = _findings(result)
    assert found["MLP207"][0]["waived"] is False
    assert "adds MLP207" in found["MLP504"][0]["message"]
    assert result.code == 1


def test_a_waiver_merged_before_the_change_still_applies(repo: Repo) -> None:
    _failing_bar(repo)
    repo.write({"mlpolicy.yaml": _manifest("pipeline", BAR.format("0.90") + WAIVER)}).commit()
    repo.write({"src/train.py": "print('train v2')\n"}).commit("an unrelated change")
    result = repo.check("--format", "json", "--select", "MLP207,MLP504", "--base", "HEAD~1")
    found = _findings(result)
    assert found["MLP207"][0]["waived"] is True and "MLP504" not in found
    assert result.code == 0


def test_editing_the_policy_file_applies_its_base_version(repo: Repo) -> None:
    strict = "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: error}\n"
    manifest = _manifest("ideation", "policy: policies/org.yaml\n")
    files = {**incomplete(), "mlpolicy.yaml": manifest, "policies/org.yaml": strict}
    repo.write(files).commit()
    repo.write({"policies/org.yaml": strict.replace("error", "warning")}).commit("relax")
    assert repo.check().code == 0  # sanity: the relaxed policy makes MLP102 a warning
    result = repo.check("--format", "json", "--base", "HEAD~1")
    found = _findings(result)
    assert found["MLP102"][0]["severity"] == "error"
    assert [f["path"] for f in found["MLP504"]] == ["policies/org.yaml"]
    project = result.json()["projects"][0]
    assert project["policy"]["sha256"] == _sha256(strict)
    assert result.code == 1


def test_pointing_policy_elsewhere_applies_the_base_policy(repo: Repo) -> None:
    repo.write(incomplete()).commit("built-in policy")
    lax = "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: warning}\n"
    manifest = _manifest("ideation", "policy: lax.yaml\n")
    repo.write({"mlpolicy.yaml": manifest, "lax.yaml": lax}).commit("my own policy")
    found = _findings(repo.check("--format", "json", "--base", "HEAD~1"))
    assert found["MLP102"][0]["severity"] == "error"
    assert found["MLP504"][0]["line"] == 3 and "built-in" in found["MLP504"][0]["message"]


def test_a_new_project_is_checked_in_full_without_its_waivers(repo: Repo) -> None:
    repo.write({"README.md": "# monorepo\n"}).commit("before the project")
    waiver = WAIVER.replace("MLP207", "MLP102")
    repo.write({**incomplete("churn/"), "churn/mlpolicy.yaml": _manifest("ideation", waiver)})
    repo.commit("add the churn project")
    result = repo.check("--format", "json", "--base", "HEAD~1")
    found = _findings(result)
    assert "MLP502" not in found
    assert found["MLP102"][0]["waived"] is False
    assert [f["path"] for f in found["MLP504"]] == ["churn/mlpolicy.yaml"]
    assert result.json()["projects"][0]["base_phase"] is None
    assert result.code == 1


def test_a_new_project_may_start_at_any_phase(repo: Repo) -> None:
    repo.write({"README.md": "# monorepo\n"}).commit("before the project")
    repo.write({"churn/mlpolicy.yaml": _manifest("production")}).commit("add churn")
    found = _findings(repo.check("--format", "json", "--base", "HEAD~1"))
    assert "MLP502" not in found
    assert "MLP101" in found  # every requirement up to production is checked


# -- MLP505: no usable base ----------------------------------------------------------------


def test_a_depth_1_clone_lacking_the_base_is_mlp505_exit_1(repo: Repo, tmp_path: Path) -> None:
    first = repo.write(complete()).commit("ideation")
    repo.write({"mlpolicy.yaml": _manifest("experimentation")}).commit("advance")
    clone = _clone(repo, tmp_path / "ci", depth=1)
    result = clone.check("--format", "json", "--base", first)
    assert result.code == 1, result.stderr
    findings = result.json()["findings"]
    assert [f["rule"] for f in findings] == ["MLP505"]
    assert "fetch-depth" in findings[0]["hint"] and findings[0]["path"] is None
    assert result.json()["base"] == {"ref": first, "commit": None}


def test_an_unknown_base_in_a_full_clone_says_what_to_fetch(repo: Repo) -> None:
    repo.write(complete()).commit()
    result = repo.check("--format", "json", "--base", "origin/main")
    assert result.code == 1
    finding = result.json()["findings"][0]
    assert finding["rule"] == "MLP505" and "git fetch" in finding["hint"]


def test_text_report_shows_the_mlp505_finding(repo: Repo) -> None:
    repo.write(complete()).commit()
    result = repo.check("--base", "no-such-branch")
    assert result.code == 1 and "MLP505" in result.stdout


# -- GitHub Actions default base -----------------------------------------------------------


def _pull_request_merge(repo: Repo) -> None:
    """main at ideation; a branch claiming pipeline; HEAD is the merge commit CI checks out."""
    repo.write(complete()).commit("ideation")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write({"mlpolicy.yaml": _manifest("pipeline")}).commit("claim pipeline")
    repo.git("checkout", "-q", "main")
    repo.write({"README.md": "# churn\n"}).commit("meanwhile on main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")


def test_github_pull_request_defaults_to_head_parent_1(repo: Repo) -> None:
    _pull_request_merge(repo)
    result = repo.check("--format", "json", env={"GITHUB_BASE_REF": "main"})
    assert "MLP502" in _findings(result)
    assert result.json()["base"] == {"ref": "HEAD^1", "commit": repo.git("rev-parse", "HEAD^1")}
    text = repo.check(env={"GITHUB_BASE_REF": "main"}).stdout
    assert "HEAD^1" in text  # the report says which base was used


def test_github_pull_request_in_a_depth_2_clone_works(repo: Repo, tmp_path: Path) -> None:
    _pull_request_merge(repo)
    clone = _clone(repo, tmp_path / "ci", depth=2)
    result = clone.check("--format", "json", env={"GITHUB_BASE_REF": "main"})
    assert "MLP502" in _findings(result) and "MLP505" not in _findings(result)


def test_github_pull_request_in_a_depth_1_clone_is_mlp505(repo: Repo, tmp_path: Path) -> None:
    _pull_request_merge(repo)
    clone = _clone(repo, tmp_path / "ci", depth=1)
    result = clone.check("--format", "json", env={"GITHUB_BASE_REF": "main"})
    assert result.code == 1
    assert [f["rule"] for f in result.json()["findings"]] == ["MLP505"]
    assert "fetch-depth: 2" in result.json()["findings"][0]["hint"]


def test_an_empty_github_base_ref_is_not_a_pull_request(repo: Repo) -> None:
    repo.write(complete()).commit()
    result = repo.check("--format", "json", env={"GITHUB_BASE_REF": ""})
    assert result.code == 0 and result.json()["base"] is None


def test_explicit_base_beats_the_github_default(repo: Repo) -> None:
    _pull_request_merge(repo)
    env = {"GITHUB_BASE_REF": "main", "MLPOLICY_BASE": "HEAD"}
    result = repo.check("--format", "json", env=env)
    assert "MLP502" not in _findings(result) and result.json()["base"]["ref"] == "HEAD"


# -- usage errors ----------------------------------------------------------------------------


def test_changed_only_without_a_base_is_a_usage_error(repo: Repo) -> None:
    repo.write(complete()).commit()
    result = repo.check("--changed-only")
    assert result.code == 2 and "--base" in result.stderr


def test_base_with_no_git_is_a_usage_error(repo: Repo) -> None:
    repo.write(complete()).commit()
    assert repo.check("--base", "HEAD", "--no-git").code == 2


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
