"""What reading a project established, frozen for the rules that judge it after the readers.

The readers of a project's artifacts note what they found, what they could not read and
which paths lead out of the repository; once they are done, the engine freezes that into a
:class:`ProjectFacts`. The later rules (paths, unreadable files, git state) and the waiver
rules are pure functions of these values, so no rule can see state another rule left behind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlpolicy.findings import Artifact, Problem
from mlpolicy.manifest import Waiver

if TYPE_CHECKING:
    from mlpolicy.gitscope import GitScope


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """One project's read artifacts and the problems met while reading them."""

    root: str  # repo-relative project folder
    manifest: str  # repo-relative manifest path
    manifest_read: bool  # the manifest parsed (its artifacts and policy could be read)
    artifacts: tuple[Artifact, ...]  # sorted by kind, then path
    policy_files: tuple[str, ...]  # repo-relative policy files the project reads, sorted
    escapes: tuple[Problem, ...]  # MLP008: paths leading outside the repository
    unreadable: tuple[Problem, ...]  # MLP009: what had to be read but could not be
    history_gaps: tuple[Problem, ...]  # MLP505: what this clone's history cannot answer
    git: GitScope | None  # where the git questions are asked; None outside git


@dataclass(frozen=True, slots=True)
class WaiverFacts:
    """The manifest's waivers, the date they are judged on, and which ones a finding used."""

    waivers: tuple[Waiver, ...]
    judged: bool  # the manifest and policy loaded, so every rule ran and `used` is complete
    today: dt.date
    warning_days: int  # the policy's notice before a waiver expires
    used: frozenset[int]  # indexes into ``waivers``
