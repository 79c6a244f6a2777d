"""``mlpolicy status`` as aligned terminal text: phases, ticked requirements, what is missing."""

from __future__ import annotations

from mlpolicy.commands.status.readiness import (
    MET,
    UNMET,
    PhaseStatus,
    ProjectStatus,
    RequirementStatus,
    Status,
)
from mlpolicy.findings import Finding

_STYLES = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "green": "32"}
_MARKS = {MET: ("✓", "green"), UNMET: ("✗", "red")}
_SHOWN = 3  # findings listed per requirement under "to advance"; the rest are counted


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{_STYLES[style]}m{text}\x1b[0m" if self.enabled else text


def render(status: Status, color: bool = False) -> str:
    """The readiness of every project, for a terminal."""
    paint = _Paint(color)
    lines = []
    for finding in status.findings:
        lines.append(_finding(finding))
        lines += [f"  hint: {_plain(finding.hint)}"] if finding.hint else []
    for project in status.projects:
        lines += [*_project(project, paint), ""]
    lines += [f"note: {_plain(note)}" for note in status.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def _project(project: ProjectStatus, paint: _Paint) -> list[str]:
    head = f"{paint(_plain(project.root), 'bold')} ({_plain(project.manifest)})"
    if project.phase is None:
        lines = [f"{head}: the manifest or its policy cannot be used"]
        return lines + [f"  {_finding(f)}" for f in project.general] + [_fix_manifest()]
    lines = [f"{head}: phase {project.phase}"]
    width = max((len(r.label) for p in project.phases for r in p.requirements), default=0)
    for phase in project.phases:
        lines += _phase(phase, width, paint)
    if project.general:
        lines.append(paint("  the project as a whole", "bold"))
        lines += [f"    {_finding(f)}" for f in project.general]
    return lines + _advance(project, paint)


def _phase(phase: PhaseStatus, width: int, paint: _Paint) -> list[str]:
    role = "" if phase.role == "earlier" else f" ({phase.role})"
    lines = [paint(f"  {phase.id}{role}", "bold")]
    if not phase.requirements:
        lines.append("    (adds no requirement)")
    for row in phase.requirements:
        mark, style = _MARKS.get(row.status, ("!", "yellow"))
        lines.append(f"    {paint(mark, style)} {row.label:<{width}}  {_detail(row)}".rstrip())
    return lines


def _detail(row: RequirementStatus) -> str:
    if row.status == UNMET:
        return ", ".join(dict.fromkeys(f.rule for f in row.findings))
    found = ", ".join(f"{_plain(a.path)} ({a.format})" for a in row.artifacts[:2])
    if len(row.artifacts) > 2:
        found += f" and {len(row.artifacts) - 2} more"
    if row.status != MET:
        rules = ", ".join(dict.fromkeys(f.rule for f in row.findings))
        found = f"{found}  warning: {rules}" if found else f"warning: {rules}"
    return found


def _advance(project: ProjectStatus, paint: _Paint) -> list[str]:
    target = project.target
    if not project.blocking:
        if project.next_phase is None:
            return [f"  {paint('every requirement is met', 'green')} ({target} is the last phase)"]
        return [f"  {paint(f'ready to advance to {target}', 'green')}: `mlpolicy advance`"]
    title = f"to advance to {target}:" if project.next_phase else f"to pass at {target}:"
    lines = [paint(f"  {title}", "bold")]
    groups = _blocking_by_label(project)
    width = max(len(label) for label in groups)
    for label, findings in groups.items():
        for index, finding in enumerate(findings[:_SHOWN]):
            lines.append(f"    {label if index == 0 else '':<{width}}  {_finding(finding)}")
        if len(findings) > _SHOWN:
            lines.append(f"    {'':<{width}}  and {len(findings) - _SHOWN} more")
    phase = f" --phase {target}" if project.next_phase else ""
    lines.append(f"  `mlpolicy check{phase}` shows each finding with its hint.")
    return lines


def _blocking_by_label(project: ProjectStatus) -> dict[str, list[Finding]]:
    """The blocking findings under their requirement's label, in phase order, project last."""
    labels = {r.id: r.label for p in project.phases for r in p.requirements}
    groups: dict[str, list[Finding]] = {label: [] for label in labels.values()}
    for finding in project.blocking:
        groups.setdefault(labels.get(finding.requirement or "", "project"), []).append(finding)
    return {label: findings for label, findings in groups.items() if findings}


def _finding(finding: Finding) -> str:
    where = f"{_plain(str(finding.location))}: " if finding.location else ""
    return f"{finding.rule} {where}{_plain(finding.message)}"


def _fix_manifest() -> str:
    return "  fix these first: `mlpolicy check` shows each with its hint"


def _plain(text: str) -> str:
    """Repository text with control characters shown escaped, so it cannot drive a terminal."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
