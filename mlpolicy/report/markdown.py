"""The ``markdown`` report: a job summary or pull-request comment, one section per project."""

from __future__ import annotations

import functools
import re

from mlpolicy.findings import CheckResult, Finding, ProjectResult, Severity
from mlpolicy.policy import BUILTIN, builtin
from mlpolicy.report import counts, plural
from mlpolicy.report.escape import controls
from mlpolicy.report.links import rule_url
from mlpolicy.rules import RULES_BY_ID

# A job summary holds at most 1 MiB and a PR comment 65,536 characters; past this many
# rows the table is cut and the JSON or SARIF report has the rest.
MAX_ROWS = 200
_TABLE_HEAD = ["| Rule | Severity | Location | Message |", "|---|---|---|---|"]


def render(result: CheckResult, color: bool = False) -> str:
    """The report as GitHub-flavoured Markdown."""
    icon = "✅" if result.passed else "❌"
    lines = [f"## {icon} mlpolicy: {verdict(result)}", ""]
    if result.base is not None:
        commit = f" ({result.base.commit[:12]})" if result.base.commit else ""
        lines += [f"Compared with base {_code(result.base.ref)}{commit}.", ""]
    budget = [MAX_ROWS]
    if result.findings:
        lines += ["### Outside any project", "", *_table(result.findings, budget), ""]
    for project in result.projects:
        lines += [*_project(project, budget), ""]
    lines += [f"> {_code(note)}" for note in result.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def verdict(result: CheckResult) -> str:
    """``Passed``/``Failed`` with the counts, in one line."""
    state = "passed" if result.passed else "failed"
    return f"{state}, {counts(result)} in {plural(len(result.projects), 'project')}"


def _project(project: ProjectResult, budget: list[int]) -> list[str]:
    open_findings = [f for f in project.findings if not f.waived]
    state = "✅ ok" if not open_findings else f"❌ {plural(len(open_findings), 'finding')}"
    lines = [f"### {_code(project.root)} {state}", "", f"Phase: {_progress(project)}", ""]
    if project.findings:
        lines += _table(project.findings, budget)
    else:
        lines.append("Every requirement of this phase and the earlier ones is met.")
    return lines


def _progress(project: ProjectResult) -> str:
    """``ideation ✓ → **experimentation** ✗ → pipeline → production`` for the built-in phases."""
    if project.phase is None:
        return "unknown (the manifest is not valid)"
    # Only the built-in policy's phases are known here; a custom policy may define others.
    phases = builtin().phase_ids
    if project.policy_source != BUILTIN or project.phase not in phases:
        return f"**{_code(project.phase)}**"
    current = phases.index(project.phase)
    failing = {_phase_of(f.rule) for f in project.findings if _blocks(f)}
    steps = []
    for index, phase in enumerate(phases):
        name = f"**{phase}**" if index == current else phase
        mark = "" if index > current else (" ✗" if index in failing else " ✓")
        steps.append(name + mark)
    return " → ".join(steps)


def _blocks(finding: Finding) -> bool:
    return not finding.waived and finding.severity is Severity.ERROR


@functools.cache
def _phase_of(rule_id: str) -> int | None:
    """The index of the built-in phase whose requirement rule ``rule_id`` guards."""
    rule = RULES_BY_ID.get(rule_id)
    for index, phase in enumerate(builtin().phases):
        if rule is not None and rule.requirement in phase.requires:
            return index
    return None


def _table(findings: tuple[Finding, ...], budget: list[int]) -> list[str]:
    shown = findings[: max(budget[0], 0)]
    budget[0] -= len(shown)
    lines = [*_TABLE_HEAD, *(_row(f) for f in shown)] if shown else []
    if len(shown) < len(findings):
        lines.append(f"\n…and {len(findings) - len(shown)} more (see the JSON or SARIF report).")
    return lines


def _row(finding: Finding) -> str:
    rule = f"[{finding.rule}]({rule_url(finding.rule)}) {finding.name}"
    severity = f"{finding.severity.value} (waived)" if finding.waived else finding.severity.value
    message = _inline(finding.message)
    if finding.hint and not finding.waived:
        message += f"<br>*hint:* {_inline(finding.hint)}"
    return f"| {rule} | {severity} | {_where(finding)} | {message} |"


def _where(finding: Finding) -> str:
    return "-" if finding.location is None else _inline(str(finding.location))


def _inline(text: str) -> str:
    """Repository text inside a table cell: a code span, with its pipes escaped.

    GitHub splits table cells on "|" even inside code spans, where "\\|" shows as "|".
    """
    return _code(text).replace("|", "\\|")


def _code(text: str) -> str:
    """``text`` as a code span that survives backticks inside it.

    Repository text goes in code spans: inside one nothing is a link, an image, emphasis,
    HTML or an @mention, and GitHub autolinks no URL. Control characters (a line break
    would end the span or the table row) are shown escaped, as in the text report.
    """
    text = controls(text)
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"
