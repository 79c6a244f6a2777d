"""Markdown as mlpolicy reads it: front matter, headings, prose words and placeholder text.

Line-based and deliberately small: it knows fenced code (``` and ~~~), HTML comment
blocks, ATX and setext headings, and inline code spans, which is all the design doc and
model card rules need. Lines are split on ``\\n`` only (a trailing ``\\r`` is dropped), so
line numbers agree with git and editors. Nothing here raises on any input.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlpolicy import safeio, yamlio
from mlpolicy.artifacts.sections import normalise
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Artifact, Location

if TYPE_CHECKING:
    from mlpolicy.project import Project

MAX_BYTES = 1024 * 1024

Spans = tuple[tuple[int, int], ...]  # inclusive 1-based line ranges

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]|$)")
_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*")
_THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
# A list item, quote or table row: a setext underline under these is a thematic break.
_BLOCK_START = re.compile(r" {0,3}(?:[-*+](?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|>|\|)")
_INDENTED = re.compile(r" {4}|\t")
_COMMENT_BLOCK = re.compile(r" {0,3}<!--")
_BACKTICKS = re.compile(r"`+")
_WORDY = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The YAML block between ``---`` lines at the very top of a file, if there is one.

    A broken block is reported in ``error`` (with its line), never raised.
    """

    present: bool = False
    value: Mapping[str, Any] = field(default_factory=dict)
    key_positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    end: int = 0  # line of the closing ``---``; 0 when there is no usable block
    error: str | None = None
    error_line: int | None = None


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading and the extent of its section (down to the next heading as high or higher)."""

    text: str
    level: int
    line: int
    end: int
    key: str  # the normalised text headings are matched on


@dataclass(frozen=True, slots=True)
class Match:
    """Text a placeholder pattern matched, at a 1-based line and column."""

    text: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class MarkdownDocument:
    """A parsed Markdown file, or (``status`` not ``ok``) why it could not be read."""

    lines: tuple[str, ...] = ()
    front_matter: FrontMatter = field(default_factory=FrontMatter)
    headings: tuple[Heading, ...] = ()
    words: tuple[int, ...] = ()  # prose words on each line; index 0 is line 1
    scannable: tuple[str, ...] = ()  # each line, fenced code and code spans blanked out
    status: str = "ok"  # ok | invalid | unreadable
    error: str | None = None
    error_line: int | None = None

    def word_count(self, spans: Spans) -> int:
        """Prose words on the lines of ``spans``."""
        return sum(sum(self.words[start - 1 : end]) for start, end in spans)

    def placeholders(
        self, patterns: Sequence[re.Pattern[str]], spans: Spans | None = None
    ) -> list[Match]:
        """Non-overlapping matches of ``patterns`` on ``spans`` (default: every line)."""
        found: list[Match] = []
        for start, end in spans if spans is not None else ((1, len(self.lines)),):
            block = "\n".join(self.scannable[start - 1 : end])
            live = [p for p in patterns if _may_match(p, block)]
            for line in range(start, end + 1) if live else ():
                found += _line_matches(self.scannable[line - 1], line, live)
        return found


# A pattern is matched line by line; one search of the block's lines joined by newlines
# (``^`` and ``$`` then match at each line's ends) rules it out for the whole block. Only
# when every line match is also a match in the joined text: not with ``\A``/``\Z``, which
# see only the block's ends, possessive repeats or atomic groups, which may swallow the
# newline a line match stopped at, or inline flags, which may turn multi-line off.
_LINE_BOUND = re.compile(r"\\[AZ]|\(\?(?!:)|[*+?}]\+")


@functools.lru_cache(maxsize=256)
def _joined(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    if _LINE_BOUND.search(pattern.pattern):
        return None
    return re.compile(pattern.pattern, pattern.flags | re.MULTILINE)


def _may_match(pattern: re.Pattern[str], block: str) -> bool:
    joined = _joined(pattern)
    return joined is None or joined.search(block) is not None


def _line_matches(text: str, line: int, patterns: Sequence[re.Pattern[str]]) -> list[Match]:
    hits = sorted(
        (m.start(), -m.end(), m.group()) for p in patterns for m in p.finditer(text) if m.group()
    )
    found: list[Match] = []
    reached = 0
    for start, negative_end, matched in hits:
        if start >= reached:  # where patterns overlap ("{{ TODO }}"), the first one wins
            found.append(Match(matched, line, start + 1))
            reached = -negative_end
    return found


def read(path: Path) -> MarkdownDocument:
    """Read and parse ``path``; a file that cannot be read gives a document saying why."""
    try:
        data = safeio.read_bounded(path, MAX_BYTES)
    except safeio.TooLarge as exc:
        return invalid(f"file is too large ({exc.size} bytes; the limit is {MAX_BYTES})")
    except safeio.FileProblem as exc:
        return invalid(f"it {exc.reason}", status="unreadable")
    return parse(data)


def invalid(message: str, line: int | None = None, status: str = "invalid") -> MarkdownDocument:
    """A document that could not be read, with the reason."""
    return MarkdownDocument(status=status, error=message, error_line=line)


def parse(data: bytes) -> MarkdownDocument:
    """Parse Markdown bytes (UTF-8, BOM and CRLF allowed); never raises."""
    try:
        text = yamlio.decode(data, MAX_BYTES)
    except DocumentError as exc:
        return invalid(exc.message, exc.line)
    lines = tuple(line.removesuffix("\r") for line in text.split("\n"))
    if lines[-1] == "":
        lines = lines[:-1]  # the final newline ends the last line; it does not start one
    front = _front_matter(lines)
    scan = _Scan(lines, front.end)
    return MarkdownDocument(
        lines=lines,
        front_matter=front,
        headings=_headings(scan.headings, len(lines)),
        words=tuple(scan.words),
        scannable=tuple(scan.scannable),
    )


def _front_matter(lines: tuple[str, ...]) -> FrontMatter:
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter()
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if close is None:
        return FrontMatter(
            True, error="the --- on line 1 is never closed by another ---", error_line=1
        )
    try:
        document = yamlio.load("\n".join(lines[1:close]))
    except DocumentError as exc:
        line = exc.line + 1 if exc.line else 1  # the YAML starts on the file's line 2
        return FrontMatter(True, end=close + 1, error=exc.message, error_line=line)
    value = {} if document.value is None else document.value
    if not isinstance(value, dict):
        return FrontMatter(True, end=close + 1, error="it is not a mapping of keys", error_line=2)
    positions = {
        path[0]: (line + 1, column)
        for path, (line, column) in document.positions.items()
        if len(path) == 1 and isinstance(path[0], str)
    }
    return FrontMatter(True, value, positions, end=close + 1)


class _Scan:
    """One pass over the body: headings, words per line, and the text placeholders are sought in."""

    def __init__(self, lines: tuple[str, ...], start: int) -> None:
        self.lines = lines
        self.words = [0] * len(lines)
        self.scannable = list(lines)  # front matter lines are searched as written
        self.headings: list[tuple[int, int, str]] = []  # (line, level, text)
        fence: tuple[str, int] | None = None
        in_comment = False
        # Lines of the paragraph a setext underline would turn into a heading; None inside
        # a list, quote, table or indented code, where an underline is a thematic break.
        self.paragraph: list[int] | None = []
        for index in range(start, len(lines)):
            line = lines[index]
            if fence is not None:
                self.scannable[index] = ""
                fence = None if _closes(line, fence) else fence
            elif in_comment:
                in_comment = "-->" not in line
            else:
                fence, in_comment = self._line(index, line)

    def _line(self, index: int, line: str) -> tuple[tuple[str, int] | None, bool]:
        """Classify one line outside fences and comment blocks; return new fence/comment state."""
        opened = _FENCE.fullmatch(line)
        if opened and not (opened[1][0] == "`" and "`" in opened[2]):
            self.scannable[index], self.paragraph = "", []
            return (opened[1][0], len(opened[1])), False
        if _COMMENT_BLOCK.match(line):
            self.paragraph = []
            return None, "-->" not in line[line.index("<!--") + 4 :]
        atx = _ATX.match(line)
        if atx:
            self.headings.append((index + 1, len(atx[1]), _atx_text(line[atx.end() :])))
            self.scannable[index], self.paragraph = _blank_code(line), []
        elif self.paragraph and _UNDERLINE.fullmatch(line):
            self._setext(1 if line.strip()[0] == "=" else 2)
        else:
            self.scannable[index] = _blank_code(line)
            self.words[index] = _count_words(line)
            self._track_paragraph(index, line)
        return None, False

    def _setext(self, level: int) -> None:
        assert self.paragraph
        text = " ".join(self.lines[i].strip() for i in self.paragraph)
        self.headings.append((self.paragraph[0] + 1, level, text))
        for i in self.paragraph:
            self.words[i] = 0
        self.paragraph = []

    def _track_paragraph(self, index: int, line: str) -> None:
        if not line.strip() or _THEMATIC_BREAK.fullmatch(line):
            self.paragraph = []
        elif _BLOCK_START.match(line) or self.paragraph is None:
            self.paragraph = None
        elif self.paragraph or not _INDENTED.match(line):
            self.paragraph.append(index)
        else:
            self.paragraph = None  # indented code


def _closes(line: str, fence: tuple[str, int]) -> bool:
    stripped = line.strip()
    return (
        len(line) - len(line.lstrip(" ")) <= 3
        and stripped == fence[0] * len(stripped)
        and (len(stripped) >= fence[1])
    )


def _atx_text(rest: str) -> str:
    """An ATX heading's text: ``rest`` without the optional closing run of ``#``."""
    text = rest.strip(" \t")
    unclosed = text.rstrip("#")
    if unclosed != text and (not unclosed or unclosed[-1] in " \t"):
        text = unclosed
    return text.strip(" \t")


