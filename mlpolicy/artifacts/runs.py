"""The values every experiment-log format reads into: runs, invalid records, log files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mlpolicy.findings import Location


@dataclass(frozen=True, slots=True)
class Run:
    """One experiment run, whatever format recorded it."""

    run_id: str
    experiment: str
    status: str  # running | finished | failed | killed
    commit: str | None  # lower-case SHA as recorded (maybe abbreviated); None: not recorded
    dirty: bool
    params: Mapping[str, object]
    metrics: Mapping[str, float]  # a series counts with its last value
    started_at: str
    location: Location
    # A format that records no commit (DVCLive) names the repo-relative path whose last
    # commit is the run's; the experiments module fills ``commit`` from git history.
    commit_from: str | None = None

    @property
    def usable(self) -> bool:
        """Finished with at least one param and one metric: evidence a model was trained."""
        return self.status == "finished" and bool(self.params) and bool(self.metrics)


@dataclass(frozen=True, slots=True)
class InvalidRecord:
    """A record or file that could not be read as a run: why, and where."""

    message: str
    location: Location
    hint: str | None = None  # what to do, when the format's usual advice does not fit


@dataclass(frozen=True, slots=True)
class LogFile:
    """One experiment log (a file, or a store directory) and what was read from it."""

    path: str  # repo-relative, with /
    format: str
    runs: tuple[Run, ...]
    invalid: tuple[InvalidRecord, ...] = ()
    readable: bool = True
    more_invalid: int = 0  # invalid records beyond those kept in ``invalid`` (only counted)

    @property
    def status(self) -> str:
        """The artifact status for the report: ok, invalid or unreadable."""
        return "unreadable" if not self.readable else "invalid" if self.invalid else "ok"


def unreadable(rel: str, format: str, message: str) -> LogFile:
    """A log that could not be read at all, with the reason at its path."""
    return LogFile(rel, format, (), (InvalidRecord(message, Location(rel)),), readable=False)


@dataclass(frozen=True, slots=True)
class Reader:
    """An experiment-log format: its default globs, which paths it claims, how it reads one.

    ``claims`` must decide from the path alone where it can (a declared log that does not
    exist yet is still reported with its format); ``read`` gets the path and its
    repo-relative name and must never raise on the file's contents.
    """

    format: str
    defaults: tuple[str, ...]
    claims: Callable[[Path], bool]
    read: Callable[[Path, str], LogFile]
