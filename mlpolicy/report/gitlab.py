"""The ``gitlab`` report: GitLab Code Quality JSON, for the merge-request widget.

GitLab reads a subset of the Code Climate issue format: ``description``, ``check_name``,
``fingerprint``, ``severity`` and ``location{path, lines{begin}}``
(https://docs.gitlab.com/ci/testing/code_quality/). Severities map as

    error -> major, warning -> minor, note -> info, and a waived finding -> info

so the widget ranks mlpolicy's findings below crashes and security issues ("critical",
"blocker") that other tools report, and a waived finding stays visible without alarming.
"""

from __future__ import annotations

import json
from typing import Any

from mlpolicy.findings import CheckResult, Finding, Location, Severity
from mlpolicy.report.anchors import fingerprinted, start_line

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}
WAIVED = "info"


def render(result: CheckResult, color: bool = False) -> str:
    """The report as a JSON array of issues; the same input always gives the same bytes."""
    issues = [_issue(finding, anchor, key) for finding, anchor, key in fingerprinted(result)]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, anchor: Location, fingerprint: str) -> dict[str, Any]:
    description = f"{finding.rule} {finding.name}: {finding.message}"
    if finding.waived:
        description += " (waived)"
    issue: dict[str, Any] = {
        "description": description,
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": WAIVED if finding.waived else SEVERITY[finding.severity],
        "location": {"path": anchor.path, "lines": {"begin": start_line(anchor)}},
    }
    if finding.hint and not finding.waived:
        issue["content"] = {"body": finding.hint}
    return issue
