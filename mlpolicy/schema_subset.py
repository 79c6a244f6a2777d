"""An exact validator for the part of JSON Schema 2020-12 that ``schemas/`` uses.

Importing jsonschema costs ~50 ms, on every run whose validation cache is empty (every fresh
CI runner), for documents that are nearly always valid. So :func:`build` turns a schema into
one check that answers "valid" or "not sure", and ``schema.validate`` asks jsonschema (which
words every error) only when it is not sure. Three rules keep "valid" trustworthy:

- a schema with any keyword, ``$ref`` form or keyword value outside the subset is never
  built (:func:`build` returns None), so a future schema change cannot be waved through;
- every keyword decides exactly what jsonschema's ``Draft202012Validator`` decides (booleans
  are neither integers nor numbers, 1.0 is an integer, ``format`` is an annotation, enum and
  const compare as jsonschema's ``equal``), because a branch of ``oneOf`` judged wrongly
  "invalid" would turn the whole into a wrong "valid";
- where that cannot be sure the check gives up (:class:`_Unsure`): a value that is not plain
  JSON (a TOML date, a str subclass, NaN or infinity), or a string on which ``pattern``'s
  ECMA-262 meaning and Python ``re`` (what jsonschema runs) disagree. A pattern is accepted
  only in a small grammar whose ECMA-262 meaning is known (mlpolicy.ecma_pattern).

tests/test_schema_subset.py holds it to jsonschema's verdict on generated documents.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from mlpolicy import ecma_pattern

Check = Callable[[Any], bool]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_ANNOTATIONS = frozenset(
    {"title", "description", "$comment", "default", "examples", "deprecated", "format"}
    | {"readOnly", "writeOnly"}
)
_REF = re.compile(r"#/\$defs/[A-Za-z0-9_]+")
_PLAIN: dict[type, str] = {
    str: "string", dict: "object", list: "array", bool: "boolean", int: "integer",
    type(None): "null",
}  # fmt: skip
_TYPES = frozenset({"null", "boolean", "object", "array", "string", "number", "integer"})


class _Unsupported(Exception):
    """The schema uses something outside the subset."""


class _Unsure(Exception):
    """This instance cannot be decided here."""


def build(schema: Any) -> Check | None:
    """The check of ``schema``, or None when the schema uses anything outside the subset."""
    if schema is True or schema is False:
        return _Compiler({}).compile(schema)
    if type(schema) is not dict or schema.get("$schema", _DRAFT) != _DRAFT:
        return None
    if type(schema.get("$id", "")) is not str or type(schema.get("$defs", {})) is not dict:
        return None
    try:
        compiler = _Compiler(schema)
        for name in schema.get("$defs", {}):
            compiler.ref(f"#/$defs/{name}")  # every definition, used or not, is in the subset
        return compiler.compile(schema, root=True)
    except (_Unsupported, ValueError, re.error, OverflowError):
        return None


def decide(check: Check, instance: Any) -> bool | None:
    """True (valid) or False (invalid) exactly as jsonschema decides, or None when not sure."""
    try:
        return check(instance)
    except (_Unsure, RecursionError):
        return None


def is_valid(check: Check | None, instance: Any) -> bool:
    """True only when ``instance`` is valid; False means "not sure", never "invalid"."""
    return check is not None and decide(check, instance) is True


def _kind(value: Any) -> str:
    """The JSON type of ``value`` ("integer" for 1 and 1.0), or :class:`_Unsure`."""
    cls = type(value)
    if cls in _PLAIN:
        return _PLAIN[cls]
    if cls is float and math.isfinite(value):
        return "integer" if value.is_integer() else "number"
    raise _Unsure  # exact types only: a str subclass, a TOML date, NaN are left to jsonschema


def _equal(one: Any, two: Any) -> bool:
    """jsonschema's ``equal`` on JSON values: True is not 1, 1.0 is 1, lists and objects deep."""
    a, b = _kind(one), _kind(two)
    if a != b:  # 1.0 is an "integer" too, so no two equal numbers differ in kind
        return False
    if a == "array":
        return len(one) == len(two) and all(_equal(x, y) for x, y in zip(one, two, strict=True))
    if a == "object":
        return one.keys() == two.keys() and all(_equal(v, two[k]) for k, v in one.items())
    return bool(one == two)


