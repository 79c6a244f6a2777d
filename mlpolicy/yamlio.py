"""Hardened YAML 1.2 loading: C parser events, JSON-compatible values, key positions.

Built on parser events rather than ruamel's composer because (SPEC section 11) the C
composer segfaults on deep nesting and alias expansion explodes anything that walks the
result. Here nesting is bounded while the events stream in, aliases are refused, keys
must be unique, and every mapping key and sequence item keeps its 1-based line/column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlpolicy.errors import DocumentError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64

JsonPath = tuple[str | int, ...]

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """A loaded document: its value and the position of every key and item."""

    value: Any
    positions: dict[JsonPath, tuple[int, int]]

    def position(self, path: JsonPath) -> tuple[int | None, int | None]:
        """Line and column of ``path``, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
        return (None, None)


def decode(data: bytes, max_bytes: int = MAX_BYTES) -> str:
    """Decode UTF-8 text (a BOM is allowed) or raise a :class:`DocumentError`."""
    if len(data) > max_bytes:
        raise DocumentError(f"file is too large ({len(data)} bytes; the limit is {max_bytes})")
    if b"\x00" in data:
        raise DocumentError("file is binary (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DocumentError("file is not valid UTF-8", line=line) from None
    return text.removeprefix("\ufeff")


def load(data: bytes | str, max_depth: int = MAX_DEPTH) -> YamlDocument:
    """Parse one YAML document into JSON-compatible values with key positions."""
    documents = _parse(data, max_depth, multi=False)
    return documents[0] if documents else YamlDocument(None, {})


def load_all(data: bytes | str, max_depth: int = MAX_DEPTH) -> tuple[YamlDocument, ...]:
    """Parse every document of a ``---``-separated stream (kubectl manifests), as ``load`` does.

    Positions are per document (paths start at each document's root) and lines count
    from the top of the file.
    """
    return _parse(data, max_depth, multi=True)


def _parse(data: bytes | str, max_depth: int, multi: bool) -> tuple[YamlDocument, ...]:
    text = decode(data) if isinstance(data, bytes) else data
    try:
        return _build(text, max_depth, pure=False, multi=multi)
    except _ParserFailure:
        # libyaml (the C parser) speaks YAML 1.1 and rejects some valid 1.2 documents,
        # such as a URL as a plain scalar in a flow mapping; ask the YAML 1.2 parser,
        # which is slower but only runs on this rare path.
        try:
            return _build(text, max_depth, pure=True, multi=multi)
        except _ParserFailure as failure:
            raise failure.error from None


class _ParserFailure(Exception):
    def __init__(self, error: DocumentError) -> None:
        super().__init__(error.message)
        self.error = error


def _build(text: str, max_depth: int, pure: bool, multi: bool) -> tuple[YamlDocument, ...]:
    builder = _Builder(max_depth, multi)
    try:
        builder.consume(_events(text, pure))
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError(f"nesting is deeper than {max_depth} levels") from None
    except Exception as exc:  # the parsers raise several unrelated types
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [""])[0]
        error = DocumentError(f"invalid YAML: {problem or type(exc).__name__}", *_mark(mark))
        raise _ParserFailure(error) from None
    return tuple(builder.documents)


def _events(text: str, pure: bool) -> Iterator[Any]:
    from ruamel.yaml import YAML

    yield from YAML(typ="safe", pure=pure).parse(text)