def _count_words(line: str) -> int:
    return sum(1 for token in _without_comments(line).split() if _WORDY.search(token))


def _without_comments(line: str) -> str:
    """``line`` without ``<!-- ... -->`` comments (found with ``find``: linear on any input)."""
    parts = []
    position = 0
    while (start := line.find("<!--", position)) != -1:
        end = line.find("-->", start + 4)
        if end == -1:
            break
        parts.append(line[position:start] + " ")
        position = end + 3
    return "".join(parts) + line[position:]


def _blank_code(line: str) -> str:
    """``line`` with inline code spans replaced by spaces (columns stay where they were).

    A span opens with a run of backticks and closes at the next run of the same length;
    runs are paired through an index, so a hostile line costs n log n, not n squared.
    """
    if "`" not in line:
        return line
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    by_length: dict[int, list[int]] = {}
    for number, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(number)
    chars = list(line)
    number = 0
    while number < len(runs):
        start, end = runs[number]
        same = by_length[end - start]
        after = bisect.bisect_right(same, number)
        if after == len(same):
            number += 1
            continue
        closing = same[after]
        chars[start : runs[closing][1]] = " " * (runs[closing][1] - start)
        number = closing + 1
    return "".join(chars)


def _headings(raw: Iterable[tuple[int, int, str]], total: int) -> tuple[Heading, ...]:
    """Headings with their section's last line: the line before the next one as high."""
    found = list(raw)
    ends = [total] * len(found)
    open_: list[int] = []  # indexes of headings whose section has not ended yet
    for number, (line, level, _text) in enumerate(found):
        while open_ and found[open_[-1]][1] >= level:
            ends[open_.pop()] = line - 1
        open_.append(number)
    return tuple(
        Heading(text, level, line, ends[number], normalise(text))
        for number, (line, level, text) in enumerate(found)
    )


