"""The validation evidence reader: real JUnit and GX output, records, hostile bytes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy.artifacts import evidence as formats
from mlpolicy.artifacts import junit, validation
from mlpolicy.artifacts.evidence import Evidence
from mlpolicy.project import Project, Repository
from mlpolicy.settings import Settings

JUNIT = SAMPLES / "junit" / "pipeline-tests.xml"
GX_CHECKPOINT = SAMPLES / "great_expectations" / "checkpoint_result.describe.json"
SHA = "ab" * 32


def _parse(name: str, data: bytes | str, explicit: bool = False) -> Evidence | None:
    raw = data.encode() if isinstance(data, str) else data
    return formats.parse(Path(name), name, raw, explicit)


def _ok(name: str, data: bytes | str) -> Evidence:
    evidence = _parse(name, data)
    assert evidence is not None and evidence.usable, evidence
    return evidence


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "schema": "mlpolicy.validation/v1",
        "pipeline": ["dvc.yaml"],
        "status": "passed",
        "validated_at": "2026-11-26T15:02:11Z",
        "commit": "c23e1d4f9fd49f3bf793237e43431e641f655921",
        "inputs_sha256": {"dvc.yaml": SHA.upper()},
        "checks": [{"name": "test_train", "status": "passed"}],
        "junit": {"path": "reports/t.xml", "tests": 2, "failures": 0, "errors": 0, "skipped": 1},
    }
    record.update(changes)
    return record


# -- JUnit -------------------------------------------------------------------------------


def test_junit_sample_passes_with_one_skipped() -> None:
    evidence = _ok("reports/pipeline-tests.xml", JUNIT.read_bytes())
    assert (evidence.format, evidence.passed, evidence.executed, evidence.skipped) == (
        "junit",
        True,
        3,
        1,
    )
    assert evidence.inputs_sha256 is None
    assert evidence.message == "4 tests, 0 failures, 0 errors, 1 skipped"


def test_junit_sample_cases_are_listed() -> None:
    report = junit.load(JUNIT.read_bytes())
    assert [(case.status, case.details) for case in report.cases] == [
        ("passed", ""),
        ("passed", ""),
        ("skipped", "needs GPU"),
        ("passed", ""),
    ]


def test_junit_failure_points_at_the_first_failure() -> None:
    xml = (
        '<testsuites>\n<testsuite name="p" tests="2" failures="1" errors="1">\n'
        '<testcase name="a"/>\n<testcase name="b">\n<failure message="boom"/>\n</testcase>\n'
        "</testsuite>\n</testsuites>\n"
    )
    evidence = _ok("t.xml", xml)
    assert (evidence.passed, evidence.failures, evidence.errors) == (False, 1, 1)
    assert evidence.location.line == 5


def test_every_test_skipped_is_not_a_pass() -> None:
    xml = '<testsuite tests="2" skipped="2"><testcase name="a"><skipped/></testcase></testsuite>'
    evidence = _ok("t.xml", xml)
    assert (evidence.passed, evidence.executed) == (False, 0)
    assert "no test was executed" in evidence.message


def test_counts_fall_back_to_test_cases_and_sum_over_suites() -> None:
    xml = (
        "<testsuites>"
        '<testsuite name="a"><testcase name="1"/><testcase name="2"><error message="x"/></testcase>'
        '<testsuite name="nested"><testcase name="3"><skipped/></testcase></testsuite></testsuite>'
        '<testsuite name="b" tests="5" failures="0" errors="0" skipped="0"/>'
        "</testsuites>"
    )
    report = junit.load(xml.encode())
    assert (report.tests, report.failures, report.errors, report.skipped) == (8, 0, 1, 1)


def test_empty_testsuites_executed_nothing() -> None:
    assert _ok("t.xml", "<testsuites/>").executed == 0


@pytest.mark.parametrize(
    ("xml", "line", "words"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<testsuite/>',
            2,
            "DOCTYPE",
        ),
        ("<testsuite>\n<testcase>\n</testsuite>", 3, "invalid XML"),
        ('<testsuite tests="many"/>', None, "whole number"),
        ("<testsuite>\0</testsuite>", None, "binary"),
        ('<?xml version="1.0" encoding="x-nope"?><testsuite/>', None, "invalid XML"),
    ],
)
def test_malformed_junit_is_invalid_with_its_line(xml: str, line: int | None, words: str) -> None:
    evidence = _parse("t.xml", xml)
    assert evidence is not None and evidence.status == "invalid" and not evidence.passed
    assert evidence.location.line == line and words in evidence.message


def test_billion_laughs_is_refused_before_parsing() -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = f'<!DOCTYPE x [<!ENTITY lol0 "lol">{entities}]><testsuite name="&lol9;"/>'
    evidence = _parse("t.xml", xml)
    assert evidence is not None and "DOCTYPE" in evidence.message


def test_other_xml_is_ignored_by_default_and_named_when_declared() -> None:
    coverage = '<?xml version="1.0" ?><coverage version="7.6"><packages/></coverage>'
    assert _parse("reports/coverage.xml", coverage) is None
    declared = _parse("reports/coverage.xml", coverage, explicit=True)
    assert declared is not None and declared.message == formats.NOT_EVIDENCE


# -- Great Expectations ------------------------------------------------------------------


def test_gx_checkpoint_sample_fails_on_its_deliberate_failure() -> None:
    evidence = _ok("cp.json", GX_CHECKPOINT.read_bytes())
    assert (evidence.format, evidence.passed, evidence.executed, evidence.failures) == (
        "great-expectations",
        False,
        3,
        1,
    )
    assert evidence.location.line == 2  # "success": false


def test_gx_stored_validation_result_is_read() -> None:
    # A stored result (gx/uncommitted/validations/...) is one element of the checkpoint's
    # validation_results, written on its own.
    result = json.loads(GX_CHECKPOINT.read_bytes())["validation_results"][0]
    assert _ok("v.json", json.dumps(result)).failures == 1
    result["success"] = True
    result["statistics"]["unsuccessful_expectations"] = 0
    evidence = _ok("v.json", json.dumps(result, indent=2))
    assert (evidence.passed, evidence.executed) == (True, 3)


def test_gx_without_evaluated_expectations_fails_or_is_invalid() -> None:
    zero = {"success": True, "statistics": {"evaluated_expectations": 0}}
    assert _ok("v.json", json.dumps(zero)).passed is False
    broken = _parse("v.json", json.dumps({"success": True, "statistics": {}}))
    assert broken is not None and broken.status == "invalid"


# -- mlpolicy records --------------------------------------------------------------------


def test_record_passing_with_hashes() -> None:
    evidence = _ok("r.json", json.dumps(_record()))
    assert evidence.passed and evidence.format == "mlpolicy"
    assert dict(evidence.inputs_sha256 or {}) == {"dvc.yaml": SHA}
    assert evidence.pipelines == ("dvc.yaml",) and evidence.executed == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "failed"},
        {"junit": {"path": "t.xml", "tests": 2, "failures": 1, "errors": 0, "skipped": 0}},
        {"junit": {"path": "t.xml", "tests": 2, "failures": 0, "errors": 0, "skipped": 2}},
        {"checks": [{"name": "a", "status": "failed"}]},
    ],
)
def test_record_failures(changes: dict[str, Any]) -> None:
    evidence = _ok("r.json", json.dumps(_record(**changes), indent=2))
    assert not evidence.passed
    assert evidence.location.line is not None  # at "status"


def test_record_without_junit_counts_its_checks() -> None:
    record = _record(checks=[{"name": "a", "status": "skipped"}])
    del record["junit"]
    evidence = _ok("r.json", json.dumps(record))
    assert (evidence.passed, evidence.executed, evidence.skipped) == (False, 0, 1)


@pytest.mark.parametrize(
    ("record", "words", "marker"),
    [
        (_record(status="ok"), '"status" must be one of', '"status"'),
        (_record(inputs_sha256={"dvc.yaml": "xyz"}), "does not match", '"dvc.yaml": "xyz"'),
        (_record(extra=1), 'unknown key "extra"', '"extra"'),
        ({k: v for k, v in _record().items() if k != "checks"}, '"checks"', None),
        (_record(schema="mlpolicy.validation/v2"), '"schema" must be', '"schema"'),
    ],
)
def test_record_schema_violations_are_invalid(
    record: dict[str, Any], words: str, marker: str | None
) -> None:
    text = json.dumps(record, indent=2)
    evidence = _parse("r.json", text)
    assert evidence is not None and evidence.status == "invalid"
    assert words in evidence.message
    if marker is not None:
        lines = text.splitlines()
        assert evidence.location.line == next(i for i, x in enumerate(lines, 1) if marker in x)


def test_deep_record_is_refused_before_validation() -> None:
    text = json.dumps(_record(checks="DEEP")).replace('"DEEP"', "[" * 5000 + "]" * 5000)
    evidence = _parse("r.json", text)
    assert evidence is not None and evidence.status == "invalid"


def test_broken_json_has_its_line() -> None:
    evidence = _parse("r.json", '{\n  "schema": \n}')
    assert evidence is not None and evidence.status == "invalid" and evidence.location.line == 3


def test_unrelated_json_is_ignored_unless_declared() -> None:
    assert _parse("x.json", '{"a": 1}') is None
    assert _parse("x.json", '{"a": 1}', explicit=True) is not None
    assert _parse("x.txt", "hello", explicit=True) is not None
    assert _parse("x.txt", "hello") is None


# -- never raise -------------------------------------------------------------------------

_NAMES = st.sampled_from(["t.xml", "r.json", "x.txt"])


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), _NAMES, st.booleans())
def test_arbitrary_bytes_never_raise(data: bytes, name: str, explicit: bool) -> None:
    _parse(name, data, explicit)


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 10**20), st.floats(), st.text(max_size=70)
)
_KEYS = st.sampled_from(
    [
        "schema",
        "pipeline",
        "status",
        "validated_at",
        "commit",
        "inputs_sha256",
        "checks",
        "junit",
        "name",
        "path",
        "tests",
        "failures",
        "errors",
        "skipped",
        "success",
        "statistics",
        "evaluated_expectations",
        "unsuccessful_expectations",
        "validation_results",
        "details",
    ]
)
_SHAPED = st.recursive(
    _SCALARS | st.just("mlpolicy.validation/v1") | st.just(SHA),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(_KEYS | st.text(max_size=5), inner, max_size=6)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(_SHAPED)
def test_arbitrary_json_evidence_never_raises(value: object) -> None:
    _parse("r.json", json.dumps(value), explicit=True)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(_KEYS, _SHAPED, max_size=8))
def test_records_with_arbitrary_fields_never_raise(fields: dict[str, object]) -> None:
    _parse("r.json", json.dumps(_record(**fields)), explicit=True)


_XML_PARTS = st.sampled_from(
    [
        "<testsuites>",
        "</testsuites>",
        "<testsuite",
        ' tests="3"',
        ' skipped="x"',
        ' failures="-1"',
        ">",
        "</testsuite>",
        "<testcase",
        ' name="a"',
        "/>",
        "<failure/>",
        "<skipped>",
        "</skipped>",
        "<error message='e'/>",
        "&amp;",
        "&lol;",
        "<![CDATA[x]]>",
        "<!-- c -->",
        "\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_XML_PARTS, max_size=25))
def test_arbitrary_xml_never_raises(parts: list[str]) -> None:
    _parse("t.xml", "".join(parts), explicit=True)


# -- discovery in a project --------------------------------------------------------------


def _project(root: Path, manifest: str, files: dict[str, bytes | str]) -> Project:
    root.mkdir(parents=True, exist_ok=True)
    (root / "mlpolicy.yaml").write_text(manifest, encoding="utf-8")
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return Project(Repository.containing(root, False), root / "mlpolicy.yaml", Settings())


def test_default_locations(tmp_path: Path) -> None:
    stored = json.loads(GX_CHECKPOINT.read_bytes())["validation_results"][0]
    project = _project(
        tmp_path,
        "version: 1\nphase: pipeline\n",
        {
            "reports/pipeline-validation.json": json.dumps(_record()),
            "reports/pipeline-tests.xml": JUNIT.read_bytes(),
            "reports/coverage.xml": "<coverage/>",
            "gx/uncommitted/validations/suite/run/2026/batch.json": json.dumps(stored),
            "gx/uncommitted/data_docs/index.json": '{"not": "evidence"}',
        },
    )
    found = validation.read(project)
    assert validation.read(project) is found
    assert [(e.rel, e.format, e.passed) for e in found.evidence] == [
        ("reports/pipeline-validation.json", "mlpolicy", True),
        ("reports/pipeline-tests.xml", "junit", True),
        ("gx/uncommitted/validations/suite/run/2026/batch.json", "great-expectations", False),
    ]
    assert [(u.rel, u.reason) for u in found.unrecognised] == [
        ("reports/coverage.xml", "XML that is not a JUnit report"),
    ]
    assert project.artifacts[("pipeline_validation", "reports/coverage.xml")].status == (
        "unrecognised"
    )
    assert len(project.artifacts) == 4


def test_declared_missing_directory_and_bad_file(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "version: 1\nphase: pipeline\nartifacts:\n  pipeline_validation:\n"
        "    - reports/missing.json\n    - checks/\n    - empty/\n    - notes.txt\n",
        {
            "checks/a/t.xml": JUNIT.read_bytes(),
            "empty/readme.md": "nothing here",
            "notes.txt": "all good, trust me",
        },
    )
    found = validation.read(project)
    assert [(a.rel, a.reason, a.location.line) for a in found.absent] == [
        ("reports/missing.json", "does not exist", 5),
        ("empty", "holds no validation evidence", 7),
        ("notes.txt", "is not recognised: not a JSON or XML file", 8),
    ]
    assert [(e.rel, e.status) for e in found.evidence] == [("checks/a/t.xml", "ok")]
    assert [e.rel for e in found.usable] == ["checks/a/t.xml"]


def test_inputs_resolve_against_the_manifest_directory(tmp_path: Path) -> None:
    project = _project(
        tmp_path / "repo" / "churn", "version: 1\nphase: pipeline\n", {"dvc.yaml": "x"}
    )
    (tmp_path / "repo" / ".git").mkdir()  # make repo/ the repository root
    project = Project(
        Repository.containing(tmp_path / "repo", False),
        tmp_path / "repo" / "churn" / "mlpolicy.yaml",
        Settings(),
    )
    record = _record(inputs_sha256={"dvc.yaml": SHA, "../shared/x.py": SHA, "/etc/passwd": SHA})
    evidence = _ok("churn/r.json", json.dumps(record))
    resolved = validation.resolve_inputs(project, evidence)
    assert sorted(resolved) == ["../shared/x.py", "dvc.yaml"]
    assert validation.file_sha256(resolved["dvc.yaml"]) == hashlib.sha256(b"x").hexdigest()
    assert validation.file_sha256(resolved["../shared/x.py"]) is None
    assert "/etc/passwd" in project.escapes
