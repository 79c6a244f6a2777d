"""The design doc: found where the manifest says (or at the default places), read once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlpolicy.artifacts import markdown
from mlpolicy.artifacts.markdown import MarkdownFile
from mlpolicy.artifacts.sections import SectionMatch, match_sections

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "design_doc"
# In this order; the first that exists is the design doc (declare the path to choose another).
DEFAULTS = ("docs/design.md", "docs/design/*.md", "DESIGN.md", "design.md")


def load(project: Project) -> MarkdownFile | None:
    """The project's design doc, or None when none is declared and none exists by default."""
    return project.cached("artifacts.design_doc", lambda: markdown.locate(project, KIND, DEFAULTS))


def readable(project: Project) -> MarkdownFile | None:
    """The design doc when it exists and could be read; the content rules look only at this."""
    found = load(project)
    return found if found is not None and found.status == "ok" else None


def sections(project: Project) -> tuple[SectionMatch, ...]:
    """The policy's required sections matched against the readable design doc's headings."""
    found = readable(project)
    if found is None:
        return ()
    spec = project.policy.design_doc.sections
    return project.cached(
        "artifacts.design_doc.sections", lambda: match_sections(found.document, spec)
    )
