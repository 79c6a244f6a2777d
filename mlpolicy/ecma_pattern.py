"""JSON Schema ``pattern`` strings as Python regexes with their ECMA-262 meaning, or refused.

JSON Schema patterns are ECMA-262 regular expressions; Python's ``re`` (what jsonschema
runs) reads most of the same text differently somewhere: ``\\d``, ``\\w``, ``\\s`` and ``\\b``
are Unicode-aware, ``.`` treats "\\r" otherwise, ``{,3}`` is a quantifier, ``[]`` is an
error, ``(?i)`` is a flag. :func:`translate` accepts only a small grammar whose meaning is
the same in both (with or without ECMA's ``u`` flag), and changes only ``$``: ECMA-262's
matches at the very end, Python's also before a final newline, so it becomes ``\\Z``.
"""

from __future__ import annotations

import re

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_PLAIN = frozenset(_LETTERS + "_-:@/,=%~ ")
_ESCAPED = frozenset("\\^$.|?*+()[]{}/")
_IN_CLASS = frozenset(_LETTERS + "_.+:@/,")
_OPERATORS = "()|^$*+?"
_REPEAT = re.compile(r"\{[0-9]+(?:,[0-9]*)?\}")


def translate(pattern: str) -> str:
    """``pattern`` for Python ``re`` with its ECMA-262 meaning, or ValueError outside the grammar.

    The grammar: ASCII letters, digits and a few punctuation characters; ``\\`` before a
    syntax character; classes of such characters and ranges, ``-`` last; groups without
    ``(?``; ``|``, ``^``, ``$``; ``*``, ``+``, ``?``, ``{n}``, ``{n,}``, ``{n,m}`` after
    something to repeat, never after another quantifier (no lazy forms).
    """
    tokens: list[str] = []
    depth = start = 0
    while start < len(pattern):
        token = _token(pattern, start)
        start += len(token)
        repeats = token in ("*", "+", "?") or token[0] == "{"
        if repeats and (not tokens or not _repeatable(tokens[-1])):
            raise ValueError(f"nothing to repeat in {pattern!r}")
        depth += (token == "(") - (token == ")")
        if depth < 0:
            raise ValueError(f"unbalanced parenthesis in {pattern!r}")
        tokens.append(token)
    if depth:
        raise ValueError(f"unbalanced parenthesis in {pattern!r}")
    return "".join("\\Z" if token == "$" else token for token in tokens)


def _token(pattern: str, start: int) -> str:
    ch = pattern[start]
    if ch == "\\" and pattern[start + 1 : start + 2] in _ESCAPED:
        return pattern[start : start + 2]
    if ch == "[":
        return _class(pattern, start)
    if ch == "{" and (repeat := _REPEAT.match(pattern, start)):
        return repeat.group()
    if ch in _PLAIN or (ch in _OPERATORS and not pattern.startswith("(?", start)):
        return ch
    raise ValueError(f"{pattern[start:]!r} is outside the pattern grammar")


def _repeatable(token: str) -> bool:
    """A character, an escape, a class or a group: something a quantifier may follow."""
    return token not in ("(", "|", "^", "$", "*", "+", "?") and token[0] != "{"


def _class(pattern: str, start: int) -> str:
    """The character class at ``start``: listed ASCII characters and ranges, ``-`` last."""
    end = pattern.find("]", start + 2)
    members = pattern[start + 1 : end].removesuffix("-") if end > 0 else ""
    if not members:
        raise ValueError(f"empty or unclosed class in {pattern!r}")
    i = 0
    while i < len(members):
        low = members[i]
        if low not in _IN_CLASS:  # "^", "[", "\\", "-" first, anything not ASCII
            raise ValueError(f"{low!r} in a class of {pattern!r}")
        if members[i + 1 : i + 2] == "-":
            high = members[i + 2 : i + 3]
            if not (high and high in _LETTERS and low in _LETTERS and low <= high):
                raise ValueError(f"range {low}-{high} in {pattern!r}")
            i += 2
        i += 1
    return pattern[start : end + 1]
