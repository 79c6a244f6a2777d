"""DVC hashes as dvc-data computes them, and the lock reader on hostile bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpolicy.artifacts import dvc_hash, dvc_lock
from mlpolicy.project import Project, Repository
from mlpolicy.settings import Settings

FIXTURE = Path(__file__).parent.parent / "fixtures" / "dvc"
PROJECT = FIXTURE / "project"
# Hashes written by DVC's own dvc_data code (make.sh): DVC 2.x's md5-dos2unix.
LEGACY = json.loads((FIXTURE / "legacy.json").read_text(encoding="utf-8"))


def test_dvc3_hashes_match_the_real_lock() -> None:
    lock = (PROJECT / "dvc.lock").read_text(encoding="utf-8")
    assert dvc_hash.file_md5(PROJECT / "src" / "prepare.py", legacy=False) in lock
    assert dvc_hash.dir_md5(PROJECT / "data" / "raw", legacy=False) in lock
    assert dvc_hash.dir_md5(PROJECT / "data" / "prepared", legacy=False) in lock


def test_dvc2_hashes_match_dvc_data() -> None:
    for name, expected in LEGACY["files"].items():
        assert dvc_hash.file_md5(PROJECT / name, legacy=True) == expected, name
    assert dvc_hash.dir_md5(PROJECT / "data" / "raw", legacy=True) == LEGACY["dirs"]["data/raw"]
    crlf = PROJECT / "data" / "raw" / "customers.csv"
    assert dvc_hash.file_md5(crlf, legacy=True) != dvc_hash.file_md5(crlf, legacy=False)


def test_text_detection_follows_dvc_data() -> None:
    assert dvc_hash.is_text(b"")
    assert dvc_hash.is_text(b"a,b\r\n1,2\r\n")
    assert not dvc_hash.is_text(b"a\0b")
    assert dvc_hash.is_text(b"abcdefg\xff\xfe\xfd")  # 3 of 10 bytes: exactly 30%
    assert not dvc_hash.is_text(b"abcdef\xff\xfe\xfd\xfc")


def test_crlf_is_normalised_per_megabyte_chunk(tmp_path: Path) -> None:
    # dvc-data tests each 1 MiB chunk on its own: a binary second chunk keeps its CRLF.
    first = (b"line\r\n" * (dvc_hash.CHUNK // 6 + 1))[: dvc_hash.CHUNK]
    second = b"\0\r\nxyz"
    (tmp_path / "mixed").write_bytes(first + second)
    expected = hashlib.md5(first.replace(b"\r\n", b"\n") + second).hexdigest()
    assert dvc_hash.file_md5(tmp_path / "mixed", legacy=True) == expected


def _project(root: Path) -> Project:
    return Project(Repository.containing(root, False), root / "mlpolicy.yaml", Settings())


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lock=st.binary(max_size=600), params=st.binary(max_size=200))
def test_arbitrary_lock_and_params_bytes_never_raise(
    tmp_path: Path, lock: bytes, params: bytes
) -> None:
    root = tmp_path / "p"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PROJECT, root)
    (root / "mlpolicy.yaml").write_text("version: 1\nphase: pipeline\n", encoding="utf-8")
    (root / "dvc.lock").write_bytes(lock)
    (root / "params.yaml").write_bytes(params)
    for stale in dvc_lock.read(_project(root)):
        assert stale.location.path == "dvc.lock"


_ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "cmd": st.one_of(st.text(max_size=5), st.lists(st.text(max_size=3), max_size=2)),
        "deps": st.lists(
            st.fixed_dictionaries(
                {"path": st.sampled_from(["data/raw", "src/train.py", "nope", "data"])},
                optional={
                    "md5": st.one_of(st.text(max_size=8), st.integers(), st.just("a.dir")),
                    "hash": st.sampled_from(["md5", "etag", 3]),
                    "size": st.one_of(st.integers(), st.text(max_size=2)),
                    "nfiles": st.integers(),
                },
            ),
            max_size=3,
        ),
        "params": st.dictionaries(
            st.sampled_from(["params.yaml", "other.json", "p.toml", "../x.yaml"]),
            st.one_of(st.dictionaries(st.text(max_size=6), st.integers()), st.integers()),
            max_size=2,
        ),
    },
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=st.dictionaries(st.sampled_from(["prepare", "train"]), _ENTRY, max_size=2))
def test_arbitrary_lock_entries_never_raise(tmp_path: Path, entries: dict[str, object]) -> None:
    root = tmp_path / "p"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(PROJECT, root)
    (root / "mlpolicy.yaml").write_text("version: 1\nphase: pipeline\n", encoding="utf-8")
    (root / "dvc.lock").write_text(json.dumps({"stages": entries}), encoding="utf-8")
    dvc_lock.read(_project(root))


def _lock_entry(path: str, md5: str, size: int) -> str:
    return f"    - path: {path}\n      hash: md5\n      md5: {md5}\n      size: {size}\n"


def test_wdir_paths_and_paths_leading_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n", encoding="utf-8")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "src").mkdir()
    (root / "src" / "train.py").write_text("print(1)\n", encoding="utf-8")
    (root / "mlpolicy.yaml").write_text("version: 1\nphase: pipeline\n", encoding="utf-8")
    (root / "dvc.yaml").write_text(
        "stages:\n  train:\n    wdir: src\n    cmd: python train.py\n"
        "    deps: [train.py, ../../outside.txt]\n",
        encoding="utf-8",
    )
    md5 = hashlib.md5(b"print(1)\n").hexdigest()
    lock = "schema: '2.0'\nstages:\n  train:\n    cmd: python train.py\n    deps:\n"
    lock += _lock_entry("train.py", md5, 9) + _lock_entry("../../outside.txt", "0" * 32, 7)
    (root / "dvc.lock").write_text(lock, encoding="utf-8")
    assert dvc_lock.read(_project(root)) == ()  # outside.txt is never read, so never "modified"
    (root / "src" / "train.py").write_text("print(2)\n", encoding="utf-8")
    [stale] = dvc_lock.read(_project(root))
    assert stale.message == "stage train: changed deps: modified: train.py"
