"""Rules about what git holds: MLP501 artifact-untracked, MLP505 history-unavailable.

Both judge a project's frozen facts: the Read stage recorded the artifacts, and the Ask-git
stage where each stands in the index and what the clone's history could not answer.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from mlpolicy.artifacts import trackers
from mlpolicy.findings import Artifact, Location, Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts

# The policy requirement each artifact kind belongs to: MLP501 takes that requirement's
# severity, so an untracked model card (a warning requirement) is a warning.
REQUIREMENT_BY_KIND = {
    "design_doc": "design_doc",
    "experiments": "experiments",
    "pipelines": "pipelines",
    "pipeline_validation": "pipeline_validation",
    "monitoring": "monitoring",
    "model_card": "model_card",
}
ABSENT = frozenset({"missing", "not-present"})
# A file in an artifact location that matches no format is listed, not relied on: asking
# to commit it (a git-ignored Secret holding tokens, say) would be wrong.
UNUSED = frozenset({"unrecognised"})


def artifact_untracked(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a file the checker relied on that exists on disk but is not in the git index: a
    required artifact (design doc, experiment log, pipeline definition, validation
    evidence, monitoring config, model card), the manifest itself, or the policy file it
    names. Staged files count as tracked, so the pre-commit hook and CI agree. The finding
    takes the severity of the artifact's requirement (an untracked model card is a
    warning, as a missing one is). Outside a git repository, and with `--no-git`, it is
    skipped.

    ## Why is this bad?
    The gate judges the files on disk, but only committed files reach the pull request,
    the reviewers and the next clone. An ignored or forgotten design doc passes on the
    author's machine and is missing everywhere else.

    ## Example
    The design doc exists, but `docs/` is ignored, so it was never committed.

    ```text title=".gitignore"
    docs/
    ```

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```

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

    ## Fix
    Stop ignoring it and commit it (`git add docs/design.md`).

    ```text title=".gitignore" delete
    ```
    """
    index = facts.answers.index
    if not facts.git_used or not facts.manifest_read:
        return
    covered = _covered_stores(index, facts.artifacts)
    for artifact in facts.artifacts:
        if artifact.status in ABSENT | UNUSED or artifact.path in covered:
            continue
        if index.get(artifact.path) in _ON_DISK_NOT_TRACKED:
            requirement = REQUIREMENT_BY_KIND.get(artifact.kind, artifact.kind)
            label = artifact.kind.replace("_", " ")
            export = trackers.export_hint(artifact.format, artifact.path, facts.root)
            yield _untracked(index, artifact.path, label, requirement, export)
    for path in (facts.manifest_path, *facts.policy_files):
        if index.get(path) in _ON_DISK_NOT_TRACKED:
            label = "manifest" if path == facts.manifest_path else "policy file"
            yield _untracked(index, path, label, None)


_ON_DISK_NOT_TRACKED = frozenset({"untracked", "ignored"})


def _covered_stores(index: Mapping[str, str], artifacts: tuple[Artifact, ...]) -> set[str]:
    """Untracked experiment logs left to MLP208: committed logs already satisfy the need."""
    logs = [a for a in artifacts if a.kind == "experiments" and a.status not in ABSENT]
    if not any(a.status == "ok" and index.get(a.path) == "tracked" for a in logs):
        return set()
    return {a.path for a in logs if index.get(a.path) != "tracked"}


def _untracked(
    index: Mapping[str, str],
    path: str,
    label: str,
    requirement: str | None,
    export: str | None = None,
) -> Problem:
    """``export``: for a tracker's local store, exporting it beats committing a database."""
    message = f"{label} {path} exists but is not in the git index"
    return Problem(message, Location(path), export or _commit_hint(index, path), requirement)


def _commit_hint(index: Mapping[str, str], path: str) -> str:
    if index.get(path) == "untracked":
        return f"Commit it: `git add {path}`."
    return (
        f"It is ignored (`git check-ignore -v {path}` says by what): stop ignoring it,"
        f" or `git add -f {path}`."
    )


def history_unavailable(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a check that needs git history the clone does not have: a `--base` (or the base
    configured in `[tool.mlpolicy]`, or GitHub's pull-request base) that names no commit in
    the clone or shares no history with HEAD, and, in a shallow clone, freshness checks
    (MLP205, MLP305) whose commits were not fetched. The finding says what to fetch.

    ## Why is this bad?
    Without the base there is nothing to compare the change with, and without history
    nothing says whether evidence is older than the code. A gate that passed quietly in
    that case would pass every pull request of a CI job that forgot `fetch-depth`.

    ## Example
    The project compares with `origin/main`, which this clone never fetched.

    ```toml title="pyproject.toml"
    [tool.mlpolicy]
    base = "origin/main"
    ```

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```

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

    ## Fix
    Fetch the base (`git fetch origin main`; in GitHub Actions give `actions/checkout`
    `fetch-depth: 0`), or name a ref this clone has.

    ```toml title="pyproject.toml"
    [tool.mlpolicy]
    base = "main"
    ```
    """
    yield from facts.history_gaps


RULES = (
    build_rule(
        "MLP501",
        "artifact-untracked",
        Severity.ERROR,
        None,
        "A required artifact exists on disk but is not in the git index",
        artifact_untracked,
    ),
    build_rule(
        "MLP505",
        "history-unavailable",
        Severity.ERROR,
        None,
        "Git history needed for a check is missing (shallow clone, unknown base)",
        history_unavailable,
    ),
)
