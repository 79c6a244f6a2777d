"""The bundled examples behave as the README says: each phase passes, `failing` fails.

They are checked in this repository's own history (their run logs name its commits), as
the README's first command does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

ROOT = Path(__file__).parents[1]
FAILING = {
    "MLP102", "MLP103", "MLP104", "MLP105",  # draft design doc with template text
    "MLP202", "MLP204", "MLP207",  # a broken record, a dirty run, the bar missed
    "MLP301", "MLP304",  # no pipeline definition, failing pipeline tests
}  # fmt: skip


@pytest.mark.parametrize("phase", ["ideation", "experimentation", "pipeline", "production"])
def test_each_phase_example_passes_cleanly(phase: str) -> None:
    result = run_cli("check", f"examples/{phase}", "--format", "json", cwd=ROOT)
    assert result.code == 0, result.stdout
    [project] = result.json()["projects"]
    assert project["phase"] == phase
    assert project["findings"] == []  # not even a warning
    assert all(a["status"] == "ok" for a in project["artifacts"])


def test_failing_example_shows_the_documented_rules() -> None:
    result = run_cli("check", "examples/failing", "--format", "json", cwd=ROOT)
    assert result.code == 1
    assert set(result.rules()) == FAILING


def test_readme_first_command_reports_all_five_projects() -> None:
    result = run_cli("check", "examples/", cwd=ROOT)
    assert result.code == 1
    for name in ("ideation", "experimentation", "pipeline", "production"):
        assert f"examples/{name} [{name}] ok" in result.stdout
    assert "examples/failing [pipeline]" in result.stdout
