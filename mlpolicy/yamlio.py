"""Hardened YAML 1.2 loading: C parser events, JSON-compatible values, key positions.

Built on parser events rather than ruamel's composer because (SPEC section 11) the C
composer segfaults on deep nesting and alias expansion explodes anything that walks the
result. Here nesting is bounded while the events stream in, aliases are refused, keys
must be unique, and every mapping key and sequence item keeps its 1-based line/column.
A successful parse is remembered in the user's cache (``yamlcache``), so a warm run
imports no parser at all; errors are never remembered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlpolicy import yamlcache
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
# The exact spellings of the null and bool patterns, and how every int or float starts.
_CONSTANTS: dict[str, Any] = dict.fromkeys(("", "~", "null", "Null", "NULL"))
_CONSTANTS.update(dict.fromkeys(("true", "True", "TRUE"), True))
_CONSTANTS.update(dict.fromkeys(("false", "False", "FALSE"), False))
_NUMBER_START = frozenset("+-.0123456789")
_STR_TAGS = ("!", "tag:yaml.org,2002:str")


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
    cache_key = yamlcache.key(text, max_depth, multi)
    if cache_key is not None:
        cached = yamlcache.recall(cache_key)
        if cached is not None:
            return tuple(YamlDocument(value, positions) for value, positions in cached)
    documents = _parse_text(text, max_depth, multi)
    if cache_key is not None:
        yamlcache.remember(cache_key, [(d.value, d.positions) for d in documents])
    return documents


def _parse_text(text: str, max_depth: int, multi: bool) -> tuple[YamlDocument, ...]:
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
    try:
        return _documents(_events(text, pure), max_depth, multi)
    except DocumentError:
        raise
    except RecursionError:
        raise DocumentError(f"nesting is deeper than {max_depth} levels") from None
    except Exception as exc:  # the parsers raise several unrelated types
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [""])[0]
        error = DocumentError(f"invalid YAML: {problem or type(exc).__name__}", *_mark(mark))
        raise _ParserFailure(error) from None


def _events(text: str, pure: bool) -> Iterator[Any]:
    from ruamel.yaml import main

    c_parser = getattr(main, "CParser", None)  # None where ruamel has no C extension
    if pure or c_parser is None:
        return iter(main.YAML(typ="safe", pure=True).parse(text))
    # The C parser alone: YAML(typ="safe") would build a loader class per call (and look
    # for plug-ins) only to hand out the same events. get_event answers None past the end.
    return iter(c_parser(text).get_event, None)


def _mark(mark: Any) -> tuple[int | None, int | None]:
    if mark is None:
        return (None, None)
    return (int(mark.line) + 1, int(mark.column) + 1)


_NO_KEY: Any = object()  # an open mapping waits for its next key, not for a value


def _documents(events: Iterator[Any], max_depth: int, multi: bool) -> tuple[YamlDocument, ...]:
    """Turn a parser event stream into values, bounding depth and refusing aliases.

    One loop with its state in local variables, because it runs once per event (tens of
    thousands in a monorepo check): the open container, its path, whether it is a list,
    and the key awaiting a value; the enclosing ones wait on ``stack``.
    """
    from ruamel.yaml import events as kinds

    scalar, alias = kinds.ScalarEvent, kinds.AliasEvent
    mapping_start, sequence_start = kinds.MappingStartEvent, kinds.SequenceStartEvent
    mapping_end, sequence_end = kinds.MappingEndEvent, kinds.SequenceEndEvent
    document_start, document_end = kinds.DocumentStartEvent, kinds.DocumentEndEvent
    documents: list[YamlDocument] = []
    stack: list[tuple[Any, JsonPath, bool, Any]] = []
    container: Any = None
    path: JsonPath = ()
    in_list = False
    key = _NO_KEY
    result: Any = None
    positions: dict[JsonPath, tuple[int, int]] = {}
    started = 0
    ended = False
    for event in events:
        kind = type(event)
        if kind is scalar:
            value = event.value
            tag = event.tag
            if tag and tag not in _STR_TAGS:
                value = _tagged(tag, value, event)
            elif not event.style and event.implicit[0]:
                value = _resolve_plain(value)
            mark = event.start_mark
            if container is None:
                result = value
                positions[()] = (mark.line + 1, mark.column + 1)
            elif in_list:
                positions[(*path, len(container))] = (mark.line + 1, mark.column + 1)
                container.append(value)
            elif key is _NO_KEY:
                key = value if type(value) is str else _key_text(value)
                if key in container:
                    raise DocumentError(f'duplicate key "{key}"', mark.line + 1, mark.column + 1)
                container[key] = None
                positions[(*path, key)] = (mark.line + 1, mark.column + 1)
            else:
                container[key] = value
                key = _NO_KEY
        elif kind is mapping_start or kind is sequence_start:
            if len(stack) >= max_depth:
                raise DocumentError(
                    f"nesting is deeper than {max_depth} levels", *_mark(event.start_mark)
                )
            opened: Any = {} if kind is mapping_start else []
            mark = event.start_mark
            stack.append((container, path, in_list, _NO_KEY))
            if container is None:
                result = opened
                positions[()] = (mark.line + 1, mark.column + 1)
            elif in_list:
                path = (*path, len(container))
                positions[path] = (mark.line + 1, mark.column + 1)
                container.append(opened)
            elif key is _NO_KEY:
                raise DocumentError("a mapping key must be a scalar", *_mark(mark))
            else:
                container[key] = opened
                path = (*path, key)
            container, in_list, key = opened, kind is sequence_start, _NO_KEY
        elif kind is mapping_end or kind is sequence_end:
            if key is not _NO_KEY:
                raise DocumentError("a mapping key has no value", *_mark(event.start_mark))
            container, path, in_list, key = stack.pop()
        elif kind is document_start:
            started += 1
            if started > 1 and not multi:
                raise DocumentError(
                    "the file holds more than one YAML document", *_mark(event.start_mark)
                )
        elif kind is document_end:
            documents.append(YamlDocument(result, positions))
            result, positions = None, {}
        elif kind is alias:
            raise DocumentError(
                "YAML aliases (*name) are not allowed here; write the value out",
                *_mark(event.start_mark),
            )
        elif kind is kinds.StreamEndEvent:
            ended = True
    if not ended:  # fail closed: never hand out what a cut-short stream had built
        raise ValueError("the YAML stream ended early")
    return tuple(documents)


def _key_text(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _resolve_plain(value: str) -> Any:
    if value in _CONSTANTS:
        return _CONSTANTS[value]
    # Only the core schema's patterns below turn a scalar into anything but a string, and
    # none matches a text that starts elsewhere (``$`` also matches before a final newline,
    # which only a tagged quoted scalar can have: it takes the long way).
    if value[-1] != "\n":
        if value[0] not in _NUMBER_START:
            return value
        if value.isdigit() and value.isascii():
            return int(value)
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
