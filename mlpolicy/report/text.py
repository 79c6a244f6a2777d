"""The ``text`` report: ruff-like lines with a hint, grouped by project, then a summary."""

from __future__ import annotations

from mlpolicy.findings import CheckResult, Finding, ProjectResult, Severity
from mlpolicy.report import counts, plural
from mlpolicy.report.escape import controls

_STYLES = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "cyan": "36", "green": "32"}
_SEVERITY_STYLE = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if self.enabled else text


def render(result: CheckResult, color: bool = False) -> str:
    """The report as terminal text."""
    paint = _Paint(color)
    lines: list[str] = []
    for finding in result.findings:
        lines += _finding(finding, paint)
    for project in result.projects:
        lines += _project(project, paint)
    lines += [f"note: {controls(note)}" for note in result.notes]
    lines.append(_summary(result, paint))
    return "\n".join(lines) + "\n"


def _project(project: ProjectResult, paint: _Paint) -> list[str]:
    phase = controls(project.phase) if project.phase else "phase unknown"
    open_findings = [f for f in project.findings if not f.waived]
    verdict = paint("ok", "green") if not open_findings else plural(len(open_findings), "finding")
    lines = [f"{paint(controls(project.root), 'bold')} [{phase}] {verdict}"]
    for finding in project.findings:
        lines += _finding(finding, paint)
    return lines


def _finding(finding: Finding, paint: _Paint) -> list[str]:
    label = paint(finding.rule, _SEVERITY_STYLE[finding.severity] if not finding.waived else "dim")
    suffix = ""
    if finding.waived:
        suffix = paint(" (waived)", "dim")
    elif finding.severity is not Severity.ERROR:
        suffix = f" ({finding.severity.value})"
    message = controls(finding.message)
    lines = [f"{paint(_where(finding), 'bold')}: {label} {finding.name}  {message}{suffix}"]
    if finding.hint and not finding.waived:
        lines.append(f"  {paint('hint:', 'cyan')} {controls(finding.hint)}")
    return lines


def _where(finding: Finding) -> str:
    return controls(str(finding.location)) if finding.location else "-"


def _summary(result: CheckResult, paint: _Paint) -> str:
    projects = plural(len(result.projects), "project")
    verdict = paint("Passed", "green") if result.passed else paint("Failed", "red")
    return f"{verdict}: {counts(result)} in {projects}."


def render_quiet(result: CheckResult, color: bool = False) -> str:
    """``--quiet``: only the open findings, each with its hint; nothing when there is none."""
    paint = _Paint(color)
    open_findings = (f for f in result.all_findings() if not f.waived)
    return "".join(f"{line}\n" for finding in open_findings for line in _finding(finding, paint))
