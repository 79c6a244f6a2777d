"""A DVC stage's parameters now against the values ``dvc.lock`` recorded, as ``dvc status``.

A stage's ``params:`` names keys (``train.lr``, dotted into nested mappings) of
``params.yaml`` or of the file an entry names (``- other.yaml: [key]``); the lock keeps
``{file: {key: value}}``. A parameters file absent from the checkout is not present, never
changed; Python parameter files (which DVC reads by importing them) are not compared.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mlpolicy import safeio, yamlio
from mlpolicy.errors import DocumentError

DEFAULT = "params.yaml"
_MISSING = object()


def changes(wdir: Path, stage: dict[str, Any], entry: dict[str, Any]) -> list[str]:
    """``params.yaml: modified: train.lr`` for each key whose value differs from the lock."""
    recorded = entry.get("params")
    recorded = recorded if isinstance(recorded, dict) else {}
    found: list[str] = []
    for name, values in recorded.items():
        if isinstance(values, dict):
            found += _file_changes(wdir / str(name), str(name), values)
    for name, keys in _declared(stage.get("params")):
        values = recorded.get(name)
        known = values if isinstance(values, dict) else {}
        found += [f"{name}: new: {key}" for key in keys if key not in known]
    return found


def _file_changes(path: Path, name: str, values: dict[str, Any]) -> list[str]:
    current = _load(path)
    if current is None:
        return []
    if isinstance(current, str):
        return [f"{name}: unreadable ({current})"]
    found = []
    for key, old in values.items():
        new = _lookup(current, str(key))
        if new is _MISSING:
            found.append(f"{name}: deleted: {key}")
        elif not _same(new, old):
            found.append(f"{name}: modified: {key}")
    return found


def _same(new: Any, old: Any) -> bool:
    # True == 1 in Python, but `true` replacing `1` is a changed parameter.
    return bool(new == old) and isinstance(new, bool) == isinstance(old, bool)


def _declared(params: Any) -> Iterator[tuple[str, list[str]]]:
    """(file, keys) the stage names; a file listed without keys means all of it."""
    for item in params if isinstance(params, list) else []:
        if isinstance(item, str):
            yield DEFAULT, [item]
        elif isinstance(item, dict):
            for name, keys in item.items():
                listed = keys if isinstance(keys, list) else []
                yield str(name), [key for key in listed if isinstance(key, str)]


def _load(path: Path) -> dict[str, Any] | str | None:
    """The file's mapping; None when it is absent or not comparable; a reason if unreadable."""
    suffix = path.suffix.lower()
    if not os.path.lexists(path) or suffix not in (".yaml", ".yml", ".json", ".toml"):
        return None
    try:
        data = safeio.read_bounded(path, yamlio.MAX_BYTES)
        if suffix == ".toml":
            value: Any = tomllib.loads(yamlio.decode(data))
        elif suffix == ".json":
            value = json.loads(yamlio.decode(data))
        else:
            value = yamlio.load(data).value
    except safeio.FileProblem as exc:
        return f"the file {exc.reason}"
    except DocumentError as exc:
        return exc.message
    except (ValueError, RecursionError) as exc:  # JSON and TOML syntax errors
        return f"{type(exc).__name__}: {exc}"[:200]
    return value if isinstance(value, dict) else "not a mapping"


def _lookup(value: Any, key: str) -> Any:
    for part in key.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return _MISSING
    return value
