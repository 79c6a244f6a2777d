"""Rules about the manifest and policy themselves: MLP001-MLP004."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import RUN, build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts
    from mlpolicy.project import Repository


@dataclass(frozen=True, slots=True)
class Scan:
    """What discovery found under one PATH the user asked to check."""

    repository: Repository
    path: Path
    manifests: tuple[Path, ...]
    removed: tuple[str, ...] = ()  # pull-request mode: base manifests the change removes


def manifest_missing(scan: Scan) -> Iterator[Problem]:
    """
    ## What it does
    Flags a PATH given to `mlpolicy check` under which no `mlpolicy.yaml` (or
    `mlpolicy.yml`) exists. In pull-request mode it also flags each manifest the base
    commit has that the change deletes, or moves where discovery does not look (a folder
    it skips, such as `node_modules/` or `.venv/`).

    ## Why is this bad?
    Without a manifest there is no declared phase, so nothing can be checked; a gate that
    silently passed here would let any repository through. In a monorepo, deleting one
    project's manifest would otherwise take that project out of the gate without a word.

    ## Example
    ```markdown title="README.md"
    # churn-model
    An ML project that never declared its phase.
    ```

    ## Fix
    Declare the phase in a manifest at the project's root (`mlpolicy init` writes one).

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```
    """
    if not scan.manifests and not scan.removed:
        where = scan.repository.rel(scan.path)
        yield Problem(
            f"no mlpolicy.yaml found under {where}",
            Location(where),
            "Run `mlpolicy init` in the project's directory to write a manifest.",
        )
    for rel in scan.removed:
        yield Problem(
            f"the base commit has a project manifest at {rel}; this change removes it or"
            " moves it where mlpolicy does not look",
            Location(rel),
            f"Restore {rel}. A project leaves the gate only through a change of its own that"
            " the policy owners approve: a removal is never silent.",
        )


def manifest_unparseable(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a manifest that cannot be read as YAML: a syntax error, a duplicate key, an
    alias, text that is not UTF-8, a binary or oversized file.

    ## Why is this bad?
    A manifest that does not parse declares nothing. Duplicate keys are an error rather
    than "last one wins" because a second `phase:` hidden further down would silently
    change what is checked.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    phase: production
    ```

    ## Fix
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```
    """
    yield from facts.load_problems.get("MLP002", ())


def manifest_invalid(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a manifest that parses but does not match `schemas/manifest.schema.json`: an
    unknown key, a phase the policy does not define, a value of the wrong type, a waiver
    without a reason, expiry or approver.

    ## Why is this bad?
    A misspelt key (`phasee:`) or phase (`phase: deploy`) would otherwise be ignored and
    the project checked against the wrong requirements, or none.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: deploy
    ```

    ## Fix
    Use one of the policy's phases (by default `ideation`, `experimentation`, `pipeline`,
    `production`); `mlpolicy schema manifest` prints every allowed key.

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```
    """
    yield from facts.load_problems.get("MLP003", ())


def policy_invalid(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a policy named by the manifest's `policy:` key that is missing, unparseable or
    does not match `schemas/policy.schema.json` (for example a requirement the checker
    does not know, or a rule override naming an unknown phase).

    ## Why is this bad?
    The policy decides what every phase requires. Falling back to another policy when
    the named one is broken would check the project against rules its team did not
    choose, so the project fails until the policy is fixed.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    policy: org-policy.yaml
    ```

    ```yaml title="org-policy.yaml"
    version: 1
    phases:
      - id: ideation
        requires: {design_document: error}
    ```

    ## Fix
    ```yaml title="org-policy.yaml"
    version: 1
    phases:
      - id: ideation
        requires: {design_doc: error}
    ```
    """
    yield from facts.load_problems.get("MLP004", ())


RULES = (
    build_rule(
        "MLP001",
        "manifest-missing",
        Severity.ERROR,
        None,
        "No `mlpolicy.yaml` found in what was asked to check",
        manifest_missing,
        stage=RUN,
    ),
    build_rule(
        "MLP002",
        "manifest-unparseable",
        Severity.ERROR,
        None,
        "The manifest is not readable YAML (syntax error, duplicate key, non-UTF-8, too large)",
        manifest_unparseable,
    ),
    build_rule(
        "MLP003",
        "manifest-invalid",
        Severity.ERROR,
        None,
        "The manifest violates its schema (unknown key, unknown phase, wrong type)",
        manifest_invalid,
    ),
    build_rule(
        "MLP004",
        "policy-invalid",
        Severity.ERROR,
        None,
        "The policy file is missing, unparseable or violates its schema",
        policy_invalid,
    ),
)
