"""Patterns are translated only where ECMA-262 and Python re read them alike."""

from __future__ import annotations

import re

import pytest

from mlpolicy import ecma_pattern, schema


def _bundled_patterns(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        return found + [p for value in node.values() for p in _bundled_patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _bundled_patterns(value)]
    return []


@pytest.mark.parametrize(
    "pattern",
    sorted({p for name in schema.names() for p in _bundled_patterns(schema.load(name))}),
)
def test_every_bundled_pattern_is_in_the_grammar(pattern: str) -> None:
    assert ecma_pattern.translate(pattern) == pattern.replace("$", "\\Z")


@pytest.mark.parametrize(
    ("pattern", "text", "python", "ecma"),
    [
        ("^MLP[0-9]{3}$", "MLP001", True, True),
        ("^MLP[0-9]{3}$", "MLP001\n", True, False),  # Python's $ also before a final newline
        ("^a$", "\na", False, False),  # ^ is the start of the text in both, without flags
        ("^([0-9]+(ms|s))+$", "5m", False, False),
        ("[a-z0-9_-]", "-", True, True),
        ("(\\.[0-9]+)?", "", True, True),
    ],
)
def test_dollar_is_the_very_end(pattern: str, text: str, python: bool, ecma: bool) -> None:
    assert (re.search(pattern, text) is not None) is python
    assert (re.search(ecma_pattern.translate(pattern), text) is not None) is ecma


@pytest.mark.parametrize(
    "pattern",
    [
        "a.b", "\\d", "\\w", "\\s", "\\b", "\\1", "\\-", "\\u0041", "(?i)a", "(?:a)", "(?=a)",
        "a{,3}", "a{2", "a}", "]", "[]", "[]a]", "[^a]", "[a-]b-]", "[-a]", "[a-\\z]", "[\\d]",
        "[z-a]", "[a-é]", "é", "a**", "a*?", "a{2}?", "^*", "(*a)", "|*", "(a", "a)", "\\",
    ],
)  # fmt: skip
def test_anything_outside_the_grammar_is_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        ecma_pattern.translate(pattern)
