"""``mlpolicy.runlog.log_run`` on real git repositories: what it writes and what it refuses."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from conftest import GIT_ENV, Repo
from jsonschema import Draft202012Validator

from mlpolicy import schema
from mlpolicy.artifacts import runlog as reader
from mlpolicy.runlog import RunlogError, example, log_run

VALIDATOR = Draft202012Validator(schema.load("runlog"))


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def committed(repo: Repo) -> Repo:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: experimentation\n", "src/train.py": "x\n"})
    repo.commit("code")
    return repo


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_appends_one_valid_record_with_id_time_commit_and_clean_tree(committed: Repo) -> None:
    logged = log_run("churn", {"lr": 0.05}, {"val_auc": 0.83}, cwd=committed.root)
    path = committed.root / "experiments" / "runs.jsonl"
    assert logged.path == path
    [record] = _records(path)
    VALIDATOR.validate(record)
    assert record["run_id"] == logged.run_id and len(logged.run_id) == 32
    assert record["git"] == {"commit": committed.git("rev-parse", "HEAD"), "dirty": False}
    started = dt.datetime.fromisoformat(str(record["started_at"]))
    assert str(record["started_at"]).endswith("Z")
    assert abs(dt.datetime.now(dt.UTC) - started) < dt.timedelta(minutes=5)
    assert path.read_bytes().endswith(b"}\n") and path.read_bytes().count(b"\n") == 1


def test_logging_twice_appends_and_the_log_itself_never_makes_a_run_dirty(
    committed: Repo,
) -> None:
    log_run("churn", {"lr": 0.05}, {"val_auc": 0.83}, cwd=committed.root)
    committed.commit("first run")
    log_run("churn", {"lr": 0.02}, {"val_auc": 0.85}, cwd=committed.root)  # log file changed
    second = log_run("churn", {"lr": 0.01}, {"val_auc": 0.84}, cwd=committed.root)
    assert second.dirty is False
    records = _records(committed.root / "experiments" / "runs.jsonl")
    assert [r["params"] for r in records] == [{"lr": 0.05}, {"lr": 0.02}, {"lr": 0.01}]


@pytest.mark.parametrize("change", ["edit", "stage"])
def test_a_changed_tracked_file_marks_the_run_dirty(committed: Repo, change: str) -> None:
    committed.write({"src/train.py": "y\n"})
    if change == "stage":
        committed.git("add", "src/train.py")
    assert log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=committed.root).dirty is True


def test_an_untracked_file_does_not_make_the_run_dirty(committed: Repo) -> None:
    committed.write({"scratch.txt": "notes\n"})
    assert log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=committed.root).dirty is False


def test_the_default_file_is_under_the_project_from_a_subdirectory(committed: Repo) -> None:
    logged = log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=committed.root / "src")
    assert logged.path == committed.root / "experiments" / "runs.jsonl"


def test_explicit_path_run_id_start_time_and_extra_keys(committed: Repo) -> None:
    local = dt.datetime(2026, 11, 30, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    logged = log_run(
        "churn",
        {"model": "gbm"},
        {"val_auc": [{"step": 0, "value": 0.7}, {"step": 1, "value": 0.8}]},
        status="running",
        path="logs/sweep.jsonl",
        run_id="sweep-1",
        started_at=local,
        extra={"seed": 7, "tags": ["sweep"]},
        cwd=committed.root,
    )
    [record] = _records(committed.root / "logs" / "sweep.jsonl")
    assert (logged.run_id, record["status"]) == ("sweep-1", "running")
    assert record["started_at"] == "2026-11-30T10:00:00Z"
    assert (record["seed"], record["tags"]) == (7, ["sweep"])


def test_a_file_cut_off_mid_line_gets_a_newline_before_the_record(committed: Repo) -> None:
    path = committed.root / "experiments" / "runs.jsonl"
    committed.write({"experiments/runs.jsonl": '{"schema": "mlpolicy.runlog/v1", "run_'})
    log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=committed.root)
    log = reader.parse(path.read_bytes(), "runs.jsonl")
    assert [r.location.line for r in log.runs] == [2]
    assert [r.location.line for r in log.invalid] == [1]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"metrics": {"auc": "high"}}, 'metric "auc" must be a number'),
        ({"metrics": {"auc": float("nan")}}, "finite numbers"),
        ({"params": {"obj": object()}}, "plain JSON values"),
        ({"status": "done"}, '"status" must be one of'),
        ({"experiment": ""}, "experiment"),
        ({"started_at": "2026-11-30T10:00:00"}, '"started_at": "2026-11-30T10:00:00Z"'),
        ({"extra": {"git": {}}}, '"git" is a key log_run fills in'),
    ],
)
def test_an_invalid_record_is_refused_and_nothing_is_written(
    committed: Repo, arguments: dict[str, object], words: str
) -> None:
    call: dict[str, object] = {"experiment": "churn", "params": {"lr": 1}, "metrics": {"a": 1}}
    with pytest.raises(RunlogError, match=None) as error:
        log_run(**{**call, **arguments}, cwd=committed.root)  # type: ignore[arg-type]
    assert words in str(error.value)
    assert not (committed.root / "experiments").exists()


def test_outside_a_git_repository_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RunlogError, match="not inside a git repository"):
        log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=tmp_path)
    assert not (tmp_path / "experiments").exists()


def test_a_repository_without_commits_is_a_clear_error(repo: Repo) -> None:
    with pytest.raises(RunlogError, match="no commits yet"):
        log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=repo.root)


def test_a_symlink_out_of_the_repository_is_never_followed(committed: Repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.jsonl"
    outside.write_text("", encoding="utf-8")
    (committed.root / "experiments").mkdir()
    os.symlink(outside, committed.root / "experiments" / "runs.jsonl")
    with pytest.raises(RunlogError, match="leads outside the repository"):
        log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=committed.root)
    os.symlink(tmp_path, committed.root / "out")
    with pytest.raises(RunlogError, match="leads outside the repository"):
        log_run("churn", {"lr": 1}, {"auc": 0.5}, path="out/runs.jsonl", cwd=committed.root)
    assert outside.read_text(encoding="utf-8") == ""


def test_a_symlink_inside_the_repository_is_followed(committed: Repo) -> None:
    (committed.root / "logs").mkdir()
    os.symlink(committed.root / "logs", committed.root / "experiments")
    logged = log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=committed.root)
    assert logged.path == committed.root / "logs" / "runs.jsonl"


def test_git_internals_and_non_regular_files_are_refused(committed: Repo) -> None:
    with pytest.raises(RunlogError, match=r"inside \.git"):
        log_run("churn", {"lr": 1}, {"auc": 0.5}, path=".git/runs.jsonl", cwd=committed.root)
    os.mkfifo(committed.root / "fifo.jsonl")
    with pytest.raises(RunlogError, match="cannot write"):
        log_run("churn", {"lr": 1}, {"auc": 0.5}, path="fifo.jsonl", cwd=committed.root)


def test_the_example_is_a_valid_record_and_stable() -> None:
    assert example() == example()
    record = json.loads(example())
    VALIDATOR.validate(record)
    [run] = reader.parse(example().encode(), "runs.jsonl").runs
    assert run.usable


@pytest.mark.parametrize(
    ("declared", "written"),
    [
        ("[logs/sweeps.jsonl]", "logs/sweeps.jsonl"),
        ("[runs/]", "runs/runs.jsonl"),
        ("[mlflow.db, logs]", "logs/runs.jsonl"),
        ("['logs/*.jsonl']", "experiments/runs.jsonl"),
        ("[mlruns/]", "experiments/runs.jsonl"),
    ],
)
def test_the_default_file_follows_the_manifest_declaration(
    repo: Repo, declared: str, written: str
) -> None:
    manifest = f"version: 1\nphase: experimentation\nartifacts:\n  experiments: {declared}\n"
    repo.write({"mlpolicy.yaml": manifest})
    repo.commit("project")
    logged = log_run("churn", {"lr": 1}, {"auc": 0.5}, cwd=repo.root)
    assert logged.path == repo.root / written
