"""Starting git: plain ``subprocess`` plumbing, with nothing the repository can make it run.

``check`` talks to git through a handful of processes per run (SPEC section 11), so a
wrapper library is not worth its import time here: GitPython would add ~40 ms and two
``git version`` probes to every check. Every command runs with ``--no-optional-locks`` (a
status-like command never refreshes the index), ``core.fsmonitor`` off and hooks pointed at
``/dev/null`` (repository config cannot make the checker run a program; SPEC section 12),
and in the C locale, so git's messages read the same everywhere.
"""

from __future__ import annotations

import os
import subprocess
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from mlpolicy.errors import MlpolicyError, UsageError

GIT_MISSING = "git is not on PATH: install git, or pass --no-git"
_SAFE = ("-c", "core.fsmonitor=false", "-c", "core.quotepath=off")
_NO_HOOKS = ("-c", "core.hooksPath=/dev/null")
_LOCALE = {"LC_ALL": "C", "LANGUAGE": "C"}
# A window of batch requests is written in one go and then answered: kept well under any
# pipe's capacity, the write never blocks while git waits for its answers to be read.
_WINDOW = 4096


class GitError(MlpolicyError):
    """A git command failed (unknown ref, broken repository); ``status`` is its exit code."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def command(args: Iterable[str], hooks: bool = False) -> list[str]:
    """The full git command line for ``args``; ``hooks`` keeps the configured hooks path."""
    return ["git", "--no-optional-locks", *_SAFE, *(() if hooks else _NO_HOOKS), *args]


def start(
    owner: object, root: Path, args: Sequence[str], stdin: bool = False
) -> tuple[subprocess.Popen[bytes], Callable[[], None]]:
    """Start one git command whose output is read as it comes, and the function that stops
    it; git is stopped at the latest when ``owner`` is garbage-collected (or at exit)."""
    process = _popen(root, command(args), stdin, stderr=subprocess.DEVNULL)
    return process, weakref.finalize(owner, stop, process)


def run(root: Path, args: Sequence[str], stdin: bytes | None = None) -> tuple[bytes, bytes]:
    """(stdout, stderr) of one git command run to the end; failure raises GitError."""
    process = _popen(root, command(args), stdin is not None, stderr=subprocess.PIPE)
    out, err = process.communicate(stdin)
    if process.returncode:
        message = err.decode("utf-8", "replace").strip() or f"git {args[0]} failed"
        raise GitError(message, process.returncode)
    return out, err


def _popen(root: Path, argv: list[str], stdin: bool, stderr: int) -> subprocess.Popen[bytes]:
    try:
        return subprocess.Popen(
            argv,
            cwd=root,
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, **_LOCALE},
        )
    except FileNotFoundError:
        raise UsageError(GIT_MISSING) from None
    except OSError as exc:
        raise UsageError(f"git cannot be run: {exc.strerror or exc}") from None


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop ``process`` if it still runs, and close its pipes."""
    if process.poll() is None:
        process.kill()
    for stream in (process.stdin, process.stdout):
        if stream is not None:
            stream.close()
    process.wait()


Entry = tuple[str | None, str | None, bytes]  # (object id, type, content), Nones if absent


class ObjectReader:
    """One ``git cat-file --batch`` (or ``--batch-check``) process for the whole run.

    It stays open, so every project's question goes to the same process; each answer is
    remembered, so a question asked twice (HEAD's tree for two rules) is answered once.
    """

    def __init__(self, root: Path, check: bool) -> None:
        self._root = root
        self._check = check
        self._process: subprocess.Popen[bytes] | None = None
        self._stop: Callable[[], None] = lambda: None
        self._known: dict[str, Entry] = {}
        self.requests = 0  # how many times git was asked: a batch asked up front keeps it low

    def read(self, names: Sequence[str]) -> list[Entry]:
        """The entry of each name (one line each, no newline in it)."""
        wanted = list(dict.fromkeys(n for n in names if n not in self._known))
        for window in _windows(wanted):
            self._ask(window)
        return [self._known[n] for n in names]

    def _ask(self, names: list[str]) -> None:
        process = self._started()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(b"".join(_encoded(n) + b"\n" for n in names))
            process.stdin.flush()
            self.requests += 1
            for name in names:
                self._known[name] = self._answer(process.stdout)
        except (OSError, ValueError, GitError):
            self.close()
            raise GitError("git cat-file stopped answering: the repository may be broken") from None

    def _answer(self, stream: IO[bytes]) -> Entry:
        header = stream.readline()
        if not header.endswith(b"\n"):
            raise GitError("git cat-file ended early")
        parts = header.split()
        if len(parts) != 3 or not parts[2].isdigit():  # "<name> missing" or "... ambiguous"
            return None, None, b""
        body = b""
        if not self._check:
            size = int(parts[2])
            body = stream.read(size + 1)[:size]
            if len(body) != size:
                raise GitError("git cat-file ended early")
        return parts[0].decode(), parts[1].decode(), body

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            mode = "--batch-check" if self._check else "--batch"
            self._process, self._stop = start(self, self._root, ("cat-file", mode), stdin=True)
        return self._process

    def close(self) -> None:
        """Stop the process (a later question starts a new one)."""
        self._stop()
        self._process = None


def _encoded(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _windows(names: list[str]) -> Iterator[list[str]]:
    window: list[str] = []
    size = 0
    for name in names:
        length = len(_encoded(name)) + 1
        if window and size + length > _WINDOW:
            yield window
            window, size = [], 0
        window.append(name)
        size += length
    if window:
        yield window
