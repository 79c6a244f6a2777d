"""Whether a work-tree file holds a given blob, hashed as git does but with no filter run.

git compares a file whose timestamps changed with the index by running the repository's
clean filters (SPEC section 12 forbids that); hashing the raw bytes answers the same
question for every file without a filter, and says "differs" for a filtered one.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

_CHUNK = 1 << 20
_ALGORITHM_BY_LENGTH = {40: "sha1", 64: "sha256"}


def same(path: Path, oid: str) -> bool:
    """True when the file (or symlink) at ``path`` is the blob ``oid`` byte for byte."""
    algorithm = _ALGORITHM_BY_LENGTH.get(len(oid))
    if algorithm is None or not oid.strip("0"):  # an all-zero id: nothing in the index
        return False
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):  # git stores a symlink as the blob of its target
            target = os.fsencode(os.readlink(path))
            return _digest(algorithm, len(target), [target]) == oid
        if not stat.S_ISREG(info.st_mode):
            return False
        with open(path, "rb") as handle:
            chunks = iter(lambda: handle.read(_CHUNK), b"")
            return _digest(algorithm, info.st_size, chunks) == oid
    except OSError:
        return False


def _digest(algorithm: str, size: int, chunks: Iterable[bytes]) -> str:
    """The object id of a blob of ``size`` bytes (a file that grows meanwhile gets another
    id, so it differs, as it does)."""
    digest = hashlib.new(algorithm, b"blob %d\0" % size)
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()
