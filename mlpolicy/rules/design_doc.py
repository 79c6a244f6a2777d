"""Rules about the design doc: MLP101-MLP105."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.artifacts import design_doc
from mlpolicy.findings import Location, Problem, Severity
from mlpolicy.rules.base import build_rule
from mlpolicy.rules.helpers.markdown import absence, aliases, quoted

if TYPE_CHECKING:
    from mlpolicy.artifacts.markdown import MarkdownFile
    from mlpolicy.facts import ProjectFacts


def design_doc_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a project without a usable design doc: the manifest's `artifacts.design_doc`
    names a file that does not exist (the finding points at that manifest line), or
    nothing is declared and none of `docs/design.md`, `docs/design/*.md`, `DESIGN.md`,
    `design.md` exists (the first that exists is the design doc). A design doc that
    cannot be read -- binary, not UTF-8, larger than 1 MiB, a directory -- is reported
    here too, and the other design-doc rules skip it.

    ## Why is this bad?
    Ideation ends with a decision: is machine learning the right way to solve this
    problem, and how will success be measured? Without a written, reviewable design doc
    that decision was never made in the open, and every later phase builds on it.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    project: churn-model
    phase: ideation
    ```

    ```markdown title="README.md"
    # churn-model
    Predicts which accounts will cancel next month.
    ```

    ## Fix
    Write the design doc (`mlpolicy init` writes a template), or point
    `artifacts.design_doc` at it.

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
    yield from absence(
        facts,
        "design_doc",
        facts.readings.design_doc,
        ", ".join(design_doc.DEFAULTS),
        "Write one at docs/design.md (`mlpolicy init` writes a template)"
        " or set `artifacts.design_doc` in the manifest.",
    )


def design_doc_section_missing(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags each section the policy requires that has no heading in the design doc. By
    default: Problem, Why ML (why a non-ML baseline is not enough), Success metrics,
    Data and Risks. Headings are matched loosely: case, numbering, punctuation and
    Markdown markup are ignored, and a heading counts when it contains one of the
    section's aliases as whole words, so `## 2) Is ML the right approach? (non-ML
    baseline)` is the Why ML section and `### Success criteria` the Success metrics one.

    ## Why is this bad?
    Each section answers a question a reviewer must be able to check before money is
    spent on models. The one most often skipped is the baseline: if a simple rule gets
    most of the value, the project does not need machine learning at all.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```

    ```markdown title="docs/design.md"
    # Churn prediction

    ## Problem statement
    The retention team calls five hundred accounts a week, chosen by gut feel alone.

    ## Success metrics
    Precision at five hundred above 0.27 and churn among contacted accounts down a third.

    ## Data
    The customers table, support tickets and billing events, labelled by cancellation.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```

    ## Fix
    Add the section; any heading that contains an alias counts.

    ```markdown title="docs/design.md"
    # Churn prediction

    ## Problem statement
    The retention team calls five hundred accounts a week, chosen by gut feel alone.

    ## 2) Non-ML baseline
    Tenure under six months with two support tickets flags churners at precision 0.18.

    ## Success metrics
    Precision at five hundred above 0.27 and churn among contacted accounts down a third.

    ## Data
    The customers table, support tickets and billing events, labelled by cancellation.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```
    """
    found = _readable(facts.readings.design_doc)
    if found is None:
        return
    minimum = facts.policy.design_doc.min_words
    for match in facts.readings.design_doc_sections:
        if not match.headings:
            yield Problem(
                f'missing section "{match.name}" (a heading containing one of: {aliases(match)})',
                Location(found.path),
                f'Add a "## {match.name}" section with at least {minimum} words of text.',
            )


