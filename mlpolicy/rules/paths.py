"""MLP008: paths that would lead a reader outside the repository."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts


def artifact_path_escapes(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a path in the manifest (an artifact, `code_paths`, `policy`, a waiver's `path`)
    that is absolute, climbs out of the repository with `..`, or is a symlink whose target
    lies outside the repository; and an artifact found at a default location that is such
    a symlink. The file behind the path is never opened.

    ## Why is this bad?
    Evidence must live in the repository, where it is reviewed and versioned with the code.
    A path outside it proves nothing about this project, and on a shared CI runner it could
    make the checker read, and echo into a public report, files it has no business with.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    artifacts:
      design_doc: ../../etc/passwd
    ```

    ## Fix
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    artifacts:
      design_doc: docs/design.md
    ```
    """
    yield from facts.escapes


RULES = (
    build_rule(
        "MLP008",
        "artifact-path-escapes",
        Severity.ERROR,
        None,
        "A path is absolute, climbs out with `..`, or is a symlink leading outside the repository",
        artifact_path_escapes,
    ),
)
