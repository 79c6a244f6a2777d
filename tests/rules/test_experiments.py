"""MLP201-MLP204, MLP206 and MLP207 on real git repositories."""

from __future__ import annotations

import subprocess

import pytest
from conftest import Repo, run_cli, run_record
from ideation import DESIGN_DOC, complete

FAKE_SHA = "9f2b7c1e0a4d6b8f3c5e7a9d1b3f5c7e9a1d3b5f"
BAR = "quality_bar:\n  metric: val_auc\n  goal: {goal}\n  threshold: {threshold}\n"


def _run(run_id: str, commit: str = FAKE_SHA, **changes: object) -> str:
    return run_record(commit, run_id, **changes)


def _manifest(phase: str, extra: str = "") -> str:
    return f"version: 1\nphase: {phase}\n{extra}"


def _findings(result) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for project in result.json()["projects"]:
        for finding in project["findings"]:
            if not finding["waived"]:
                found.setdefault(finding["rule"], []).append(finding)
    return found


def _check(repo: Repo, files: dict[str, str], *args: str) -> dict[str, list[dict]]:
    repo.write(files)
    repo.commit("runs")
    result = repo.check("--format", "json", "--select", "MLP2", *args)
    assert result.code in (0, 1), result.stderr
    return _findings(result)


def _traceable(repo: Repo) -> str:
    """A commit that exists in ``repo``, as a real run would record it."""
    repo.write({"src/train.py": "print('train')\n"})
    return repo.commit("training code")


# -- MLP201, MLP202, MLP203 ----------------------------------------------------------------


def test_no_logs_is_mlp201_only(repo: Repo) -> None:
    found = _check(repo, {"mlpolicy.yaml": _manifest("experimentation")})
    # Nothing is declared, so it points at the line that requires logs: `phase:`.
    assert [(f["path"], f["line"]) for f in found["MLP201"]] == [("mlpolicy.yaml", 2)]
    assert "MLP203" not in found and "MLP202" not in found


def test_declared_log_that_does_not_exist_is_reported_at_its_manifest_line(repo: Repo) -> None:
    manifest = _manifest("experimentation", "artifacts:\n  experiments: [runs/a.jsonl]\n")
    found = _check(repo, {"mlpolicy.yaml": manifest})
    [missing] = found["MLP201"]
    assert (missing["path"], missing["line"]) == ("mlpolicy.yaml", 4)
    assert "runs/a.jsonl" in missing["message"]


def test_malformed_line_is_mlp202_at_its_line_and_good_runs_still_count(repo: Repo) -> None:
    sha = _traceable(repo)
    runs = "\n".join([_run("a", sha), '{"schema": "mlpolicy.runlog/v1", "run_id": "b",', ""])
    found = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    )
    assert [(f["path"], f["line"]) for f in found["MLP202"]] == [("experiments/runs.jsonl", 2)]
    assert "MLP201" not in found and "MLP203" not in found and "MLP204" not in found


def test_schema_violation_is_mlp202(repo: Repo) -> None:
    runs = "\n".join([_run("a"), _run("b", status="done")])
    found = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    )
    [bad] = found["MLP202"]
    assert bad["line"] == 2 and "status" in bad["message"]


def test_no_finished_run_with_params_and_metrics_is_mlp203(repo: Repo) -> None:
    runs = "\n".join(
        [_run("a", status="running"), _run("b", metrics={}), _run("c", status="killed")]
    )
    found = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    )
    [incomplete] = found["MLP203"]
    assert incomplete["path"] == "experiments/runs.jsonl"
    assert "1 running" in incomplete["message"] and "1 without metrics" in incomplete["message"]


