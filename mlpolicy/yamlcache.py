"""Remembers parsed YAML documents in the user's cache, so a warm run needs no YAML parser.

Importing ruamel.yaml costs more than the rest of a small warm check, and what
``yamlio.load`` makes of a text depends on nothing but the text, the depth bound, whether
it reads a stream of documents, and mlpolicy's version. So a successful parse is kept as
one small JSON file named by the SHA-256 of those inputs; a text that fails is parsed
afresh every time, so its error is always the parser's own.

The cache lives beside the validation cache (``mlpolicy.cache``) under the same rules:
never in CI, off with ``MLPOLICY_NO_CACHE``, only in folders that are the user's alone, and
silently skipped when it cannot be read or written. An entry is believed only when it is a
regular file of the user's that no one else may write and it names the key it was asked
for; anything else (a torn write, another layout) is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from mlpolicy import __version__, cache

# Change the tag when the entries' layout or what yamlio makes of some text changes
# within one version, so that entries written before miss.
_FORMAT = "yamlio-1"
_MAX_ENTRY = 16 * 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

Positions = dict[tuple[str | int, ...], tuple[int, int]]
Parsed = list[tuple[Any, Positions]]


def key(text: str, max_depth: int, multi: bool) -> str | None:
    """The cache key of parsing ``text`` so, or None when the cache is off."""
    if _folder() is None:
        return None
    digest = hashlib.sha256(f"{__version__}\0{_FORMAT}\0{max_depth}\0{multi:d}\0".encode())
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def recall(cache_key: str) -> Parsed | None:
    """The documents remembered under ``cache_key`` (values, positions), or None."""
    try:
        fd = os.open(_path(cache_key), os.O_RDONLY | _NOFOLLOW)
    except OSError:
        return None
    try:
        with open(fd, "rb") as stream:
            if not _trusted(os.fstat(fd)):
                return None
            data = stream.read(_MAX_ENTRY + 1)
        if len(data) > _MAX_ENTRY:
            return None
        entry = json.loads(data)
        if entry["digest"] != cache_key:
            return None
        return [_document(*document) for document in entry["documents"]]
    except (OSError, ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None


class _Budget:
    """Time spent writing entries, held to a share of the run's: creating a file can cost as
    much as parsing the document it keeps, so a first run over a thousand new documents
    writes what fits in its share (and the few of a small project always) and later runs
    write the rest; no run is slower than one without the cache by more than noise."""

    free_writes = 16
    share = 0.02
    started = time.perf_counter()
    writes = 0
    spent = 0.0

    @classmethod
    def allows(cls) -> bool:
        if cls.writes < cls.free_writes:
            return True
        return cls.spent <= cls.share * (time.perf_counter() - cls.started)


def remember(cache_key: str, documents: Parsed) -> None:
    """Keep ``documents`` under ``cache_key`` if the write budget allows; failures are ignored."""
    if not _Budget.allows():
        return
    start = time.perf_counter()
    _remember(cache_key, documents)
    _Budget.writes += 1
    _Budget.spent += time.perf_counter() - start


def _remember(cache_key: str, documents: Parsed) -> None:
    entry = {
        "digest": cache_key,
        # JSON has no tuples: the paths become lists, and every (line, column) two numbers.
        "documents": [
            [value, list(positions), list(itertools.chain.from_iterable(positions.values()))]
            for value, positions in documents
        ],
    }
    try:
        data = json.dumps(entry, separators=(",", ":")).encode("ascii")
    except (TypeError, ValueError, RecursionError):
        return
    if len(data) <= _MAX_ENTRY:
        _write(_path(cache_key), data)


def _folder() -> str | None:
    folder = cache.folder("yaml")
    return None if folder is None else str(folder)


def _path(cache_key: str) -> str:
    return os.path.join(_folder() or "", cache_key[:2], cache_key[2:])


def _trusted(info: os.stat_result) -> bool:
    owner = getattr(os, "getuid", None)  # Windows: no POSIX owner to compare
    mine = owner is None or info.st_uid == owner()
    return stat.S_ISREG(info.st_mode) and mine and not info.st_mode & 0o022


def _document(value: Any, paths: list[list[str | int]], marks: list[int]) -> tuple[Any, Positions]:
    if {*map(type, marks)} - {int} or {*map(type, paths)} - {list}:
        raise TypeError("the positions are not paths with a line and a column each")
    pairs = iter(marks)
    return value, dict(zip(map(tuple, paths), zip(pairs, pairs, strict=True), strict=True))


def _write(path: str, data: bytes) -> None:
    """Write ``path`` whole or not at all: a reader never sees half an entry."""
    partial = f"{path}.{os.getpid()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
    try:
        try:
            fd = os.open(partial, flags, 0o600)
        except FileNotFoundError:  # the first entry of its shard
            if not _make_shard(Path(path).parent):
                return
            fd = os.open(partial, flags, 0o600)
        with open(fd, "wb") as stream:
            stream.write(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(partial)


def _make_shard(shard: Path) -> bool:
    """Create ``shard`` (and the cache folders above it, the first time), all private."""
    try:
        shard.mkdir(mode=0o700)
    except FileNotFoundError:
        shard.parents[2].mkdir(parents=True, exist_ok=True)  # ~/.cache, say: not ours
        for folder in (shard.parents[1], shard.parent, shard):  # root, yaml/, the shard
            folder.mkdir(mode=0o700, exist_ok=True)
    except FileExistsError:
        pass
    return cache.private(shard)
