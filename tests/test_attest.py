"""``mlpolicy attest``: the record it writes, its exit codes, and what `check` makes of it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from conftest import SAMPLES, Repo, run_cli

from mlpolicy import schema

MANIFEST = "version: 1\nphase: pipeline\n"
DVC = (SAMPLES / "dvc" / "dvc.yaml").read_bytes()
JUNIT = (SAMPLES / "junit" / "pipeline-tests.xml").read_bytes()
FAILING = JUNIT.replace(b'failures="0"', b'failures="1"').replace(
    b'name="test_no_label_leakage" time="0.000" />',
    b'name="test_no_label_leakage"><failure message="label leaked"/></testcase>',
)
SKIPPED = (
    b'<testsuite name="pipeline" tests="2" skipped="2">'
    b'<testcase name="a"><skipped/></testcase><testcase name="b"><skipped/></testcase>'
    b"</testsuite>"
)
RECORD = "reports/pipeline-validation.json"


def _project(repo: Repo, junit: bytes = JUNIT) -> str:
    repo.write({"mlpolicy.yaml": MANIFEST, "dvc.yaml": DVC, "reports/pipeline-tests.xml": junit})
    return repo.commit("project")


def _attest(repo: Repo, *args: str, cwd: Path | None = None):
    return run_cli("attest", *args, cwd=cwd or repo.root, env={"SOURCE_DATE_EPOCH": "1795705290"})


def _rules(repo: Repo, path: str = RECORD) -> list[str]:
    """Rule ids reported on ``path`` (the record, by default)."""
    result = repo.check("--format", "json", "--select", "MLP3")
    assert result.code in (0, 1), result.stderr
    findings = [f for p in result.json()["projects"] for f in p["findings"]]
    return [f["rule"] for f in findings if f.get("path", "").endswith(path)]


def test_record_validates_and_holds_hashes_commit_and_totals(repo: Repo) -> None:
    head = _project(repo)
    result = _attest(repo, "dvc.yaml", "--junit", "reports/pipeline-tests.xml")
    assert result.code == 0, result.stderr
    assert "passed (4 tests, 0 failures, 0 errors, 1 skipped)" in result.stdout
    record = json.loads((repo.root / RECORD).read_text(encoding="utf-8"))
    assert schema.validate("validation", record) == []
    assert record["schema"] == "mlpolicy.validation/v1"
    assert record["pipeline"] == ["dvc.yaml"]
    assert record["status"] == "passed"
    assert record["validated_at"] == "2026-11-26T15:01:30Z"
    assert record["commit"] == head
    assert record["inputs_sha256"] == {"dvc.yaml": hashlib.sha256(DVC).hexdigest()}
    assert record["junit"] == {
        "path": "reports/pipeline-tests.xml",
        "tests": 4,
        "failures": 0,
        "errors": 0,
        "skipped": 1,
    }
    assert {
        "name": "tests.test_pipeline::test_gpu_training",
        "status": "skipped",
        "details": "needs GPU",
    } in record["checks"]
    assert list(record) == [
        "schema",
        "pipeline",
        "status",
        "validated_at",
        "commit",
        "inputs_sha256",
        "checks",
        "junit",
    ]


def test_record_passes_the_check_until_the_pipeline_changes(repo: Repo) -> None:
    _project(repo)
    assert _attest(repo, "dvc.yaml", "--junit", "reports/pipeline-tests.xml").code == 0
    repo.commit("validation record")
    assert _rules(repo, "") == []
    repo.write({"dvc.yaml": DVC.replace(b"python src/train.py", b"python src/train.py --fast")})
    repo.commit("change the pipeline")
    assert _rules(repo) == ["MLP305"]


def test_junit_with_failures_is_recorded_as_failed(repo: Repo) -> None:
    _project(repo, FAILING)
    result = _attest(repo, "dvc.yaml", "--junit", "reports/pipeline-tests.xml")
    assert result.code == 1 and "failed (4 tests, 1 failure" in result.stdout
    record = json.loads((repo.root / RECORD).read_text(encoding="utf-8"))
    assert record["status"] == "failed"
    assert {
        "name": "tests.test_pipeline::test_no_label_leakage",
        "status": "failed",
        "details": "label leaked",
    } in record["checks"]
    repo.commit("record")
    assert _rules(repo) == ["MLP304"]
    assert _rules(repo, "reports/pipeline-tests.xml") == ["MLP304"]


def test_every_test_skipped_is_recorded_as_failed(repo: Repo) -> None:
    _project(repo, SKIPPED)
    assert _attest(repo, "dvc.yaml", "--junit", "reports/pipeline-tests.xml").code == 1
    repo.commit("record")
    assert _rules(repo) == ["MLP304"]


def test_output_is_deterministic_and_goes_where_asked(repo: Repo) -> None:
    _project(repo)
    for name in ("a.json", "b.json"):
        result = _attest(repo, "dvc.yaml", "--junit", "reports/pipeline-tests.xml", "-o", name)
        assert result.code == 0, result.stderr
    assert (repo.root / "a.json").read_bytes() == (repo.root / "b.json").read_bytes()
    assert not (repo.root / RECORD).exists()


def test_paths_are_relative_to_the_projects_manifest(repo: Repo) -> None:
    repo.write(
        {
            "churn/mlpolicy.yaml": MANIFEST,
            "churn/dvc.yaml": DVC,
            "churn/pipelines/dag.py": (SAMPLES / "airflow" / "churn_training_dag.py").read_bytes(),
            "test-results/pipeline.xml": JUNIT,
        }
    )
    repo.commit("monorepo")
    args = ("churn/dvc.yaml", "churn/pipelines", "--junit", "test-results/pipeline.xml")
    result = _attest(repo, *args, "-o", "churn/reports/pipeline-validation.json")
    assert result.code == 0, result.stderr
    record = json.loads((repo.root / "churn" / RECORD).read_text(encoding="utf-8"))
    assert record["pipeline"] == ["dvc.yaml", "pipelines"]
    assert sorted(record["inputs_sha256"]) == ["dvc.yaml", "pipelines/dag.py"]
    assert record["junit"]["path"] == "../test-results/pipeline.xml"
    repo.commit("record")
    assert _rules(repo, "") == []


def test_outside_git_the_commit_is_null(tmp_path: Path) -> None:
    (tmp_path / "dvc.yaml").write_bytes(DVC)
    (tmp_path / "t.xml").write_bytes(JUNIT)
    result = run_cli("attest", "dvc.yaml", "--junit", "t.xml", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert json.loads((tmp_path / RECORD).read_text(encoding="utf-8"))["commit"] is None


def test_usage_problems_exit_2(repo: Repo) -> None:
    _project(repo)
    (repo.root / "broken.xml").write_text("<testsuite>\n<testcase>\n", encoding="utf-8")
    (repo.root / "coverage.xml").write_text("<coverage/>", encoding="utf-8")
    cases = [
        (("dvc.yaml", "--junit", "missing.xml"), "missing.xml"),
        (("dvc.yaml", "--junit", "broken.xml"), "broken.xml:3"),
        (("dvc.yaml", "--junit", "coverage.xml"), "not <testsuites>"),
        (("missing.yaml", "--junit", "reports/pipeline-tests.xml"), "missing.yaml"),
        (("--junit", "reports/pipeline-tests.xml"), "PIPELINE"),
        (("dvc.yaml",), "--junit"),
    ]
    for args, words in cases:
        result = _attest(repo, *args)
        assert result.code == 2, (args, result.stdout, result.stderr)
        assert words in result.stderr, (args, result.stderr)
    assert not (repo.root / RECORD).exists()
