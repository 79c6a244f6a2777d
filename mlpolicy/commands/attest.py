"""``mlpolicy attest``: write a pipeline validation record from a JUnit report and file hashes.

Paths in the record (``pipeline``, ``inputs_sha256``, ``junit.path``) are relative to the
directory of the manifest of the project holding the first PIPELINE (the nearest
``mlpolicy.yaml`` above it, inside its repository), else to the current directory. The
checker reads them relative to the manifest's directory, so a record stays valid
wherever ``attest`` was run from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlpolicy import safeio
from mlpolicy.commands import EXIT_FINDINGS, EXIT_OK
from mlpolicy.errors import DocumentError, UsageError

if TYPE_CHECKING:
    from mlpolicy.artifacts import junit

DEFAULT_OUTPUT = Path("reports", "pipeline-validation.json")
_CHECK_STATUS = {"passed": "passed", "failed": "failed", "error": "failed", "skipped": "skipped"}


@dataclass(frozen=True, slots=True)
class Attestation:
    """What ``attest`` wrote: where, and whether the record says the pipeline passed."""

    output: Path
    passed: bool
    summary: str


def attest(
    pipelines: Sequence[Path], junit_path: Path, output: Path | None, cwd: Path
) -> Attestation:
    """Hash ``pipelines``, read ``junit_path`` and write the validation record."""
    from mlpolicy.artifacts.evidence import RECORD

    report = _read_junit(junit_path)
    base = _base(pipelines, cwd)
    inputs = {_relative(file, base): _digest(file) for file in _files(pipelines)}
    record: dict[str, Any] = {
        "schema": RECORD,
        "pipeline": [_relative(path, base) for path in pipelines],
        "status": "passed" if report.passed else "failed",
        "validated_at": _now().isoformat().replace("+00:00", "Z"),
        "commit": _head_commit(base),
        "inputs_sha256": dict(sorted(inputs.items())),
        "checks": [_check(case) for case in report.cases],
        "junit": {
            "path": _relative(junit_path, base),
            "tests": report.tests,
            "failures": report.failures,
            "errors": report.errors,
            "skipped": report.skipped,
        },
    }
    _ensure_valid(record)
    target = output if output is not None else cwd / DEFAULT_OUTPUT
    _write(target, json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    return Attestation(target, report.passed, report.summary())


def _read_junit(path: Path) -> junit.Report:
    from mlpolicy.artifacts import junit

    try:
        return junit.load(safeio.read_bounded(path, junit.MAX_BYTES))
    except safeio.FileProblem as exc:
        raise UsageError(f"--junit: {path} {exc.reason}") from None
    except DocumentError as exc:
        where = ":".join(str(p) for p in (path, exc.line, exc.column) if p is not None)
        raise UsageError(f"--junit: {where}: {exc.message}") from None


def _base(pipelines: Sequence[Path], cwd: Path) -> Path:
    from mlpolicy.manifest import NAMES
    from mlpolicy.project import Repository

    """The manifest directory of the project holding the first pipeline, else ``cwd``."""
    start = _real(pipelines[0])
    folder = start if start.is_dir() else start.parent
    top = Repository.containing(folder, use_git=False).root
    for candidate in (folder, *folder.parents):
        if any((candidate / name).is_file() for name in NAMES):
            return candidate
        if candidate == top:
            break
    return _real(cwd)


def _real(path: Path) -> Path:
    """``path`` with its directories' symlinks resolved (as the checker resolves the manifest)."""
    absolute = Path(os.path.abspath(path))
    return Path(os.path.realpath(absolute.parent)) / absolute.name


def _relative(path: Path, base: Path) -> str:
    return Path(os.path.relpath(_real(path), base)).as_posix()


def _unlistable(folder: Path, problem: safeio.FileProblem) -> None:
    raise UsageError(f"{folder} {problem.reason}; a record cannot leave it out")


def _files(pipelines: Sequence[Path]) -> list[Path]:
    from mlpolicy.project import SKIP_DIRS

    """The PIPELINE files, directories expanded to the files inside them."""
    files: list[Path] = []
    for path in pipelines:
        if not path.is_dir():
            files.append(path)
            continue
        inside = [
            Path(folder, name)
            for folder, dirs, names in safeio.walk(path, _unlistable)
            if not SKIP_DIRS.intersection(Path(folder).relative_to(path).parts)
            for name in names
        ]
        if not inside:
            raise UsageError(f"{path}: the directory holds no files to attest")
        files += sorted(inside)
    return files


def _digest(path: Path) -> str:
    from mlpolicy.artifacts.validation import file_sha256

    digest = file_sha256(path)
    if digest is None:
        raise UsageError(f"{path}: cannot read the file to hash it")
    return digest


def _check(case: junit.Case) -> dict[str, str]:
    check = {"name": case.name, "status": _CHECK_STATUS[case.status]}
    if case.details:
        check["details"] = f"error: {case.details}" if case.status == "error" else case.details
    return check


def _now() -> dt.datetime:
    """UTC now, to the second; ``SOURCE_DATE_EPOCH`` fixes it for reproducible records."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _head_commit(folder: Path) -> str | None:
    from mlpolicy.gitrepo import GitRepo
    from mlpolicy.project import Repository

    repository = Repository.containing(folder, use_git=False)
    if not repository.is_git:
        return None
    with GitRepo(repository.root) as repo:
        return repo.head_commit()


def _ensure_valid(record: dict[str, Any]) -> None:
    from mlpolicy import schema

    problems = schema.validate("validation", record)
    if problems:  # a bug in attest, not the user's doing: the CLI turns it into exit 3
        raise RuntimeError(f"attest built an invalid record: {problems[0].message}")


def _write(target: Path, text: str) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(
            f"cannot write the validation record to {target}: {exc.strerror}"
        ) from None


@click.command(name="attest")
@click.argument(
    "pipelines",
    nargs=-1,
    required=True,
    metavar="PIPELINE...",
    type=click.Path(exists=True, path_type=Path),
)
@click.option(
    "--junit",
    "junit_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="JUnit XML report of the pipeline's tests.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the record to FILE (default: reports/pipeline-validation.json).",
)
def command(pipelines: tuple[Path, ...], junit_path: Path, output: Path | None) -> int:
    """Record that PIPELINE files (or directories) were validated by the tests in --junit.

    The record (schemas/validation.schema.json) holds the SHA-256 of every PIPELINE file,
    so `mlpolicy check` reports it stale (MLP305) once any of them changes. Its paths are
    relative to the directory of the project's mlpolicy.yaml. It passes only when no test
    failed or errored and at least one test ran.

    \b
    Exit status: 0 the record was written and passed; 1 it was written and failed;
    2 it could not be written (missing or unreadable JUnit report, bad path).
    """
    outcome = attest(pipelines, junit_path, output, Path.cwd())
    verdict = "passed" if outcome.passed else "failed"
    click.echo(f"{outcome.output}: pipeline validation {verdict} ({outcome.summary})")
    return EXIT_OK if outcome.passed else EXIT_FINDINGS
