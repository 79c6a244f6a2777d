"""The github report: workflow commands the Actions runner parses back to the same text."""

from __future__ import annotations

from pathlib import Path

import ideation
import pytest
from conftest import Repo
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy.findings import CheckResult, Location
from mlpolicy.report import github
from report import results

# The runner (actions/runner, ActionCommand) undoes its escapes in this order, "%25" last.
DATA_ESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
PROPERTY_ESCAPES = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner reads it: name, properties, message."""
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    end = line.index("::", 2)
    info, data = line[2:end], line[end + 2 :]
    name, _, raw = info.partition(" ")
    properties = {}
    for pair in filter(None, raw.split(",")):
        key, value = pair.split("=", 1)
        properties[key] = _unescape(value, PROPERTY_ESCAPES)
    return name, properties, _unescape(data, DATA_ESCAPES)


def _unescape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for escaped, plain in escapes:
        text = text.replace(escaped, plain)
    return text


def _commands(result: CheckResult) -> list[tuple[str, dict[str, str], str]]:
    return [parse(line) for line in _lines(github.render(result)) if line.startswith("::")]


def _lines(output: str) -> list[str]:
    """Lines as the runner reads them: only CR and LF end a line (not str.splitlines' set)."""
    return output.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@settings(max_examples=300, deadline=None)
@given(message=st.text(), path=st.text(min_size=1).filter(lambda p: p != "."))
def test_message_and_path_survive_the_runners_unescaping(message: str, path: str) -> None:
    finding = results.finding("MLP102", message, Location(path, 4, 2))
    result = CheckResult(projects=(results.project("p", "ideation", (finding,)),))
    ((name, properties, data),) = _commands(result)
    assert (name, data) == ("error", message)
    assert properties == {
        "file": path,
        "line": "4",
        "col": "2",
        "title": "MLP102 design-doc-section-missing",
    }


def test_awkward_characters_round_trip() -> None:
    for text in ("100%", "a\r\nb", "a:b,c", "%0A", "%250D", "::error::x", results.AWKWARD):
        assert _unescape(github.escape_data(text), DATA_ESCAPES) == text
        assert _unescape(github.escape_property(text), PROPERTY_ESCAPES) == text
        assert ":" not in github.escape_property(text) and "," not in github.escape_property(text)


def test_one_annotation_per_unwaived_finding_with_severity_as_command() -> None:
    commands = _commands(results.sample())
    titles = [props["title"].split()[0] for _, props, _ in commands]
    assert "MLP101" not in titles  # waived
    assert len(commands) == len(results.sample().all_findings()) - 1
    by_rule = {props["title"].split()[0]: (name, props) for name, props, _ in commands}
    assert by_rule["MLP102"][0] == "error"
    assert by_rule["MLP406"][0] == "warning"
    assert by_rule["MLP007"][0] == "notice"


def test_location_properties_only_when_known() -> None:
    by_rule = {props["title"].split()[0]: props for _, props, _ in _commands(results.sample())}
    assert set(by_rule["MLP505"]) == {"title"}  # no location at all
    assert set(by_rule["MLP201"]) == {"title"}
    assert by_rule["MLP406"] == {"file": "svc/churn", "title": "MLP406 model-card-missing"}
    assert "col" not in by_rule["MLP007"] and by_rule["MLP007"]["line"] == "7"
    root = results.finding("MLP001", "no manifest", Location("."))
    ((_, props, _),) = _commands(CheckResult(projects=(), findings=(root,)))
    assert "file" not in props


def test_hint_follows_the_message_on_its_own_line() -> None:
    messages = {p["title"].split()[0]: data for _, p, data in _commands(results.sample())}
    assert messages["MLP102"] == 'Missing section "Success metrics"\nhint: Add it'


def test_the_last_line_is_a_plain_verdict() -> None:
    last = _lines(github.render(results.sample()))[-2]
    assert last.startswith("mlpolicy: failed") and not last.startswith("::")


def test_step_summary_is_appended_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    github.render(results.sample())
    github.render(results.clean())
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# Earlier step\n")
    assert text.count("mlpolicy: failed") == 1 and text.count("mlpolicy: passed") == 1
    assert "[MLP102](" in text  # the full table, not only the ten annotations GitHub shows


def test_an_empty_variable_means_no_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    assert github.render(results.sample()).startswith("::")
    assert list(tmp_path.iterdir()) == []


def test_a_real_check_annotates_and_writes_the_summary(tmp_path: Path, repo: Repo) -> None:
    repo.write(ideation.incomplete("svc/"))
    repo.commit()
    summary = tmp_path / "step-summary.md"
    result = repo.check("--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.code == 1
    commands = [parse(line) for line in _lines(result.stdout) if line.startswith("::")]
    assert [(name, props["file"]) for name, props, _ in commands] == [
        ("error", "svc/docs/design.md")
    ]
    assert "MLP102" in summary.read_text(encoding="utf-8")
