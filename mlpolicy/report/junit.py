"""The ``junit`` report: one testcase per (project, requirement) for CI systems reading JUnit."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from mlpolicy.findings import CheckResult, Finding, ProjectResult, Severity
from mlpolicy.policy import BUILTIN, builtin
from mlpolicy.rules import RULES_BY_ID

# Rules that guard no phase requirement are grouped by id range (SPEC section 6).
_UNGUARDED = (("MLP0", "manifest"), ("MLP5", "git"))
# XML 1.0 cannot carry most control characters, not even escaped; messages quote file content.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: CheckResult, color: bool = False) -> str:
    """The report as JUnit XML (the dialect Jenkins, GitLab and most CI systems read)."""
    root = ET.Element("testsuites", name="mlpolicy")
    if result.findings:
        root.append(_suite("(no project)", None, result.findings, result))
    for project in result.projects:
        root.append(_suite(project.root, project, project.findings, result))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(
    name: str, project: ProjectResult | None, findings: Iterable[Finding], result: CheckResult
) -> ET.Element:
    groups: dict[str, list[Finding]] = {case: [] for case in _cases(project)}
    for finding in findings:
        groups.setdefault(requirement_of(finding.rule), []).append(finding)
    suite = ET.Element("testsuite", name=_xml(name))
    if project is not None:
        properties = ET.SubElement(suite, "properties")
        for key, value in (("phase", project.phase), ("policy", project.policy_source)):
            ET.SubElement(properties, "property", name=key, value=_xml(value or "unknown"))
    failures = 0
    for case, grouped in groups.items():
        failed = _testcase(suite, name, case, project, grouped, result.fail_on)
        failures += failed
    suite.attrib.update(tests=str(len(groups)), failures=str(failures), errors="0", skipped="0")
    return suite


def _cases(project: ProjectResult | None) -> list[str]:
    """The testcases a project always has: its manifest, and the built-in requirements in force."""
    if project is None:
        return []
    if project.phase is None or project.policy_source != BUILTIN:
        return ["manifest"]
    policy = builtin()
    in_force = policy.requirements(project.phase) if project.phase in policy.phase_ids else {}
    return ["manifest", *in_force]


def requirement_of(rule_id: str) -> str:
    """The policy requirement rule ``rule_id`` guards, or its group for always-checked rules."""
    rule = RULES_BY_ID.get(rule_id)
    if rule is not None and rule.requirement is not None:
        return rule.requirement
    return next((group for prefix, group in _UNGUARDED if rule_id.startswith(prefix)), "other")


def _testcase(
    suite: ET.Element,
    classname: str,
    name: str,
    project: ProjectResult | None,
    findings: list[Finding],
    fail_on: Severity | None,
) -> bool:
    case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=_xml(name))
    if project is not None:
        case.set("file", _xml(project.manifest))
    failing = [f for f in findings if _fails(f, fail_on)]
    if failing:
        first = failing[0]
        failure = ET.SubElement(
            case, "failure", message=_xml(f"{first.rule} {first.message}"), type=first.rule
        )
        failure.text = _xml("\n".join(_line(f) for f in failing))
    others = [f for f in findings if f not in failing]
    if others:
        ET.SubElement(case, "system-out").text = _xml("\n".join(_line(f) for f in others))
    return bool(failing)


def _fails(finding: Finding, fail_on: Severity | None) -> bool:
    return not finding.waived and fail_on is not None and finding.severity >= fail_on


def _line(finding: Finding) -> str:
    where = str(finding.location) if finding.location else "-"
    state = "waived" if finding.waived else finding.severity.value
    hint = f"\n  hint: {finding.hint}" if finding.hint and not finding.waived else ""
    return f"{where}: {finding.rule} {finding.name} ({state})  {finding.message}{hint}"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