@dataclass(frozen=True, slots=True)
class MarkdownFile:
    """A Markdown artifact of a project: where it is, whether it is usable, what it holds."""

    path: str  # repo-relative; a declared path that is not usable stays as declared
    where: Location  # where a finding about its absence or unreadability points
    status: str  # ok | missing | invalid | unreadable
    problem: str | None  # why it is not ok
    document: MarkdownDocument


def locate(
    project: Project,
    kind: str,
    defaults: Sequence[str],
    accept: Callable[[Path, MarkdownDocument], bool] | None = None,
) -> MarkdownFile | None:
    """The ``kind`` artifact: the manifest's path, else the first default file ``accept`` takes.

    None when the manifest declares no path and no default file exists. Each file looked
    at is recorded for the report, a declared one that does not exist as ``missing``.
    """
    for path, where in project.candidates(kind, defaults):
        if where is not None:
            return _declared(project, kind, path, where)
        if path.is_file():
            document = read(path)
            if accept is None or accept(path, document):
                return _found(project, kind, path, document)
    declared = project.declared(kind)
    if not declared:
        return None
    value, where = declared[0]  # outside the repository: MLP008 says why it was not read
    return MarkdownFile(value, where, "missing", "is not a usable path", MarkdownDocument())


def _declared(project: Project, kind: str, path: Path, where: Location) -> MarkdownFile:
    if not path.exists():
        rel = project.rel(path)
        project.record(Artifact(kind, rel, "markdown", "missing"))
        return MarkdownFile(rel, where, "missing", "does not exist", MarkdownDocument())
    return _found(project, kind, path, read(path))


def _found(project: Project, kind: str, path: Path, document: MarkdownDocument) -> MarkdownFile:
    rel = project.rel(path)
    project.record(Artifact(kind, rel, "markdown", document.status))
    where = Location(rel, document.error_line)
    return MarkdownFile(rel, where, document.status, document.error, document)
