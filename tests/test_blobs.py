"""blobs.same agrees with git's own blob ids, for any bytes, files and symlinks alike."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy import blobs


def _git_id(path: Path) -> str:
    done = subprocess.run(
        ["git", "hash-object", "--no-filters", "--", str(path)],
        capture_output=True,
        check=True,
        text=True,
    )
    return done.stdout.strip()


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_hash_to_the_blob_git_makes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "f")
        path.write_bytes(data)
        oid = _git_id(path)
        assert blobs.same(path, oid)
        assert not blobs.same(path, oid[:-1] + ("0" if oid[-1] != "0" else "1"))


def test_a_symlink_is_the_blob_of_its_target_text(tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("not what is hashed\n")
    link = tmp_path / "link"
    link.symlink_to("target.txt")
    target_blob = tmp_path / "as-text"
    target_blob.write_bytes(os.fsencode("target.txt"))
    assert blobs.same(link, _git_id(target_blob))
    assert not blobs.same(link, _git_id(tmp_path / "target.txt"))


def test_what_is_not_a_file_or_has_no_id_differs(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"")
    empty = _git_id(tmp_path / "f")
    assert not blobs.same(tmp_path / "absent", empty)
    assert not blobs.same(tmp_path, empty)  # a folder
    assert not blobs.same(tmp_path / "f", "0" * 40)  # no blob in the index
    assert not blobs.same(tmp_path / "f", "not an id")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert not blobs.same(fifo, empty)  # never opened, so it cannot hang
