"""The experiment-log reader: the runlog sample, bad lines among good ones, hostile bytes."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from conftest import SAMPLES, run_record
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy.artifacts import experiments, runlog
from mlpolicy.project import Project, Repository
from mlpolicy.settings import Settings

SAMPLE = SAMPLES / "neutral-runlog" / "runs.jsonl"
GOOD = SAMPLE.read_bytes().splitlines()[1]  # the gbm run: plain-number metrics


def _record(**changes: object) -> bytes:
    value = json.loads(GOOD)
    value.update(changes)
    return json.dumps(value).encode()


def test_sample_reads_as_two_finished_runs() -> None:
    log = runlog.parse(SAMPLE.read_bytes(), "experiments/runs.jsonl")
    assert log.invalid == ()
    assert [(r.run_id, r.status, r.location.line) for r in log.runs] == [
        ("2026-11-26T1457-baseline-lr", "finished", 1),
        ("2026-11-26T1530-gbm", "finished", 2),
    ]
    first = log.runs[0]
    assert first.commit == "668fc5dbf7d911e39e02e3fbf425816dc074ed56"
    assert first.dirty is False
    assert first.params == {"model": "logreg", "lr": 0.01, "epochs": 3}
    assert all(run.usable for run in log.runs)
    assert log.status == "ok"


def test_a_series_counts_with_its_last_value() -> None:
    log = runlog.parse(SAMPLE.read_bytes(), "runs.jsonl")
    assert log.runs[0].metrics == {"val_auc": 0.8, "train_loss": 0.42}


def test_one_malformed_line_among_good_ones_is_one_invalid_record() -> None:
    data = b"\n".join([GOOD, b'{"schema": "mlpolicy.runlog/v1", "run_id": ', b"", GOOD])
    log = runlog.parse(data, "experiments/runs.jsonl")
    assert [r.location.line for r in log.runs] == [1, 4]
    [bad] = log.invalid
    assert (bad.location.path, bad.location.line) == ("experiments/runs.jsonl", 2)
    assert "not valid JSON" in bad.message
    assert log.status == "invalid"


@pytest.mark.parametrize(
    ("record", "words"),
    [
        (_record(status="done"), '"status" must be one of'),
        (_record(started_at="2026-11-26 15:30"), "RFC 3339"),
        (_record(git={"commit": "not-a-sha"}), "commit SHA"),
        (_record(metrics={"val_auc": []}), 'metric "val_auc"'),
        (_record(schema="mlpolicy.runlog/v2"), "mlpolicy.runlog/v1"),
        (b'{"run_id": "r1"}', 'run "r1": missing required keys "experiment", "git"'),
        (b"[1, 2]", "must be a mapping"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nested"),
        (b"1" * 5000, "not valid JSON"),
        (_record(tags={"x": "\\ud800"}).replace(b"\\\\ud800", b"\\ud800"), "surrogate"),
    ],
)
def test_schema_and_encoding_violations_are_named(record: bytes, words: str) -> None:
    log = runlog.parse(GOOD + b"\n" + record, "runs.jsonl")
    assert len(log.runs) == 1
    [bad] = log.invalid
    assert bad.location.line == 2
    assert words in bad.message


def test_crlf_and_bom_are_ordinary_text() -> None:
    data = b"\xef\xbb\xbf" + SAMPLE.read_bytes().replace(b"\n", b"\r\n")
    log = runlog.parse(data, "runs.jsonl")
    assert log.invalid == ()
    assert [r.location.line for r in log.runs] == [1, 2]


def test_extra_keys_are_allowed_for_forward_compatibility() -> None:
    log = runlog.parse(_record(notes="tried class weights", gpu={"count": 1}), "runs.jsonl")
    assert log.invalid == () and len(log.runs) == 1


def test_unusable_runs_say_why() -> None:
    running = runlog.parse(_record(status="running"), "r").runs[0]
    no_params = runlog.parse(_record(params={}), "r").runs[0]
    assert not running.usable and not no_params.usable


def test_out_of_range_numbers_do_not_raise() -> None:
    big = GOOD.replace(b'"val_auc":0.83', b'"val_auc":' + b"9" * 400)
    log = runlog.parse(big, "r")
    assert log.runs[0].metrics["val_auc"] == math.inf


def test_an_overlong_line_is_one_invalid_record_and_the_next_lines_still_count() -> None:
    data = b"\n".join([b" " * (runlog.MAX_LINE_BYTES + 10), GOOD, b""])
    log = runlog.parse(data, "big.jsonl")
    [bad] = log.invalid
    assert "longer than 4 MiB" in bad.message and bad.location.line == 1
    assert [r.location.line for r in log.runs] == [2]


def test_a_log_larger_than_any_document_cap_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    lines = 60_000  # about 18 MiB: the old whole-file cap was 16 MiB
    path.write_bytes((GOOD + b"\n") * lines)
    log = runlog.read(path, "runs.jsonl")
    assert len(log.runs) == lines and log.invalid == () and log.status == "ok"
    assert log.runs[-1].location.line == lines


def test_hostile_lines_keep_fifty_details_and_count_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    path.write_bytes(GOOD + b"\n" + b"{}\n" * 200_000)
    log = runlog.read(path, "runs.jsonl")
    assert len(log.runs) == 1
    assert len(log.invalid) == runlog.MAX_INVALID_SHOWN == 50
    assert log.more_invalid == 200_000 - 50
    assert [r.location.line for r in log.invalid] == list(range(2, 52))


def test_a_fifo_is_unreadable_and_never_opened_for_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "runs.jsonl"
    os.mkfifo(fifo)
    log = runlog.read(fifo, "runs.jsonl")
    assert not log.readable and "FIFO" in log.invalid[0].message


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    log = runlog.parse(data, "runs.jsonl")
    assert all(r.location.line for r in (*log.runs, *log.invalid))


_KEYS = st.sampled_from(["schema", "run_id", "git", "commit", "metrics", "value", "step", "status"])
_JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(_KEYS | st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.dictionaries(_KEYS, _JSON, max_size=4), max_size=4))
def test_arbitrary_json_records_never_raise(records: list[dict[str, object]]) -> None:
    lines = [json.dumps({**json.loads(GOOD), **record}) for record in records]
    log = runlog.parse("\r\n".join(lines).encode(), "runs.jsonl")
    assert len(log.runs) + len(log.invalid) == len(lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=60), max_size=6))
def test_arbitrary_text_lines_never_raise(lines: list[str]) -> None:
    runlog.parse("\n".join(lines).encode("utf-8", "surrogatepass"), "runs.jsonl")


# -- finding logs in a project -------------------------------------------------------------


def _project(root: Path, manifest: str, files: dict[str, bytes]) -> Project:
    (root / "mlpolicy.yaml").write_text(manifest, encoding="utf-8")
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return Project(Repository.containing(root, False), root / "mlpolicy.yaml", Settings())


def test_default_location_is_read_once_and_recorded(tmp_path: Path) -> None:
    project = _project(
        tmp_path, "version: 1\nphase: experimentation\n", {"experiments/a.jsonl": GOOD}
    )
    found = experiments.read(project)
    assert found is experiments.read(project)
    assert [r.run_id for r in found.runs] == ["2026-11-26T1530-gbm"]
    assert found.searched == ("experiments/*.jsonl", "mlflow.db", "mlruns/", "dvclive/", "wandb/")
    assert [(a.path, a.format, a.status) for a in project.artifacts.values()] == [
        ("experiments/a.jsonl", runlog.FORMAT, "ok")
    ]


def test_declared_directory_missing_file_and_unknown_format(tmp_path: Path) -> None:
    manifest = (
        "version: 1\nphase: experimentation\nartifacts:\n  experiments:\n"
        "    - logs/\n    - gone.jsonl\n    - results.csv\n    - empty/\n"
    )
    files = {
        "logs/b.jsonl": GOOD,
        "logs/a.ndjson": GOOD,
        "logs/notes.md": b"# x",
        "results.csv": b"a,b",
    }
    (tmp_path / "empty").mkdir()
    project = _project(tmp_path, manifest, files)
    found = experiments.read(project)
    assert [f.path for f in found.files] == ["logs/a.ndjson", "logs/b.jsonl", "results.csv"]
    assert [f.path for f in found.recognised] == ["logs/a.ndjson", "logs/b.jsonl"]
    assert [(a.declared, a.location.line) for a in found.absent] == [
        ("gone.jsonl", 6),
        ("empty", 8),
    ]
    assert "does not exist" in found.absent[0].reason
    [unknown] = found.invalid
    assert unknown.location.path == "results.csv" and "format" in unknown.message
    statuses = {a.path: a.status for a in project.artifacts.values()}
    assert statuses == {
        "logs/a.ndjson": "ok",
        "logs/b.jsonl": "ok",
        "results.csv": "unreadable",
        "gone.jsonl": "missing",
        "empty": "missing",
    }


def test_nothing_found_records_the_default_as_missing(tmp_path: Path) -> None:
    project = _project(tmp_path, "version: 1\nphase: experimentation\n", {})
    found = experiments.read(project)
    assert found.files == () and found.absent == ()
    [artifact] = project.artifacts.values()
    assert (artifact.path, artifact.status) == ("experiments/*.jsonl", "missing")


def test_valid_records_leave_no_entry_in_the_validation_cache(repo, tmp_path: Path) -> None:
    # issue 10: the cache kept one file per valid record, so a first run on a 10,000-line
    # log was slower than no cache at all. Runlog records are now decided without it.
    sha = repo.commit("code")
    lines = [run_record(sha, f"run-{n}") for n in range(200)]
    repo.write({"mlpolicy.yaml": "version: 1\nphase: experimentation\n"})
    repo.write({"experiments/runs.jsonl": "\n".join(lines) + "\n"})
    repo.commit("runs")
    cache = tmp_path / "cache"
    result = repo.check("--select", "MLP2", env={"MLPOLICY_CACHE_DIR": str(cache)})
    assert result.code == 0, result.stdout
    entries = [p for p in cache.rglob("*") if p.is_file()]
    assert len(entries) < 5  # the manifest and the like, never one per record
