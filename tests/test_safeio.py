"""The bounded file reader refuses what would hang or exhaust memory, using real special files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlpolicy.safeio import (
    TooLarge,
    Unreadable,
    open_regular,
    present,
    problem_of,
    read_bounded,
    read_head,
    regular_file,
    walk,
)


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


def test_read_head_reads_one_byte_past_the_cap_and_no_more(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"x" * 100)
    assert read_head(tmp_path / "a.txt", 10) == b"x" * 11


def test_open_regular_refuses_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(Unreadable, match="FIFO"):
        open_regular(tmp_path / "pipe")


def test_present_counts_a_loop_but_not_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    assert present(tmp_path / "loop") and not present(tmp_path / "absent")
    assert not present(tmp_path / "absent" / "deeper")


def test_problem_of_names_what_cannot_be_used(tmp_path: Path) -> None:
    (tmp_path / "loop").symlink_to("loop")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert problem_of(tmp_path) is None and problem_of(tmp_path / "file") is None
    assert problem_of(tmp_path / "absent") is None  # absence is reported by the caller
    assert "loop" in str(problem_of(tmp_path / "loop"))
    assert "FIFO" in str(problem_of(tmp_path / "pipe"))


def test_walk_reports_a_folder_it_cannot_list(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    seen: list[tuple[Path, str]] = []
    assert list(walk(missing, lambda path, problem: seen.append((path, problem.reason)))) == []
    assert seen == [(missing, "does not exist")]
