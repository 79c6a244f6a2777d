"""What the pipeline format readers say about one file: its defects, or why it is no pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NotPipeline:
    """Why a file read as a pipeline candidate is not one."""

    reason: str


@dataclass(frozen=True, slots=True)
class Defect:
    """What is wrong in a definition, and where (1-based; None when unknown)."""

    message: str
    line: int | None = None
    column: int | None = None
