"""Remembers documents known to be schema-valid, in the user's cache, never in the repository.

The schema subset (mlpolicy.schema_subset) decides nearly every valid document without
jsonschema, in about the time hashing it and looking the hash up here would take, so this
cache is asked only about documents the subset is not sure of. For those, importing
jsonschema and building a validator costs more than the rest of a small check, and a
pre-commit hook validates the same manifest on every commit. A document that once passed a
schema passes it again, so the cache keeps the SHA-256 of (schema text, document) for valid
documents only: an invalid one is validated afresh every time, so its errors are always
complete. Location: ``$MLPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlpolicy``, else
``~/.cache/mlpolicy``; ``MLPOLICY_NO_CACHE=1`` turns it off. A cache that cannot be read or
written is silently skipped: it only ever saves time.

An entry says "this document is valid", so whoever can write one can make an invalid
manifest pass. The cache is therefore used only when its folders belong to the current
user and nobody else may write them, and never in CI (``CI`` set), where the runner is
fresh anyway and a cache restored from elsewhere could not be trusted.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from mlpolicy import __version__


def _folder() -> Path | None:
    return folder("valid")


@functools.cache
def folder(name: str) -> Path | None:
    """The cache's sub-folder ``name`` (``valid``, ``yaml``), or None when the cache is off
    or its folders are not the current user's alone."""
    if os.environ.get("CI") or os.environ.get("MLPOLICY_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("MLPOLICY_CACHE_DIR")
    if explicit:
        root = Path(explicit)
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mlpolicy"
    sub = root / name
    return sub if all(private(d) for d in (root, sub)) else None


def private(folder: Path) -> bool:
    """True when ``folder`` is absent (mlpolicy creates it, mode 0700) or a directory of the
    current user that neither its group nor others may write."""
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    owner = getattr(os, "getuid", None)  # Windows: no POSIX owner to compare
    mine = owner is None or info.st_uid == owner()
    return stat.S_ISDIR(info.st_mode) and mine and not info.st_mode & 0o022


def key(schema_text: str, instance: Any) -> str | None:
    """The cache key of ``instance`` under a schema, or None when it cannot be cached."""
    if _folder() is None:
        return None
    try:
        document = json.dumps(instance, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return None
    digest = hashlib.sha256()
    for part in (__version__, schema_text, document):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _path(cache_key: str) -> Path | None:
    folder = _folder()
    return None if folder is None else folder / cache_key[:2] / cache_key[2:]


def known_valid(cache_key: str) -> bool:
    """True when a document with this key passed its schema before."""
    path = _path(cache_key)
    return path is not None and path.is_file()


def remember_valid(cache_key: str) -> None:
    """Note that the document with this key is valid; failures are ignored."""
    path = _path(cache_key)
    if path is None:
        return
    try:
        path.parents[3].mkdir(parents=True, exist_ok=True)  # ~/.cache, say: not ours
        for folder in reversed(path.parents[:3]):  # root, valid/, the shard: all private
            folder.mkdir(mode=0o700, exist_ok=True)
        if private(path.parent):
            path.touch()
    except OSError:
        pass
