"""The command layer: one lazily loaded module per subcommand, and options parsed once."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import ideation
import pytest
from conftest import Repo, run_cli

from mlpolicy import schema
from mlpolicy.commands import COMMAND_BY_NAME
from mlpolicy.commands import check as check_command
from mlpolicy.commands.check_settings import PYPROJECT_KEYS, CheckSettings, Target, parse
from mlpolicy.commands.options import given
from mlpolicy.findings import Severity
from mlpolicy.report import REPORTER_BY_NAME, renderer

ROOT = Path(__file__).parents[1]
LOADED = (
    "import sys, mlpolicy.cli as c\n"
    "code = c.run(sys.argv[1:])\n"
    "print(sorted(m for m in sys.modules if m.startswith(('mlpolicy.commands.',"
    " 'mlpolicy.report', 'jsonschema', 'git', 'ruamel', 'mlpolicy.engine'))))\n"
    "sys.exit(code)\n"
)


def _loaded(*args: str, cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    """The command, report and heavy third-party modules a CLI run imported."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert done.returncode in (0, 1), done.stderr
    modules: list[str] = json.loads(done.stdout.splitlines()[-1].replace("'", '"'))
    return {m for m in modules if not m.startswith("mlpolicy.report.")} | {
        m.removeprefix("mlpolicy.report.") for m in modules if m.startswith("mlpolicy.report.")
    }


def test_version_and_help_load_nothing_heavy(tmp_path: Path) -> None:
    assert _loaded("--version", cwd=tmp_path) == set()
    listed = _loaded("--help", cwd=tmp_path)
    assert not {"git", "jsonschema", "ruamel", "mlpolicy.engine"} & {
        m.split(".")[0] if not m.startswith("mlpolicy") else m for m in listed
    }


def test_check_loads_only_its_own_command_and_the_report_asked_for(repo: Repo) -> None:
    repo.write(ideation.complete()).commit()
    loaded = _loaded("check", "--format", "json", cwd=repo.root)
    commands = {m for m in loaded if m.startswith("mlpolicy.commands.")}
    assert commands == {
        "mlpolicy.commands.check",
        "mlpolicy.commands.check_settings",
        "mlpolicy.commands.options",
    }
    reports = {m for m in loaded if m in REPORTER_BY_NAME.values()}
    assert reports == {"json_report"}
    assert "destination" not in loaded  # no report file named: nothing to check or write


def test_a_check_of_a_valid_project_never_imports_jsonschema(repo: Repo, tmp_path: Path) -> None:
    repo.write(ideation.complete()).commit()
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    env = {"MLPOLICY_CACHE_DIR": str(cache), "CI": ""}
    assert "jsonschema" not in _loaded("check", cwd=repo.root, env=env)  # cold: the subset
    assert "jsonschema" not in _loaded("check", cwd=repo.root, env=env)  # warm


PLAIN_CHECK = (
    "import sys, mlpolicy.cli as c, mlpolicy.policy as p\n"
    "def parse(*args):\n"
    "    raise AssertionError('a policy was parsed')\n"
    "p.parse = parse\n"
    "code = c.run(sys.argv[1:])\n"
    "print(' '.join(sorted(sys.modules)))\n"
    "sys.exit(code)\n"
)


def test_a_plain_check_imports_only_what_it_uses(repo: Repo, tmp_path: Path) -> None:
    # What only another mode needs stays unimported: other formats and report files,
    # a crash's traceback, a pyproject.toml's TOML parser, shutil (git is looked up on
    # PATH directly); and the built-in policy is read in its frozen form, never parsed
    # and validated again. The second run is warm: jsonschema would bring shutil along.
    repo.write(ideation.complete()).commit()
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", PLAIN_CHECK, "check"],
            cwd=repo.root,
            capture_output=True,
            text=True,
            env={**os.environ, "MLPOLICY_CACHE_DIR": str(cache), "CI": ""},
        )
        assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.splitlines()[-1].split())
    assert {"mlpolicy.engine", "mlpolicy.policy", "mlpolicy.report.text"} <= loaded
    formats = {f"mlpolicy.report.{module}" for module in REPORTER_BY_NAME.values()}
    assert formats & loaded == {"mlpolicy.report.text"}
    assert not {"mlpolicy.report.destination", "traceback", "tomllib", "shutil"} & loaded


def test_every_table_entry_is_its_modules_command() -> None:
    import importlib

    for name, module in COMMAND_BY_NAME.items():
        command = importlib.import_module(f"mlpolicy.commands.{module}").command
        assert isinstance(command, click.Command)
        assert command.name == name


