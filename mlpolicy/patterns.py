"""Placeholder patterns from a policy: only a subset that matches in linear time is accepted.

A policy file comes from the repository, and its patterns are run over every line of every
Markdown artifact. Python's ``re`` backtracks, so ``(a|aa)+$`` takes exponential time and
``a.*b`` quadratic time on a long line. A time limit would need a thread the ``re`` engine
cannot be interrupted in, or a process per match; restricting the language instead is
checked once, at policy load, and the check names the offending pattern (MLP004). Allowed:

- no backreferences, lookarounds or conditionals;
- a repeat applies to one character or class; ``{m,n}`` bounds may multiply to at most
  ``MAX_BACKTRACK`` over the whole pattern, and to ``MAX_TOTAL`` summed over a
  document's patterns (each pattern is one pass over every line);
- at most one unbounded repeat (``*``, ``+``, ``{m,}``), and only when the pattern starts
  with a literal character that the repeated class excludes, as in ``\\{\\{[^{}]*\\}\\}``: a
  scan can then only run to the next possible start, so all scans of a line together
  cover it once.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Iterator
from typing import Any

_parser: Any = importlib.import_module("re._parser")  # CPython's own pattern parser
_MAXREPEAT: Any = _parser.MAXREPEAT

MAX_LENGTH = 200
MAX_BACKTRACK = 100
MAX_TOTAL = 200
_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"})
_FORBIDDEN = {
    "GROUPREF": "a backreference",
    "GROUPREF_EXISTS": "a conditional group",
    "ASSERT": "a lookaround",
    "ASSERT_NOT": "a lookaround",
}
_SINGLE = frozenset({"LITERAL", "NOT_LITERAL", "IN", "ANY"})
_CATEGORIES = {"DIGIT": r"\d", "SPACE": r"\s", "WORD": r"\w"}


def unsafe(pattern: str) -> str | None:
    """Why ``pattern`` could take more than linear time (or is invalid); None if it is safe."""
    if len(pattern) > MAX_LENGTH:
        return f"it is longer than {MAX_LENGTH} characters"
    try:
        with warnings.catch_warnings():
            # "possible nested set": a future Python will read the pattern differently
            warnings.simplefilter("error", FutureWarning)
            parsed = list(_parser.parse(pattern, re.IGNORECASE))
    except re.error as exc:
        return f"it is not a valid regular expression: {exc}"
    except FutureWarning as exc:
        return f"it is ambiguous ({exc}); escape the bracket"
    items = list(_walk(parsed))
    for op, _ in items:
        if str(op) in _FORBIDDEN:
            return f"it uses {_FORBIDDEN[str(op)]}"
    repeats = [arg for op, arg in items if str(op) in _REPEATS]
    return _repeat_problem(repeats) or _unbounded_problem(parsed, repeats)


def cost(pattern: str) -> int:
    """The most positions a safe pattern tries at each start: its bounded repeats' product."""
    repeats = [arg for op, arg in _walk(list(_parser.parse(pattern))) if str(op) in _REPEATS]
    return _product(repeats)


def _product(repeats: list[Any]) -> int:
    budget = 1
    for _, high, _ in repeats:
        budget *= 1 if high is _MAXREPEAT else int(high) + 1
    return budget


def _walk(items: list[Any]) -> Iterator[tuple[Any, Any]]:
    """Every (opcode, argument) of a parsed pattern, nested ones included."""
    for op, arg in items:
        yield op, arg
        for child in _children(str(op), arg):
            yield from _walk(list(child))


def _children(op: str, arg: Any) -> list[Any]:
    if op in _REPEATS:
        return [arg[2]]
    if op == "SUBPATTERN":
        return [arg[3]]
    if op == "BRANCH":
        return list(arg[1])
    if op in ("ATOMIC_GROUP",):
        return [arg]
    if op in ("ASSERT", "ASSERT_NOT"):
        return [arg[1]]
    return []


def _repeat_problem(repeats: list[Any]) -> str | None:
    for _, _, body in repeats:
        nested = [str(op) for op, _ in _walk(list(body))]
        if len(nested) != 1 or nested[0] not in _SINGLE:
            return "a repeat applies to a group; repeat one character or class only"
    if _product(repeats) > MAX_BACKTRACK:
        return f"its bounded repeats allow more than {MAX_BACKTRACK} ways to match"
    return None


def _unbounded_problem(parsed: list[Any], repeats: list[Any]) -> str | None:
    unbounded = [body for _, high, body in repeats if high is _MAXREPEAT]
    if not unbounded:
        return None
    if len(unbounded) > 1:
        return "it has more than one unbounded repeat (*, + or {m,})"
    first = next(((op, arg) for op, arg in parsed if str(op) != "AT"), None)
    if first is None or str(first[0]) != "LITERAL":
        return "an unbounded repeat needs the pattern to start with a literal character"
    start = chr(first[1])
    if any(_matches(item, start) for item in unbounded[0]):
        return f"its unbounded repeat can match {start!r}, the character the pattern starts with"
    return None


def _matches(item: tuple[Any, Any], char: str) -> bool:
    """Whether the one-character item can match ``char`` in either case (True when unsure).

    Policy patterns are compiled with IGNORECASE, so a class and a character match when
    any case of one meets the other.
    """
    op, arg = str(item[0]), item[1]
    cases = {char.lower(), char.upper()}
    if op == "LITERAL":
        return chr(arg).lower() == char.lower()
    if op == "NOT_LITERAL":
        return chr(arg).lower() != char.lower()
    if op == "IN":
        negate = bool(arg) and str(arg[0][0]) == "NEGATE"
        members = arg[1:] if negate else arg
        hit = any(_in_set(member, case) for member in members for case in cases)
        return hit != negate
    return True


def _in_set(member: tuple[Any, Any], char: str) -> bool:
    op, arg = str(member[0]), member[1]
    if op == "LITERAL":
        return chr(arg).lower() == char.lower()
    if op == "RANGE":
        return bool(arg[0] <= ord(char) <= arg[1])
    if op == "CATEGORY":
        name = str(arg).removeprefix("CATEGORY_")
        negated = name.startswith("NOT_")
        expression = _CATEGORIES.get(name.removeprefix("NOT_"))
        if expression is None:
            return True
        return (re.fullmatch(expression, char) is not None) != negated
    return True
