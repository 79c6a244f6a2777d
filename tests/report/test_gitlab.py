"""The gitlab report: GitLab Code Quality issues that GitLab's own schema accepts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import ideation
import pytest
from conftest import Repo
from jsonschema import Draft7Validator

from mlpolicy.findings import CheckResult, Location
from mlpolicy.report import gitlab, sarif
from report import results

# GitLab's schema for one issue of a Code Quality report (see tests/vendor/README.md).
SCHEMA = json.loads((Path(__file__).parents[1] / "vendor" / "gitlab-codeclimate.json").read_text())
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}  # GitLab's documented values


def _issues(result: CheckResult) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = json.loads(gitlab.render(result))
    return issues


def _validate(issues: list[dict[str, Any]]) -> None:
    Draft7Validator.check_schema(SCHEMA)
    assert isinstance(issues, list)
    for issue in issues:
        Draft7Validator(SCHEMA).validate(issue)
        assert issue["severity"] in SEVERITIES
        assert issue["check_name"].startswith("MLP")
        assert issue["location"]["path"] and not issue["location"]["path"].startswith("/")
        assert issue["location"]["lines"]["begin"] >= 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab drops duplicates


@pytest.mark.parametrize("result", [results.sample(), results.clean()], ids=["sample", "clean"])
def test_validates_against_gitlabs_schema(result: CheckResult) -> None:
    _validate(_issues(result))


def test_one_issue_per_finding_with_its_place() -> None:
    issues = _issues(results.sample())
    assert len(issues) == len(results.sample().all_findings())
    places = {
        (i["check_name"], i["location"]["path"], i["location"]["lines"]["begin"]) for i in issues
    }
    doc = "svc/churn/docs/design doc ü.md"
    assert {("MLP102", doc, 3), ("MLP103", doc, 9), ("MLP103", doc, 12)} <= places
    # No line: line 1 of the file; no file: the project's manifest (as in SARIF).
    assert ("MLP406", "svc/churn", 1) in places
    assert ("MLP201", "svc/churn/mlpolicy.yaml", 1) in places
    assert ("MLP505", "mlpolicy.yaml", 1) in places


def test_severity_mapping() -> None:
    by_rule = {issue["check_name"]: issue for issue in _issues(results.sample())}
    assert [by_rule[r]["severity"] for r in ("MLP102", "MLP406", "MLP007", "MLP101")] == [
        "major",  # error
        "minor",  # warning
        "info",  # note
        "info",  # waived
    ]
    assert by_rule["MLP101"]["description"].endswith("(waived)")
    assert by_rule["MLP102"]["description"].startswith("MLP102 design-doc-section-missing: ")
    assert by_rule["MLP102"]["content"] == {"body": "Add it"}


def test_fingerprints_match_sarif_and_survive_line_moves() -> None:
    sample = results.sample()
    issues = _issues(sample)
    sarif_log = json.loads(sarif.render(sample))
    from_sarif = [
        r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in sarif_log["runs"][0]["results"]
    ]
    assert [i["fingerprint"] for i in issues] == from_sarif
    churn = sample.projects[1]
    moved = tuple(
        replace(f, location=Location(f.location.path, f.location.line + 5, f.location.column))
        if f.location and f.location.line
        else f
        for f in churn.findings
    )
    shifted = replace(sample, projects=(sample.projects[0], replace(churn, findings=moved)))
    assert [i["fingerprint"] for i in _issues(shifted)] == [i["fingerprint"] for i in issues]


def test_a_real_check_gives_valid_byte_identical_gitlab_json(repo: Repo) -> None:
    repo.write({**ideation.incomplete("svc/churn/"), "other/mlpolicy.yaml": "version: 1\n"})
    repo.commit()
    first, second = repo.check("--format", "gitlab"), repo.check("--format", "gitlab")
    assert first.code == 1 and first.stdout == second.stdout
    issues = first.json()
    _validate(issues)
    found = {(i["check_name"], i["location"]["path"]) for i in issues}
    assert ("MLP102", "svc/churn/docs/design.md") in found
    assert ("MLP003", "other/mlpolicy.yaml") in found


def test_a_passing_check_is_an_empty_array(repo: Repo) -> None:
    repo.write(ideation.complete())
    repo.commit()
    result = repo.check("--format", "gitlab")
    assert (result.code, result.json()) == (0, [])
