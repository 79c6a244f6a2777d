"""The manifest loader: typed values, and only ManifestError for any input."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy import manifest
from mlpolicy.manifest import ManifestError

FULL = """\
# yaml-language-server: $schema=https://mlpolicy.dev/schemas/manifest.schema.json
version: 1
project: churn-model
phase: pipeline
owners: ["@ml-platform"]
policy: ../policies/org.yaml
artifacts:
  design_doc: docs/design.md
  experiments: [experiments/runs.jsonl, mlflow.db]
  pipelines: [dvc.yaml]
  pipeline_validation: [reports/pipeline-validation.json]
  monitoring: [monitoring/alerts.yaml, monitoring/monitoring.yaml]
  model_card: MODEL_CARD.md
code_paths: [src/]
quality_bar:
  metric: val_auc
  goal: maximize
  threshold: 0.80
waivers:
  - rule: MLP405
    reason: "Prediction logging lands with the serving migration"
    expires: 2027-01-31
    approved_by: "@ml-lead"
    path: monitoring/
"""


def test_the_spec_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "mlpolicy.yaml"
    path.write_text(FULL)
    loaded = manifest.load(path, "mlpolicy.yaml")
    assert loaded.phase == "pipeline"
    assert loaded.artifacts["design_doc"] == ("docs/design.md",)
    assert loaded.artifacts["experiments"] == ("experiments/runs.jsonl", "mlflow.db")
    assert loaded.quality_bar is not None and loaded.quality_bar.met_by(0.8)
    assert not loaded.quality_bar.met_by(0.79)
    [waiver] = loaded.waivers
    assert (waiver.rule, str(waiver.expires), waiver.path) == (
        "MLP405",
        "2027-01-31",
        "monitoring/",
    )
    assert (waiver.location.line, waiver.location.column) == (20, 5)


def test_minimize_goal() -> None:
    bar = manifest.QualityBar("rmse", "minimize", 3.5)
    assert bar.met_by(3.5) and bar.met_by(1.0) and not bar.met_by(3.6)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=800) | st.text(max_size=400).map(str.encode))
def test_arbitrary_bytes_give_a_manifest_or_manifest_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "mlpolicy.yaml")
        path.write_bytes(data)
        try:
            manifest.load(path, "mlpolicy.yaml")
        except ManifestError as exc:
            assert exc.rule in ("MLP002", "MLP003")
            assert exc.problems
