"""The ``junit`` report: one testcase per (project, rule) that applies, a failure per finding.

CI test views (GitLab, Jenkins, Azure, the JUnit-reading GitHub actions) count failures
and jump to ``file``/``line``, so each problem appears once, where it is: ten findings are
ten failures. Each failure carries its file and line in its message and text, and as
``file``/``line`` attributes, which those readers take from the testcase (the first
failure's place) and some from the failure itself.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from mlpolicy.findings import CheckResult, Finding, Location, ProjectResult, Severity
from mlpolicy.rules import RULES_BY_ID

# XML 1.0 cannot carry most control characters, not even escaped; messages quote file content.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: CheckResult, color: bool = False) -> str:
    """The report as JUnit XML (the dialect Jenkins, GitLab and most CI systems read)."""
    root = ET.Element("testsuites", name="mlpolicy")
    if result.findings:
        root.append(_suite("(no project)", None, result.findings, (), result.fail_on))
    for project in result.projects:
        root.append(_suite(project.root, project, project.findings, project.rules, result.fail_on))
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0")) for suite in root)))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _suite(
    name: str,
    project: ProjectResult | None,
    findings: Iterable[Finding],
    rules: Iterable[str],
    fail_on: Severity | None,
) -> ET.Element:
    groups: dict[str, list[Finding]] = {rule: [] for rule in rules}
    for finding in findings:
        groups.setdefault(finding.rule, []).append(finding)
    suite = ET.Element("testsuite", name=_xml(name))
    if project is not None:
        properties = ET.SubElement(suite, "properties")
        for key, value in (("phase", project.phase), ("policy", project.policy_source)):
            ET.SubElement(properties, "property", name=key, value=_xml(value or "unknown"))
    manifest = project.manifest if project else None
    failures = sum(
        _testcase(suite, name, rule, groups[rule], manifest, fail_on) for rule in sorted(groups)
    )
    suite.attrib.update(tests=str(len(groups)), failures=str(failures), errors="0", skipped="0")
    return suite


def _testcase(
    suite: ET.Element,
    classname: str,
    rule_id: str,
    findings: list[Finding],
    manifest: str | None,
    fail_on: Severity | None,
) -> int:
    """Add the testcase of one rule; return how many failures it holds."""
    case = ET.SubElement(suite, "testcase", classname=_xml(classname), name=case_name(rule_id))
    failing = [f for f in findings if _fails(f, fail_on)]
    places = [_place(f, manifest) for f in failing]
    _locate(case, places[0] if places else Location(manifest) if manifest else None)
    for finding, place in zip(failing, places, strict=True):
        where = str(place) if place else "-"
        failure = ET.SubElement(
            case, "failure", message=_xml(f"{where}: {finding.message}"), type=finding.rule
        )
        _locate(failure, place)
        failure.text = _xml(_line(finding, place))
    others = [f for f in findings if f not in failing]
    if others:
        text = "\n".join(_line(f, _place(f, manifest)) for f in others)
        ET.SubElement(case, "system-out").text = _xml(text)
    return len(failing)


def case_name(rule_id: str) -> str:
    """``MLP102 design-doc-section-missing``: the rule as a test name."""
    rule = RULES_BY_ID.get(rule_id)
    return f"{rule_id} {rule.name}" if rule else rule_id


def _place(finding: Finding, manifest: str | None) -> Location | None:
    """Where the finding is; one without a file is about its project, so its manifest."""
    if finding.location and finding.location.path not in ("", "."):
        return finding.location
    return Location(manifest) if manifest else None


def _locate(element: ET.Element, place: Location | None) -> None:
    if place is None:
        return
    element.set("file", _xml(place.path))
    if place.line is not None and place.line >= 1:
        element.set("line", str(place.line))


def _fails(finding: Finding, fail_on: Severity | None) -> bool:
    return not finding.waived and fail_on is not None and finding.severity >= fail_on


def _line(finding: Finding, place: Location | None) -> str:
    where = str(place) if place else "-"
    state = "waived" if finding.waived else finding.severity.value
    hint = f"\n  hint: {finding.hint}" if finding.hint and not finding.waived else ""
    return f"{where}: {finding.rule} {finding.name} ({state})  {finding.message}{hint}"


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
