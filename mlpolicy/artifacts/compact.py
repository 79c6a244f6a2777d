"""Read-only mappings that share their keys, for logs of many runs with the same params.

A sweep of 100,000 runs logs the same parameter and metric names on every line. A dict per
run (plus a read-only proxy) costs about 280 bytes for three keys; here the runs of one log
share one key index, and each run keeps only a tuple of its values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TypeVar

V = TypeVar("V")


class SharedKeys:
    """The key indexes of one log: one per distinct set of names, in order."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, ...], dict[str, int]] = {}

    def mapping(self, keys: tuple[str, ...], values: tuple[V, ...]) -> Mapping[str, V]:
        """A read-only mapping of ``keys`` to ``values`` (same length, keys unique)."""
        index = self._indexes.get(keys)
        if index is None:
            index = self._indexes.setdefault(keys, {key: n for n, key in enumerate(keys)})
        return CompactMapping(index, values)


class CompactMapping(Mapping[str, V]):
    """A read-only mapping whose key index is shared with other mappings."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[V, ...]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: str) -> V:
        return self._values[self._index[key]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return repr(dict(self))
