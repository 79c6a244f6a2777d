"""Read-only mappings sharing their key index behave as the dicts they replace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlpolicy.artifacts.compact import SharedKeys


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=6))
def test_a_mapping_is_the_dict_it_was_built_from(source: dict[str, object]) -> None:
    mapping = SharedKeys().mapping(tuple(source), tuple(source.values()))
    assert mapping == source and dict(mapping) == source
    assert list(mapping) == list(source) and len(mapping) == len(source)
    assert bool(mapping) is bool(source)


def test_mappings_with_the_same_names_share_one_index() -> None:
    keys = SharedKeys()
    first = keys.mapping(("lr", "model"), (0.05, "gbm"))
    second = keys.mapping(("lr", "model"), (0.02, "xgb"))
    assert first._index is second._index  # type: ignore[attr-defined]
    assert (first["lr"], second["model"], second.get("depth")) == (0.05, "xgb", None)
    with pytest.raises(KeyError):
        first["depth"]
    with pytest.raises(TypeError):
        first["lr"] = 1  # type: ignore[index]
