"""The markdown report: verdict, a section per project with its phase, safe table cells."""

from __future__ import annotations

import re

import ideation
from conftest import Repo

from mlpolicy.findings import CheckResult, Location
from mlpolicy.report import markdown
from mlpolicy.report.links import rule_url
from report import results

ROW = re.compile(r"^\| \[(MLP\d{3})\]\(([^)]+)\) ")


def _rows(text: str) -> list[str]:
    return [line for line in text.split("\n") if ROW.match(line)]


def _cells(row: str) -> list[str]:
    """A table row split as GitHub splits it: on pipes not escaped with a backslash."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def test_verdict_and_one_section_per_project() -> None:
    text = markdown.render(results.sample())
    assert text.startswith("## ❌ mlpolicy: failed, ")
    assert "### Outside any project" in text
    assert "### `.` ❌ 1 finding" in text
    assert "### `svc/churn` ❌ 6 findings" in text  # the waived one does not count
    assert "Compared with base `main`." in text
    assert markdown.render(results.clean()).startswith("## ✅ mlpolicy: passed, 0 errors")


def test_phase_progress_marks_the_current_phase_and_what_fails() -> None:
    text = markdown.render(results.sample())
    # MLP201 (experiments) fails the current phase; design-doc errors fail ideation.
    assert "Phase: ideation ✗ → **experimentation** ✗ → pipeline → production" in text
    assert "Phase: unknown" in text  # the root project's manifest is invalid
    clean = markdown.render(results.clean())
    assert "Phase: ideation ✓ → experimentation ✓ → **pipeline** ✓ → production" in clean


def test_a_custom_policy_shows_the_phase_without_the_built_in_progress() -> None:
    custom = CheckResult(projects=(results.project("p", "beta", policy="org/policy.yaml"),))
    assert "Phase: **`beta`**\n" in markdown.render(custom)


def test_every_finding_is_a_row_linking_to_its_rule_doc() -> None:
    result = results.sample()
    rows = _rows(markdown.render(result))
    assert len(rows) == len(result.all_findings())
    for row in rows:
        rule, url = ROW.match(row).groups()  # type: ignore[union-attr]
        assert url == rule_url(rule)
        assert len(_cells(row)) == 4
    waived = next(r for r in rows if r.startswith("| [MLP101]"))
    assert _cells(waived)[1] == "error (waived)"


def test_messages_are_code_spans_with_pipes_and_controls_escaped() -> None:
    rows = _rows(markdown.render(results.sample()))
    awkward = next(r for r in rows if r.startswith("| [MLP201]"))
    message = _cells(awkward)[3]
    assert message == (
        '``a "quoted" 100% \\| pipe, comma: colon\\r\\nnext line\\n<b>&amp;</b> `tick` \\x1b[0m``'
    )
    assert "\r" not in awkward and "\n" not in awkward and "\x1b" not in awkward


def test_locations_are_code_spans_that_survive_backticks_and_pipes() -> None:
    odd = results.finding("MLP101", "x", Location("a`b|c.md", 3, 1))
    result = CheckResult(projects=(results.project("p", "ideation", (odd,)),))
    (row,) = _rows(markdown.render(result))
    assert _cells(row)[2] == "``a`b\\|c.md:3:1``"


def test_a_long_list_is_cut_with_a_pointer_to_the_full_reports() -> None:
    many = tuple(
        results.finding("MLP103", f"TODO {i}", Location("d.md", i + 1))
        for i in range(markdown.MAX_ROWS + 5)
    )
    result = CheckResult(projects=(results.project("p", "ideation", many),))
    text = markdown.render(result)
    assert len(_rows(text)) == markdown.MAX_ROWS
    assert "…and 5 more" in text


def test_a_real_check_is_byte_identical_across_runs(repo: Repo) -> None:
    repo.write({**ideation.complete("good/"), **ideation.incomplete("bad/")})
    repo.commit()
    first, second = repo.check("--format", "markdown"), repo.check("--format", "markdown")
    assert first.code == 1 and first.stdout == second.stdout
    assert "### `good` ✅ ok" in first.stdout
    assert "Phase: **ideation** ✗ → experimentation → pipeline → production" in first.stdout
    (row,) = _rows(first.stdout)
    assert row.startswith("| [MLP102]") and "`bad/docs/design.md`" in row