def test_log_without_a_valid_record_is_mlp202_only(repo: Repo) -> None:
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": "{oops\n"}
    found = _check(repo, files)
    assert [f["line"] for f in found["MLP202"]] == [1]
    assert "MLP203" not in found and "MLP201" not in found


def test_empty_log_is_mlp203_with_the_command_that_writes_a_run(repo: Repo) -> None:
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": "\n"}
    [empty] = _check(repo, files)["MLP203"]
    assert empty["path"] == "experiments/runs.jsonl" and "mlpolicy log" in empty["hint"]


def test_mlp203_names_the_closest_run_and_what_it_lacks(repo: Repo) -> None:
    runs = "\n".join(
        [_run("a", status="failed", metrics={}), _run("b", metrics={}), _run("c", params={})]
    )
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    [incomplete] = _check(repo, files)["MLP203"]
    assert 'run "c" (experiments/runs.jsonl:3)' in incomplete["hint"]
    assert "logs no params" in incomplete["hint"]


BAD_LINES = {
    "missing status": _run("b").replace(', "status": "finished"', ""),
    "naive started_at": _run("b", started_at="2026-11-30T10:00:00"),
    "non-object": '["gbm-2", 0.83]',
}


@pytest.mark.parametrize("name", sorted(BAD_LINES))
@pytest.mark.parametrize("alone", [True, False], ids=["alone", "after-a-good-run"])
def test_a_malformed_record_is_one_mlp202_and_nothing_else(
    repo: Repo, name: str, alone: bool
) -> None:
    sha = _traceable(repo)
    lines = ([] if alone else [_run("a", sha)]) + [BAD_LINES[name]]
    _assert_only_mlp202(repo, "\n".join(lines) + "\n", line=len(lines))


@pytest.mark.parametrize("alone", [True, False], ids=["alone", "after-a-good-run"])
def test_a_truncated_last_line_is_one_mlp202_and_nothing_else(repo: Repo, alone: bool) -> None:
    sha = _traceable(repo)
    lines = ([] if alone else [_run("a", sha)]) + [_run("b", sha)[:60]]
    _assert_only_mlp202(repo, "\n".join(lines), line=len(lines))


def _assert_only_mlp202(repo: Repo, runs: str, line: int) -> None:
    files = {**complete(), "mlpolicy.yaml": _manifest("experimentation")}
    files["docs/design.md"] = "---\nstatus: approved\n---\n" + DESIGN_DOC
    repo.write({**files, "experiments/runs.jsonl": runs})
    repo.commit("runs")
    result = repo.check("--format", "json")
    found = [(f["rule"], f["path"], f["line"]) for f in _all(result)]
    assert found == [("MLP202", "experiments/runs.jsonl", line)], result.stdout


def _all(result) -> list[dict]:
    return [f for project in result.json()["projects"] for f in project["findings"]]


def test_a_naive_start_time_gets_the_exact_fix(repo: Repo) -> None:
    runs = _run("a", started_at="2026-11-30 10:00:00")
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    [bad] = _check(repo, files)["MLP202"]
    assert '"started_at": "2026-11-30T10:00:00Z"' in bad["hint"]


def test_invalid_records_stop_at_fifty_findings_per_file_the_last_counting_the_rest(
    repo: Repo,
) -> None:
    runs = "\n".join([_run("a")] + ["{}"] * 120)
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    found = _check(repo, files)["MLP202"]
    assert len(found) == 50
    assert [f["line"] for f in found] == list(range(2, 52))
    assert found[-1]["message"].startswith("71 more invalid records in this file from line 51")


def test_one_usable_run_silences_mlp203(repo: Repo) -> None:
    runs = "\n".join([_run("a", status="running"), _run("b")])
    found = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    )
    assert "MLP203" not in found and "MLP201" not in found


# -- MLP204 --------------------------------------------------------------------------------


def test_run_from_a_commit_of_the_repository_is_traceable(repo: Repo) -> None:
    sha = _traceable(repo)
    runs = "\n".join([_run("full", sha), _run("short", sha[:7])])
    found = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    )
    assert "MLP204" not in found


