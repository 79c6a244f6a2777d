"""Rules about the model card: MLP406 missing, MLP407 incomplete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.artifacts.markdown import MarkdownDocument
from mlpolicy.artifacts.sections import SectionMatch
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule
from mlpolicy.rules.helpers.markdown import absence, aliases, quoted

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts
    from mlpolicy.policy import DocumentSpec


def model_card_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project in production without a usable model card: the manifest's
    `artifacts.model_card` names a file that does not exist, or nothing is declared and
    there is no `MODEL_CARD.md`, no `model_card.md`, and no `README.md` whose front
    matter has `model-index` (a Hugging Face model card). A model card that cannot be
    read is reported here too. A warning by default.

    ## Why is this bad?
    A deployed model is used by people who did not build it. The model card tells them
    what it is for, what it was trained and evaluated on, and where it fails; without
    one, they find out in production.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```markdown title="docs/design.md"
    ---
    status: approved
    ---
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
    ```markdown title="MODEL_CARD.md"
    # Model card: churn-gbm-v3

    ## Intended use
    Ranks accounts for the retention team's weekly outreach; not for pricing or credit.

    ## Training data
    Customers table from January 2024 to October 2026, tracked with DVC as data/raw.csv.

    ## Evaluation
    ROC AUC 0.81 and precision 0.42 at the top five percent on the November holdout.

    ## Limitations
    Weaker for enterprise accounts (AUC 0.77); retrain monthly as pricing shifts behaviour.
    ```
    """
    yield from absence(
        facts,
        "model_card",
        facts.readings.model_card,
        "MODEL_CARD.md, model_card.md, README.md with `model-index` front matter",
        "Write MODEL_CARD.md (intended use, training data, evaluation, limitations)"
        " or set `artifacts.model_card` in the manifest.",
    )


def model_card_incomplete(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    In production, flags each section the policy requires of the model card that is
    missing, empty, or holds a placeholder: `[More Information Needed]` (what the Hugging
    Face template leaves in every section) or a line reading just "More information
    needed" (what the Hugging Face Trainer writes). By default: Intended use, Training
    data, Evaluation and Limitations, matched on headings as for the design doc, so
    `## Bias, Risks, and Limitations` and `## Caveats and Recommendations` both count as
    Limitations, `### Training Datasets` counts as Training data, and one heading may
    count as two sections (`## Intended uses & limitations`; `## Training and evaluation
    data`). A section's text includes its subsections. When several headings count as a
    section, one filled heading is enough. One finding per section, at the placeholder
    or the heading.

    ## Why is this bad?
    A template with its headings in place looks like a model card but tells the reader
    nothing, and the section left blank is usually Limitations: the one that would have
    warned them.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: production
    ```

    ```markdown title="MODEL_CARD.md"
    # Model card: churn-gbm-v3

    ## Intended use
    Ranks accounts for the retention team's weekly outreach; not for pricing or credit.

    ## Training data
    Customers table from January 2024 to October 2026, tracked with DVC as data/raw.csv.

    ## Evaluation
    ROC AUC 0.81 and precision 0.42 at the top five percent on the November holdout.

    ## Limitations
    [More Information Needed]
    ```

    ## Fix
    ```markdown title="MODEL_CARD.md"
    # Model card: churn-gbm-v3

    ## Intended use
    Ranks accounts for the retention team's weekly outreach; not for pricing or credit.

    ## Training data
    Customers table from January 2024 to October 2026, tracked with DVC as data/raw.csv.

    ## Evaluation
    ROC AUC 0.81 and precision 0.42 at the top five percent on the November holdout.

    ## Limitations
    Weaker for enterprise accounts (AUC 0.77); retrain monthly as pricing shifts behaviour.
    ```
    """
    found = facts.readings.model_card
    if found is None or found.status != "ok":
        return
    spec = facts.policy.model_card
    for match in facts.readings.model_card_sections:
        problem = _incomplete(found.document, match, spec)
        if problem is not None:
            message, line, column = problem
            yield Problem(
                message,
                Location(found.path, line, column),
                f'Write the "{match.name}" section: what a user of the model must know.',
            )


def _incomplete(
    document: MarkdownDocument, match: SectionMatch, spec: DocumentSpec
) -> tuple[str, int | None, int | None] | None:
    """What is wrong with ``match``'s section, and where; None when one heading is filled."""
    if not match.headings:
        return (
            f'missing section "{match.name}" (a heading containing one of: {aliases(match)})',
            None,
            None,
        )
    minimum = max(spec.min_words, 1)
    first: tuple[str, int | None, int | None] | None = None
    for heading, spans in zip(match.headings, match.own, strict=True):
        marks = document.placeholders(spec.placeholders, spans)
        words = document.word_count(spans)
        if not marks and words >= minimum:
            return None
        if first is None and marks:
            first = (
                f'section "{match.name}" is a placeholder ("{quoted(marks[0].text)}")',
                marks[0].line,
                marks[0].column,
            )
        elif first is None:
            size = "is empty" if not words else f"has {words} words; the minimum is {minimum}"
            first = (f'section "{match.name}" {size}', heading.line, None)
    return first


RULES = (
    build_rule(
        "MLP406",
        "model-card-missing",
        Severity.WARNING,
        "model_card",
        "No model card",
        model_card_missing,
    ),
    build_rule(
        "MLP407",
        "model-card-incomplete",
        Severity.WARNING,
        "model_card",
        "A required model-card section is missing or a placeholder",
        model_card_incomplete,
    ),
)
