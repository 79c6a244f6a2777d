"""The JSON report: valid against schemas/report.schema.json and byte-identical across runs."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Repo, run_cli
from jsonschema import Draft202012Validator

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "report.schema.json").read_text())


def _mixed_repository(repo: Repo) -> None:
    repo.write(
        {
            "a/mlpolicy.yaml": "version: 1\nphase: deploy\n",
            "b/mlpolicy.yaml": "version: 1\nphase: ideation\nphase: x\n",
            "c/mlpolicy.yaml": "version: 1\nphase: production\nartifacts:\n  design_doc: /etc/x\n",
            "d/mlpolicy.yaml": "version: 1\nphase: pipeline\n",
        }
    )


def test_report_validates_against_its_schema(repo: Repo) -> None:
    _mixed_repository(repo)
    repo.commit()
    Draft202012Validator.check_schema(SCHEMA)
    result = repo.check("--format", "json")
    Draft202012Validator(SCHEMA).validate(result.json())
    assert result.json()["summary"]["projects"] == 4


def test_report_of_a_path_without_manifest_validates(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "empty")
    result = repo.check("--format", "json")
    Draft202012Validator(SCHEMA).validate(result.json())
    assert result.json()["findings"][0]["rule"] == "MLP001"


def test_two_runs_give_identical_bytes(repo: Repo) -> None:
    _mixed_repository(repo)
    repo.commit()
    first, second = repo.check("--format", "json"), repo.check("--format", "json")
    assert first.stdout == second.stdout
    assert first.stdout.encode() == second.stdout.encode()


def test_findings_are_sorted_by_path_line_column_rule(repo: Repo) -> None:
    _mixed_repository(repo)
    for project in repo.check("--format", "json").json()["projects"]:
        keys = [
            (f["path"], f.get("line", 0), f.get("column", 0), f["rule"])
            for f in project["findings"]
        ]
        assert keys == sorted(keys)


DESIGN = """\
# Churn

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


def _statuses(repo: Repo, *args: str) -> dict[str, str]:
    [project] = repo.check("--format", "json", *args).json()["projects"]
    return {a["path"]: a["status"] for a in project["artifacts"]}


def test_artifact_status_follows_the_findings_about_it(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n", "docs/design.md": DESIGN})
    repo.commit()
    assert _statuses(repo) == {"docs/design.md": "ok"}
    repo.write({"docs/design.md": DESIGN.replace("billing events", "billing events (TBD)")})
    repo.commit()
    assert _statuses(repo) == {"docs/design.md": "invalid"}


def test_stale_evidence_is_marked_stale(repo: Repo) -> None:
    junit = (
        '<testsuite name="p" tests="1" failures="0" errors="0" skipped="0">'
        '<testcase classname="t" name="a"/></testsuite>'
    )
    repo.write({
        "mlpolicy.yaml": "version: 1\nphase: pipeline\n",
        "dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n",
        "reports/tests.xml": junit,
    })  # fmt: skip
    repo.commit()
    attest = run_cli("attest", "dvc.yaml", "--junit", "reports/tests.xml", cwd=repo.root)
    assert attest.code == 0, attest.stderr
    repo.commit("attest")
    record = "reports/pipeline-validation.json"
    assert _statuses(repo, "--select", "MLP3")[record] == "ok"
    repo.write({"dvc.yaml": "stages:\n  train:\n    cmd: python train.py --fast\n"})
    repo.commit("change the pipeline")
    assert _statuses(repo, "--select", "MLP3")[record] == "stale"


def test_an_artifact_with_only_warnings_on_it_is_ok(repo: Repo) -> None:
    """Only an open error makes an artifact invalid or stale; a warning leaves it ok."""
    first = repo.write({"src/train.py": "LR = 0.05\n"}).commit("code")
    log = json.dumps({
        "schema": "mlpolicy.runlog/v1", "run_id": "r1", "experiment": "churn",
        "started_at": "2026-11-20T10:00:00Z", "status": "finished",
        "git": {"commit": first, "dirty": False}, "params": {"lr": 0.05},
        "metrics": {"val_auc": 0.83},
    })  # fmt: skip
    manifest = "version: 1\nphase: {}\ncode_paths: [src/]\n"
    repo.write({"mlpolicy.yaml": manifest.format("experimentation")})
    repo.write({"experiments/runs.jsonl": log + "\n"}).commit("run")
    repo.write({"src/train.py": "LR = 0.02\n"}).commit("new learning rate")
    # MLP205 is a warning while experimenting: the log still does its job.
    warned = repo.check("--format", "json", "--select", "MLP2").json()
    assert [f["severity"] for f in warned["projects"][0]["findings"]] == ["warning"]
    assert _statuses(repo, "--select", "MLP2")["experiments/runs.jsonl"] == "ok"
    # From the pipeline phase on the same finding is an error: the log is stale.
    stale = _statuses(repo, "--select", "MLP2", "--phase", "pipeline")
    assert stale["experiments/runs.jsonl"] == "stale"
