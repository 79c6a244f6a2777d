"""The frozen tracker fixtures, and copies of them with the recorded commit rewritten."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "trackers"
# The commit every tool recorded: it exists only in the throwaway repository that made them.
RECORDED = (FIXTURES / "recorded-commit.txt").read_text().strip()
SQLITE = FIXTURES / "mlflow-sqlite" / "mlflow.db"
FILESTORE = FIXTURES / "mlflow-filestore" / "mlruns"
DVCLIVE = FIXTURES / "dvclive"
WANDB = FIXTURES / "wandb"
WANDB_FINISHED = WANDB / "offline-run-20261130_150712-9iiug93b"
WANDB_BINARY = WANDB / "offline-run-20261130_150713-zoxpvaz3"


def copy_sqlite(target: Path, commit: str | None = None) -> Path:
    """``mlflow.db`` copied to ``target``; its runs' commit tag set to ``commit`` if given."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SQLITE, target)
    if commit is not None:
        with sqlite3.connect(target) as db:
            db.execute(
                "UPDATE tags SET value = ? WHERE key = 'mlflow.source.git.commit'", (commit,)
            )
        db.close()
    return target


def copy_tree(source: Path, target: Path, commit: str | None = None) -> Path:
    """A fixture folder copied to ``target``, the recorded commit replaced in its text files."""
    shutil.copytree(source, target)
    if commit is not None:
        for path in target.rglob("*"):
            if path.is_file() and path.suffix != ".wandb":
                text = path.read_bytes()
                if RECORDED.encode() in text:
                    path.write_bytes(text.replace(RECORDED.encode(), commit.encode()))
    return target
