"""MLP303-MLP305: validation evidence missing, failed, stale, on real git repositories."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from conftest import SAMPLES, Repo

MANIFEST = "version: 1\nphase: pipeline\n"
RECORD = "reports/pipeline-validation.json"
DVC = (SAMPLES / "dvc" / "dvc.yaml").read_bytes()
JUNIT = (SAMPLES / "junit" / "pipeline-tests.xml").read_bytes()
GX = (SAMPLES / "great_expectations" / "checkpoint_result.describe.json").read_bytes()


def _findings(repo: Repo, files: dict[str, str | bytes]) -> list[tuple[str, str, int | None, str]]:
    repo.write({"mlpolicy.yaml": MANIFEST, **files})
    repo.commit("project")
    result = repo.check("--format", "json", "--select", "MLP303,MLP304,MLP305")
    assert result.code in (0, 1), result.stderr
    return [
        (f["rule"], f["path"], f.get("line"), f["message"])
        for project in result.json()["projects"]
        for f in project["findings"]
    ]


def _where(findings: list[tuple[str, str, int | None, str]]) -> list[tuple[str, str, int | None]]:
    return [(rule, path, line) for rule, path, line, _ in findings]


def _line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def _record(inputs: dict[str, bytes], **changes: Any) -> str:
    record: dict[str, Any] = {
        "schema": "mlpolicy.validation/v1",
        "pipeline": sorted(inputs),
        "status": "passed",
        "validated_at": "2026-11-26T15:02:11Z",
        "commit": None,
        "inputs_sha256": {k: hashlib.sha256(v).hexdigest() for k, v in inputs.items()},
        "checks": [{"name": "test_train", "status": "passed"}],
    }
    record.update(changes)
    return json.dumps(record, indent=2)


# -- MLP303 ------------------------------------------------------------------------------


def test_no_evidence_is_reported_at_the_phase(repo: Repo) -> None:
    assert _where(_findings(repo, {"dvc.yaml": DVC})) == [("MLP303", "mlpolicy.yaml", 2)]


def test_junit_sample_is_evidence(repo: Repo) -> None:
    assert _findings(repo, {"dvc.yaml": DVC, "reports/pipeline-tests.xml": JUNIT}) == []


def test_unreadable_evidence_is_no_evidence(repo: Repo) -> None:
    files = {"dvc.yaml": DVC, "reports/pipeline-tests.xml": "<testsuite>\n<testcase>\n"}
    assert _where(_findings(repo, files)) == [("MLP303", "reports/pipeline-tests.xml", 3)]


def test_declared_evidence_that_does_not_exist(repo: Repo) -> None:
    manifest = MANIFEST + "artifacts:\n  pipeline_validation: reports/validation.json\n"
    repo.write({"mlpolicy.yaml": manifest, "dvc.yaml": DVC, "reports/pipeline-tests.xml": JUNIT})
    repo.commit()
    result = repo.check("--format", "json", "--select", "MLP303")
    assert [(f["rule"], f.get("line")) for f in result.json()["projects"][0]["findings"]] == [
        ("MLP303", 4)
    ]


# -- MLP304 ------------------------------------------------------------------------------


def test_junit_with_failures(repo: Repo) -> None:
    passing = 'name="test_no_label_leakage" time="0.000" />'
    xml = (
        JUNIT.decode()
        .replace(
            passing,
            'name="test_no_label_leakage">\n<failure message="AssertionError: leak"/></testcase>',
        )
        .replace('failures="0"', 'failures="1"')
    )
    found = _findings(repo, {"dvc.yaml": DVC, "reports/pipeline-tests.xml": xml})
    assert _where(found) == [("MLP304", "reports/pipeline-tests.xml", 2)]
    assert "1 failure" in found[0][3]


def test_every_test_skipped_fails(repo: Repo) -> None:
    xml = (
        '<testsuites><testsuite name="pipeline" tests="2" skipped="2">'
        '<testcase name="a"><skipped message="needs GPU"/></testcase>'
        '<testcase name="b"><skipped message="needs GPU"/></testcase>'
        "</testsuite></testsuites>"
    )
    found = _findings(repo, {"dvc.yaml": DVC, "reports/pipeline-tests.xml": xml})
    assert [rule for rule, *_ in found] == ["MLP304"]
    assert "no test was executed" in found[0][3]


def test_great_expectations_failure(repo: Repo) -> None:
    files = {"dvc.yaml": DVC, "gx/uncommitted/validations/customers/run/result.json": GX}
    found = _findings(repo, files)
    assert _where(found) == [("MLP304", "gx/uncommitted/validations/customers/run/result.json", 2)]


def test_failed_record(repo: Repo) -> None:
    record = _record({"dvc.yaml": DVC}, status="failed")
    found = _findings(repo, {"dvc.yaml": DVC, "reports/pipeline-validation.json": record})
    line = _line(record, '"status"')
    assert _where(found) == [("MLP304", "reports/pipeline-validation.json", line)]


# -- MLP305 ------------------------------------------------------------------------------


def test_fresh_record_passes(repo: Repo) -> None:
    record = _record({"dvc.yaml": DVC})
    assert _findings(repo, {"dvc.yaml": DVC, "reports/pipeline-validation.json": record}) == []


def test_changed_input_makes_the_record_stale(repo: Repo) -> None:
    record = _record({"dvc.yaml": DVC, "src/train.py": b"print(1)\n"})
    files = {"dvc.yaml": DVC + b"\n", "src/train.py": "print(1)\n"}
    found = _findings(repo, {**files, "reports/pipeline-validation.json": record})
    line = _line(record, '"dvc.yaml": "')
    assert _where(found) == [("MLP305", "reports/pipeline-validation.json", line)]
    assert found[0][3] == "validation record is stale: dvc.yaml changed"


def test_deleted_input_and_uncovered_definition(repo: Repo) -> None:
    record = _record({"dvc.yaml": DVC, "pipelines/old.py": b"x"})
    dag = (SAMPLES / "airflow" / "churn_training_dag.py").read_bytes()
    files = {"dvc.yaml": DVC, "pipelines/dag.py": dag, "reports/pipeline-validation.json": record}
    found = _findings(repo, files)
    assert [rule for rule, *_ in found] == ["MLP305"]
    assert found[0][3] == (
        "validation record is stale: pipelines/old.py was deleted, "
        "pipelines/dag.py is not covered by the record"
    )


def test_stale_record_is_marked_in_the_artifacts(repo: Repo) -> None:
    record = _record({"dvc.yaml": b"old"})
    repo.write(
        {"mlpolicy.yaml": MANIFEST, "dvc.yaml": DVC, "reports/pipeline-validation.json": record}
    )
    repo.commit()
    report = repo.check("--format", "json", "--select", "MLP305").json()
    assert {
        "kind": "pipeline_validation",
        "path": "reports/pipeline-validation.json",
        "format": "mlpolicy",
        "status": "stale",
    } in report["projects"][0]["artifacts"]


def test_a_record_is_judged_by_its_hashes_alone(repo: Repo) -> None:
    # Per SPEC section 5 a record with input hashes is fresh while they match; history (and
    # so `code_paths`) judges only evidence without hashes. Attest code too to cover it.
    manifest = MANIFEST + "code_paths: [src/]\n"
    record = _record({"dvc.yaml": DVC})
    files = {"mlpolicy.yaml": manifest, "src/train.py": "print(1)\n", RECORD: record}
    repo.write({**files, "dvc.yaml": DVC})
    repo.commit("validated")
    repo.write({"src/train.py": "print(2)\n"})
    repo.commit("code change")
    result = repo.check("--format", "json", "--select", "MLP305")
    assert result.code == 0, result.stdout


def test_missing_evidence_names_the_reports_it_looked_at(repo: Repo) -> None:
    files = {"dvc.yaml": DVC, "reports/coverage.xml": "<coverage/>", "reports/a.xml": "<x/>"}
    [(rule, path, line, message)] = _findings(repo, files)
    assert (rule, path, line) == ("MLP303", "mlpolicy.yaml", 2)
    assert message.endswith(
        "(looked at reports/a.xml: XML that is not a JUnit report; reports/coverage.xml:"
        " XML that is not a JUnit report)"
    )


def test_unrecognised_reports_beside_evidence_are_only_listed(repo: Repo) -> None:
    files = {"dvc.yaml": DVC, "reports/pipeline-tests.xml": JUNIT, "reports/coverage.xml": "<c/>"}
    repo.write({"mlpolicy.yaml": MANIFEST, **files})
    repo.commit()
    project = repo.check("--format", "json", "--select", "MLP303").json()["projects"][0]
    assert project["findings"] == []
    assert {
        "kind": "pipeline_validation",
        "path": "reports/coverage.xml",
        "format": "unknown",
        "status": "unrecognised",
    } in project["artifacts"]