class _Compiler:
    """Turns schema objects into checks; ``$defs`` are compiled once and must not loop."""

    def __init__(self, root: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = root.get("$defs", {})
        self.done: dict[str, Check] = {}
        self.pending: set[str] = set()

    def compile(self, node: Any, root: bool = False) -> Check:
        if node is True or node is False:
            return (lambda _v: True) if node else (lambda _v: False)
        if type(node) is not dict:
            raise _Unsupported
        checks = []
        for keyword, value in node.items():
            if keyword in _ANNOTATIONS or (root and keyword in ("$schema", "$id", "$defs")):
                continue
            if keyword not in _KEYWORDS:
                raise _Unsupported(keyword)
            checks.append(_KEYWORDS[keyword](self, value, node))
        return checks[0] if len(checks) == 1 else _every(checks)

    def ref(self, target: Any) -> Check:
        if type(target) is not str or not _REF.fullmatch(target):
            raise _Unsupported(target)  # only "#/$defs/name": no URIs, anchors or escapes
        name = target.removeprefix("#/$defs/")
        if name not in self.done:
            if name in self.pending or name not in self.defs:
                raise _Unsupported(target)  # a loop, or nothing to point at
            self.pending.add(name)
            self.done[name] = self.compile(self.defs[name])
            self.pending.discard(name)
        return self.done[name]


def _every(checks: list[Check]) -> Check:
    def every(value: Any) -> bool:
        for check in checks:  # noqa: SIM110 (a loop is faster than all() over a generator)
            if not check(value):
                return False
        return True

    return every


def _on(json_type: str, test: Check) -> Check:
    """A keyword that constrains only instances of one JSON type."""
    if json_type == "number":
        return lambda v: _kind(v) not in ("integer", "number") or test(v)
    exact = {"string": str, "object": dict, "array": list}[json_type]
    return lambda v: test(v) if type(v) is exact else bool(_kind(v))  # any other JSON value


def _count(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise _Unsupported(value)
    return value


def _number(value: Any) -> float | int:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise _Unsupported(value)
    return value  # type: ignore[no-any-return]


def _json(value: Any) -> Any:
    try:
        _kind(value)
        _equal(value, value)
    except _Unsure:
        raise _Unsupported(value) from None
    return value


def _type(c: _Compiler, value: Any, node: Any) -> Check:
    names = [value] if type(value) is str else value
    if type(names) is not list or not names or not set(names) <= _TYPES:
        raise _Unsupported(value)
    allowed = frozenset(names) | ({"integer"} if "number" in names else set())
    exact = frozenset(cls for cls, name in _PLAIN.items() if name in allowed)
    return lambda v: type(v) in exact or _kind(v) in allowed


def _enum(c: _Compiler, value: Any, node: Any) -> Check:
    if type(value) is not list:
        raise _Unsupported(value)
    options = [_json(option) for option in value]
    strings = frozenset(option for option in options if type(option) is str)
    return lambda v: v in strings if type(v) is str else any(_equal(v, o) for o in options)


def _const(c: _Compiler, value: Any, node: Any) -> Check:
    expected = _json(value)
    return lambda v: _equal(v, expected)


def _properties(c: _Compiler, value: Any, node: Any) -> Check:
    if type(value) is not dict:
        raise _Unsupported(value)
    checks = {name: c.compile(sub) for name, sub in value.items()}

    def test(instance: dict[str, Any]) -> bool:
        for key, item in instance.items():
            check = checks.get(key)
            if check is not None and not check(item):
                return False
        return True

    return _on("object", test)


def _additional(c: _Compiler, value: Any, node: Any) -> Check:
    declared = frozenset(node.get("properties", {}))
    if value is False:
        return _on("object", lambda v: declared.issuperset(v))
    check = c.compile(value)
    return _on("object", lambda v: all(check(v[k]) for k in v if k not in declared))


def _required(c: _Compiler, value: Any, node: Any) -> Check:
    if type(value) is not list or not all(type(name) is str for name in value):
        raise _Unsupported(value)
    names = frozenset(value)
    return _on("object", lambda v: names.issubset(v))


def _property_names(c: _Compiler, value: Any, node: Any) -> Check:
    check = c.compile(value)
    return _on("object", lambda v: all(check(k) for k in v))


def _items(c: _Compiler, value: Any, node: Any) -> Check:
    check = c.compile(value)  # an array of schemas (pre-2020 form) is not a schema: refused
    return _on("array", lambda v: all(check(item) for item in v))


def _any_of(c: _Compiler, value: Any, node: Any) -> Check:
    checks = _branches(c, value)
    return lambda v: any(check(v) for check in checks)


def _one_of(c: _Compiler, value: Any, node: Any) -> Check:
    checks = _branches(c, value)
    return lambda v: sum(1 for check in checks if check(v)) == 1


def _branches(c: _Compiler, value: Any) -> list[Check]:
    if type(value) is not list or not value:
        raise _Unsupported(value)
    return [c.compile(sub) for sub in value]


def _pattern(c: _Compiler, value: Any, node: Any) -> Check:
    if type(value) is not str:
        raise _Unsupported(value)
    python, ecma = re.compile(value), re.compile(ecma_pattern.translate(value))

    def test(text: str) -> bool:
        found = ecma.search(text) is not None
        if found != (python.search(text) is not None):
            raise _Unsure  # jsonschema runs Python re: ECMA-262 says otherwise here
        return found

    return _on("string", test)


Keyword = Callable[[_Compiler, Any, Any], Check]


def _bound(json_type: str, measure: Callable[[Any], Any], smallest: bool) -> Keyword:
    def keyword(c: _Compiler, value: Any, node: Any) -> Check:
        limit = _count(value) if json_type != "number" else _number(value)
        if smallest:
            return _on(json_type, lambda v: measure(v) >= limit)
        return _on(json_type, lambda v: measure(v) <= limit)

    return keyword


_KEYWORDS: dict[str, Keyword] = {
    "type": _type,
    "enum": _enum,
    "const": _const,
    "properties": _properties,
    "additionalProperties": _additional,
    "required": _required,
    "propertyNames": _property_names,
    "items": _items,
    "anyOf": _any_of,
    "oneOf": _one_of,
    "$ref": lambda c, value, node: c.ref(value),
    "pattern": _pattern,
    "minLength": _bound("string", len, smallest=True),
    "maxLength": _bound("string", len, smallest=False),
    "minItems": _bound("array", len, smallest=True),
    "maxItems": _bound("array", len, smallest=False),
    "minProperties": _bound("object", len, smallest=True),
    "maxProperties": _bound("object", len, smallest=False),
    "minimum": _bound("number", lambda v: v, smallest=True),
    "maximum": _bound("number", lambda v: v, smallest=False),
}
