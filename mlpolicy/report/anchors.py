"""Where a finding is shown, and its stable id, for formats that need a file for every result.

SARIF (GitHub code scanning) and GitLab Code Quality both reject or drop a result without
a file, and both match results across runs by a fingerprint. They share one recipe, so an
alert keeps its identity whichever format a team reads it in.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator

from mlpolicy.findings import CheckResult, Finding, Location


def anchored(result: CheckResult) -> Iterator[tuple[Finding, Location]]:
    """Each finding with the location it is shown at.

    A finding without a file is anchored at its project's manifest (or, for a finding
    that belongs to no project, the first manifest).
    """
    first = result.projects[0].manifest if result.projects else "."
    for finding in result.findings:
        location = finding.location
        yield finding, location if location and location.path else Location(first)
    for project in result.projects:
        for finding in project.findings:
            location = finding.location
            usable = location and location.path not in ("", ".")
            yield finding, location if location and usable else Location(project.manifest)


def fingerprinted(result: CheckResult) -> Iterator[tuple[Finding, Location, str]]:
    """``anchored`` with a fingerprint each: unique within the report, stable across runs."""
    seen: Counter[str] = Counter()
    for finding, anchor in anchored(result):
        key = fingerprint(finding, anchor.path)
        seen[key] += 1
        # Identical findings in one file (say, two "TODO" lines) need distinct fingerprints.
        yield finding, anchor, key if seen[key] == 1 else f"{key}:{seen[key]}"


def fingerprint(finding: Finding, path: str) -> str:
    """Stable across edits that only move the finding: rule, path and message, not line."""
    material = "\0".join((finding.rule, path, finding.message))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def start_line(location: Location) -> int:
    """The 1-based line to show: the finding's own, else 1 (the finding is about the file)."""
    return location.line if location.line is not None and location.line >= 1 else 1
