"""Train a churn model and append the run to experiments/runs.jsonl (mlpolicy.runlog/v1)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

MODELS = {"logreg": LogisticRegression, "gbm": HistGradientBoostingClassifier}


def log_run(path: Path, run: dict[str, object]) -> None:
    """Append one run record; the commit makes the run traceable."""
    commit = subprocess.check_output(["git", "rev-parse", "HEAD"], text=True).strip()
    dirty = bool(subprocess.check_output(["git", "status", "--porcelain", "src"], text=True))
    record = {"schema": "mlpolicy.runlog/v1", "git": {"commit": commit, "dirty": dirty}, **run}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def main(model: str, **params: float) -> None:
    started = datetime.now(UTC).isoformat()
    x_train, y_train, x_val, y_val = load_split()  # noqa: F821 (project data loader)
    fitted = MODELS[model](**params).fit(x_train, y_train)
    auc = roc_auc_score(y_val, fitted.predict_proba(x_val)[:, 1])
    log_run(Path("experiments/runs.jsonl"), {
        "run_id": f"{started[:16]}-{model}", "experiment": "churn-prediction",
        "started_at": started, "status": "finished",
        "params": {"model": model, **params}, "metrics": {"val_auc": auc},
    })


if __name__ == "__main__":
    main(sys.argv[1])