def test_reporter_table_feeds_every_format_choice() -> None:
    [option] = [p for p in check_command.command.params if p.name == "format_"]
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == tuple(REPORTER_BY_NAME)
    assert schema.load("settings")["properties"]["format"]["enum"] == list(REPORTER_BY_NAME)
    assert all(callable(renderer(name)) for name in REPORTER_BY_NAME)


def _parsed(repo: Repo, *args: str) -> CheckSettings:
    """``check ARGS`` run from ``repo`` as far as its settings, through the real options."""
    previous = Path.cwd()
    os.chdir(repo.root)
    try:
        ctx = check_command.command.make_context("check", list(args))
        return parse(ctx.params, given(ctx, PYPROJECT_KEYS))
    finally:
        os.chdir(previous)


def test_options_become_one_frozen_value(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MLPOLICY_FORMAT", "MLPOLICY_FAIL_ON", "MLPOLICY_SELECT", "GITHUB_BASE_REF"):
        monkeypatch.delenv(name, raising=False)
    repo.write(ideation.complete()).commit()
    settings = _parsed(repo, "--select", "mlp1,MLP305", "--report", "sarif=out.sarif", "-q")
    assert settings.paths == (Path(),)
    assert settings.engine.select == ("MLP1", "MLP305")
    assert settings.engine.fail_on is Severity.ERROR
    assert settings.targets == (Target("text", None), Target("sarif", Path("out.sarif")))
    assert settings.quiet and not settings.color
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.quiet = False  # type: ignore[misc]


def test_pyproject_fills_what_the_command_line_leaves(
    repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MLPOLICY_FAIL_ON", raising=False)
    repo.write({**ideation.complete(), "pyproject.toml": PYPROJECT}).commit()
    from_file = _parsed(repo)
    assert (from_file.engine.fail_on, from_file.targets[0].format) == (None, "gitlab")
    assert from_file.engine.ignore == ("MLP2",)
    ours = _parsed(repo, "--fail-on", "warning", "--format", "json")
    assert (ours.engine.fail_on, ours.targets[0].format) == (Severity.WARNING, "json")
    monkeypatch.setenv("MLPOLICY_FAIL_ON", "error")
    assert _parsed(repo).engine.fail_on is Severity.ERROR


PYPROJECT = '[tool.mlpolicy]\nfail-on = "never"\nformat = "gitlab"\nignore = ["MLP2"]\n'
ORG_POLICY = (
    "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: error}\n"
    "  - id: review\n    requires: {design_doc_approved: error}\n"
)


def _phases(repo: Repo, *args: str) -> list[str]:
    result = run_cli("status", "--format", "json", *args, cwd=repo.root)
    assert result.code == 0, result.stderr
    [project] = result.json()["projects"]
    return [phase["id"] for phase in project["phases"]]


def test_status_honours_the_pyproject_policy_below_the_command_line(repo: Repo) -> None:
    repo.write(ideation.complete())
    repo.write({"org.yaml": ORG_POLICY, "other.yaml": ORG_POLICY.replace("review", "vetting")})
    repo.write({"pyproject.toml": '[tool.mlpolicy]\npolicy = "org.yaml"\n'}).commit()
    assert _phases(repo) == ["ideation", "review"]
    assert _phases(repo, "--policy", "other.yaml") == ["ideation", "vetting"]
    env = {"MLPOLICY_POLICY": str(repo.root / "other.yaml")}
    result = run_cli("status", "--format", "json", cwd=repo.root, env=env)
    assert [p["id"] for p in result.json()["projects"][0]["phases"]] == ["ideation", "vetting"]


def test_status_honours_pyproject_no_git(repo: Repo) -> None:
    repo.write(ideation.complete())  # never committed: MLP501 with git, nothing without
    uncommitted = run_cli("status", "--format", "json", cwd=repo.root).stdout
    assert "MLP501" in uncommitted
    repo.write({"pyproject.toml": "[tool.mlpolicy]\nno-git = true\n"})
    assert "MLP501" not in run_cli("status", "--format", "json", cwd=repo.root).stdout


def test_status_refuses_a_bad_pyproject_like_check(repo: Repo) -> None:
    repo.write(ideation.complete())
    repo.write({"pyproject.toml": '[tool.mlpolicy]\npolicy = "missing.yaml"\n'}).commit()
    result = run_cli("status", cwd=repo.root)
    assert result.code == 2
    assert "missing.yaml" in result.stderr and "Traceback" not in result.stderr
    repo.write({"pyproject.toml": "[tool.mlpolicy]\nfail_onn = 1\n"})
    assert run_cli("status", cwd=repo.root).code == 2
