"""The junit report: one testcase per (project, rule), one failure per finding, in place."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import ideation
from conftest import Repo, run_cli
from junitparser import Failure, JUnitXml

from mlpolicy.findings import CheckResult
from mlpolicy.report import junit
from report import results

ROOT = Path(__file__).parents[2]
DESIGN_DOC_RULES = ("MLP101", "MLP102", "MLP103", "MLP104")


def _parse(result: CheckResult) -> ET.Element:
    return ET.fromstring(junit.render(result).encode("utf-8"))


def _cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in suite.iter("testcase")}


def _suites(root: ET.Element) -> dict[str, ET.Element]:
    return {suite.get("name", ""): suite for suite in root.iter("testsuite")}


def _sample() -> CheckResult:
    """The sample, with the rules a real run records as applying to svc/churn."""
    sample = results.sample()
    churn = replace(sample.projects[1], rules=(*DESIGN_DOC_RULES, "MLP201", "MLP501"))
    return replace(sample, projects=(sample.projects[0], churn))


def test_counts_add_up() -> None:
    root = _parse(_sample())
    assert root.tag == "testsuites"
    for element in [root, *root.iter("testsuite")]:
        cases = list(element.iter("testcase"))
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(list(element.iter("failure"))))
        assert element.get("errors") == "0"


def test_a_testcase_per_rule_that_applies_and_per_rule_that_found_something() -> None:
    churn = _suites(_parse(_sample()))["svc/churn"]
    assert list(_cases(churn)) == [
        "MLP007 waiver-unused",  # found something, though not in the applied list
        "MLP101 design-doc-missing",
        "MLP102 design-doc-section-missing",
        "MLP103 design-doc-placeholder",
        "MLP104 design-doc-section-empty",
        "MLP201 experiment-logs-missing",
        "MLP406 model-card-missing",
        "MLP501 artifact-untracked",
    ]
    passing = _cases(churn)["MLP104 design-doc-section-empty"]
    assert passing.find("failure") is None
    assert passing.get("file") == "svc/churn/mlpolicy.yaml"


def test_one_failure_per_finding_with_its_file_and_line() -> None:
    cases = _cases(_suites(_parse(_sample()))["svc/churn"])
    placeholder = cases["MLP103 design-doc-placeholder"]
    failures = placeholder.findall("failure")
    assert [(f.get("file"), f.get("line")) for f in failures] == [
        ("svc/churn/docs/design doc ü.md", "9"),
        ("svc/churn/docs/design doc ü.md", "12"),
    ]
    assert [f.get("message") for f in failures] == [
        "svc/churn/docs/design doc ü.md:9: TODO left in",
        "svc/churn/docs/design doc ü.md:12:5: TODO left in",
    ]
    # The testcase points where its first failure is, for readers that look only there.
    first = (failures[0].get("file"), failures[0].get("line"))
    assert (placeholder.get("file"), placeholder.get("line")) == first
    # A finding with no file is about its project: the manifest.
    (untraced,) = cases["MLP201 experiment-logs-missing"].findall("failure")
    assert untraced.get("file") == "svc/churn/mlpolicy.yaml" and untraced.get("line") is None


def test_lesser_and_waived_findings_go_to_system_out() -> None:
    cases = _cases(_suites(_parse(_sample()))["svc/churn"])
    waived = cases["MLP101 design-doc-missing"]
    assert waived.find("failure") is None and "(waived)" in (waived.findtext("system-out") or "")
    assert cases["MLP406 model-card-missing"].find("failure") is None  # a warning
    assert cases["MLP007 waiver-unused"].find("failure") is None  # a note


def test_findings_outside_projects_have_their_own_suite() -> None:
    suite = _suites(_parse(_sample()))["(no project)"]
    assert list(_cases(suite)) == ["MLP505 history-unavailable"]


def test_fail_on_never_fails_nothing() -> None:
    root = _parse(replace(_sample(), fail_on=None))
    assert root.get("failures") == "0"
    assert root.find(".//failure") is None


def test_control_characters_do_not_break_the_xml() -> None:
    text = junit.render(_sample())
    assert "\x1b" not in text
    assert "\ufffd[0m" in ET.fromstring(text.encode()).findtext(".//failure[@type='MLP201']", "")


def test_junitparser_reads_one_failure_per_finding(tmp_path: Path) -> None:
    """The failing example has ten findings: a JUnit reader sees ten failures, each placed."""
    found = run_cli("check", "examples/failing", "--format", "json", cwd=ROOT)
    findings = [f for p in found.json()["projects"] for f in p["findings"] if not f["waived"]]
    report = tmp_path / "junit.xml"
    done = run_cli("check", "examples/failing", "--format", "junit", "-o", str(report), cwd=ROOT)
    assert done.code == 1 and len(findings) == 10
    xml = JUnitXml.fromfile(str(report))
    failures = [
        (case.classname, entry, case)
        for suite in xml
        for case in suite
        for entry in case.result
        if isinstance(entry, Failure)
    ]
    assert len(failures) == len(findings)
    xml.update_statistics()
    assert xml.failures == len(findings)
    expected = sorted((f["rule"], f["path"], f.get("line") or 0) for f in findings)
    read = sorted(
        (entry.type, entry._elem.get("file"), _int(entry._elem.get("line")) or 0)
        for _, entry, _ in failures
    )
    assert read == expected
    for _, entry, case in failures:
        assert case.name.startswith(entry.type + " ")
        assert entry.message.startswith(entry._elem.get("file"))


def test_a_real_check_lists_every_rule_that_applies(repo: Repo) -> None:
    repo.write({**ideation.complete("good/"), **ideation.incomplete("bad/")})
    repo.commit()
    result = repo.check("--format", "junit")
    assert result.code == 1
    suites = _suites(ET.fromstring(result.stdout.encode("utf-8")))
    good = _cases(suites["good"])
    assert {f"{r} " for r in DESIGN_DOC_RULES} <= {name[:7] for name in good}
    assert not any(name.startswith(("MLP2", "MLP3", "MLP4")) for name in good)  # not in force
    assert all(case.find("failure") is None for case in good.values())
    (failure,) = _cases(suites["bad"])["MLP102 design-doc-section-missing"].findall("failure")
    assert failure.get("file") == "bad/docs/design.md"
    # --select narrows the testcases to the rules that ran.
    selected = repo.check("--format", "junit", "--select", "MLP102")
    names = {c.get("name") for c in ET.fromstring(selected.stdout.encode()).iter("testcase")}
    assert names == {"MLP102 design-doc-section-missing"}


def _int(text: str | None) -> int | None:
    return None if text is None else int(text)
