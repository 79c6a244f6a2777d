"""The tracker readers on what MLflow, DVCLive and W&B wrote, older samples, and hostile bytes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from trackerfix import DVCLIVE, FILESTORE, RECORDED, SQLITE, WANDB, WANDB_BINARY, copy_sqlite

from mlpolicy.artifacts import dvclive, mlflow_filestore, mlflow_sqlite, wandb_runs

STATUSES = ["finished", "failed", "killed"]


def _summary(log) -> list[tuple[str, str | None]]:
    return [(run.status, run.commit) for run in log.runs]


# -- MLflow SQLite ---------------------------------------------------------------------------


def test_sqlite_store_reads_every_run_with_status_commit_params_and_latest_metrics() -> None:
    log = mlflow_sqlite.read(SQLITE, "mlflow.db")
    assert log.invalid == () and log.format == "mlflow-sqlite"
    assert _summary(log) == [(status, RECORDED) for status in STATUSES]
    finished = log.runs[0]
    assert finished.experiment == "churn-model"
    assert finished.params == {"lr": "0.01", "epochs": "3", "dataset_version": "v2026.11"}
    assert finished.metrics == pytest.approx({"val_auc": 0.8, "train_loss": 0.4})
    assert finished.started_at.endswith("Z") and finished.started_at.startswith("2026-11-30T")
    assert finished.usable and not log.runs[1].usable


def test_sqlite_store_of_the_earlier_sample_reads_too(tmp_path: Path) -> None:
    dump = (SAMPLES / "mlflow" / "sqlite" / "core-tables-dump.sql").read_text()
    database = tmp_path / "mlflow.db"
    with sqlite3.connect(database) as db:
        db.executescript(dump)
    db.close()
    [run] = mlflow_sqlite.read(database, "mlflow.db").runs
    assert (run.run_id, run.status, run.commit) == (
        "1dfa12100879483e9823c764973868e6",
        "finished",
        "b4ec0a871a12fbdcaf6da80039111e1ad7424019",
    )
    assert run.metrics == pytest.approx({"val_auc": 0.8, "train_loss": 0.42})


def test_deleted_runs_are_ignored(tmp_path: Path) -> None:
    database = copy_sqlite(tmp_path / "mlflow.db")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET lifecycle_stage = 'deleted' WHERE status != 'FINISHED'")
    db.close()
    assert [run.status for run in mlflow_sqlite.read(database, "mlflow.db").runs] == ["finished"]


def test_the_store_is_never_written(tmp_path: Path) -> None:
    database = copy_sqlite(tmp_path / "mlflow.db")
    before = database.read_bytes()
    mlflow_sqlite.read(database, "mlflow.db")
    assert database.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mlflow.db"]  # no journal, no WAL


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda path: path.write_bytes(b"not a database at all\n" * 100), "not a database"),
        (lambda path: path.write_bytes(path.read_bytes()[:3000]), "MLflow database"),
        (lambda path: _sql(path, "DROP TABLE latest_metrics"), "not an MLflow tracking database"),
        (lambda path: path.write_bytes(b""), "not an MLflow tracking database"),
    ],
    ids=["garbage", "truncated", "missing-table", "empty"],
)
def test_a_damaged_database_is_one_unreadable_record(tmp_path: Path, damage, words) -> None:
    database = copy_sqlite(tmp_path / "mlflow.db")
    damage(database)
    log = mlflow_sqlite.read(database, "mlflow.db")
    assert log.status == "unreadable" and log.runs == ()
    [record] = log.invalid
    assert words in record.message and record.location.path == "mlflow.db"


def test_values_of_the_wrong_type_make_invalid_runs_not_exceptions(tmp_path: Path) -> None:
    database = copy_sqlite(tmp_path / "mlflow.db")
    _sql(database, "UPDATE runs SET start_time = 'yesterday' WHERE status = 'FAILED'")
    _sql(database, "UPDATE runs SET status = x'00ff' WHERE status = 'KILLED'")
    _sql(database, "UPDATE latest_metrics SET value = 'high'")
    _sql(database, "UPDATE tags SET value = 42 WHERE key = 'mlflow.source.git.commit'")
    log = mlflow_sqlite.read(database, "mlflow.db")
    assert [(run.status, run.commit, dict(run.metrics)) for run in log.runs] == [
        ("finished", None, {})
    ]
    assert len(log.invalid) == 2 and all("not MLflow's" in r.message for r in log.invalid)


def test_a_directory_or_fifo_named_like_a_database_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "mlflow.db").mkdir()
    assert mlflow_sqlite.read(tmp_path / "mlflow.db", "mlflow.db").status == "unreadable"


def test_ten_thousand_runs_take_four_queries(tmp_path: Path, monkeypatch) -> None:
    database = build_store(tmp_path / "mlflow.db", 10_000)
    statements: list[str] = []
    connect = sqlite3.connect

    def traced(*args, **kwargs):
        connection = connect(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(sqlite3, "connect", traced)
    log = mlflow_sqlite.read(database, "mlflow.db")
    assert len(log.runs) == 10_003 and log.invalid == ()
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 4


def build_store(target: Path, runs: int) -> Path:
    """The fixture store plus ``runs`` finished runs, each with 3 params, 2 metrics, a commit."""
    copy_sqlite(target)
    with sqlite3.connect(target) as db:
        ids = [f"{n:032x}" for n in range(runs)]
        db.executemany(
            "INSERT INTO runs (run_uuid, name, status, start_time, lifecycle_stage,"
            " experiment_id) VALUES (?, ?, 'FINISHED', ?, 'active', 1)",
            [(run, f"run-{n}", 1796051228835 + n) for n, run in enumerate(ids)],
        )
        db.executemany(
            "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
            [(key, str(n), run) for n, run in enumerate(ids) for key in ("lr", "depth", "seed")],
        )
        db.executemany(
            "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)"
            " VALUES (?, ?, 0, 9, 0, ?)",
            [
                (key, 0.5 + n / 40_000, run)
                for n, run in enumerate(ids)
                for key in ("val_auc", "loss")
            ],
        )
        db.executemany(
            "INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.source.git.commit', ?, ?)",
            [(RECORDED, run) for run in ids],
        )
    db.close()
    return target


def _sql(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA ignore_check_constraints = ON")  # a store MLflow would refuse
        db.execute(statement)
    db.close()


# -- MLflow file store -----------------------------------------------------------------------


def test_file_store_reads_the_same_runs_as_the_database() -> None:
    log = mlflow_filestore.read(FILESTORE, "mlruns")
    assert log.invalid == () and log.format == "mlflow-filestore"
    assert sorted(_summary(log)) == sorted((status, RECORDED) for status in STATUSES)
    finished = next(run for run in log.runs if run.status == "finished")
    assert finished.experiment == "churn-model"
    assert finished.metrics == pytest.approx({"val_auc": 0.8, "train_loss": 0.4})
    assert finished.location.path.startswith("mlruns/") and finished.location.path.endswith(
        "/meta.yaml"
    )


def test_file_store_of_the_earlier_sample_reads_too() -> None:
    [run] = mlflow_filestore.read(SAMPLES / "mlflow" / "filestore" / "mlruns", "mlruns").runs
    assert (run.status, run.commit) == ("finished", "668fc5dbf7d911e39e02e3fbf425816dc074ed56")
    assert run.params["lr"] == "0.01" and run.metrics["val_auc"] == pytest.approx(0.8)


def test_artifact_only_folder_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "mlruns" / "1" / "abc" / "artifacts").mkdir(parents=True)
    (tmp_path / "mlruns" / "1" / "abc" / "artifacts" / "model.pkl").write_bytes(b"x")
    assert not mlflow_filestore.claims(tmp_path / "mlruns")
    assert mlflow_filestore.claims(tmp_path / "absent" / "mlruns")  # declared, reported missing


def test_trash_and_deleted_runs_are_skipped(tmp_path: Path) -> None:
    store = shutil.copytree(FILESTORE, tmp_path / "mlruns")
    experiment = next(p for p in store.iterdir() if p.name != "0")
    shutil.copytree(experiment, store / ".trash" / experiment.name)
    run = next(p for p in experiment.iterdir() if p.is_dir())
    meta = run / "meta.yaml"
    meta.write_text(meta.read_text().replace("lifecycle_stage: active", "lifecycle_stage: deleted"))
    assert len(mlflow_filestore.read(store, "mlruns").runs) == 2


@pytest.mark.parametrize(
    "content",
    [b"run_id: [unclosed\n", b"\xff\xfe\x00binary", b"- a list\n", b"status: 3\nstart_time: x\n"],
    ids=["truncated", "binary", "not-a-mapping", "bad-values"],
)
def test_a_broken_run_meta_is_an_invalid_record_at_it(tmp_path: Path, content: bytes) -> None:
    store = shutil.copytree(FILESTORE, tmp_path / "mlruns")
    meta = sorted(store.glob("*/*/meta.yaml"))[0]
    meta.write_bytes(content)
    log = mlflow_filestore.read(store, "mlruns")
    assert len(log.runs) == 2
    [record] = log.invalid
    assert record.location.path == "mlruns/" + meta.relative_to(store).as_posix()


# -- DVCLive -----------------------------------------------------------------------------------


def test_dvclive_folder_is_one_finished_run_with_nested_metrics_named_by_path() -> None:
    log = dvclive.read(DVCLIVE, "dvclive")
    [run] = log.runs
    assert (run.status, run.commit, run.commit_from) == ("finished", None, "dvclive")
    assert run.metrics == pytest.approx({"train/loss": 0.4, "val/auc": 0.8})
    assert run.params == {"lr": 0.01, "epochs": 3, "dataset_version": "v2026.11"}
    assert run.location.path == "dvclive/metrics.json"


def test_dvclive_of_the_earlier_sample_reads_too() -> None:
    [run] = dvclive.read(SAMPLES / "dvc" / "dvclive", "dvclive").runs
    assert run.metrics == pytest.approx({"train/loss": 1 / 3, "val/acc": 0.7})


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("metrics.json", b'{"val": {"auc": 0.8', 1),
        ("metrics.json", b"\x00\x01\x02", None),
        ("params.yaml", b"lr: 0.01\nepochs: [3\n", None),
        ("params.yaml", b"- 1\n", None),
    ],
)
def test_broken_dvclive_files_are_invalid_records(
    tmp_path: Path, name: str, content: bytes, line: int | None
) -> None:
    folder = shutil.copytree(DVCLIVE, tmp_path / "dvclive")
    (folder / name).write_bytes(content)
    log = dvclive.read(folder, "dvclive")
    [record] = log.invalid
    assert record.location.path == f"dvclive/{name}"
    assert line is None or record.location.line == line


# -- W&B ---------------------------------------------------------------------------------------


def test_wandb_run_with_a_summary_is_finished_and_bookkeeping_is_dropped() -> None:
    log = wandb_runs.read(WANDB, "wandb")
    [run] = log.runs
    assert (run.status, run.commit) == ("finished", RECORDED)
    assert run.params == {"lr": 0.01, "epochs": 3, "dataset_version": "v2026.11"}
    assert set(run.metrics) == {"val_auc", "train/loss", "best_auc"}
    assert run.started_at.endswith("Z")


def test_wandb_offline_binary_only_is_present_but_unreadable_with_a_hint() -> None:
    [record] = wandb_runs.read(WANDB, "wandb").invalid
    assert "present but unreadable" in record.message and ".wandb" in record.message
    assert record.location.path == f"wandb/{WANDB_BINARY.name}"
    assert record.hint is not None and "wandb sync" in record.hint


def test_the_earlier_offline_sample_layout_is_claimed(tmp_path: Path) -> None:
    run = tmp_path / "wandb" / "offline-run-20261126_145722-nw8c56lt"
    (run / "files").mkdir(parents=True)
    (run / "files" / "requirements.txt").write_text("wandb==0.31.0\n")
    (run / "run-nw8c56lt.wandb").write_bytes(b":W&B\xe1\xbe\x00")
    assert wandb_runs.claims(tmp_path / "wandb")
    [record] = wandb_runs.read(tmp_path / "wandb", "wandb").invalid
    assert "present but unreadable" in record.message


def test_wandb_without_summary_is_running_and_offsets_are_added(tmp_path: Path) -> None:
    run = tmp_path / "run-20260101_000000-abc"
    (run / "files").mkdir(parents=True)
    meta = {"git": {"commit": RECORDED}, "startedAt": "2026-01-01T00:00:00.5"}
    (run / "files" / "wandb-metadata.json").write_text(json.dumps(meta))
    [found] = wandb_runs.read(run, "run").runs
    assert (found.run_id, found.status, found.started_at) == (
        "abc",
        "running",
        "2026-01-01T00:00:00.5Z",
    )


@pytest.mark.parametrize("name", ["wandb-summary.json", "wandb-metadata.json", "config.yaml"])
def test_broken_wandb_files_are_invalid_records(tmp_path: Path, name: str) -> None:
    store = shutil.copytree(WANDB, tmp_path / "wandb")
    finished = next(p for p in store.iterdir() if (p / "files" / name).exists())
    path = finished / "files" / name
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2] + b"\xff")
    log = wandb_runs.read(store, "wandb")
    assert log.runs == ()
    assert any(r.location.path.endswith(f"files/{name}") for r in log.invalid)


# -- arbitrary bytes never raise ---------------------------------------------------------------

ANY_BYTES = st.binary(max_size=2048)
SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(data=ANY_BYTES)
def test_sqlite_reader_takes_arbitrary_bytes(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "mlflow.db")
        path.write_bytes(data)
        mlflow_sqlite.read(path, "mlflow.db")


@SLOW
@given(data=ANY_BYTES, prefix=st.integers(min_value=0, max_value=200_000))
def test_sqlite_reader_takes_a_damaged_real_store(data: bytes, prefix: int) -> None:
    import tempfile

    real = SQLITE.read_bytes()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "mlflow.db")
        path.write_bytes(real[:prefix] + data + real[prefix + len(data) :])
        mlflow_sqlite.read(path, "mlflow.db")


@SLOW
@given(meta=ANY_BYTES, metric=ANY_BYTES, param=ANY_BYTES)
def test_file_store_reader_takes_arbitrary_bytes(meta: bytes, metric: bytes, param: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        run = Path(folder, "mlruns", "1", "abc")
        for name, content in (("meta.yaml", meta), ("metrics/m", metric), ("params/p", param)):
            (run / name).parent.mkdir(parents=True, exist_ok=True)
            (run / name).write_bytes(content)
        mlflow_filestore.read(Path(folder, "mlruns"), "mlruns")


@SLOW
@given(metrics=ANY_BYTES, params=ANY_BYTES)
def test_dvclive_reader_takes_arbitrary_bytes(metrics: bytes, params: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "metrics.json").write_bytes(metrics)
        Path(folder, "params.yaml").write_bytes(params)
        dvclive.read(Path(folder), "dvclive")


@SLOW
@given(summary=ANY_BYTES, metadata=ANY_BYTES, config=ANY_BYTES)
def test_wandb_reader_takes_arbitrary_bytes(summary: bytes, metadata: bytes, config: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        files = Path(folder, "run-x-abc", "files")
        files.mkdir(parents=True)
        for name, content in (
            ("wandb-summary.json", summary),
            ("wandb-metadata.json", metadata),
            ("config.yaml", config),
        ):
            (files / name).write_bytes(content)
        wandb_runs.read(files.parent, "run")


@SLOW
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=20,
    )
)
def test_tracker_readers_take_arbitrary_json_values(value: object) -> None:
    import tempfile

    text = json.dumps(value)
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "metrics.json").write_text(text)
        Path(folder, "params.yaml").write_text(text)
        dvclive.read(Path(folder), "dvclive")
        files = Path(folder, "run-x-abc", "files")
        files.mkdir(parents=True)
        for name in ("wandb-summary.json", "wandb-metadata.json", "config.yaml"):
            (files / name).write_text(text)
        wandb_runs.read(files.parent, "run")


# -- symlinks inside a store -------------------------------------------------------------------


def test_symlinks_inside_stores_are_never_followed(tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text('{"val_auc": 0.99}')
    store = shutil.copytree(FILESTORE, tmp_path / "mlruns")
    run = sorted(store.glob("*/*/meta.yaml"))[0].parent
    (run / "params" / "lr").unlink()
    (run / "params" / "lr").symlink_to(secret)
    log = mlflow_filestore.read(store, "mlruns")
    assert len(log.runs) == 2 and "symlink" in log.invalid[0].message
    live = shutil.copytree(DVCLIVE, tmp_path / "dvclive")
    (live / "metrics.json").unlink()
    (live / "metrics.json").symlink_to(secret)
    [record] = dvclive.read(live, "dvclive").invalid
    assert "symlink" in record.message


def test_metric_history_counts_its_highest_step_whatever_the_line_order(tmp_path: Path) -> None:
    store = shutil.copytree(FILESTORE, tmp_path / "mlruns")
    run = next(
        p.parent for p in store.glob("*/*/meta.yaml") if (p.parent / "metrics/train_loss").exists()
    )
    (run / "metrics" / "val_auc").write_text("5 0.9 2\n3 0.7 0\nnot a line\n4 0.8 1\n")
    finished = next(
        r for r in mlflow_filestore.read(store, "mlruns").runs if r.status == "finished"
    )
    assert finished.metrics["val_auc"] == 0.9
