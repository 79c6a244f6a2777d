"""Pipeline validation evidence: mlpolicy records, JUnit reports, Great Expectations results.

Public API:

- ``read(project) -> Validation``: every evidence file of the project, read once per check
  and recorded in the report's artifacts list, plus declared paths that hold none.
- ``Evidence`` (from :mod:`mlpolicy.artifacts.evidence`): one file's verdict.
  ``inputs_sha256`` is the record's ``{path: sha256}``, or None for evidence that carries
  no input hashes (JUnit, Great Expectations): whether such evidence is fresh can only be
  judged from git history.
- ``resolve_inputs(project, evidence)`` and ``file_sha256(path)``: what a record's hashes
  cover now. Record paths are relative to the manifest's directory, the base
  ``mlpolicy attest`` writes them with.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlpolicy import safeio, yamlio
from mlpolicy.artifacts.candidates import Absent, collect
from mlpolicy.artifacts.evidence import MAX_BYTES, invalid, parse, position
from mlpolicy.artifacts.evidence import Evidence as Evidence  # rules import it from here
from mlpolicy.artifacts.unrecognised import Unrecognised
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Location
from mlpolicy.safeio import FileProblem, open_regular, read_head
from mlpolicy.yamlio import JsonPath

if TYPE_CHECKING:
    from mlpolicy.project import Project

KIND = "pipeline_validation"
DEFAULTS = (
    "reports/pipeline-validation.json",
    "reports/*.xml",
    "gx/uncommitted/validations/**/*.json",
)
SUFFIXES = (".json", ".xml")
LOCATIONS = "reports/pipeline-validation.json, reports/*.xml, gx/uncommitted/validations/"
_WHY_NOT = {
    ".xml": "XML that is not a JUnit report",
    ".json": "JSON that is neither an mlpolicy validation record nor a Great Expectations "
    "validation result",
}


@dataclass(frozen=True, slots=True)
class Validation:
    """Every evidence file found, and declared paths that hold none."""

    evidence: tuple[Evidence, ...]
    absent: tuple[Absent, ...]
    unrecognised: tuple[Unrecognised, ...] = ()

    @property
    def usable(self) -> tuple[Evidence, ...]:
        return tuple(e for e in self.evidence if e.usable)


def read(project: Project) -> Validation:
    """The project's validation evidence, read once per check."""
    return project.cached(KIND, lambda: _read(project))


def _read(project: Project) -> Validation:
    empty = "holds no validation evidence"
    found = collect(project, KIND, DEFAULTS, SUFFIXES, _read_file, empty)
    return Validation(found.items, found.absent, found.unrecognised)


def _read_file(project: Project, path: Path) -> Evidence | Unrecognised:
    rel = project.rel(path)
    try:
        data = project.read_bounded(path, MAX_BYTES)
    except safeio.TooLarge as exc:
        return invalid(path, rel, f"the file {exc.reason}")
    except safeio.FileProblem as exc:
        return invalid(path, rel, f"the file {exc.reason}", status="unreadable")
    evidence = parse(path, rel, data, explicit=False)
    if evidence is None:
        why = _WHY_NOT.get(path.suffix.lower(), "not a JSON or XML file")
        return Unrecognised(path, rel, why)
    return evidence


def locate(evidence: Evidence, path: JsonPath) -> Location:
    """Where ``path`` is written in a JSON evidence file, or the file itself."""
    try:
        text = yamlio.decode(read_head(evidence.path, MAX_BYTES), MAX_BYTES)
    except (FileProblem, DocumentError):
        return Location(evidence.rel)
    return Location(evidence.rel, *position(text, path))


def resolve_inputs(project: Project, evidence: Evidence) -> dict[str, Path]:
    """The record's input paths that stay inside the repository, keyed as recorded."""
    resolved = {}
    for key in sorted(evidence.inputs_sha256 or {}):
        path = project.resolve(key, Location(evidence.rel))
        if path is not None:
            resolved[key] = path
    return resolved


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a regular file's bytes, or None when there is no readable file."""
    try:
        with open_regular(path) as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except (FileProblem, OSError):
        return None
