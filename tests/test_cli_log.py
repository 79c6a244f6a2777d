"""``mlpolicy log`` and ``mlpolicy schema runlog --example`` through the real CLI and git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Repo, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st
from ideation import DESIGN_DOC
from jsonschema import Draft202012Validator

from mlpolicy import schema
from mlpolicy.commands import log
from mlpolicy.errors import UsageError

APPROVED = "---\nstatus: approved\n---\n" + DESIGN_DOC
VALIDATOR = Draft202012Validator(schema.load("runlog"))


def _fresh(repo: Repo) -> Repo:
    repo.write(
        {
            "mlpolicy.yaml": "version: 1\nphase: experimentation\n",
            "docs/design.md": APPROVED,
            "src/train.py": "print('training')\n",
        }
    )
    repo.commit("project")
    return repo


def _log(repo: Repo, *args: str, cwd: Path | None = None):
    return run_cli("log", "--experiment", "churn", *args, cwd=cwd or repo.root)


def test_log_commit_and_check_passes_with_no_hand_editing(repo: Repo) -> None:
    _fresh(repo)
    before = repo.check("--format", "json")
    assert before.code == 1 and "MLP201" in before.rules()
    logged = _log(repo, "--param", "lr=0.05", "--param", "model=xgb", "--metric", "val_auc=0.83")
    assert logged.code == 0, logged.stderr
    assert "experiments/runs.jsonl" in logged.stdout
    assert "git add experiments/runs.jsonl && git commit" in logged.stdout
    repo.git("add", "experiments/runs.jsonl")
    repo.git("commit", "-q", "-m", "Log a run")
    after = repo.check("--format", "json")
    assert after.code == 0, after.stdout
    assert after.rules() == []


def test_values_params_as_json_scalars_metrics_as_numbers(repo: Repo) -> None:
    _fresh(repo)
    args = ["--param", "lr=0.01", "--param", "model=xgb", "--param", "early=true"]
    args += ["--param", 'name="42"', "--param", "layers=[1, 2]", "--param", "eq=a=b"]
    args += ["--metric", "val_auc=0.83", "--metric", "epochs=3", "--status", "running"]
    assert _log(repo, *args).code == 0
    record = json.loads((repo.root / "experiments" / "runs.jsonl").read_text(encoding="utf-8"))
    VALIDATOR.validate(record)
    assert record["params"] == {
        "lr": 0.01,
        "model": "xgb",
        "early": True,
        "name": "42",
        "layers": "[1, 2]",
        "eq": "a=b",
    }
    assert record["metrics"] == {"val_auc": 0.83, "epochs": 3}
    assert record["status"] == "running"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--metric", "val_auc=high"], "--metric val_auc: 'high' is not a number"),
        (["--metric", "val_auc=true"], "--metric val_auc: 'true' is not a number"),
        (["--metric", "val_auc=NaN"], "not a finite number"),
        (["--metric", "val_auc=" + "9" * 400], "not a finite number"),
        (["--param", "lr"], "--param 'lr': expected KEY=VALUE"),
        (["--metric", "=0.8"], "expected KEY=VALUE"),
        (["--param", "lr=1", "--param", "lr=2"], "--param lr: given twice"),
        (["--started-at", "2026-11-30 10:00"], '"started_at": "2026-11-30T10:00:00Z"'),
        (["--status", "done"], "'done' is not one of"),
    ],
)
def test_a_bad_option_is_exit_2_naming_it_and_writes_nothing(
    repo: Repo, args: list[str], words: str
) -> None:
    _fresh(repo)
    result = _log(repo, *args)
    assert result.code == 2
    assert "Traceback" not in result.stderr
    assert words in result.stderr.strip().splitlines()[-1]  # one line names it
    assert not (repo.root / "experiments").exists()


def test_outside_git_and_before_the_first_commit_are_exit_2(repo: Repo, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    outside = _log(repo, "--metric", "a=1", cwd=plain)
    assert outside.code == 2 and "not inside a git repository" in outside.stderr
    empty = _log(repo, "--metric", "a=1")
    assert empty.code == 2 and "no commits yet" in empty.stderr


def test_a_dirty_tree_is_recorded_and_said(repo: Repo) -> None:
    _fresh(repo)
    repo.write({"src/train.py": "print('changed')\n"})
    result = _log(repo, "--param", "lr=1", "--metric", "a=1", "-o", "logs/runs.jsonl")
    assert result.code == 0 and "dirty" in result.stdout
    record = json.loads((repo.root / "logs" / "runs.jsonl").read_text(encoding="utf-8"))
    assert record["git"]["dirty"] is True


def test_schema_runlog_example_is_one_valid_stable_record(tmp_path: Path) -> None:
    first = run_cli("schema", "runlog", "--example", cwd=tmp_path)
    second = run_cli("schema", "runlog", "--example", cwd=tmp_path)
    assert first.code == 0 and first.stdout == second.stdout
    [line] = first.stdout.splitlines()
    VALIDATOR.validate(json.loads(line))


def test_schema_example_for_another_schema_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("schema", "policy", "--example", cwd=tmp_path)
    assert result.code == 2 and "runlog" in result.stderr


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=20), max_size=4), st.lists(st.text(max_size=20), max_size=4))
def test_any_option_text_is_parsed_or_refused_with_a_usage_error(
    params: list[str], metrics: list[str]
) -> None:
    for option, given_texts, parse in (
        ("--param", params, log._param),
        ("--metric", metrics, log._metric),
    ):
        try:
            parsed = log.pairs(option, given_texts, parse)
        except UsageError as exc:
            assert str(exc).startswith(option)
        else:
            json.dumps(parsed, allow_nan=False)  # always a JSON-ready mapping


def test_a_declared_log_is_where_the_run_goes_and_check_passes(repo: Repo) -> None:
    _fresh(repo)
    manifest = "version: 1\nphase: experimentation\nartifacts:\n  experiments: [logs/]\n"
    repo.write({"mlpolicy.yaml": manifest})
    repo.commit("declare the log folder")
    logged = _log(repo, "--param", "lr=0.05", "--metric", "val_auc=0.83", cwd=repo.root / "src")
    assert logged.code == 0 and "git add ../logs/runs.jsonl &&" in logged.stdout
    repo.commit("Log a run")
    assert repo.check().code == 0
