"""The model card: the manifest's path, ``MODEL_CARD.md``, or a Hugging Face ``README.md``.

Its sections are matched like the design doc's, except that a section's text includes all
of its subsections: a Hugging Face "## Intended uses & limitations" whose only prose sits
in "#### Limitations and bias" fills both sections.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.artifacts import markdown
from mlpolicy.artifacts.markdown import MarkdownDocument, MarkdownFile
from mlpolicy.artifacts.sections import SectionMatch, match_sections

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "model_card"
DEFAULTS = ("MODEL_CARD.md", "model_card.md", "README.md")


def is_model_card(path: Path, document: MarkdownDocument) -> bool:
    """A README is a model card only when its front matter has ``model-index`` (Hugging Face)."""
    return path.name != "README.md" or "model-index" in document.front_matter.value


def load(project: Project) -> MarkdownFile | None:
    """The project's model card, or None when none is declared and none exists by default."""
    return project.cached(
        "artifacts.model_card", lambda: markdown.locate(project, KIND, DEFAULTS, is_model_card)
    )


def sections(project: Project) -> tuple[SectionMatch, ...]:
    """The policy's required model-card sections matched against the readable card."""
    found = load(project)
    if found is None or found.status != "ok":
        return ()
    spec = project.policy.model_card.sections
    return project.cached(
        "artifacts.model_card.sections",
        lambda: match_sections(found.document, spec, whole=True),
    )
