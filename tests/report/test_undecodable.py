"""A file name that is not UTF-8 is shown as escapes in every report, never a crash or bad bytes."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import GIT_ENV, Repo

from mlpolicy.commands.status import FORMATS as STATUS_FORMATS
from mlpolicy.report import REPORTER_BY_NAME as FORMATS


@pytest.fixture
def repo_with_undecodable_name(repo: Repo) -> Repo:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    folder = os.fsencode(repo.root / "docs" / "design")
    os.makedirs(folder)
    with open(os.path.join(folder, b"\xff\xfe.md"), "wb") as handle:
        handle.write(b"# Design\n\nTODO\n")
    repo.commit()
    return repo


def _run(repo: Repo, *args: str) -> tuple[int, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "mlpolicy", *args],
        cwd=repo.root,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1", **GIT_ENV},
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    return done.returncode, done.stdout


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_check_format_escapes_the_name(repo_with_undecodable_name: Repo, name: str) -> None:
    code, output = _run(repo_with_undecodable_name, "check", "--format", name)
    assert code == 1
    text = output.decode("utf-8")  # raises if the report is not valid UTF-8
    assert "xff" in text and "xfe.md" in text  # as \xff\xfe (or %5Cxff in a SARIF URI)


@pytest.mark.parametrize("name", sorted(STATUS_FORMATS))
def test_every_status_format_escapes_the_name(repo_with_undecodable_name: Repo, name: str) -> None:
    code, output = _run(repo_with_undecodable_name, "status", "--format", name)
    assert code == 0
    output.decode("utf-8")
