"""MLP301 pipeline-missing and MLP302 pipeline-invalid on real git repositories."""

from __future__ import annotations

import pytest
from conftest import SAMPLES, Repo

MANIFEST = "version: 1\nphase: pipeline\n"


def _findings(repo: Repo, files: dict[str, str | bytes], phase: str = "pipeline") -> list[tuple]:
    repo.write({"mlpolicy.yaml": f"version: 1\nphase: {phase}\n", **files})
    repo.commit("project")
    result = repo.check("--format", "json", "--select", "MLP301,MLP302")
    assert result.code in (0, 1), result.stderr
    return [
        (f["rule"], f["path"], f.get("line"))
        for project in result.json()["projects"]
        for f in project["findings"]
    ]


def test_no_definition_is_reported_at_the_phase(repo: Repo) -> None:
    assert _findings(repo, {"src/train.py": "print('train')\n"}) == [("MLP301", "mlpolicy.yaml", 2)]


def test_not_required_before_the_pipeline_phase(repo: Repo) -> None:
    assert _findings(repo, {}, phase="experimentation") == []


def test_declared_but_absent_is_reported_at_the_manifest_line(repo: Repo) -> None:
    manifest = MANIFEST + "artifacts:\n  pipelines:\n    - dvc.yaml\n    - pipelines/\n"
    repo.write(
        {"mlpolicy.yaml": manifest, "pipelines/dag.py": b"from airflow import DAG\nDAG('x')\n"}
    )
    repo.commit()
    result = repo.check("--format", "json", "--select", "MLP3")
    findings = [(f["rule"], f.get("line")) for f in result.json()["projects"][0]["findings"]]
    assert ("MLP301", 5) in findings and ("MLP301", 6) not in findings


@pytest.mark.parametrize(
    ("sample", "target"),
    [
        ("dvc/dvc.yaml", "dvc.yaml"),
        ("kfp/churn_pipeline.yaml", "pipelines/churn_pipeline.yaml"),
        ("kfp/pipeline.py", "pipelines/pipeline.py"),
        ("airflow/churn_training_dag.py", "pipeline/dags/churn_training_dag.py"),
        ("kedro/src/churn_kedro/pipelines/training/pipeline.py", "pipelines/training.py"),
        ("zenml/churn_pipeline.py", "pipelines/churn_pipeline.py"),
        ("metaflow/churn_flow.py", "pipelines/churn_flow.py"),
    ],
)
def test_real_definitions_pass(repo: Repo, sample: str, target: str) -> None:
    assert _findings(repo, {target: (SAMPLES / sample).read_bytes()}) == []


def test_malformed_dvc_yaml_is_reported_at_the_key(repo: Repo) -> None:
    dvc = "stages:\n  train:\n    cmd: python train.py\n    outs: model.pkl\n"
    assert _findings(repo, {"dvc.yaml": dvc}) == [("MLP302", "dvc.yaml", 4)]


def test_python_syntax_error_in_the_pipelines_folder(repo: Repo) -> None:
    files = {
        "pipelines/dag.py": (SAMPLES / "airflow" / "churn_training_dag.py").read_bytes(),
        "pipelines/broken.py": "import os\n\ndef f(:\n    pass\n",
    }
    assert _findings(repo, files) == [("MLP302", "pipelines/broken.py", 3)]


def test_declared_file_that_is_no_pipeline(repo: Repo) -> None:
    repo.write(
        {"mlpolicy.yaml": MANIFEST + "artifacts:\n  pipelines: run.py\n", "run.py": "x = 1\n"}
    )
    repo.commit()
    result = repo.check("--format", "json", "--select", "MLP301,MLP302")
    findings = [(f["rule"], f["path"]) for f in result.json()["projects"][0]["findings"]]
    assert findings == [("MLP302", "run.py")]
    assert result.code == 1


def test_artifacts_are_listed_in_the_report(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": MANIFEST, "dvc.yaml": (SAMPLES / "dvc" / "dvc.yaml").read_bytes()})
    repo.commit()
    report = repo.check("--format", "json", "--select", "MLP301").json()
    assert {"kind": "pipelines", "path": "dvc.yaml", "format": "dvc", "status": "ok"} in report[
        "projects"
    ][0]["artifacts"]
