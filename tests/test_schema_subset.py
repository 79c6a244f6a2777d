"""The schema subset decides exactly as jsonschema, and a normal check never needs jsonschema."""

from __future__ import annotations

import functools
import json
import math
import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import GIT_ENV, Repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mlpolicy import schema, schema_subset, yamlio
from mlpolicy.errors import DocumentError

ROOT = Path(__file__).parents[1]
NAMES = schema.names()
SCALARS = [True, False, 0, 1, -1, 1.0, -0.0, 0.5, 2**70, 1e300, "", "x", "MLP001", "MLP001\n"]
TRICKY = st.sampled_from([*SCALARS, "2026-01-01\n", None, [], {}, ["x"], {"a": 1}, math.nan])
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5) | TRICKY,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


def _check(name: str) -> schema_subset.Check:
    check = schema_subset.build(schema.load(name))
    assert check is not None, f"{name}.schema.json uses something outside the subset"
    return check


@functools.cache
def _jsonschema(name: str) -> Draft202012Validator:
    return Draft202012Validator(schema.load(name))


def _agrees(name: str, document: Any) -> bool | None:
    """The subset's verdict, after asserting that jsonschema's is the same when it has one."""
    verdict = schema_subset.decide(_check(name), document)
    if verdict is not None:
        assert verdict == _jsonschema(name).is_valid(document), document
    return verdict


def _valid(root: dict[str, Any], node: Any) -> st.SearchStrategy[Any]:
    """Documents that are mostly valid under ``node``: what mlpolicy normally reads."""
    if node is True or not {"type", "$ref", "const", "enum", "oneOf"} & set(node):
        return JSON
    if "$ref" in node:
        return _valid(root, root["$defs"][node["$ref"].removeprefix("#/$defs/")])
    if "const" in node or "enum" in node:
        return st.sampled_from(node["enum"] if "enum" in node else [node["const"]])
    if "oneOf" in node:
        return st.one_of([_valid(root, branch) for branch in node["oneOf"]])
    types = node["type"] if isinstance(node["type"], list) else [node["type"]]
    return st.one_of([_typed(root, node, kind) for kind in types])


def _typed(root: dict[str, Any], node: dict[str, Any], kind: str) -> st.SearchStrategy[Any]:
    if kind == "string" and "pattern" in node:
        return st.from_regex(node["pattern"], fullmatch=True)
    low = node.get("minimum")
    simple: dict[str, st.SearchStrategy[Any]] = {
        "string": st.text(min_size=node.get("minLength", 0), max_size=12),
        "integer": st.integers(min_value=low) | st.integers(low or 0, 99).map(float),
        "number": st.integers(min_value=low) | st.floats(low, allow_infinity=False),
        "boolean": st.booleans(),
        "null": st.none(),
    }  # fmt: skip
    if kind in simple:
        return simple[kind]
    if kind == "array":
        items = _valid(root, node.get("items", True))
        return st.lists(items, min_size=node.get("minItems", 0), max_size=2)
    properties = node.get("properties", {})
    required = set(node.get("required", ()))
    known = st.fixed_dictionaries(
        {k: _valid(root, v) for k, v in properties.items() if k in required},
        optional={k: _valid(root, v) for k, v in properties.items() if k not in required},
    )
    extra = node.get("additionalProperties", True)
    if extra is False:
        return known
    names = node.get("propertyNames", {})
    keys = _valid(root, {"type": "string", **names}) if names else st.text(max_size=8)
    more = st.dictionaries(keys, _valid(root, extra), max_size=2)
    return st.tuples(more, known).map(lambda pair: {**pair[0], **pair[1]})


@st.composite
def _mutated(draw: st.DrawFn, documents: st.SearchStrategy[Any]) -> Any:
    """A document with one value replaced, one key dropped or one key added, anywhere."""
    document = draw(documents)
    paths = list(_paths(document, ()))
    path = draw(st.sampled_from(paths))
    action = draw(st.sampled_from(["replace", "drop", "add"]))
    return _edit(document, path, action, draw(JSON), draw(st.text(max_size=8)))


def _paths(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, (dict, list)):
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _paths(child, (*path, key))


def _edit(value: Any, path: tuple[Any, ...], action: str, new: Any, key: str) -> Any:
    if path:
        copy = dict(value) if isinstance(value, dict) else list(value)
        copy[path[0]] = _edit(value[path[0]], path[1:], action, new, key)
        return copy
    if action == "drop" and isinstance(value, (dict, list)) and value:
        return dict(list(value.items())[1:]) if isinstance(value, dict) else value[1:]
    if action == "add" and isinstance(value, dict):
        return {**value, key: new}
    return new


def _documents(name: str) -> st.SearchStrategy[Any]:
    root = schema.load(name)
    valid = _valid(root, root)
    return valid | _mutated(valid) | JSON


SLOW = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("name", NAMES)
def test_every_bundled_schema_is_inside_the_subset(name: str) -> None:
    assert schema_subset.build(schema.load(name)) is not None


@pytest.mark.parametrize("name", NAMES)
def test_the_subset_decides_as_jsonschema_does(name: str) -> None:
    @SLOW
    @given(_documents(name))
    def agrees(document: Any) -> None:
        _agrees(name, document)

    agrees()


@pytest.mark.parametrize("name", NAMES)
def test_valid_documents_are_decided_without_jsonschema(name: str) -> None:
    root = schema.load(name)

    @SLOW
    @given(_valid(root, root))
    def decided(document: Any) -> None:
        if _jsonschema(name).is_valid(document) and not _odd(document):
            assert _agrees(name, document) is True, document

    decided()


def _odd(value: Any) -> bool:
    """NaN or infinity (from JSON), which the subset leaves to jsonschema."""
    if isinstance(value, float):
        return not math.isfinite(value)
    children = value.values() if isinstance(value, dict) else value
    return isinstance(value, (dict, list)) and any(_odd(child) for child in children)


def _repository_documents() -> Iterator[tuple[str, Any]]:
    """Every YAML, JSON and JSONL document and [tool.mlpolicy] table of the tests and examples."""
    for folder in ("tests", "examples", "mlpolicy/data"):
        for path in sorted((ROOT / folder).rglob("*")):
            where = str(path.relative_to(ROOT))
            try:
                for document in _parsed(path):
                    yield where, document
            except (ValueError, DocumentError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue


def _parsed(path: Path) -> list[Any]:
    if path.suffix in (".yaml", ".yml"):
        return [d.value for d in yamlio.load_all(path.read_bytes())]
    if path.suffix == ".json":
        return [json.loads(path.read_text(encoding="utf-8"))]
    if path.suffix == ".jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]
    if path.name == "pyproject.toml":
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("mlpolicy")
        return [{k.replace("-", "_"): v for k, v in table.items()}] if table else []
    return []


KINDS = {"mlpolicy.yaml": "manifest", "monitoring.yaml": "monitoring", ".jsonl": "runlog"}


def test_the_repository_documents_are_decided_as_jsonschema_does() -> None:
    decided_valid = set()
    for where, document in _repository_documents():
        for name in NAMES:
            verdict = _agrees(name, document)
            if _jsonschema(name).is_valid(document):
                assert verdict is True, (where, name)  # what mlpolicy reads takes the fast path
                decided_valid.add(name)
    # the default policy, the examples' manifests, monitoring files, run logs, attestation
    assert {"manifest", "monitoring", "policy", "runlog", "validation"} <= decided_valid


def test_a_keyword_outside_the_subset_makes_it_not_sure() -> None:
    manifest = schema.load("manifest")
    assert schema_subset.is_valid(schema_subset.build(manifest), {"version": 1, "phase": "x"})
    for keyword, value in [
        ("uniqueItems", True), ("patternProperties", {}), ("not", {}), ("if", {}),
        ("unevaluatedProperties", False), ("dependentRequired", {}), ("prefixItems", []),
        ("contains", {}), ("multipleOf", 2), ("$dynamicRef", "#x"), ("$anchor", "x"),
    ]:  # fmt: skip
        for where in ("root", "nested", "unused definition"):
            changed = json.loads(json.dumps(manifest))
            node = {
                "root": changed,
                "nested": changed["properties"]["waivers"]["items"],
                "unused definition": changed["$defs"].setdefault("spare", {}),
            }[where]
            node[keyword] = value
            assert schema_subset.build(changed) is None, (keyword, where)


@pytest.mark.parametrize(
    "change",
    [
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"properties": {"version": {"$ref": "other.json#/$defs/path"}}},
        {"properties": {"version": {"$ref": "#/$defs/nowhere"}}},
        {"properties": {"version": {"$ref": "#/definitions/path"}}},
        {"properties": {"version": {"items": [{"type": "string"}]}}},
        {"properties": {"version": {"pattern": "^a.b$"}}},
        {"properties": {"version": {"pattern": "\\d+"}}},
        {"properties": {"version": {"pattern": "(?i)x"}}},
        {"properties": {"version": {"pattern": "[^a]"}}},
        {"properties": {"version": {"pattern": "é"}}},
        {"properties": {"version": {"minLength": 1.5}}},
        {"properties": {"version": {"type": "float"}}},
        {"properties": {"version": {"$id": "x"}}},
        {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}},
    ],
)
def test_a_form_outside_the_subset_makes_it_not_sure(change: dict[str, Any]) -> None:
    assert schema_subset.build({"type": "object", **change}) is None


def _bar(threshold: Any) -> dict[str, Any]:
    return {"metric": "auc", "goal": "maximize", "threshold": threshold}


def _waiver(rule: str) -> dict[str, Any]:
    return {"rule": rule, "reason": "ten characters", "expires": "2030-01-01", "approved_by": "a"}


@pytest.mark.parametrize(
    ("document", "verdict"),
    [
        ({"version": 1, "phase": "x"}, True),
        ({"version": 1.0, "phase": "x"}, True),  # 1.0 is the integer 1
        ({"version": True, "phase": "x"}, False),  # a boolean is not 1
        ({"version": 1, "phase": "x", "quality_bar": _bar(True)}, False),  # nor a number
        ({"version": 1, "phase": "x", "quality_bar": _bar(2**70)}, True),
        ({"version": 1, "phase": "x", "quality_bar": _bar(math.inf)}, None),
        ({"version": 1, "phase": "x", "waivers": [_waiver("MLP001")]}, True),
        ({"version": 1, "phase": "x", "waivers": [_waiver("xMLP001")]}, False),
        # ECMA-262's $ is the very end; Python's (jsonschema's) also matches before "\n"
        ({"version": 1, "phase": "x", "waivers": [_waiver("MLP001\n")]}, None),
        ({"version": 1, "phase": "x", "owners": ("a",)}, None),  # not JSON: a tuple
    ],
)
def test_json_semantics(document: dict[str, Any], verdict: bool | None) -> None:
    assert _agrees("manifest", document) is verdict


KEYS = st.sampled_from(["a", "b", "c"])
VALUES = st.sampled_from([*SCALARS, "a", "b", "12", "xy", "a\n", None, [], {}, [1], [1.0], [True]])
INSTANCES = st.recursive(
    VALUES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS | st.text(max_size=2), inner),
    max_leaves=8,
)
TYPES = st.sampled_from(["null", "boolean", "object", "array", "string", "number", "integer"])
LIMIT = st.integers(0, 3)
KEYWORDS = st.fixed_dictionaries(
    {},
    optional={
        "type": TYPES | st.lists(TYPES, min_size=1, max_size=3),
        "enum": st.lists(VALUES, min_size=1, max_size=3),
        "const": VALUES,
        "pattern": st.sampled_from(["^a$", "b", "^[0-9]{2}$", "^(x|y)+$", "a$", "^$", "[ab]{2,}"]),
        "minLength": LIMIT, "maxLength": LIMIT, "minItems": LIMIT, "maxItems": LIMIT,
        "minProperties": LIMIT, "maxProperties": LIMIT,
        "minimum": st.integers(-2, 2) | st.sampled_from([0.5, -1.5]),
        "maximum": st.integers(-2, 2) | st.sampled_from([0.5, -1.5]),
        "required": st.lists(KEYS, max_size=2),
    },
)  # fmt: skip


