"""Rules about waivers: MLP005 expired, MLP006 expiring soon, MLP007 unused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.base import WAIVERS, build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import WaiverFacts


def waiver_expired(facts: WaiverFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags a waiver whose `expires` date has passed. An expired waiver no longer
    suppresses anything: the finding it covered is reported again as well.

    ## Why is this bad?
    A waiver is a dated promise ("prediction logging lands with the serving
    migration"). Once the date passes the promise is broken, and a gate that kept
    honouring it would turn a temporary exception into a permanent one.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    waivers:
      - rule: MLP101
        reason: "The design doc is being written in the wiki first"
        expires: 2020-01-31
        approved_by: "@ml-lead"
    ```

    ## Fix
    Fix what the waiver covered and delete it, or agree a new date with the approver.

    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```
    """
    for waiver in facts.waivers:
        if waiver.expires < facts.today:
            yield Problem(
                f"waiver for {waiver.rule} expired on {waiver.expires.isoformat()}"
                f" (approved by {waiver.approved_by})",
                waiver.location,
                "Fix the finding it covered and remove the waiver, or renew it with its approver.",
            )


def waiver_expiring(facts: WaiverFacts) -> Iterator[Problem]:
    """
    ## What it does
    Warns about a waiver that expires within the policy's `waiver_warning_days`
    (14 days by default).

    ## Why is this bad?
    When the waiver lapses the gate turns red for everyone. The warning gives the owner
    time to fix the underlying finding or renew the waiver before merges are blocked.

    ## Example
    ```yaml title="mlpolicy.yaml" today="2027-01-25"
    version: 1
    phase: ideation
    waivers:
      - rule: MLP101
        reason: "The design doc is being written in the wiki first"
        expires: 2027-01-31
        approved_by: "@ml-lead"
    ```

    ## Fix
    Fix the finding and delete the waiver, or renew it with a later date.

    ```yaml title="mlpolicy.yaml" today="2027-01-25"
    version: 1
    phase: ideation
    waivers:
      - rule: MLP101
        reason: "The design doc is being written in the wiki first"
        expires: 2027-03-31
        approved_by: "@ml-lead"
    ```
    """
    horizon = facts.today + dt.timedelta(days=facts.warning_days)
    for waiver in facts.waivers:
        if facts.today <= waiver.expires <= horizon:
            days = (waiver.expires - facts.today).days
            yield Problem(
                f"waiver for {waiver.rule} expires on {waiver.expires.isoformat()}"
                f" (in {days} day{'s' if days != 1 else ''})",
                waiver.location,
                "Fix the finding it covers, or renew the waiver with its approver.",
            )


def waiver_unused(facts: WaiverFacts) -> Iterator[Problem]:
    """
    ## What it does
    Warns about an unexpired waiver that matched no finding in this run.

    ## Why is this bad?
    An unused waiver is a blank cheque: the problem it was written for is fixed, but the
    next time the rule fires it will be suppressed without anyone deciding so again.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    waivers:
      - rule: MLP405
        reason: "Prediction logging lands with the serving migration"
        expires: 2099-01-31
        approved_by: "@ml-lead"
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
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: ideation
    ```
    """
    if not facts.judged:
        return
    for index, waiver in enumerate(facts.waivers):
        if waiver.expires >= facts.today and index not in facts.used:
            scope = f" under {waiver.path}" if waiver.path else ""
            yield Problem(
                f"waiver for {waiver.rule}{scope} matches no finding",
                waiver.location,
                "Remove the waiver: what it excused no longer happens.",
            )


RULES = (
    build_rule(
        "MLP005",
        "waiver-expired",
        Severity.ERROR,
        None,
        "A waiver is past its `expires` date",
        waiver_expired,
        stage=WAIVERS,
    ),
    build_rule(
        "MLP006",
        "waiver-expiring",
        Severity.WARNING,
        None,
        "A waiver expires within 14 days",
        waiver_expiring,
        stage=WAIVERS,
    ),
    build_rule(
        "MLP007",
        "waiver-unused",
        Severity.WARNING,
        None,
        "A waiver matches no finding",
        waiver_unused,
        stage=WAIVERS,
    ),
)
