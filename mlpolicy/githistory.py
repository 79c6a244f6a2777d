"""Commits, and the one ``git log`` stream that says which commit last touched each path."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from mlpolicy import gitprocess

# One record per commit of the history stream: "\x1e<sha> <committer time>", then its paths.
LOG_FORMAT = "--format=%x1e%H %ct"
_HEADER = re.compile(rb"\x1e([0-9a-f]{40,64}) (\d+)")


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit: its sha, committer time, and whether it is a shallow clone's cut-off point.

    A ``boundary`` commit's parents were not fetched, so git shows it adding every file:
    "the last commit touching X" is unknowable when the answer is a boundary commit.
    """

    sha: str
    timestamp: int
    boundary: bool = False

    @property
    def date(self) -> str:
        """The committer date (UTC), ``YYYY-MM-DD``."""
        return dt.datetime.fromtimestamp(self.timestamp, dt.UTC).date().isoformat()

    def describe(self) -> str:
        """``1a2b3c4 (2026-01-05)``: how messages name a commit."""
        return f"{self.sha[:7]} ({self.date})"


class History:
    """``git log --name-only`` over HEAD, parsed as far as the questions asked need."""

    def __init__(self, root: Path, shallow: frozenset[str]) -> None:
        args = (
            "log",
            "--date-order",
            "--no-renames",
            "--name-only",
            "-z",
            LOG_FORMAT,
            "HEAD",
            "--",
        )
        self._process, self._stop = gitprocess.start(self, root, args)
        self._shallow = shallow
        self._newest: dict[str, Commit] = {}  # path or directory -> newest commit touching it
        self._records = self._read()

    def find(self, paths: set[str]) -> dict[str, Commit]:
        """The newest commit touching each of ``paths``, reading the log only as far as needed."""
        missing = {p for p in paths if p not in self._newest}
        for names in self._records:
            missing.difference_update(names)
            if not missing:
                break
        return {p: self._newest[p] for p in paths if p in self._newest}

    def _read(self) -> Generator[set[str], None, None]:
        """Each commit's touched paths and directories, newest commit first."""
        commit: Commit | None = None
        assert self._process.stdout is not None
        for token in _tokens(self._process.stdout):
            header = _HEADER.fullmatch(token)
            if header:
                sha = header[1].decode()
                commit = Commit(sha, int(header[2]), sha in self._shallow)
                continue
            if commit is None or not token.strip(b"\n"):
                continue
            name = token.removeprefix(b"\n").decode("utf-8", "surrogateescape")
            touched = {name, *directories(name)}
            for path in touched:
                self._newest.setdefault(path, commit)
            yield touched
        self._process.wait()

    def close(self) -> None:
        """Stop reading, and stop git if it is still writing."""
        self._records.close()
        self._stop()


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated tokens of ``stream``, read a chunk at a time."""
    pending = b""
    while chunk := os.read(stream.fileno(), 65536):
        *complete, pending = (pending + chunk).split(b"\0")
        yield from complete
    if pending:
        yield pending


def directories(path: str) -> Iterator[str]:
    """Every folder holding ``path``, deepest first, down to the root ("")."""
    parts = path.split("/")
    for end in range(len(parts) - 1, -1, -1):
        yield "/".join(parts[:end])


def committer_time(body: bytes) -> int:
    """The committer time (seconds) in a raw commit object, 0 if it names none."""
    for line in body.split(b"\n\n", 1)[0].splitlines():
        if line.startswith(b"committer "):
            return int(line.rsplit(b" ", 2)[1])
    return 0