def design_doc_placeholder(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags every piece of template text left in the design doc, one finding per
    occurrence with its line and column: by default `TODO`, `TBD`, `FIXME`,
    `lorem ipsum`, `[More Information Needed]`, `{{ ... }}` and `<fill in ...>` (the
    policy's `design_doc.placeholders` are regular expressions, matched ignoring case).
    The whole file is searched -- front matter, headings, prose, HTML comments -- except
    fenced code blocks and inline code spans, which quote text rather than write it.

    ## Why is this bad?
    A placeholder is a question the author has not answered yet. A doc with "TBD"
    under Success metrics has enough words to look finished, but nobody can review a
    decision that has not been made.

    ## Example
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
    TBD -- agree the offline metric and the business target with the retention team.

    ## Data
    The customers table, support tickets and billing events, labelled by cancellation.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```

    ## Fix
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
    found = _readable(facts.readings.design_doc)
    if found is None:
        return
    for match in found.document.placeholders(facts.policy.design_doc.placeholders):
        yield Problem(
            f'placeholder "{quoted(match.text)}" left in the design doc',
            Location(found.path, match.line, match.column),
            "Replace the template text with the decision it stands for.",
        )


def design_doc_section_empty(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a required design-doc section with fewer words of its own text than the
    policy's `design_doc.min_words` (10 by default), at the section's heading. A
    section's own text runs down to the next heading of the same or a higher level and
    includes its subsections, except a subsection that is itself another required
    section. Headings, fenced code blocks and HTML comments do not count as words. When
    several headings count as the section, the section is filled if one of them is.

    ## Why is this bad?
    A heading with a line under it passes a glance but answers nothing. Ten words is a
    low bar on purpose: it catches stubs, not style.

    ## Example
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
    Customer table.

    ## Risks
    Label delay of thirty days and a feedback loop from outreach, handled by a control group.
    ```

    ## Fix
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
    found = _readable(facts.readings.design_doc)
    if found is None:
        return
    minimum = facts.policy.design_doc.min_words
    for match in facts.readings.design_doc_sections:
        counts = [found.document.word_count(spans) for spans in match.own]
        if counts and max(counts) < minimum:
            heading = match.headings[0]
            yield Problem(
                f'section "{heading.text}" ({match.name}) has {counts[0]}'
                f" word{'' if counts[0] == 1 else 's'} of its own text; the minimum is {minimum}",
                Location(found.path, heading.line),
                "Write out the section: a reviewer should be able to check it without asking.",
            )


def design_doc_unapproved(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    From the experimentation phase on, flags a design doc whose YAML front matter does
    not say `status: approved`, at the `status` line. A design doc without front matter,
    without a `status`, or whose front matter is not valid YAML is not approved either.

    ## Why is this bad?
    Experimentation spends compute and people on the approach the design doc proposes.
    Starting before reviewers agreed that machine learning is the right tool, and on
    what counts as success, is how teams end up tuning a model nobody needed.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: experimentation
    ```

    ```markdown title="docs/design.md"
    ---
    status: in-review
    owners: ["@alice"]
    reviewers: ["@bob"]
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
    Once the reviewers agree, record it in the front matter.

    ```markdown title="docs/design.md"
    ---
    status: approved
    owners: ["@alice"]
    reviewers: ["@bob"]
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
    """
    found = _readable(facts.readings.design_doc)
    if found is None:
        return
    front = found.document.front_matter
    hint = "After review, start the file with front matter: `---`, `status: approved`, `---`."
    if front.error is not None:
        yield Problem(
            f"design doc front matter is broken ({front.error}), so it is not approved",
            Location(found.path, front.error_line),
            hint,
        )
    elif not front.present:
        where = Location(found.path, 1)
        yield Problem("design doc has no front matter saying `status: approved`", where, hint)
    elif "status" not in front.value:
        yield Problem("design doc front matter has no `status`", Location(found.path, 1), hint)
    elif not _approved(front.value["status"]):
        line, column = front.key_positions["status"]
        yield Problem(
            f'design doc status is "{front.value["status"]}", not "approved"',
            Location(found.path, line, column),
            "Set `status: approved` once the reviewers have agreed.",
        )


def _approved(status: object) -> bool:
    return isinstance(status, str) and status.strip().lower() == "approved"


def _readable(found: MarkdownFile | None) -> MarkdownFile | None:
    """The design doc when it exists and could be read; the content rules look only at this."""
    return found if found is not None and found.status == "ok" else None


RULES = (
    build_rule(
        "MLP101",
        "design-doc-missing",
        Severity.ERROR,
        "design_doc",
        "No design doc",
        design_doc_missing,
    ),
    build_rule(
        "MLP102",
        "design-doc-section-missing",
        Severity.ERROR,
        "design_doc",
        "A required design-doc section heading is absent",
        design_doc_section_missing,
    ),
    build_rule(
        "MLP103",
        "design-doc-placeholder",
        Severity.ERROR,
        "design_doc",
        "Template text left in the design doc",
        design_doc_placeholder,
    ),
    build_rule(
        "MLP104",
        "design-doc-section-empty",
        Severity.ERROR,
        "design_doc",
        "A required design-doc section has fewer than the minimum words",
        design_doc_section_empty,
    ),
    build_rule(
        "MLP105",
        "design-doc-unapproved",
        Severity.ERROR,
        "design_doc_approved",
        "The design doc's front matter `status` is not `approved`",
        design_doc_unapproved,
    ),
)
