"""Acceptance: each tracker's store, as the real tool wrote it, in a real git repository."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import Repo, run_cli, run_record
from trackerfix import (
    DVCLIVE,
    FILESTORE,
    WANDB_BINARY,
    WANDB_FINISHED,
    copy_sqlite,
    copy_tree,
)

DESIGN = """---
status: approved
---
# Churn prediction

## Problem statement
The retention team calls five hundred accounts a week, chosen by gut feel alone.

## Non-ML baseline
Tenure under six months with two support tickets flags churners at precision 0.18.

## Success metrics
Precision at five hundred above 0.27 and churn among contacted accounts down a third.

## Data
The customers table, support tickets and billing events, labelled by cancellation.

## Risks
Label delay of thirty days and a feedback loop from outreach, handled by a control group.
"""
FOREIGN = "9f2b7c1e0a4d6b8f3c5e7a9d1b3f5c7e9a1d3b5f"
# Each store, where it goes in the repository, and the name of its validation AUC.
STORES = {
    "mlflow-sqlite": ("mlflow.db", "val_auc"),
    "mlflow-filestore": ("mlruns", "val_auc"),
    "dvclive": ("dvclive", "val/auc"),
    "wandb": (f"wandb/{WANDB_FINISHED.name}", "val_auc"),
}


def _install(repo: Repo, store: str, commit: str | None) -> None:
    """Copy the fixture ``store`` into ``repo``, its recorded commit replaced by ``commit``."""
    target = repo.root / STORES[store][0]
    if store == "mlflow-sqlite":
        copy_sqlite(target, commit)
    else:
        source = {"mlflow-filestore": FILESTORE, "dvclive": DVCLIVE, "wandb": WANDB_FINISHED}
        copy_tree(source[store], target, commit)


def _project(repo: Repo, phase: str = "experimentation", extra: str = "") -> str:
    """Code and design doc committed; returns the commit a run made from it would record."""
    repo.write(
        {
            "mlpolicy.yaml": f"version: 1\nphase: {phase}\n{extra}",
            "docs/design.md": DESIGN,
            "src/train.py": "print('train')\n",
        }
    )
    return repo.commit("training code")


def _findings(result) -> dict[str, list[dict]]:
    assert result.code in (0, 1), result.stderr
    found: dict[str, list[dict]] = {}
    for project in result.json()["projects"]:
        for finding in project["findings"]:
            found.setdefault(finding["rule"], []).append(finding)
    return found


@pytest.mark.parametrize("store", list(STORES))
def test_committed_store_satisfies_experimentation(repo: Repo, store: str) -> None:
    commit = _project(repo)
    _install(repo, store, commit)
    repo.commit("runs")
    result = repo.check("--format", "json")
    assert result.code == 0, result.stdout
    [project] = result.json()["projects"]
    [log] = [a for a in project["artifacts"] if a["kind"] == "experiments"]
    assert (log["format"], log["status"]) == (store, "ok")


@pytest.mark.parametrize("store", ["mlflow-sqlite", "mlflow-filestore", "wandb"])
def test_a_commit_from_another_repository_is_mlp204(repo: Repo, store: str) -> None:
    _project(repo)
    _install(repo, store, FOREIGN)
    repo.commit("runs")
    found = _findings(repo.check("--format", "json", "--select", "MLP2"))
    assert set(found) == {"MLP204"}
    assert all("not in this repository" in f["message"] for f in found["MLP204"])


def test_dvclive_output_never_committed_is_mlp204_saying_why(repo: Repo) -> None:
    _project(repo)
    _install(repo, "dvclive", None)
    repo.git("add", "dvclive")  # staged: tracked, but in no commit yet
    found = _findings(repo.check("--format", "json", "--select", "MLP2"))
    [untraceable] = found["MLP204"]
    assert "dvclive is in no commit" in untraceable["message"]
    assert set(found) == {"MLP204"}


def test_dvclive_run_is_the_last_commit_that_changed_it(repo: Repo) -> None:
    _project(repo, "experimentation", "code_paths: [src/]\n")
    _install(repo, "dvclive", None)
    repo.commit("runs")
    assert _findings(repo.check("--format", "json", "--select", "MLP2")) == {}
    repo.write({"src/train.py": "print('changed')\n"})
    repo.commit("code after the run")
    found = _findings(repo.check("--format", "json", "--select", "MLP2"))
    assert set(found) == {"MLP205"}  # the code changed after the run: stale


@pytest.mark.parametrize("store", list(STORES))
@pytest.mark.parametrize(("threshold", "met"), [(0.79, True), (0.85, False)])
def test_quality_bar_is_judged_by_the_real_metric(
    repo: Repo, store: str, threshold: float, met: bool
) -> None:
    metric = STORES[store][1]
    bar = f"quality_bar:\n  metric: {metric}\n  goal: maximize\n  threshold: {threshold}\n"
    commit = _project(repo, "pipeline", bar)
    _install(repo, store, commit)
    repo.commit("runs")
    found = _findings(repo.check("--format", "json", "--select", "MLP2"))
    assert ("MLP207" not in found) is met, found
    if not met:
        assert "= 0.8" in found["MLP207"][0]["message"]


def test_ignored_store_beside_a_committed_runlog_is_mlp208(repo: Repo) -> None:
    commit = _project(repo)
    repo.write({".gitignore": "mlflow.db\n", "experiments/runs.jsonl": run_record(commit) + "\n"})
    copy_sqlite(repo.root / "mlflow.db", FOREIGN)  # its runs would be MLP204 if they counted
    repo.commit("runs")
    result = repo.check("--format", "json")
    found = _findings(result)
    assert set(found) == {"MLP208"} and result.code == 0
    [warning] = found["MLP208"]
    assert (warning["severity"], warning["path"]) == ("warning", "mlflow.db")
    assert "mlpolicy export --from mlflow mlflow.db -o experiments/runs.jsonl" in warning["hint"]


def test_ignored_store_alone_is_mlp501_with_the_export_hint_then_export_passes(
    repo: Repo,
) -> None:
    commit = _project(repo)
    repo.write({".gitignore": "mlflow.db\n"})
    copy_sqlite(repo.root / "mlflow.db", commit)
    repo.commit("ignore the store")
    found = _findings(repo.check("--format", "json"))
    assert set(found) == {"MLP501"}
    [untracked] = found["MLP501"]
    assert untracked["severity"] == "error" and untracked["path"] == "mlflow.db"
    assert "mlpolicy export --from mlflow mlflow.db -o experiments/runs.jsonl" in untracked["hint"]

    exported = run_cli(
        "export", "--from", "mlflow", "mlflow.db", "-o", "experiments/runs.jsonl", cwd=repo.root
    )
    assert exported.code == 0, exported.stderr
    assert "3 runs exported" in exported.stderr
    repo.commit("exported runs")
    result = repo.check("--format", "json")
    assert result.code == 0, result.stdout
    assert set(_findings(result)) == {"MLP208"}  # the store is still there, still ignored


@pytest.mark.parametrize(
    ("store", "damage"),
    [
        ("mlflow-sqlite", lambda root: (root / "mlflow.db").write_bytes(b"\x00garbage" * 64)),
        ("mlflow-sqlite", lambda root: _truncate(root / "mlflow.db", 4096)),
        (
            "mlflow-filestore",
            lambda root: _first(root / "mlruns", "*/*/meta.yaml").write_bytes(b"status: [3\n"),
        ),
        (
            "mlflow-filestore",
            lambda root: _first(root / "mlruns", "*/*/meta.yaml").write_bytes(b"\x00\xff" * 99),
        ),
        (
            "dvclive",
            lambda root: (root / "dvclive" / "metrics.json").write_bytes(b'{"val": {"auc"'),
        ),
        ("dvclive", lambda root: (root / "dvclive" / "params.yaml").write_bytes(b"\xff\x00\x01")),
        (
            "wandb",
            lambda root: _first(root / "wandb", "*/files/wandb-summary.json").write_bytes(b"{"),
        ),
        (
            "wandb",
            lambda root: _first(root / "wandb", "*/files/config.yaml").write_bytes(b"\x00\xfe"),
        ),
    ],
)
def test_damaged_stores_are_findings_never_a_traceback(repo: Repo, store: str, damage) -> None:
    commit = _project(repo)
    _install(repo, store, commit)
    damage(repo.root)
    repo.commit("damaged runs")
    result = repo.check("--format", "json")
    assert result.code == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "MLP202" in _findings(result)


def test_wandb_offline_run_is_present_but_unreadable(repo: Repo) -> None:
    commit = _project(repo)
    copy_tree(WANDB_BINARY, repo.root / "wandb" / WANDB_BINARY.name, commit)
    repo.commit("offline run")
    found = _findings(repo.check("--format", "json", "--select", "MLP2"))
    [unreadable] = found["MLP202"]
    assert "present but unreadable" in unreadable["message"]
    assert "wandb sync" in unreadable["hint"]
    assert "MLP201" not in found


def test_folder_without_any_log_names_every_format(repo: Repo) -> None:
    _project(repo, "experimentation", "artifacts:\n  experiments: [logs/]\n")
    repo.write({"logs/notes.txt": "nothing here\n"})
    repo.commit("no logs")
    [missing] = _findings(repo.check("--format", "json", "--select", "MLP2"))["MLP201"]
    for name in ("mlflow.db", "mlruns/", "dvclive/", "wandb/", "*.jsonl"):
        assert name in missing["message"]
    assert "commit the log it names" not in missing["hint"]


def test_a_declared_path_may_name_a_store(repo: Repo) -> None:
    commit = _project(repo, "experimentation", "artifacts:\n  experiments: [tracking/runs.db]\n")
    copy_sqlite(repo.root / "tracking" / "runs.db", commit)
    repo.commit("runs")
    result = repo.check("--format", "json")
    assert result.code == 0, result.stdout


def test_ten_thousand_run_store_is_checked(repo: Repo) -> None:
    from artifacts.test_trackers import build_store

    commit = _project(repo)
    build_store(repo.root / "mlflow.db", 10_000)
    with sqlite3.connect(repo.root / "mlflow.db") as db:
        db.execute("UPDATE tags SET value = ? WHERE key = 'mlflow.source.git.commit'", (commit,))
    db.close()
    repo.commit("many runs")
    result = repo.check("--format", "json")
    assert result.code == 0, result.stdout[:2000]


def _truncate(path: Path, size: int) -> None:
    path.write_bytes(path.read_bytes()[:size])


def _first(root: Path, pattern: str) -> Path:
    return sorted(root.glob(pattern))[0]


def test_export_output_is_valid_runlog_and_appends_only_new_runs(repo: Repo) -> None:
    commit = _project(repo)
    copy_sqlite(repo.root / "mlflow.db", commit)
    out = repo.root / "experiments" / "runs.jsonl"
    args = ("export", "--from", "mlflow", "mlflow.db", "-o", str(out))
    assert run_cli(*args, "--finished-only", cwd=repo.root).code == 0
    assert len(out.read_text().splitlines()) == 1
    second = run_cli(*args, cwd=repo.root)
    assert second.code == 0 and "2 runs exported" in second.stderr and "1 already" in second.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["status"] for r in records] == ["finished", "failed", "killed"]
    assert {r["git"]["commit"] for r in records} == {commit}
    assert run_cli(*args, cwd=repo.root).stderr.startswith("0 runs exported")


@pytest.mark.parametrize(
    ("tool", "store", "words"),
    [
        ("mlflow", "notes.db", "not a database"),
        ("mlflow", "src", "not a mlflow store"),
        ("dvclive", "dvclive", "not committed"),
        ("wandb", "missing", "no such file or folder"),
    ],
)
def test_export_of_a_store_it_cannot_read_is_exit_2_with_one_line(
    repo: Repo, tool: str, store: str, words: str
) -> None:
    _project(repo)
    repo.write({"notes.db": "plain text\n"})
    _install(repo, "dvclive", None)
    result = run_cli("export", "--from", tool, store, cwd=repo.root)
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert "Traceback" not in result.stderr


def test_export_from_dvclive_and_wandb_writes_records_check_accepts(repo: Repo) -> None:
    commit = _project(repo)
    _install(repo, "dvclive", None)
    _install(repo, "wandb", commit)
    repo.commit("runs")
    out = "experiments/runs.jsonl"
    for tool, store in (("dvclive", "dvclive"), ("wandb", "wandb")):
        result = run_cli("export", "--from", tool, store, "-o", out, cwd=repo.root)
        assert result.code == 0, result.stderr
    records = [json.loads(line) for line in (repo.root / out).read_text().splitlines()]
    assert [r["source"]["format"] for r in records] == ["dvclive", "wandb"]
    assert records[0]["run_id"].startswith("dvclive@")
    repo.commit("exported")
    assert repo.check().code == 0