def test_made_up_commit_and_dirty_tree_are_mlp204_per_run(repo: Repo) -> None:
    sha = _traceable(repo)
    runs = "\n".join(
        [_run("ok", sha), _run("unknown"), _run("dirty", git={"commit": sha, "dirty": True})]
    )
    found = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    )
    assert [f["line"] for f in found["MLP204"]] == [2, 3]
    unknown, dirty = found["MLP204"]
    assert "not in this repository" in unknown["message"]
    assert "mlpolicy log" in unknown["hint"]
    assert dirty["message"].startswith('run "dirty" ') and "uncommitted" in dirty["message"]
    assert "Commit the changes" in dirty["hint"]


def test_without_git_only_dirty_runs_are_untraceable(repo: Repo) -> None:
    runs = "\n".join([_run("unknown"), _run("dirty", git={"commit": FAKE_SHA, "dirty": True})])
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": runs}
    found = _check(repo, files, "--no-git")
    assert [f["line"] for f in found["MLP204"]] == [2]


# -- MLP206, MLP207 ------------------------------------------------------------------------


def _bar(goal: str, threshold: float) -> str:
    return BAR.format(goal=goal, threshold=threshold)


def test_bar_above_the_best_run_is_mlp207_naming_both_numbers(repo: Repo) -> None:
    runs = "\n".join([_run("lr", metrics={"val_auc": 0.8}), _run("gbm", metrics={"val_auc": 0.83})])
    manifest = _manifest("pipeline", _bar("maximize", 0.9))
    found = _check(repo, {"mlpolicy.yaml": manifest, "experiments/runs.jsonl": runs})
    [unmet] = found["MLP207"]
    assert (unmet["path"], unmet["line"]) == ("mlpolicy.yaml", 3)
    for words in ('"gbm"', "0.83", "0.9", "maximize"):
        assert words in unmet["message"]


def test_series_metrics_count_with_their_last_value(repo: Repo) -> None:
    series = [{"step": 0, "value": 0.95}, {"step": 1, "value": 0.7}]
    runs = _run("peaked", metrics={"val_auc": series})
    manifest = _manifest("pipeline", _bar("maximize", 0.9))
    found = _check(repo, {"mlpolicy.yaml": manifest, "experiments/runs.jsonl": runs})
    assert "0.7" in found["MLP207"][0]["message"]


def test_only_finished_runs_meet_the_bar(repo: Repo) -> None:
    runs = "\n".join([_run("live", status="running", metrics={"val_auc": 0.95}), _run("done")])
    manifest = _manifest("pipeline", _bar("maximize", 0.9))
    found = _check(repo, {"mlpolicy.yaml": manifest, "experiments/runs.jsonl": runs})
    assert '"done"' in found["MLP207"][0]["message"]


@pytest.mark.parametrize(("threshold", "fires"), [(0.3, False), (0.2, True)])
def test_minimize_goal(repo: Repo, threshold: float, fires: bool) -> None:
    runs = "\n".join([_run("a", metrics={"val_auc": 0.31}), _run("b", metrics={"val_auc": 0.25})])
    manifest = _manifest("pipeline", _bar("minimize", threshold))
    found = _check(repo, {"mlpolicy.yaml": manifest, "experiments/runs.jsonl": runs})
    assert ("MLP207" in found) is fires
    if fires:
        assert (
            "0.25" in found["MLP207"][0]["message"] and "minimize" in found["MLP207"][0]["message"]
        )


def test_maximize_goal_met_is_silent(repo: Repo) -> None:
    manifest = _manifest("pipeline", _bar("maximize", 0.8))
    found = _check(repo, {"mlpolicy.yaml": manifest, "experiments/runs.jsonl": _run("a")})
    assert "MLP207" not in found and "MLP206" not in found


