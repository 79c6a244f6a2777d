"""Remembers documents known to be schema-valid, in the user's cache, never in the repository.

Importing jsonschema and building a validator costs more than the rest of a small check,
and a pre-commit hook validates the same manifest on every commit. A document that once
passed a schema passes it again, so the cache keeps the SHA-256 of (schema text, document)
for valid documents only: an invalid one is validated afresh every time, so its errors
are always complete. Location: ``$MLPOLICY_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlpolicy``,
else ``~/.cache/mlpolicy``; ``MLPOLICY_NO_CACHE=1`` turns it off. A cache that cannot be
read or written is silently skipped: it only ever saves time.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from mlpolicy import __version__


@functools.cache
def _folder() -> Path | None:
    if os.environ.get("MLPOLICY_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("MLPOLICY_CACHE_DIR")
    if explicit:
        return Path(explicit) / "valid"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlpolicy" / "valid"


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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass
