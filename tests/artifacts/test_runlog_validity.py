"""The fast runlog validity decision agrees with jsonschema, record for record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mlpolicy import schema
from mlpolicy.artifacts import runlog_validity

VALIDATOR = Draft202012Validator(schema.load("runlog"))
SAMPLE_TEXT = (SAMPLES / "neutral-runlog" / "runs.jsonl").read_text(encoding="utf-8")
SAMPLE = [json.loads(line) for line in SAMPLE_TEXT.splitlines()]
SHA = "c23e1d4f9fd49f3bf793237e43431e641f655921"

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.sampled_from([0.5, 3.0, float("inf"), float("nan")])
    | st.sampled_from(["", "x", SHA, SHA[:6], "2026-11-30T10:00:00Z", "2026-11-30T10:00:00"])
    | st.sampled_from(["finished", "done", "mlpolicy.runlog/v1", "mlpolicy.runlog/v2"])
)
_KEYS = st.sampled_from(
    ["commit", "dirty", "branch", "step", "value", "name", "path", "version", "role", "x"]
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=8,
)
_TOP = st.sampled_from([*sorted(schema.load("runlog")["properties"]), "notes"])


def _agrees(record: Any) -> None:
    decided = runlog_validity.verdict(record)
    assert decided is not None
    assert decided == VALIDATOR.is_valid(record), record


@pytest.mark.parametrize("record", SAMPLE)
def test_the_sample_records_are_valid(record: dict[str, Any]) -> None:
    assert runlog_validity.verdict(record) is True


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(SAMPLE),
    st.dictionaries(_TOP, _VALUES, max_size=3),
    st.lists(_TOP, max_size=2),
)
def test_agrees_with_jsonschema_on_changed_records(
    base: dict[str, Any], changes: dict[str, Any], dropped: list[str]
) -> None:
    record = {k: v for k, v in {**base, **changes}.items() if k not in dropped}
    _agrees(record)


_NESTED = [
    ("git", lambda k, v: {"commit": SHA, k: v}),
    ("metrics", lambda k, v: {"a": [{"step": 0, "value": 1, k: v}]}),
    ("metrics", lambda k, v: {k: v}),
    ("metrics", lambda k, v: {k: [v]}),
    ("datasets", lambda k, v: [{"name": "d", k: v}]),
    ("code", lambda k, v: {k: v}),
    ("environment", lambda k, v: {"packages": {"x": v}} if k == "packages" else {k: v}),
    ("tags", lambda k, v: {k: v} if k == "x" else [v]),
    ("seed", lambda k, v: v),
]


_EDGES = [None, True, 0, -1, 0.5, 3.0, float("inf"), float("nan"), "", "x", SHA, SHA[:6]]
_EDGES += ["2026-11-30T10:00:00Z", "2026-11-30T10:00:00", [], {}, [1], {"x": "y"}]
_NESTED_KEYS = ["commit", "dirty", "branch", "step", "value", "name", "path", "version"]
_NESTED_KEYS += ["role", "entrypoint", "python", "packages", "x"]


def test_agrees_with_jsonschema_on_every_edge_value_inside_nested_properties() -> None:
    for where, build in _NESTED:
        for key in _NESTED_KEYS:
            for value in _EDGES:
                _agrees({**SAMPLE[1], where: build(key, value)})
                _agrees({**SAMPLE[1], key: value})


@settings(max_examples=300, deadline=None)
@given(_VALUES)
def test_agrees_with_jsonschema_on_arbitrary_values(value: Any) -> None:
    _agrees(value)


def test_a_property_only_the_schema_knows_defers_to_jsonschema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = runlog_validity._rules()
    monkeypatch.setattr(rules, "declared", rules.declared | {"lineage"})
    assert runlog_validity.verdict({**SAMPLE[1], "lineage": "x"}) is None