def test_bar_metric_recorded_by_no_finished_run_says_so(repo: Repo) -> None:
    runs = _run("a", metrics={"precision_at_500": 0.29})
    manifest = _manifest("pipeline", _bar("maximize", 0.8))
    found = _check(repo, {"mlpolicy.yaml": manifest, "experiments/runs.jsonl": runs})
    [unmet] = found["MLP207"]
    assert 'no finished run records "val_auc"' in unmet["message"]


def test_missing_bar_is_mlp206_from_the_pipeline_phase_on(repo: Repo) -> None:
    files = {"experiments/runs.jsonl": _run("a")}
    at_pipeline = _check(repo, {**files, "mlpolicy.yaml": _manifest("pipeline")})
    # The quality bar is required by the phase, so the finding points at `phase:`.
    assert [(f["path"], f["line"]) for f in at_pipeline["MLP206"]] == [("mlpolicy.yaml", 2)]
    at_experimentation = _check(repo, {"mlpolicy.yaml": _manifest("experimentation")})
    assert "MLP206" not in at_experimentation


# -- phases --------------------------------------------------------------------------------


def test_rules_fire_only_from_the_phases_the_policy_requires(repo: Repo) -> None:
    runs = "\n".join([_run("a", status="running"), "{oops"])
    files = {"experiments/runs.jsonl": runs}
    ideation = _check(
        repo, {**files, "mlpolicy.yaml": _manifest("ideation", _bar("maximize", 0.9))}
    )
    assert not set(ideation) & {"MLP201", "MLP202", "MLP203", "MLP204", "MLP206", "MLP207"}
    experimentation = _check(
        repo, {"mlpolicy.yaml": _manifest("experimentation", _bar("maximize", 0.9))}
    )
    assert {"MLP202", "MLP203", "MLP204"} <= set(experimentation)
    assert "MLP207" not in experimentation
    pipeline = _check(repo, {"mlpolicy.yaml": _manifest("pipeline", _bar("maximize", 0.9))})
    assert {"MLP202", "MLP203", "MLP204", "MLP207"} <= set(pipeline)


def test_no_logs_is_fine_while_ideating(repo: Repo) -> None:
    found = _check(repo, {"mlpolicy.yaml": _manifest("ideation")})
    assert "MLP201" not in found


def test_what_if_phase_applies_the_later_requirements(repo: Repo) -> None:
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": _run("a")}
    found = _check(repo, files, "--phase", "pipeline")
    assert "MLP206" in found


def test_commit_beyond_a_shallow_clone_is_mlp505_not_mlp204(repo: Repo, tmp_path) -> None:
    old = _traceable(repo)
    repo.write({"README.md": "later work\n"})
    repo.commit("later")
    repo.write(
        {
            "mlpolicy.yaml": _manifest("experimentation"),
            "experiments/runs.jsonl": _run("a", old) + "\n",
        }
    )
    repo.commit("runs")
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True
    )
    found = _findings(run_cli("check", "--format", "json", "--select", "MLP204,MLP505", cwd=clone))
    assert "MLP204" not in found
    assert {f["path"] for f in found["MLP505"]} == {"experiments/runs.jsonl"}
    # The same log in the full repository is traceable.
    assert "MLP204" not in _findings(repo.check("--format", "json", "--select", "MLP204"))


def test_a_million_empty_records_give_fifty_findings_and_a_short_report(repo: Repo) -> None:
    # issue 8: 1,000,000 lines of {} took 77 s, 1.56 GB and printed 290 MB.
    files = {"mlpolicy.yaml": _manifest("experimentation"), "experiments/runs.jsonl": ""}
    repo.write(files)
    (repo.root / "experiments" / "runs.jsonl").write_bytes(b"{}\n" * 1_000_000)
    repo.commit("hostile runs")
    result = repo.check("--format", "json", "--select", "MLP2")
    assert result.code == 1 and len(result.stdout) < 100_000
    found = _findings(result)
    assert set(found) == {"MLP202"} and len(found["MLP202"]) == 50
    assert found["MLP202"][-1]["message"].startswith("999951 more invalid records")
