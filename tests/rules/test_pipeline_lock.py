"""MLP306 pipeline-lock-stale on a real DVC project (tests/fixtures/dvc, made by make.sh)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, Repo

PROJECT = Path(__file__).parent.parent / "fixtures" / "dvc" / "project"
MANIFEST = "version: 1\nphase: pipeline\n"


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _stale(repo: Repo, changes: dict[str, str | bytes] | None = None) -> list[tuple]:
    repo.write({"mlpolicy.yaml": MANIFEST, **_files(PROJECT)})
    repo.commit("dvc repro")
    if changes:
        repo.write(changes)
        repo.commit("change")
    result = repo.check("--format", "json", "--select", "MLP306")
    assert result.code in (0, 1), result.stderr
    return [
        (f["path"], f["line"], f["message"])
        for project in result.json()["projects"]
        for f in project["findings"]
    ]


def _appended(name: str, extra: bytes) -> dict[str, str | bytes]:
    return {name: (PROJECT / name).read_bytes() + extra}


def test_the_untouched_real_project_is_fresh(repo: Repo) -> None:
    assert _stale(repo) == []


def test_a_changed_command(repo: Repo) -> None:
    dvc = (
        (PROJECT / "dvc.yaml")
        .read_text()
        .replace("cmd: python3 src/train.py", "cmd: python3 src/train.py --fast")
    )
    assert _stale(repo, {"dvc.yaml": dvc}) == [("dvc.lock", 24, "stage train: changed command")]


def test_a_changed_dependency_byte(repo: Repo) -> None:
    labels = (PROJECT / "data" / "labels.csv").read_bytes().replace(b"1\n0", b"1\n1")
    assert _stale(repo, {"data/labels.csv": labels}) == [
        ("dvc.lock", 24, "stage train: changed deps: modified: data/labels.csv")
    ]


@pytest.mark.parametrize(
    "name", ["data/raw/nested/extra.txt", "data/raw/customers.csv", "data/raw/blob.bin"]
)
def test_a_changed_file_inside_a_directory_dependency(repo: Repo, name: str) -> None:
    data = bytearray((PROJECT / name).read_bytes())
    data[-1] ^= 1  # same size: only the directory hash can tell
    assert _stale(repo, {name: bytes(data)}) == [
        ("dvc.lock", 3, "stage prepare: changed deps: modified: data/raw")
    ]


def test_a_file_added_to_a_directory_dependency(repo: Repo) -> None:
    assert _stale(repo, {"data/raw/more.csv": "id\n"})[0][2] == (
        "stage prepare: changed deps: modified: data/raw"
    )


def test_a_changed_referenced_param(repo: Repo) -> None:
    params = (PROJECT / "params.yaml").read_text().replace("lr: 0.01", "lr: 0.03")
    assert _stale(repo, {"params.yaml": params}) == [
        ("dvc.lock", 24, "stage train: changed deps: params.yaml: modified: train.lr")
    ]


def test_an_unreferenced_param_changes_nothing(repo: Repo) -> None:
    params = (PROJECT / "params.yaml").read_text() + "serve:\n  port: 8080\n"
    assert _stale(repo, {"params.yaml": params}) == []


def test_several_changes_are_one_finding_per_stage(repo: Repo) -> None:
    dvc = (
        (PROJECT / "dvc.yaml")
        .read_text()
        .replace("cmd: python3 src/train.py", "cmd: python3 src/train.py --fast")
    )
    changes = {"dvc.yaml": dvc, **_appended("src/train.py", b"# tuned\n")}
    assert _stale(repo, {**changes, **_appended("src/prepare.py", b"\n")}) == [
        ("dvc.lock", 3, "stage prepare: changed deps: modified: src/prepare.py"),
        ("dvc.lock", 24, "stage train: changed command; changed deps: modified: src/train.py"),
    ]


def test_deleted_outputs_and_absent_dependencies_are_not_stale(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": MANIFEST, **_files(PROJECT)})
    for gone in ("data/prepared", "data/raw"):
        for path in sorted((repo.root / gone).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (repo.root / gone).rmdir()
    (repo.root / "data" / "labels.csv").unlink()
    repo.commit("data lives in the DVC remote")
    assert repo.check("--format", "json", "--select", "MLP306").rules() == []


def test_a_stage_missing_from_the_lock(repo: Repo) -> None:
    dvc = (PROJECT / "dvc.yaml").read_text() + "  report:\n    cmd: python3 src/report.py\n"
    assert _stale(repo, {"dvc.yaml": dvc}) == [
        ("dvc.yaml", 22, "stage report is not in dvc.lock: it has not run")
    ]


def test_the_shared_sample_is_fresh_where_its_files_are_present(repo: Repo) -> None:
    sample = SAMPLES / "dvc"
    files = {name: (sample / name).read_bytes() for name in ("dvc.yaml", "dvc.lock", "params.yaml")}
    files.update({f"src/{p.name}": p.read_bytes() for p in (sample / "src").iterdir()})
    repo.write({"mlpolicy.yaml": MANIFEST, **files})
    repo.commit()
    assert repo.check("--format", "json", "--select", "MLP306").rules() == []
    params = files["params.yaml"].replace(b"lr: 0.01", b"lr: 0.03")
    repo.write({"params.yaml": params})
    repo.commit()
    result = repo.check("--format", "json", "--select", "MLP306").json()
    assert [f["message"] for f in result["projects"][0]["findings"]] == [
        "stage train: changed deps: params.yaml: modified: train.lr"
    ]


def test_an_unreadable_lock_is_reported(repo: Repo) -> None:
    assert _stale(repo, {"dvc.lock": "stages: [\n"})[0][:2] == ("dvc.lock", 2)


def test_not_checked_before_the_pipeline_phase(repo: Repo) -> None:
    dvc = (
        (PROJECT / "dvc.yaml")
        .read_text()
        .replace("cmd: python3 src/train.py", "cmd: python3 src/train.py --fast")
    )
    repo.write({"mlpolicy.yaml": "version: 1\nphase: experimentation\n", **_files(PROJECT)})
    repo.write({"dvc.yaml": dvc})
    repo.commit()
    assert repo.check("--format", "json", "--select", "MLP306").rules() == []


def test_the_lock_is_listed_and_marked_stale_in_the_report(repo: Repo) -> None:
    params = (PROJECT / "params.yaml").read_text().replace("lr: 0.01", "lr: 0.03")
    _stale(repo, {"params.yaml": params})
    report = repo.check("--format", "json", "--select", "MLP306").json()
    assert {"kind": "pipelines", "path": "dvc.lock", "format": "dvc-lock", "status": "stale"} in (
        report["projects"][0]["artifacts"]
    )


def _legacy_lock() -> str:
    """The fixture's lock as DVC 2.x wrote it: no `hash: md5`, md5-dos2unix values."""
    import json

    legacy = json.loads((PROJECT.parent / "legacy.json").read_text(encoding="utf-8"))
    lock = (PROJECT / "dvc.lock").read_text(encoding="utf-8").replace("      hash: md5\n", "")
    lock = lock.replace("99f0408ab94afaadb689e54d56e889c4.dir", legacy["dirs"]["data/raw"])
    lock = lock.replace("857f33484f88f6da1fdeb0d19441dc8b.dir", legacy["dirs"]["data/prepared"])
    return lock.replace("6c34b07a0be6ba096a96406483e150e2", legacy["files"]["data/labels.csv"])


def test_a_dvc2_lock_is_judged_with_dvc2_hashes(repo: Repo) -> None:
    assert _stale(repo, {"dvc.lock": _legacy_lock()}) == []


def test_dvc2_ignores_line_endings_but_not_content(repo: Repo) -> None:
    crlf = PROJECT / "data" / "raw" / "customers.csv"
    lf = crlf.read_bytes().replace(b"\r\n", b"\n")
    assert _stale(repo, {"dvc.lock": _legacy_lock(), "data/raw/customers.csv": lf}) == []
    edited = lf.replace(b"3,12,1", b"3,12,0")
    assert _stale(repo, {"dvc.lock": _legacy_lock(), "data/raw/customers.csv": edited}) == [
        ("dvc.lock", 3, "stage prepare: changed deps: modified: data/raw")
    ]
