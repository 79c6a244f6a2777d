"""The ``github`` report: GitHub Actions workflow commands that annotate the pull request.

GitHub shows at most 10 error and 10 warning annotations per step, so when
``GITHUB_STEP_SUMMARY`` is set (inside a GitHub Actions job) rendering this format also
appends the whole Markdown report to that file, the job summary.
"""

from __future__ import annotations

import os
from pathlib import Path

from mlpolicy.errors import UsageError
from mlpolicy.findings import CheckResult, Finding, Severity
from mlpolicy.report import markdown

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def render(result: CheckResult, color: bool = False) -> str:
    """One workflow command per unwaived finding, then a one-line verdict."""
    append_step_summary(result)
    lines = [_command(f) for f in result.all_findings() if not f.waived]
    lines.append(f"mlpolicy: {markdown.verdict(result)}")
    return "\n".join(lines) + "\n"


def append_step_summary(result: CheckResult) -> None:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` when the variable is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(markdown.render(result))
    except OSError as exc:
        message = f"cannot append the job summary to {target}: {exc.strerror}"
        raise UsageError(message) from None


def _command(finding: Finding) -> str:
    properties = []
    location = finding.location
    # An annotation on "." (the repository root) attaches to nothing; leave the file out.
    if location is not None and location.path not in ("", "."):
        properties.append(("file", location.path))
        if location.line is not None:
            properties.append(("line", str(location.line)))
            if location.column is not None:
                properties.append(("col", str(location.column)))
    properties.append(("title", f"{finding.rule} {finding.name}"))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = f"{finding.message}\nhint: {finding.hint}" if finding.hint else finding.message
    return f"::{_COMMANDS[finding.severity]} {joined}::{escape_data(message)}"


def escape_data(text: str) -> str:
    """Escape a command's message as the runner expects (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: the data escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
