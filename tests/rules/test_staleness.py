"""MLP205 and MLP305 (evidence without hashes) from real histories; MLP505 in shallow clones."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from conftest import GIT_ENV, SAMPLES, Repo, run_record

JUNIT = (SAMPLES / "junit" / "pipeline-tests.xml").read_text(encoding="utf-8")
DVC = "stages:\n  train:\n    cmd: python src/train.py\n    deps: [src/train.py]\n"


def _manifest(phase: str, code_paths: str = "[src/]") -> str:
    return f"version: 1\nphase: {phase}\ncode_paths: {code_paths}\n"


def _run(run_id: str, commit: str) -> str:
    return run_record(commit, run_id)


def _findings(repo: Repo, rules: str, *args: str) -> list[dict]:
    result = repo.check("--format", "json", "--select", rules, *args)
    assert result.code in (0, 1), result.stderr
    return [f for p in result.json()["projects"] for f in p["findings"]]


def _stale_runs(repo: Repo, phase: str) -> tuple[str, str]:
    """Code at C1, a run logged at C1 (committed in C2), then the code changes in C3."""
    first = repo.write({"src/train.py": "LR = 0.05\n"}).commit("code")
    files = {"mlpolicy.yaml": _manifest(phase), "experiments/runs.jsonl": _run("r1", first)}
    repo.write(files).commit("run")
    changed = repo.write({"src/train.py": "LR = 0.02\n"}).commit("new learning rate")
    return first, changed


# -- MLP205 --------------------------------------------------------------------------------


def test_code_changed_after_the_run_is_a_warning_while_experimenting(repo: Repo) -> None:
    first, changed = _stale_runs(repo, "experimentation")
    found = _findings(repo, "MLP205")
    assert [(f["rule"], f["severity"], f["path"], f["line"]) for f in found] == [
        ("MLP205", "warning", "experiments/runs.jsonl", 1)
    ]
    message = found[0]["message"]
    assert first[:7] in message and changed[:7] in message and "src" in message


def test_code_changed_after_the_run_is_an_error_from_pipeline_on(repo: Repo) -> None:
    _stale_runs(repo, "pipeline")
    assert [f["severity"] for f in _findings(repo, "MLP205")] == ["error"]


def test_a_run_on_the_current_code_is_fresh(repo: Repo) -> None:
    _, changed = _stale_runs(repo, "experimentation")
    log = _run("r1", repo.git("rev-parse", "HEAD~2")) + "\n" + _run("r2", changed) + "\n"
    repo.write({"experiments/runs.jsonl": log}).commit("re-run")
    assert _findings(repo, "MLP205") == []


def test_changes_outside_code_paths_do_not_make_runs_stale(repo: Repo) -> None:
    first = repo.write({"src/train.py": "LR = 0.05\n"}).commit("code")
    files = {"mlpolicy.yaml": _manifest("pipeline"), "experiments/runs.jsonl": _run("r", first)}
    repo.write(files).commit("run")
    repo.write({"README.md": "# churn\n", "notebooks/eda.py": "1\n"}).commit("docs")
    assert _findings(repo, "MLP205") == []


def test_a_change_reverted_later_leaves_the_run_fresh(repo: Repo) -> None:
    _stale_runs(repo, "pipeline")
    repo.write({"src/train.py": "LR = 0.05\n"}).commit("back to the tested rate")
    assert _findings(repo, "MLP205") == []


def test_without_code_paths_nothing_is_compared(repo: Repo) -> None:
    _stale_runs(repo, "pipeline")
    repo.write({"mlpolicy.yaml": "version: 1\nphase: pipeline\n"}).commit("no code paths")
    assert _findings(repo, "MLP205") == []


def test_a_run_of_a_branch_merged_later_is_judged_by_content(repo: Repo) -> None:
    repo.write({"src/train.py": "LR = 0.05\n", "mlpolicy.yaml": _manifest("pipeline")}).commit()
    repo.git("checkout", "-q", "-b", "tune")
    tuned = repo.write({"src/train.py": "LR = 0.02\n"}).commit("tune")
    repo.write({"experiments/runs.jsonl": _run("r", tuned)}).commit("log the tuned run")
    repo.git("checkout", "-q", "main")
    repo.write({"README.md": "# churn\n"}).commit("meanwhile")
    repo.git("merge", "-q", "--no-ff", "-m", "merge tune", "tune")
    assert _findings(repo, "MLP205") == []  # the merge commit brought no code the run lacked


def test_code_paths_escaping_the_repository_are_not_read(repo: Repo) -> None:
    first = repo.write({"src/train.py": "LR = 0.05\n"}).commit("code")
    files = {
        "mlpolicy.yaml": _manifest("pipeline", "[../outside, src/]"),
        "experiments/runs.jsonl": _run("r", first),
    }
    repo.write(files).commit("run")
    assert _findings(repo, "MLP205") == []


# -- MLP305 for evidence without input hashes ----------------------------------------------


def _validated(repo: Repo) -> str:
    files = {
        "mlpolicy.yaml": _manifest("pipeline"),
        "dvc.yaml": DVC,
        "src/train.py": "LR = 0.05\n",
        "reports/pipeline-tests.xml": JUNIT,
    }
    return repo.write(files).commit("pipeline, validated")


def test_junit_then_a_code_change_is_mlp305(repo: Repo) -> None:
    validated = _validated(repo)
    changed = repo.write({"src/train.py": "LR = 0.02\n"}).commit("code change")
    found = _findings(repo, "MLP305")
    assert [(f["path"], f["severity"]) for f in found] == [("reports/pipeline-tests.xml", "error")]
    assert validated[:7] in found[0]["message"] and changed[:7] in found[0]["message"]


def test_junit_then_a_pipeline_definition_change_is_mlp305(repo: Repo) -> None:
    _validated(repo)
    repo.write({"dvc.yaml": DVC.replace("train.py", "train.py --fast")}).commit("pipeline")
    found = _findings(repo, "MLP305")
    assert len(found) == 1 and "dvc.yaml" in found[0]["message"]


def test_each_changed_path_is_named_with_its_own_commit(repo: Repo) -> None:
    _validated(repo)
    pipeline = repo.write({"dvc.yaml": DVC.replace("train.py", "train.py --fast")}).commit("p")
    code = repo.write({"src/train.py": "LR = 0.02\n"}).commit("code change")
    found = _findings(repo, "MLP305")
    date = repo.git("log", "-1", "--format=%cs", code)
    assert f"src changed in {code[:7]} ({date}), dvc.yaml in {pipeline[:7]}" in found[0]["message"]


def test_paths_changed_in_one_commit_are_named_together(repo: Repo) -> None:
    _validated(repo)
    both = {"dvc.yaml": DVC.replace("train.py", "train.py --fast"), "src/train.py": "LR = 1\n"}
    code = repo.write(both).commit("both")
    found = _findings(repo, "MLP305")
    assert f"src, dvc.yaml changed in {code[:7]} (" in found[0]["message"]


def test_evidence_committed_with_the_change_is_fresh(repo: Repo) -> None:
    _validated(repo)
    repo.write({"src/train.py": "LR = 0.02\n", "reports/pipeline-tests.xml": JUNIT + "\n"})
    repo.commit("code change, validated again")
    assert _findings(repo, "MLP305") == []


def test_evidence_rerun_after_the_change_is_fresh(repo: Repo) -> None:
    _validated(repo)
    repo.write({"src/train.py": "LR = 0.02\n"}).commit("code change")
    repo.write({"reports/pipeline-tests.xml": JUNIT.replace("time=", "time= ")}).commit("rerun")
    assert _findings(repo, "MLP305") == []


# -- MLP505 in shallow clones --------------------------------------------------------------


def _clone(repo: Repo, dest: Path, depth: int) -> Repo:
    subprocess.run(
        ["git", "clone", "-q", "--depth", str(depth), f"file://{repo.root}", str(dest)],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    clone = Repo.__new__(Repo)
    clone.root = dest
    return clone


def test_runs_older_than_a_shallow_clone_are_mlp505_not_mlp205(repo: Repo, tmp_path) -> None:
    _stale_runs(repo, "pipeline")
    clone = _clone(repo, tmp_path / "ci", depth=1)
    found = _findings(clone, "MLP205,MLP505")
    # MLP204's question (is the runs' commit in history?) is unanswerable here too: rules
    # run whatever --select says, so its gap is reported alongside MLP205's.
    assert {f["rule"] for f in found} == {"MLP505"}
    assert any("stale" in f["message"] for f in found)
    assert all("fetch-depth" in f["hint"] for f in found)
    deep = _clone(repo, tmp_path / "deep", depth=3)
    assert [f["rule"] for f in _findings(deep, "MLP205,MLP505")] == ["MLP205"]


def test_evidence_older_than_a_shallow_clone_is_mlp505(repo: Repo, tmp_path) -> None:
    _validated(repo)
    repo.write({"README.md": "# churn\n"}).commit("unrelated")
    found = _findings(_clone(repo, tmp_path / "ci", depth=1), "MLP305,MLP505")
    assert [(f["rule"], f["path"]) for f in found] == [("MLP505", "reports/pipeline-tests.xml")]
    assert _findings(_clone(repo, tmp_path / "deep", depth=3), "MLP305,MLP505") == []
