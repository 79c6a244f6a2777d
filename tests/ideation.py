"""A complete ideation-phase project, as files, for tests that run mlpolicy end to end."""

from __future__ import annotations

MANIFEST = "version: 1\nphase: ideation\n"
DESIGN_DOC = """\
# Routing support tickets

## Problem statement
Two agents spend most of every shift reading about three thousand tickets and moving them
to one of fourteen queues, so customers wait nine hours for a first answer.

## Non-ML baseline
A keyword router with one hundred and twenty regular expressions routes only forty one
percent of tickets correctly, and adding rules has stopped helping for a year.

## Success metrics
Macro F1 of at least 0.80 across the fourteen queues offline, and median time to first
response under three hours within six weeks of launch.

## Data
Four hundred thousand historical tickets from the helpdesk export, labelled with their
final queue after manual re-routing, with personal data masked at the source.

## Risks
Queue definitions change when teams reorganise and silently break labels, so the taxonomy
is versioned and the model is retrained whenever it changes.
"""


def complete(prefix: str = "") -> dict[str, str]:
    """Files of a project that passes ``mlpolicy check`` at the ideation phase."""
    return {f"{prefix}mlpolicy.yaml": MANIFEST, f"{prefix}docs/design.md": DESIGN_DOC}


def incomplete(prefix: str = "") -> dict[str, str]:
    """The same project with its design doc's Success metrics section left out (MLP102)."""
    start = DESIGN_DOC.index("## Success metrics")
    end = DESIGN_DOC.index("## Data")
    return {**complete(prefix), f"{prefix}docs/design.md": DESIGN_DOC[:start] + DESIGN_DOC[end:]}
