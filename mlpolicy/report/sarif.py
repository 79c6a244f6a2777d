"""The ``sarif`` report: SARIF 2.1.0 in the shape GitHub code scanning accepts."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from mlpolicy import __version__
from mlpolicy.findings import CheckResult, Finding, Location
from mlpolicy.report.anchors import fingerprinted, start_line
from mlpolicy.report.links import HOME_URL, rule_url
from mlpolicy.rules import ALL_RULES
from mlpolicy.rules.base import Rule

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
# Bump the suffix if the fingerprint recipe changes, so old and new alerts do not merge.
FINGERPRINT_KEY = "mlpolicy/v1"
_RULE_INDEX = {rule.id: index for index, rule in enumerate(ALL_RULES)}


def render(result: CheckResult, color: bool = False) -> str:
    """The report as SARIF JSON; the same input always gives the same bytes."""
    return json.dumps(as_dict(result), indent=2, ensure_ascii=False) + "\n"


def as_dict(result: CheckResult) -> dict[str, Any]:
    """The SARIF log as plain data."""
    driver = {
        "name": "mlpolicy",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": HOME_URL,
        "rules": [_rule(rule) for rule in ALL_RULES],
    }
    return {
        "$schema": SCHEMA_URL,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": _results(result),
            }
        ],
    }


def _rule(rule: Rule) -> dict[str, Any]:
    doc = rule.doc or f"{rule.summary}.\n\nThis rule is in the catalogue but not implemented yet."
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _what_it_does(rule)},
        "help": {"text": doc, "markdown": doc},
        "helpUri": rule_url(rule.id),
        "defaultConfiguration": {"level": rule.default.value},
        "properties": {"tags": ["mlpolicy", rule.requirement or "always-checked"]},
    }


def _what_it_does(rule: Rule) -> str:
    """The first paragraph of the doc's "What it does" section, else the summary."""
    heading = "## What it does"
    if heading not in rule.doc:
        return rule.summary
    section = rule.doc.split(heading, 1)[1].strip()
    return " ".join(section.split("\n\n", 1)[0].split()) or rule.summary


def _results(result: CheckResult) -> list[dict[str, Any]]:
    return [_result(f, anchor, key) for f, anchor, key in fingerprinted(result)]


def _result(finding: Finding, anchor: Location, fingerprint: str) -> dict[str, Any]:
    text = f"{finding.message}\n{finding.hint}" if finding.hint else finding.message
    data: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": finding.severity.value,
        "message": {"text": text},
        "locations": [{"physicalLocation": _physical(anchor)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if finding.rule in _RULE_INDEX:
        data["ruleIndex"] = _RULE_INDEX[finding.rule]
    if finding.waived:
        justification = "Waived by a waiver in the project's mlpolicy.yaml."
        data["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": justification}
        ]
    return data


def _physical(location: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": quote(location.path, safe="/"), "uriBaseId": "%SRCROOT%"}
    }
    # Without a line the finding is about the whole file: GitHub and the SARIF validator
    # both want a region, and line 1 is where a viewer should open the file.
    region = {"startLine": start_line(location)}
    column = location.column if location.line is not None and location.line >= 1 else None
    if column is not None and column >= 1:
        region["startColumn"] = column
    physical["region"] = region
    return physical
