"""The junit report: well-formed XML, one testcase per (project, requirement), honest counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import ideation
from conftest import Repo

from mlpolicy.findings import CheckResult
from mlpolicy.report import junit
from report import results


def _parse(result: CheckResult) -> ET.Element:
    return ET.fromstring(junit.render(result).encode("utf-8"))


def _cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", ""): case for case in suite.iter("testcase")}


def _suites(root: ET.Element) -> dict[str, ET.Element]:
    return {suite.get("name", ""): suite for suite in root.iter("testsuite")}


def test_counts_add_up() -> None:
    root = _parse(results.sample())
    assert root.tag == "testsuites"
    for element in [root, *root.iter("testsuite")]:
        cases = list(element.iter("testcase"))
        failures = [c for c in cases if c.find("failure") is not None]
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failures))
        assert element.get("errors") == "0"


def test_a_testcase_per_requirement_in_force_for_the_built_in_policy() -> None:
    churn = _suites(_parse(results.sample()))["svc/churn"]
    # experimentation: the manifest, ideation's and its own requirements, then any other
    # requirement a finding names (this made-up result has a model-card finding).
    assert list(_cases(churn)) == [
        "manifest",
        "design_doc",
        "design_doc_approved",
        "experiments",
        "model_card",
    ]
    clean = _suites(_parse(results.clean()))["svc/ok"]
    assert list(_cases(clean))[-2:] == ["pipelines", "pipeline_validation"]
    assert all(case.find("failure") is None for case in clean.iter("testcase"))


def test_failures_carry_their_findings_and_lesser_ones_go_to_system_out() -> None:
    cases = _cases(_suites(_parse(results.sample()))["svc/churn"])
    failure = cases["design_doc"].find("failure")
    assert failure is not None and failure.get("type") == "MLP102"
    assert "design doc ü.md:3:1: MLP102" in (failure.text or "")
    assert "MLP101" not in (failure.text or "")  # waived
    assert "(waived)" in (cases["design_doc"].findtext("system-out") or "")
    assert cases["model_card"].find("failure") is None  # MLP406 is a warning
    assert cases["manifest"].find("failure") is None  # MLP007 is a note


def test_findings_outside_projects_have_their_own_suite() -> None:
    suite = _suites(_parse(results.sample()))["(no project)"]
    assert list(_cases(suite)) == ["git"]


def test_fail_on_never_fails_nothing() -> None:
    root = _parse(replace(results.sample(), fail_on=None))
    assert root.get("failures") == "0"
    assert root.find(".//failure") is None


def test_control_characters_do_not_break_the_xml() -> None:
    text = junit.render(results.sample())
    assert "\x1b" not in text
    assert "\ufffd[0m" in ET.fromstring(text.encode()).findtext(".//failure[@type='MLP201']", "")


def test_a_real_check_is_valid_junit(repo: Repo) -> None:
    repo.write({**ideation.complete("good/"), **ideation.incomplete("bad/")})
    repo.commit()
    result = repo.check("--format", "junit")
    assert result.code == 1
    suites = _suites(ET.fromstring(result.stdout.encode("utf-8")))
    assert list(_cases(suites["good"])) == ["manifest", "design_doc"]
    bad = _cases(suites["bad"])["design_doc"].find("failure")
    assert bad is not None and bad.get("type") == "MLP102"
