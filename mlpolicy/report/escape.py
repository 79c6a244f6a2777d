"""Repository text (paths, headings, run ids, messages quoting them) shown as data, never markup.

A file name or run id can hold a newline followed by ``::error file=x::…``, which a GitHub
runner would read as a workflow command, or an ESC sequence that rewrites a terminal. In the
text report every control character is therefore written as an escape (``\\n``, ``\\x1b``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

# C0, DEL, C1; the Unicode line and paragraph separators; the bidirectional overrides that
# reorder what a reviewer sees; and lone surrogates (bytes of a non-UTF-8 file name).
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def controls(text: str) -> str:
    """``text`` with every control character written as a visible escape."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


_SURROGATE = re.compile("[\udc80-\udcff]")
T = TypeVar("T")


def undecodable(value: T) -> T:
    """``value`` (a result, or anything in it) with every undecodable byte written as ``\\xNN``.

    A file name that is not UTF-8 reaches mlpolicy as lone surrogates (``surrogateescape``),
    which no UTF-8 report can hold: JSON, SARIF and the rest would be invalid or crash. Every
    format therefore renders a copy of the result in which those bytes are visible escapes.
    """
    if isinstance(value, str):
        return _SURROGATE.sub(_escape, value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(undecodable(item) for item in value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: undecodable(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **changes)
    return value


def encodable(render: Callable[[T, bool], str]) -> Callable[[T, bool], str]:
    """``render`` given :func:`undecodable`'s copy of its value: what every format needs."""

    def render_encodable(value: T, color: bool) -> str:
        return render(undecodable(value), color)

    return render_encodable
