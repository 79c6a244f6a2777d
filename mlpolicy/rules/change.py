"""Rules about the change itself in pull-request mode: MLP502, MLP503, MLP504."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts


def phase_skipped(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    In pull-request mode (`--base`), flags a change that moves the manifest's `phase`
    forward by more than one step of the policy's phase order, for example from
    `ideation` straight to `pipeline`.

    ## Why is this bad?
    Each phase ends with an outcome the next one builds on: an approved design, then
    experiments good enough for production, then validated pipelines. Jumping ahead in one
    change skips the review in which the intermediate outcome would have been examined on
    its own. `mlpolicy advance` moves one phase at a time.

    ## Example
    ```yaml title="mlpolicy.yaml" base
    version: 1
    phase: ideation
    ```

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: pipeline
    ```

    ## Fix
    Move one phase in this change, and the next in a later one.

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: experimentation
    ```
    """
    steps = _steps(facts)
    if steps is not None and steps[1] - steps[0] > 1:
        ids = facts.policy.phase_ids
        skipped = ", ".join(ids[steps[0] + 1 : steps[1]])
        yield Problem(
            f'the change moves phase from "{ids[steps[0]]}" to "{ids[steps[1]]}",'
            f" skipping {skipped}",
            facts.manifest_location(("phase",)),
            f'Move to "{ids[steps[0] + 1]}" in this change; advance again once its'
            " requirements pass (`mlpolicy advance`).",
        )


def phase_regressed(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    In pull-request mode (`--base`), warns when a change moves the manifest's `phase`
    backwards, for example from `pipeline` to `experimentation`.

    ## Why is this bad?
    Going back is sometimes right (the model needs re-planning), but it also switches off
    the later phases' requirements, so a failing pipeline or monitoring check goes quiet.
    The warning makes the step visible in review.

    ## Example
    ```yaml title="mlpolicy.yaml" base
    version: 1
    phase: experimentation
    ```

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```

    ## Fix
    Keep the phase, and fix the findings that made going back tempting.

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: experimentation
    ```
    """
    steps = _steps(facts)
    if steps is not None and steps[1] < steps[0]:
        ids = facts.policy.phase_ids
        yield Problem(
            f'the change moves phase back from "{ids[steps[0]]}" to "{ids[steps[1]]}"',
            facts.manifest_location(("phase",)),
            "If the project really goes back, say why in the pull request; the later"
            " phases' requirements are no longer checked.",
        )


def _steps(facts: ProjectFacts) -> tuple[int, int] | None:
    """Positions of the base and the changed phase in the policy's order, if both are known."""
    if facts.manifest is None or facts.base_phase is None:
        return None
    ids = facts.policy.phase_ids
    if facts.base_phase not in ids or facts.manifest.phase not in ids:
        return None
    return ids.index(facts.base_phase), ids.index(facts.manifest.phase)


def policy_changed(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    In pull-request mode (`--base`), warns that the change edits what the project is
    judged by: the manifest's `policy:`, the policy file's content, `waivers` or
    `quality_bar`, and the `[tool.mlpolicy]` settings of the root `pyproject.toml` (with
    the policy file they or `--policy` name). The check applies the base version of each,
    so a change cannot lower its own bar or waive its own failure; the edit takes effect
    once merged. A new project's waivers likewise apply only after the change that adds
    them is merged.

    ## Why is this bad?
    A pull request that fails the quality bar could otherwise pass by lowering the bar in
    the same diff, and a reviewer skimming the code might not notice. Splitting the two
    makes the policy change its own, visible decision.

    ## Example
    ```yaml title="mlpolicy.yaml" base
    version: 1
    phase: ideation
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.80
    ```

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.70
    ```

    ## Fix
    Keep the bar in this change; propose the new one in a pull request of its own.

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    quality_bar:
      metric: val_auc
      goal: maximize
      threshold: 0.80
    ```
    """
    yield from facts.base_changes


RULES = (
    build_rule(
        "MLP502",
        "phase-skipped",
        Severity.ERROR,
        None,
        "The change moves `phase` forward by more than one step",
        phase_skipped,
    ),
    build_rule(
        "MLP503",
        "phase-regressed",
        Severity.WARNING,
        None,
        "The change moves `phase` backwards",
        phase_regressed,
    ),
    build_rule(
        "MLP504",
        "policy-changed",
        Severity.WARNING,
        None,
        "The change edits policy, waivers or quality bar; the base version was applied",
        policy_changed,
    ),
)
