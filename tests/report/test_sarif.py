"""The SARIF report: valid SARIF 2.1.0, in the shape GitHub code scanning accepts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import ideation
import pytest
from conftest import Repo
from jsonschema import Draft202012Validator

from mlpolicy.findings import CheckResult, Location
from mlpolicy.report import sarif
from mlpolicy.rules import ALL_RULES
from report import results

SCHEMA = json.loads((Path(__file__).parents[1] / "vendor" / "sarif-2.1.0.json").read_text())


def _log(result: CheckResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(result))
    return data


def _results(result: CheckResult) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _log(result)["runs"][0]["results"]
    return found


@pytest.mark.parametrize("result", [results.sample(), results.clean()], ids=["sample", "clean"])
def test_validates_against_the_sarif_schema(result: CheckResult) -> None:
    Draft202012Validator.check_schema(SCHEMA)
    Draft202012Validator(SCHEMA).validate(_log(result))


def test_driver_lists_the_whole_catalogue_with_help() -> None:
    driver = _log(results.clean())["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [r.id for r in ALL_RULES]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://") and rule["id"] in rule["helpUri"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    implemented = next(r for r in driver["rules"] if r["id"] == "MLP003")
    assert "## Why is this bad?" in implemented["help"]["markdown"]


def test_every_result_resolves_to_its_rule() -> None:
    log = _log(results.sample())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_every_result_has_a_location_because_github_rejects_the_upload_otherwise() -> None:
    by_message = {r["message"]["text"]: r for r in _results(results.sample())}
    for result in by_message.values():
        (location,) = result["locations"]
        uri = location["physicalLocation"]["artifactLocation"]["uri"]
        assert uri and not uri.startswith("/") and " " not in uri
    # No location: anchored at the project's manifest, or for a run finding the first one.
    assert _uri(by_message[results.AWKWARD]) == "svc/churn/mlpolicy.yaml"
    assert _uri(by_message["base main is unknown"]) == "mlpolicy.yaml"


def test_uris_are_repo_relative_and_percent_encoded() -> None:
    uris = {_uri(r) for r in _results(results.sample())}
    assert "svc/churn/docs/design%20doc%20%C3%BC.md" in uris


def test_regions_are_one_based_and_line_one_when_unknown() -> None:
    for result in _results(results.sample()):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region.get("startColumn", 1) >= 1
    located = [r for r in _results(results.sample()) if r["message"]["text"] == "TODO left in"]
    assert [r["locations"][0]["physicalLocation"]["region"] for r in located] == [
        {"startLine": 9},
        {"startLine": 12, "startColumn": 5},
    ]
    # A finding about a whole file (no line, or a 0 that means "unknown") opens it at line 1.
    zero = CheckResult(
        projects=(
            results.project(
                "p", "ideation", (results.finding("MLP101", "x", Location("p/a.md", 0, 0)),)
            ),
        )
    )
    assert _results(zero)[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    by_message = {r["message"]["text"]: r for r in _results(results.sample())}
    for unlocated in ("no model card", results.AWKWARD, "base main is unknown"):
        region = by_message[unlocated]["locations"][0]["physicalLocation"]["region"]
        assert region == {"startLine": 1}


def test_levels_and_suppressions() -> None:
    by_rule = {r["ruleId"]: r for r in _results(results.sample())}
    assert [by_rule[rule]["level"] for rule in ("MLP102", "MLP406", "MLP007")] == [
        "error",
        "warning",
        "note",
    ]
    (suppression,) = by_rule["MLP101"]["suppressions"]
    assert suppression["kind"] == "external" and suppression["justification"]
    assert "suppressions" not in by_rule["MLP102"]


def test_fingerprints_ignore_the_line_but_tell_duplicates_apart() -> None:
    first = _results(results.sample())
    fingerprints = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in first]
    assert len(set(fingerprints)) == len(fingerprints)
    moved = results.sample()
    churn = moved.projects[1]
    shifted = tuple(
        replace(f, location=replace(f.location, line=f.location.line + 10))
        if f.location and f.location.line
        else f
        for f in churn.findings
    )
    moved = replace(moved, projects=(moved.projects[0], replace(churn, findings=shifted)))
    again = [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in _results(moved)]
    assert again == fingerprints


def test_a_real_check_gives_valid_byte_identical_sarif(repo: Repo) -> None:
    repo.write({**ideation.incomplete("svc/churn/"), "other/mlpolicy.yaml": "version: 1\n"})
    repo.commit()
    first, second = repo.check("--format", "sarif"), repo.check("--format", "sarif")
    assert first.code == 1 and first.stdout == second.stdout
    log = first.json()
    Draft202012Validator(SCHEMA).validate(log)
    found = {(r["ruleId"], _uri(r)) for r in log["runs"][0]["results"]}
    assert ("MLP102", "svc/churn/docs/design.md") in found
    assert ("MLP003", "other/mlpolicy.yaml") in found


def _uri(result: dict[str, Any]) -> str:
    uri: str = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    return uri


MULTITOOL = "@microsoft/sarif-multitool@5.7.0"


@pytest.fixture(scope="module")
def multitool(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Microsoft's SARIF multitool (a self-contained .NET program that npm distributes)."""
    npm = shutil.which("npm")
    if npm is None and not os.environ.get("CI"):
        # The README's test command needs only Python and git; CI has Node.js and must run it.
        pytest.skip(f"npm (Node.js) is needed to fetch {MULTITOOL}; CI always runs this test")
    assert npm, f"the SARIF tests need npm (Node.js) to fetch {MULTITOOL}"
    prefix = tmp_path_factory.mktemp("sarif-multitool")
    subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--prefer-offline",
         "--no-save", MULTITOOL],
        check=True, capture_output=True,
    )  # fmt: skip
    launcher = prefix / "node_modules" / "@microsoft" / "sarif-multitool" / "bin.js"
    return [shutil.which("node") or "node", str(launcher)]


@pytest.mark.slow
def test_the_sarif_multitool_validates_without_a_warning(
    multitool: list[str], repo: Repo, tmp_path: Path
) -> None:
    repo.write({**ideation.incomplete("svc/churn/"), "other/mlpolicy.yaml": "version: 1\n"})
    repo.commit()
    checked = tmp_path / "check.sarif"
    checked.write_text(repo.check("--format", "sarif").stdout, encoding="utf-8")
    sample = tmp_path / "sample.sarif"
    sample.write_text(sarif.render(results.sample()), encoding="utf-8")
    for log in (checked, sample):
        verdict = tmp_path / f"{log.stem}.validation.sarif"
        done = subprocess.run(
            [*multitool, "validate", str(log), "--output", str(verdict)],
            capture_output=True,
            text=True,
            env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
        )
        assert done.returncode == 0, done.stdout + done.stderr
        found = json.loads(verdict.read_text(encoding="utf-8-sig"))["runs"][0]["results"]
        assert found == [], [r["message"] for r in found]
        assert "SARIF2017" not in done.stdout  # "The 'region' property is absent"
