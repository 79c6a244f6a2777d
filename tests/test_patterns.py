"""Policy placeholder patterns: only a subset that matches in linear time is accepted."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy import patterns, policy


def test_every_builtin_placeholder_pattern_is_in_the_safe_subset() -> None:
    document = policy.builtin_document()
    for key in ("design_doc", "model_card"):
        for pattern in document[key]["placeholders"]:
            assert patterns.unsafe(pattern) is None, pattern


@pytest.mark.parametrize(
    "pattern",
    [
        "(a|aa)+$",
        "(a+)+b",
        r"(\w)\1",
        "(?=a)x",
        "(?<!a)x",
        "a.*b",
        ".*x",
        "<[^>]*>[^<]*",
        "x.{999}",
    ],
)
def test_a_pattern_that_can_backtrack_is_refused(pattern: str) -> None:
    assert patterns.unsafe(pattern) is not None


@pytest.mark.parametrize("pattern", [r"\bTODO\b", "a[^a]*b", r"\[tbd[^\[\]]*\]", "x.{0,20}y"])
def test_a_linear_pattern_is_accepted(pattern: str) -> None:
    assert patterns.unsafe(pattern) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab()[]^*+?{}|.\\0123,:<>=!-", max_size=30))
def test_any_text_is_judged_without_raising_and_accepted_ones_compile(pattern: str) -> None:
    if patterns.unsafe(pattern) is None:
        re.compile(pattern, re.IGNORECASE)


@pytest.mark.parametrize("pattern", [r"\{\{[^{}]*\}\}", "<fill in[^<>]*>", "a[^a]*b", "x.{0,99}y"])
def test_accepted_patterns_stay_fast_on_a_hostile_line(pattern: str) -> None:
    line = "".join(ch * 2 for ch in "{<ax") * 25_000  # 200,000 characters of near-misses
    started = time.monotonic()
    list(re.compile(pattern, re.IGNORECASE).finditer(line))
    assert time.monotonic() - started < 2
