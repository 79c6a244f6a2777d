"""MLP301 pipeline-missing and MLP302 pipeline-invalid on real git repositories."""

from __future__ import annotations

from pathlib import Path

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
    findings = [
        (f["rule"], f["path"], f["line"], f["message"])
        for f in result.json()["projects"][0]["findings"]
    ]
    assert findings == [
        (
            "MLP301",
            "mlpolicy.yaml",
            4,
            'pipeline definition "run.py" is not recognised: Python file defines no pipeline'
            " (no Airflow DAG, Kedro pipeline, KFP @dsl.pipeline, Metaflow FlowSpec or ZenML"
            " @pipeline)",
        )
    ]
    assert result.code == 1


def test_artifacts_are_listed_in_the_report(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": MANIFEST, "dvc.yaml": (SAMPLES / "dvc" / "dvc.yaml").read_bytes()})
    repo.commit()
    report = repo.check("--format", "json", "--select", "MLP301").json()
    assert {"kind": "pipelines", "path": "dvc.yaml", "format": "dvc", "status": "ok"} in report[
        "projects"
    ][0]["artifacts"]


LAYOUTS = SAMPLES.parent / "fixtures" / "layouts"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("framework", ["airflow", "kedro", "metaflow", "zenml"])
def test_real_scaffold_layouts_need_no_declaration(repo: Repo, framework: str) -> None:
    assert _findings(repo, _tree(LAYOUTS / framework)) == []


def test_a_components_only_file_is_no_pipeline_and_is_named(repo: Repo) -> None:
    components = (
        "from kfp import dsl\n\n@dsl.component(base_image='python:3.11')\n"
        "def train(lr: float) -> float:\n    return 0.8\n"
    )
    repo.write({"mlpolicy.yaml": MANIFEST, "pipelines/build.py": components})
    repo.write(
        {"pipelines/steps.py": (LAYOUTS / "zenml" / "steps" / "simple_step.py").read_bytes()}
    )
    repo.commit()
    result = repo.check("--format", "json", "--select", "MLP301,MLP302")
    [finding] = result.json()["projects"][0]["findings"]
    assert (finding["rule"], finding["line"]) == ("MLP301", 2)
    assert finding["message"] == (
        "no pipeline definition found (dvc.yaml, pipelines/, pipeline/, dags/, src/*/pipelines/,"
        " flows/) (looked at pipelines/build.py: Python file defines no pipeline (found only"
        " @dsl.component functions); pipelines/steps.py: Python file defines no pipeline"
        " (found only ZenML @step functions))"
    )


def test_the_looked_at_list_is_bounded(repo: Repo) -> None:
    files = {f"dags/helper_{i}.py": "RETRIES = 3\n" for i in range(5)}
    repo.write({"mlpolicy.yaml": MANIFEST, **files})
    repo.commit()
    [finding] = repo.check("--format", "json", "--select", "MLP301").json()["projects"][0][
        "findings"
    ]
    assert "dags/helper_2.py: Python file defines no pipeline" in finding["message"]
    assert "helper_3" not in finding["message"]
    assert finding["message"].endswith("; and 2 more)")


def test_an_unrecognised_file_alone_in_a_declared_folder_fails_and_is_named(repo: Repo) -> None:
    manifest = MANIFEST + "artifacts:\n  pipelines: [workflows/]\n"
    repo.write({"mlpolicy.yaml": manifest, "workflows/wf.yaml": "name: nightly\nsteps: [a]\n"})
    repo.commit()
    result = repo.check("--format", "json", "--select", "MLP301")
    [finding] = result.json()["projects"][0]["findings"]
    assert (finding["rule"], finding["path"], finding["line"]) == ("MLP301", "mlpolicy.yaml", 4)
    assert "workflows/wf.yaml: YAML with no recognised pipeline keys" in finding["message"]
    assert result.code == 1


def test_unrecognised_files_beside_a_pipeline_are_listed_not_flagged(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": MANIFEST,
            "pipelines/wf.yaml": (
                SAMPLES.parent / "fixtures" / "argo" / "dag-diamond.yaml"
            ).read_bytes(),
            "pipelines/settings.yaml": "retries: 3\n",
        }
    )
    repo.commit()
    report = repo.check("--format", "json", "--select", "MLP301,MLP302").json()
    project = report["projects"][0]
    assert project["findings"] == []
    pipelines = [a for a in project["artifacts"] if a["kind"] == "pipelines"]
    assert {(a["path"], a["format"], a["status"]) for a in pipelines} == {
        ("pipelines/wf.yaml", "argo", "ok"),
        ("pipelines/settings.yaml", "unknown", "unrecognised"),
    }


def test_a_malformed_argo_workflow_is_reported_at_its_line(repo: Repo) -> None:
    workflow = (
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: t-}\n"
        "spec:\n  entrypoint: train\n  templates:\n  - name: main\n    container: {image: x}\n"
    )
    assert _findings(repo, {"pipelines/train.yaml": workflow}) == [
        ("MLP302", "pipelines/train.yaml", 5)
    ]
