"""DVC's content hashes, computed natively as dvc-data computes them; DVC is never imported.

- A file's hash is the MD5 of its bytes (DVC 3, ``hash: md5``). DVC 2.x (``md5-dos2unix``,
  lock entries without ``hash:``) hashes text with CRLF turned into LF: the file is read in
  1 MiB chunks and each chunk whose first 512 bytes look like text (``istextblock``: no
  NUL, at most 30% of bytes outside printable ASCII and ``\\n\\r\\t\\f\\b``) is converted.
- A directory's hash is the MD5 of ``json.dumps(entries, sort_keys=True)``, the entries
  ``{"md5": <file hash>, "relpath": <posix path>}`` sorted by ``relpath``, plus ``.dir``;
  ``.git``, ``.hg`` and ``.dvc`` folders are not part of it.

(``dvc_data/hashfile/hash.py``, ``istextfile.py`` and ``tree.py`` in dvc-data 3.x.)
Files are streamed through ``hashlib``; memory stays flat whatever their size.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

from mlpolicy import safeio

CHUNK = 1 << 20  # dvc-data's fobj_md5 chunk size: the DVC 2.x text test runs per chunk
PROBE = 512
_TEXT = bytes(range(32, 127)) + b"\n\r\t\f\b"
NOT_PART = frozenset({".git", ".hg", ".dvc"})


def is_text(block: bytes) -> bool:
    """dvc-data's ``istextblock``: an empty block is text; a NUL byte makes it binary."""
    if not block:
        return True
    if b"\0" in block:
        return False
    return len(block.translate(None, _TEXT)) / len(block) <= 0.30


def file_md5(path: Path, legacy: bool) -> str:
    """The hash DVC records for the regular file at ``path``; raises FileProblem or OSError."""
    safeio.regular_file(path)
    digest = hashlib.md5(usedforsecurity=False)
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(descriptor, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if legacy and is_text(chunk[:PROBE]):
                chunk = chunk.replace(b"\r\n", b"\n")
            digest.update(chunk)
    return digest.hexdigest()


def files_in(directory: Path) -> Iterator[Path]:
    """The files DVC counts in ``directory`` (symlinked folders are not followed)."""
    for folder, dirs, names in os.walk(directory):
        dirs[:] = [d for d in dirs if d not in NOT_PART]
        for name in names:
            yield Path(folder, name)


def dir_md5(directory: Path, legacy: bool) -> str:
    """The ``<md5>.dir`` hash DVC records for ``directory``."""
    entries = [
        {"md5": file_md5(path, legacy), "relpath": path.relative_to(directory).as_posix()}
        for path in files_in(directory)
    ]
    entries.sort(key=lambda entry: entry["relpath"])
    listing = json.dumps(entries, sort_keys=True).encode("utf-8")
    return hashlib.md5(listing, usedforsecurity=False).hexdigest() + ".dir"
