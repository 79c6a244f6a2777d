"""What users of other CI linters expect: -q/--quiet, FORCE_COLOR/NO_COLOR, shell completion."""

from __future__ import annotations

import subprocess
from pathlib import Path

import ideation
import pytest
from conftest import Repo, run_cli

ESC = "\x1b["


def _failing(repo: Repo) -> Repo:
    repo.write(ideation.incomplete())
    repo.commit()
    return repo


def test_quiet_prints_only_the_findings(repo: Repo) -> None:
    full = _failing(repo).check()
    quiet = repo.check("-q")
    assert quiet.code == full.code == 1
    lines = quiet.stdout.splitlines()
    assert lines[0].startswith("docs/design.md") and "MLP102" in lines[0]
    assert lines[1].startswith("  hint: ")
    assert all(line in full.stdout.splitlines() for line in lines)
    assert "Failed" in full.stdout and "Failed" not in quiet.stdout
    assert "[ideation]" not in quiet.stdout  # no project header


def test_quiet_prints_nothing_on_a_clean_pass(repo: Repo) -> None:
    repo.write(ideation.complete())
    repo.commit()
    result = repo.check("--quiet")
    assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_quiet_leaves_machine_formats_and_report_files_whole(repo: Repo) -> None:
    _failing(repo)
    assert repo.check("-q", "--format", "json").json()["summary"]["errors"] == 1
    repo.check("-q", "--report", "text=out.txt")
    assert "Failed: 1 error" in (repo.root / "out.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("env", "args", "coloured"),
    [
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, [], True),
        ({"FORCE_COLOR": "0", "NO_COLOR": ""}, [], True),  # any non-empty value forces
        ({"FORCE_COLOR": "", "NO_COLOR": ""}, [], False),  # empty means unset
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, [], False),  # NO_COLOR wins
        ({"FORCE_COLOR": "1", "NO_COLOR": ""}, ["--no-color"], False),  # the flag wins
        ({"FORCE_COLOR": "", "NO_COLOR": "1"}, ["--color"], True),
    ],
)
def test_colour_follows_force_color_and_no_color(
    repo: Repo, env: dict[str, str], args: list[str], coloured: bool
) -> None:
    result = _failing(repo).check(*args, env=env)
    assert result.code == 1
    assert (ESC in result.stdout) is coloured


def test_force_color_never_colours_report_files(repo: Repo) -> None:
    _failing(repo).check("--output", "out.txt", env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert ESC not in (repo.root / "out.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "_mlpolicy_completion()"), ("zsh", "#compdef mlpolicy"), ("fish", "complete")],
)
def test_completion_scripts_generate(tmp_path: Path, shell: str, marker: str) -> None:
    result = run_cli(cwd=tmp_path, env={"_MLPOLICY_COMPLETE": f"{shell}_source"})
    assert result.code == 0, result.stderr
    assert marker in result.stdout and "_MLPOLICY_COMPLETE" in result.stdout


def test_bash_completion_completes_commands_and_options(tmp_path: Path) -> None:
    def complete(words: str) -> list[str]:
        env = {
            "_MLPOLICY_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1)),
        }
        return run_cli(cwd=tmp_path, env=env).stdout.split()

    assert "plain,check" in complete("mlpolicy ch")
    assert "plain,--quiet" in complete("mlpolicy check --qu")
    assert "plain,gitlab" in complete("mlpolicy check --format gi")


def test_the_generated_bash_script_is_valid_bash(tmp_path: Path) -> None:
    script = run_cli(cwd=tmp_path, env={"_MLPOLICY_COMPLETE": "bash_source"}).stdout
    done = subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)
    assert done.returncode == 0, done.stderr
