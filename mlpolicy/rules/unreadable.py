"""MLP009: files and folders that had to be read but could not be."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts


def artifact_unreadable(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a file or folder the checker had to read but could not: permission denied, a
    FIFO, device or socket where a file belongs, a symlink loop, or a folder whose entries
    cannot be listed. Artifacts at declared paths, artifacts at default locations, files
    inside artifact folders and the folders themselves are all covered. A manifest that
    cannot be read is MLP002 instead.

    ## Why is this bad?
    What cannot be read cannot be judged. A gate that skipped it would pass on evidence it
    never saw: an unreadable monitoring folder would look like no problem at all, and a
    FIFO would hang the check if it were opened. So the path is named, never opened past
    its type check, and the check fails until it is a readable file or folder.

    ## Example
    The design doc is a symlink to itself, a loop no reader can follow.

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```

    ```text title="docs/design.md" symlink
    design.md
    ```

    ## Fix
    Replace it with the file itself (or fix the link, the permissions, or the special file).

    ```markdown title="docs/design.md"
    # Churn prediction

    ## Problem statement
    The retention team calls five hundred accounts a week, chosen by gut feel alone.

    ## Non-ML baseline
    Tenure under six months with two support tickets flags churners at precision 0.18.

    ## Success metrics
    Precision at five hundred above 0.27 and churn among contacted accounts down a third.

    ## Data
    The customers table, support tickets and billing events, labelled by cancellation.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```
    """
    yield from facts.unreadable


RULES = (
    build_rule(
        "MLP009",
        "artifact-unreadable",
        Severity.ERROR,
        None,
        "A file or folder that must be read cannot be (permission denied, FIFO, symlink loop)",
        artifact_unreadable,
    ),
)
