"""JUnit XML test reports, parsed safely: no DTDs, no entities, bounded size.

``xml.etree`` (expat) expands internal entities, so a 1 KB "billion laughs" document
becomes gigabytes. Any ``<!DOCTYPE``/``<!ENTITY`` is refused before parsing; that is
sound because NUL bytes are refused too, which rules out UTF-16/32, so a declaration
could only be written in ASCII-compatible bytes. JUnit reports never need a DTD.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from mlpolicy.errors import DocumentError

MAX_BYTES = 32 * 1024 * 1024
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PROBLEM = re.compile(rb"<(?:failure|error)\b")
_OUTCOMES = {"failure": "failed", "error": "error", "skipped": "skipped"}


@dataclass(frozen=True, slots=True)
class Case:
    """One test case: ``classname::name``, its outcome and the reason given for it."""

    name: str
    status: str  # passed | failed | error | skipped
    details: str


@dataclass(frozen=True, slots=True)
class Report:
    """A JUnit report's totals over its top-level suites, and its test cases."""

    tests: int
    failures: int
    errors: int
    skipped: int
    cases: tuple[Case, ...]
    problem_line: int | None  # the first <failure> or <error>, when there is one

    @property
    def executed(self) -> int:
        return max(self.tests - self.skipped, 0)

    @property
    def passed(self) -> bool:
        return self.failures + self.errors == 0 and self.executed > 0

    def summary(self) -> str:
        return counts(self.tests, self.failures, self.errors, self.skipped)


class NotJUnit(DocumentError):
    """Well-formed XML whose root is neither ``testsuites`` nor ``testsuite``."""


def counts(tests: int, failures: int, errors: int, skipped: int) -> str:
    """``4 tests, 1 failure, 0 errors, 1 skipped``."""
    return (
        f"{tests} {_plural(tests, 'test')}, {failures} {_plural(failures, 'failure')}, "
        f"{errors} {_plural(errors, 'error')}, {skipped} skipped"
    )


def _plural(number: int, word: str) -> str:
    return word if number == 1 else word + "s"


def load(data: bytes) -> Report:
    """Parse a JUnit report; :class:`DocumentError` (:class:`NotJUnit`) when it is not one."""
    root = _parse(data)
    if root.tag not in ("testsuites", "testsuite"):
        raise NotJUnit(f"XML root is <{root.tag}>, not <testsuites> or <testsuite>", 1)
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    rows = [_totals(suite) for suite in suites]
    tests, failures, errors, skipped = (sum(row[i] for row in rows) for i in range(4))
    cases = tuple(_case(element) for element in root.iter("testcase"))
    found = _PROBLEM.search(data) if failures + errors else None
    line = data.count(b"\n", 0, found.start()) + 1 if found else None
    return Report(tests, failures, errors, skipped, cases, line)


def _parse(data: bytes) -> ET.Element:
    if len(data) > MAX_BYTES:
        raise DocumentError(f"file is too large ({len(data)} bytes; the limit is {MAX_BYTES})")
    if b"\x00" in data:
        raise DocumentError("file is binary (it contains NUL bytes)")
    declaration = _DECLARATION.search(data)
    if declaration:
        line = data.count(b"\n", 0, declaration.start()) + 1
        raise DocumentError(
            "DOCTYPE and ENTITY declarations are not allowed in a JUnit report", line
        )
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        message = str(exc).split(": line ")[0]
        raise DocumentError(f"invalid XML: {message}", line, column + 1) from None
    except Exception as exc:  # expat reports a bad encoding declaration as LookupError, etc.
        raise DocumentError(f"invalid XML: {exc}") from None


def _totals(suite: ET.Element) -> tuple[int, int, int, int]:
    """A suite's (tests, failures, errors, skipped): its attributes, else its test cases."""
    if suite.get("tests") is None:
        outcomes = [_case(element).status for element in suite.iter("testcase")]
        return (
            len(outcomes),
            outcomes.count("failed"),
            outcomes.count("error"),
            outcomes.count("skipped"),
        )
    name = suite.get("name") or "?"
    return (
        _count(suite, "tests", name),
        _count(suite, "failures", name),
        _count(suite, "errors", name),
        _count(suite, "skipped", name),
    )


def _count(suite: ET.Element, attribute: str, name: str) -> int:
    text = (suite.get(attribute) or "0").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 15:
        raise DocumentError(f'testsuite "{name}": {attribute}="{text}" is not a whole number')
    return int(text)


def _case(element: ET.Element) -> Case:
    label = "::".join(part for part in (element.get("classname"), element.get("name")) if part)
    for child in element:
        status = _OUTCOMES.get(child.tag) if isinstance(child.tag, str) else None
        if status is not None:
            reason = child.get("message") or (child.text or "").strip()
            first = reason.splitlines()[0] if reason.strip() else ""
            return Case(label or "?", status, first[:200])
    return Case(label or "?", "passed", "")
