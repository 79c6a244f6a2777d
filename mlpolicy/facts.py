"""What the Read and Ask-git stages established about a project, frozen for the rules.

A check is a pipeline (SPEC section 11): discover the projects, read every artifact their
phase needs, ask git every question about them, then judge. The first three stages build a
project up (:class:`mlpolicy.project.Project` is their working state); once they are done the
engine freezes the result into a :class:`ProjectFacts`, and every project rule is a pure
function from these values to problems. No rule reads a file, asks git or records anything,
so which rules run (``--select``, ``--ignore``, the phase) never changes what is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlpolicy.findings import Artifact, Location, Problem
from mlpolicy.manifest import Manifest, Waiver

if TYPE_CHECKING:
    from mlpolicy.artifacts.dvc_lock import Stale
    from mlpolicy.artifacts.experiments import Experiments
    from mlpolicy.artifacts.markdown import MarkdownFile
    from mlpolicy.artifacts.monitoring import Bundle
    from mlpolicy.artifacts.pipelines import Pipelines
    from mlpolicy.artifacts.sections import SectionMatch
    from mlpolicy.artifacts.validation import Validation
    from mlpolicy.code_changes import Change
    from mlpolicy.gitscope import Commit
    from mlpolicy.policy import Policy
    from mlpolicy.yamlio import JsonPath


class NotRead(AssertionError):
    """A rule asked for a reading its requirement's Read stage did not make: a bug (exit 3)."""


@dataclass(frozen=True, slots=True)
class Readings:
    """What the Read stage parsed, by reader; a reader the phase does not need is never run.

    Each property raises :class:`NotRead` for a reading that was not made, so a rule can never
    silently judge an artifact that was not read.
    """

    values: Mapping[str, Any] = field(default_factory=dict)

    def _get(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise NotRead(f"the Read stage did not read {name}") from None

    @property
    def design_doc(self) -> MarkdownFile | None:
        """The design doc (None when none is declared and none exists by default)."""
        found: MarkdownFile | None = self._get("design_doc")
        return found

    @property
    def design_doc_sections(self) -> tuple[SectionMatch, ...]:
        """The policy's design-doc sections matched against the readable doc."""
        matches: tuple[SectionMatch, ...] = self._get("design_doc_sections")
        return matches

    @property
    def model_card(self) -> MarkdownFile | None:
        found: MarkdownFile | None = self._get("model_card")
        return found

    @property
    def model_card_sections(self) -> tuple[SectionMatch, ...]:
        matches: tuple[SectionMatch, ...] = self._get("model_card_sections")
        return matches

    @property
    def experiments(self) -> Experiments:
        logs: Experiments = self._get("experiments")
        return logs

    @property
    def pipelines(self) -> Pipelines:
        found: Pipelines = self._get("pipelines")
        return found

    @property
    def dvc_lock(self) -> tuple[Stale, ...]:
        stale: tuple[Stale, ...] = self._get("dvc_lock")
        return stale

    @property
    def validation(self) -> Validation:
        found: Validation = self._get("validation")
        return found

    @property
    def validation_inputs(self) -> Mapping[str, InputDrift]:
        """Per validation record with input hashes (by path): what changed since it was made."""
        drift: Mapping[str, InputDrift] = self._get("validation_inputs")
        return drift

    @property
    def monitoring(self) -> Bundle:
        found: Bundle = self._get("monitoring")
        return found


@dataclass(frozen=True, slots=True)
class InputDrift:
    """A validation record's inputs that changed since it was written (empty: none did)."""

    stale: tuple[str, ...]  # "dvc.yaml changed", "pipelines/x.py is not covered by the record"
    first: str | None  # the first changed input's key in ``inputs_sha256``


@dataclass(frozen=True, slots=True)
class GitAnswers:
    """What the Ask-git stage learnt about a project's artifacts; empty outside git.

    ``run_commits`` maps each run commit named in the experiment logs that git knows to its
    commit (None: git was not asked - no git, or ``--no-git``); ``run_commit_error`` says why
    the lookup failed when it did. ``run_changes`` maps a usable run's commit to the watched
    paths changed since (None: none changed), and ``evidence_history`` each validation file
    without input hashes to the commit that last changed it and what changed since.
    ``index`` gives each artifact, manifest and policy path that exists on disk its state in
    git: "tracked", "untracked" (not ignored) or "ignored".
    """

    run_commits: Mapping[str, Commit] | None = None
    run_commit_error: str | None = None
    shallow: bool = False
    run_changes: Mapping[str, Change | None] = field(default_factory=dict)
    evidence_history: Mapping[str, tuple[Commit, Change | None]] = field(default_factory=dict)
    index: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """One project after the Read and Ask-git stages: everything its rules judge."""

    root: str  # repo-relative project folder
    manifest_path: str  # repo-relative manifest path
    manifest: Manifest | None  # None when it could not be read (MLP002)
    policy: Policy
    phase: str | None  # the phase checked: --phase if given, else the manifest's
    loaded: bool  # the manifest and policy loaded and the phase is known
    load_problems: Mapping[str, tuple[Problem, ...]]  # MLP002-MLP004, by rule
    base_phase: str | None  # the phase at the base commit (pull-request mode)
    base_changes: tuple[Problem, ...]  # MLP504: what the change edits but cannot apply
    readings: Readings
    answers: GitAnswers
    git_used: bool  # git was asked (a git work tree, without --no-git)
    artifacts: tuple[Artifact, ...]  # sorted by kind, then path
    policy_files: tuple[str, ...]  # repo-relative policy files the project reads, sorted
    escapes: tuple[Problem, ...]  # MLP008: paths leading outside the repository
    unreadable: tuple[Problem, ...]  # MLP009: what had to be read but could not be
    history_gaps: tuple[Problem, ...]  # MLP505: what this clone's history cannot answer

    @property
    def manifest_read(self) -> bool:
        """The manifest parsed (its artifacts and policy could be read)."""
        return self.manifest is not None

    def manifest_location(self, path: JsonPath = ()) -> Location:
        if self.manifest is None:
            return Location(self.manifest_path)
        return self.manifest.location(path)

    def requirement_location(self, kind: str) -> Location:
        """Where a missing artifact of ``kind`` is reported: the manifest key that declares
        it, otherwise the ``phase:`` line (the phase is what requires it)."""
        declared = self.declares(kind)
        return self.manifest_location(("artifacts", kind) if declared else ("phase",))

    def declares(self, kind: str) -> bool:
        """True when the manifest names the paths of artifact ``kind``."""
        return self.manifest is not None and kind in self.manifest.artifacts


@dataclass(frozen=True, slots=True)
class WaiverFacts:
    """The manifest's waivers, the date they are judged on, and which ones a finding used."""

    waivers: tuple[Waiver, ...]
    judged: bool  # the manifest and policy loaded, so every rule ran and `used` is complete
    today: dt.date
    warning_days: int  # the policy's notice before a waiver expires
    used: frozenset[int]  # indexes into ``waivers``
