"""``mlpolicy status --format markdown``: one table per project, for a job summary or PR comment.

Repository text (paths, messages) goes into code spans or is escaped, so it cannot add
links, emphasis, HTML or @mentions.
"""

from __future__ import annotations

import re

from mlpolicy.commands.status.readiness import MET, UNMET, ProjectStatus, RequirementStatus, Status
from mlpolicy.findings import Finding

_MARKS = {MET: "✅", UNMET: "❌"}
_HEAD = ["| Phase | Requirement | Status | Found, or what fails |", "|---|---|---|---|"]


def render(status: Status, color: bool = False) -> str:
    """The readiness of every project as GitHub-flavoured Markdown."""
    lines = ["## mlpolicy status", ""]
    if status.findings:
        lines += [f"- {_finding(f)}" for f in status.findings] + [""]
    for project in status.projects:
        lines += [*_project(project), ""]
    lines += [f"> {_cell(note)}" for note in status.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def _project(project: ProjectStatus) -> list[str]:
    title = f"### {_code(project.root)} ({_code(project.manifest)})"
    if project.phase is None:
        return [title, "", "The manifest or its policy cannot be used:", ""] + [
            f"- {_finding(f)}" for f in project.general
        ]
    lines = [title, "", f"Phase: **{_cell(project.phase)}**", "", *_HEAD]
    for phase in project.phases:
        role = "" if phase.role == "earlier" else f" ({phase.role})"
        for index, row in enumerate(phase.requirements):
            name = f"{_cell(phase.id)}{role}" if index == 0 else ""
            mark = _MARKS.get(row.status, "⚠️")
            lines.append(f"| {name} | {_cell(row.label)} | {mark} {row.status} | {_detail(row)} |")
    if project.general:
        lines += ["", "The project as a whole:", ""] + [f"- {_finding(f)}" for f in project.general]
    return [*lines, "", *_advance(project)]


def _detail(row: RequirementStatus) -> str:
    if row.findings:
        return "<br>".join(_finding(f) for f in row.findings[:3])
    return ", ".join(f"{_code(a.path)} ({_cell(a.format)})" for a in row.artifacts)


def _advance(project: ProjectStatus) -> list[str]:
    if not project.blocking:
        if project.next_phase is None:
            return [f"Every requirement is met ({_cell(project.phase or '')} is the last phase)."]
        return [f"Ready to advance to **{_cell(project.next_phase)}** (`mlpolicy advance`)."]
    title = (
        f"To advance to **{_cell(project.next_phase)}**:"
        if project.next_phase
        else f"To pass at **{_cell(project.target or '')}**:"
    )
    return [title, "", *(f"- {_finding(f)}" for f in project.blocking)]


def _finding(finding: Finding) -> str:
    where = f" {_code(str(finding.location))}" if finding.location else ""
    return f"{finding.rule}{where} {_cell(finding.message)}"


def _cell(text: str) -> str:
    """Text safe inside a table cell: no HTML, no column breaks, no line breaks, no markup."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([\\`*_\[\]|#@!~])", r"\\\1", text)
    return " ".join(text.splitlines())


def _code(text: str) -> str:
    """``text`` as a code span that survives backticks inside it (and ``|`` in tables)."""
    text = " ".join(text.splitlines())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}".replace("|", "\\|")
