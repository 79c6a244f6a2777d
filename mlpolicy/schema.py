"""The bundled JSON Schemas: where they live, and validation with user-ready errors."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlpolicy import schema_subset
from mlpolicy.errors import UsageError
from mlpolicy.yamlio import JsonPath


def schema_dir() -> Path:
    """The schemas directory: inside the installed wheel, or at the top of a source checkout."""
    here = Path(__file__).parent
    installed = here / "schemas"
    return installed if installed.is_dir() else here.parent / "schemas"


def names() -> list[str]:
    """Names accepted by ``mlpolicy schema NAME`` (file names without ``.schema.json``)."""
    return sorted(p.name.removesuffix(".schema.json") for p in schema_dir().glob("*.schema.json"))


@functools.cache
def text(name: str) -> str:
    """The schema file's text."""
    path = schema_dir() / f"{name}.schema.json"
    if not path.is_file():
        hint = suggest(name, names())
        raise UsageError(f'no schema named "{name}"{hint}; available: {", ".join(names())}')
    return path.read_text(encoding="utf-8")


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed schema."""
    value: dict[str, Any] = json.loads(text(name))
    return value


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation: a message for the user and the path of the offending key."""

    message: str
    path: JsonPath


def suggest(word: str, choices: Any) -> str:
    """A ``; did you mean "x"?`` suffix, or nothing."""
    import difflib  # only a misspelt key needs it

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


@functools.cache
def _subset(name: str) -> schema_subset.Check | None:
    return schema_subset.build(load(name))


@functools.cache
def _validator(name: str) -> Any:
    # jsonschema is imported here, not at module level: it costs ~50 ms, and most runs
    # never need it (the subset decides every valid document of a normal check).
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load(name))


def validate(name: str, instance: Any) -> list[SchemaError]:
    """Every violation of schema ``name`` by ``instance``, sorted by location.

    A document the subset (mlpolicy.schema_subset) finds valid is valid; one it is not sure
    of and that passed before is answered from the user's cache (mlpolicy.cache); only the
    rest reaches jsonschema, which words every error.
    """
    if schema_subset.is_valid(_subset(name), instance):
        return []
    from mlpolicy import cache  # only for what the subset leaves undecided

    cache_key = cache.key(text(name), instance)
    if cache_key is not None and cache.known_valid(cache_key):
        return []
    errors = [_explain(error) for error in _validator(name).iter_errors(instance)]
    if not errors and cache_key is not None:
        cache.remember_valid(cache_key)
    unique = {(e.path, e.message): e for e in errors}
    return sorted(unique.values(), key=lambda e: (tuple(map(str, e.path)), e.message))


def _explain(error: Any) -> SchemaError:
    path: JsonPath = tuple(error.absolute_path)
    where = (
        f'"{path[-1]}"' if path and isinstance(path[-1], str) else "value" if path else "the file"
    )
    kind = error.validator
    if kind == "additionalProperties":
        allowed = error.schema.get("properties", {})
        extra = sorted(k for k in error.instance if k not in allowed)
        key = extra[0] if extra else "?"
        choices = sorted(allowed)
        return SchemaError(f'unknown key "{key}"{suggest(key, choices)}', (*path, key))
    if kind == "required":
        missing = str(error.message).split("'")[1] if "'" in str(error.message) else "?"
        return SchemaError(f'missing required key "{missing}"', path)
    if kind == "enum":
        options = ", ".join(str(o) for o in error.validator_value)
        hint = suggest(error.instance, error.validator_value)
        return SchemaError(
            f"{where} must be one of: {options} (got {error.instance!r}){hint}", path
        )
    if kind == "const":
        return SchemaError(f"{where} must be {error.validator_value!r}", path)
    if kind == "type":
        return SchemaError(
            f"{where} must be {_article(error.validator_value)}, not {_type_name(error.instance)}",
            path,
        )
    if kind == "pattern" and path and path[-1] == "expires":
        return SchemaError(
            f"{where} must be a date written YYYY-MM-DD (got {error.instance!r})", path
        )
    if kind in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        return _explain(best_match(error.context))
    if kind == "propertyNames":
        return SchemaError(f"{error.instance!r} has an invalid key: {error.message}", path)
    return SchemaError(f"{where}: {error.message}", path)


def _article(type_name: Any) -> str:
    if isinstance(type_name, list):
        return " or ".join(_article(t) for t in type_name)
    return {"object": "a mapping", "array": "a list", "integer": "an integer"}.get(
        str(type_name), f"a {type_name}"
    )


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "a mapping",
        list: "a list",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
    }.get(type(value), type(value).__name__)
