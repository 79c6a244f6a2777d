"""The bounded file reader refuses what would hang or exhaust memory, using real special files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlpolicy.safeio import TooLarge, Unreadable, read_bounded, regular_file


def test_reads_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert read_bounded(tmp_path / "a.txt", 5) == b"hello"


def test_refuses_a_file_over_the_cap(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"hello!")
    with pytest.raises(TooLarge, match="6 bytes"):
        read_bounded(tmp_path / "a.txt", 5)


def test_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(Unreadable, match="FIFO"):
        read_bounded(tmp_path / "pipe", 100)


def test_refuses_a_device_that_never_ends() -> None:
    with pytest.raises(Unreadable, match="character device"):
        read_bounded(Path("/dev/zero"), 100)


def test_refuses_a_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(Unreadable, match="loop"):
        regular_file(tmp_path / "a")


def test_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(Unreadable, match="directory"):
        read_bounded(tmp_path, 100)