def _nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    structure = st.fixed_dictionaries(
        {},
        optional={
            "properties": st.dictionaries(KEYS, inner, max_size=2),
            "additionalProperties": inner,
            "propertyNames": inner,
            "items": inner,
            "anyOf": st.lists(inner, min_size=1, max_size=3),
            "oneOf": st.lists(inner, min_size=1, max_size=3),
        },
    )
    return st.tuples(KEYWORDS, structure).map(lambda pair: {**pair[0], **pair[1]})


SCHEMAS = st.recursive(st.booleans() | KEYWORDS, _nested, max_leaves=5)


@settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
@given(SCHEMAS, INSTANCES)
def test_every_keyword_decides_as_jsonschema_does(node: Any, document: Any) -> None:
    # Keyword by keyword and in combination, beyond what the bundled schemas happen to use
    # (their oneOf branches never overlap, their enums hold no lists).
    check = schema_subset.build(node)
    assert check is not None
    verdict = schema_subset.decide(check, document)
    if verdict is not None:
        assert verdict == Draft202012Validator(node).is_valid(document)


PROBE = (
    "import sys, mlpolicy.cli as c\n"
    "code = c.run(sys.argv[1:])\n"
    "print('jsonschema imported:', 'jsonschema' in sys.modules, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _cold_check(cwd: Path, *args: str, cache: Path, ci: str) -> tuple[int, str, bool]:
    """Exit code, output and whether jsonschema was imported, for a check with an empty cache."""
    cache.mkdir(mode=0o700)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "check", *args],
        cwd=cwd, capture_output=True, text=True,
        env={**os.environ, **GIT_ENV, "NO_COLOR": "1", "MLPOLICY_CACHE_DIR": str(cache), "CI": ci},
    )  # fmt: skip
    imported = done.stderr.splitlines()[-1]
    assert imported.startswith("jsonschema imported: "), done.stderr
    return done.returncode, done.stdout, imported.endswith("True")


def _bench_project(root: Path) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import fixtures  # the benchmark's production project, committed in a fresh repository
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return fixtures.build(root, 1)


@pytest.mark.parametrize("ci", ["", "true"])  # a fresh runner: an empty cache, or none at all
@pytest.mark.parametrize("project", ["examples/production", "bench fixture"])
def test_a_cold_check_of_a_valid_project_never_imports_jsonschema(
    project: str, ci: str, tmp_path: Path
) -> None:
    if project == "bench fixture":
        code, out, imported = _cold_check(
            _bench_project(tmp_path / "one"), cache=tmp_path / "c", ci=ci
        )
    else:
        code, out, imported = _cold_check(ROOT, project, cache=tmp_path / "c", ci=ci)
    assert code == 0 and "[production] ok" in out, out
    assert not imported
    # and nothing to remember in the validation cache (the parse cache keeps the YAML)
    assert not list((tmp_path / "c" / "valid").rglob("*"))


def test_an_invalid_manifest_still_gets_jsonschemas_words(repo: Repo, tmp_path: Path) -> None:
    waiver = "  - rule: MLP1\n    reason: a reason long enough\n    expires: 2030-01-01\n"
    repo.write({"mlpolicy.yaml": f"version: 1\nphase: ideation\nwaivers:\n{waiver}"}).commit()
    code, out, imported = _cold_check(repo.root, cache=tmp_path / "c", ci="")
    assert code == 1 and imported
    where = "mlpolicy.yaml:4:5: MLP003 manifest-invalid "
    hint = "  hint: See `mlpolicy schema manifest` for the expected format."
    assert out.splitlines() == [
        ". [phase unknown] 2 findings",
        f"{where} \"rule\": 'MLP1' does not match '^MLP[0-9]{{3}}$'",
        hint,
        f'{where} missing required key "approved_by"',
        hint,
        "Failed: 2 errors, 0 warnings in 1 project.",
    ], out
