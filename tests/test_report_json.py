"""The JSON report: valid against schemas/report.schema.json and byte-identical across runs."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Repo
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
