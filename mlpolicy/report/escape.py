"""Repository text (paths, headings, run ids, messages quoting them) shown as data, never markup.

A file name or run id can hold a newline followed by ``::error file=x::…``, which a GitHub
runner would read as a workflow command, or an ESC sequence that rewrites a terminal. In the
text report every control character is therefore written as an escape (``\\n``, ``\\x1b``).
"""

from __future__ import annotations

import re

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