def _mark(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return (None, None)
    return (int(mark.line) + 1, int(mark.column) + 1)


class _Builder:
    """Turns a parser event stream into values, bounding depth and refusing aliases."""

    def __init__(self, max_depth: int, multi: bool = False) -> None:
        self.max_depth = max_depth
        self.multi = multi
        self.documents: list[YamlDocument] = []
        self.result: Any = None
        self.positions: dict[JsonPath, tuple[int, int]] = {}
        self._stack: list[tuple[Any, JsonPath, list[Any]]] = []
        self._documents = 0

    def consume(self, events: Iterator[Any]) -> None:
        for event in events:
            name = type(event).__name__
            handler = getattr(self, "_on_" + name, None)
            if handler is not None:
                handler(event)

    def _on_DocumentStartEvent(self, event: Any) -> None:
        self._documents += 1
        if self._documents > 1 and not self.multi:
            raise DocumentError(
                "the file holds more than one YAML document", *_mark(event.start_mark)
            )

    def _on_DocumentEndEvent(self, event: Any) -> None:
        self.documents.append(YamlDocument(self.result, self.positions))
        self.result, self.positions = None, {}

    def _on_AliasEvent(self, event: Any) -> None:
        raise DocumentError(
            "YAML aliases (*name) are not allowed here; write the value out",
            *_mark(event.start_mark),
        )

    def _on_ScalarEvent(self, event: Any) -> None:
        self._add(_scalar(event), event)

    def _on_MappingStartEvent(self, event: Any) -> None:
        self._open({}, event)

    def _on_SequenceStartEvent(self, event: Any) -> None:
        self._open([], event)

    def _on_MappingEndEvent(self, event: Any) -> None:
        self._close(event)

    def _on_SequenceEndEvent(self, event: Any) -> None:
        self._close(event)

    def _open(self, container: Any, event: Any) -> None:
        if len(self._stack) >= self.max_depth:
            raise DocumentError(
                f"nesting is deeper than {self.max_depth} levels", *_mark(event.start_mark)
            )
        path = self._add(container, event)
        self._stack.append((container, path, []))

    def _close(self, event: Any) -> None:
        _container, _path, pending = self._stack.pop()
        if pending:
            raise DocumentError("a mapping key has no value", *_mark(event.start_mark))

    def _add(self, value: Any, event: Any) -> JsonPath:
        """Place ``value`` in the open container and return its path."""
        position = _mark(event.start_mark)
        if not self._stack:
            self.result = value
            self.positions[()] = position  # type: ignore[assignment]
            return ()
        container, path, pending = self._stack[-1]
        if isinstance(container, list):
            item_path = (*path, len(container))
            container.append(value)
            self.positions[item_path] = position  # type: ignore[assignment]
            return item_path
        if not pending:
            return self._add_key(container, path, pending, value, position)
        key = pending.pop()
        container[key] = value
        return (*path, key)

    def _add_key(
        self,
        container: dict[str, Any],
        path: JsonPath,
        pending: list[Any],
        key: Any,
        position: tuple[int | None, int | None],
    ) -> JsonPath:
        if isinstance(key, (dict, list)):
            raise DocumentError("a mapping key must be a scalar", *position)
        key = _key_text(key)
        if key in container:
            raise DocumentError(f'duplicate key "{key}"', *position)
        container[key] = None
        pending.append(key)
        self.positions[(*path, key)] = position  # type: ignore[assignment]
        return (*path, key)


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _scalar(event: Any) -> Any:
    value: str = event.value
    tag = event.tag
    if tag and tag not in ("!", "tag:yaml.org,2002:str"):
        return _tagged(tag, value, event)
    if event.style or not event.implicit[0]:
        return value
    return _resolve_plain(value)


def _resolve_plain(value: str) -> Any:
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() == "true"
    if _INT.match(value):
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if _FLOAT.match(value):
        number = float(value.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
        return None if math.isnan(number) else number
    return value


def _tagged(tag: str, value: str, event: Any) -> Any:
    short = tag.removeprefix("tag:yaml.org,2002:")
    if short in ("int", "float", "bool", "null"):
        resolved = _resolve_plain(value)
        if short == "null" and resolved is None:
            return None
        if short == "bool" and isinstance(resolved, bool):
            return resolved
        if short == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
            return resolved
        if (
            short == "float"
            and isinstance(resolved, (int, float))
            and not isinstance(resolved, bool)
        ):
            return float(resolved)
        raise DocumentError(f'"{value}" is not a valid !!{short}', *_mark(event.start_mark))
    raise DocumentError(f"unsupported YAML tag {tag}", *_mark(event.start_mark))
