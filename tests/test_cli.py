"""The command line as a user meets it: exit codes, commands, settings precedence."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Repo, run_cli

SPEC_IDS = [f"MLP00{i}" for i in range(1, 10)] + [
    "MLP101", "MLP102", "MLP103", "MLP104", "MLP105",
    "MLP201", "MLP202", "MLP203", "MLP204", "MLP205", "MLP206", "MLP207", "MLP208",
    "MLP301", "MLP302", "MLP303", "MLP304", "MLP305", "MLP306",
    "MLP401", "MLP402", "MLP403", "MLP404", "MLP405", "MLP406", "MLP407", "MLP408",
    "MLP501", "MLP502", "MLP503", "MLP504", "MLP505",
]  # fmt: skip
BAD_MANIFEST = {"mlpolicy.yaml": "version: 1\nphase: deploy\n"}


def test_version(tmp_path: Path) -> None:
    from mlpolicy import __version__

    result = run_cli("--version", cwd=tmp_path)
    assert (result.code, result.stdout.strip()) == (0, f"mlpolicy {__version__}")


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--bogus"],
        ["check", "no/such/path"],
        ["check", "--format", "yaml"],
        ["check", "--fail-on", "sometimes"],
        ["check", "--select", "XYZ9"],
        ["check", "--report", "json"],
        ["check", "--report", "pdf=out.pdf"],
        ["check", "--policy", "missing-policy.yaml"],
        ["explain", "MLP999"],
        ["schema", "nothing"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_without_traceback(repo: Repo, args: list[str]) -> None:
    repo.write(BAD_MANIFEST)
    result = run_cli(*args, cwd=repo.root)
    assert result.code == 2, result
    assert "Traceback" not in result.stderr
    assert result.stderr.strip()


def test_invalid_forced_policy_is_exit_2_with_location(repo: Repo) -> None:
    repo.write({**BAD_MANIFEST, "p.yaml": "version: 1\nphases:\n  - id: Bad Id\n"})
    result = repo.check("--policy", "p.yaml")
    assert result.code == 2
    assert "p.yaml:3:" in result.stderr


def test_unknown_what_if_phase_is_exit_2(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    result = repo.check("--phase", "deploy")
    assert result.code == 2
    assert "production" in result.stderr


def test_internal_error_exits_3_and_traceback_only_with_verbose(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    code = (
        "import sys, mlpolicy.engine as e, mlpolicy.cli as c\n"
        "def boom(*a, **k): raise RuntimeError('boom')\n"
        "e.check = boom\n"
        "sys.exit(c.run(sys.argv[1:]))\n"
    )
    for extra, traceback in (([], False), (["--verbose"], True)):
        done = subprocess.run(
            [sys.executable, "-c", code, *extra, "check"],
            cwd=repo.root,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 3
        assert "internal error" in done.stderr
        assert ("Traceback" in done.stderr) is traceback


def test_fail_on_decides_the_exit_code(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": "version: 1\nphase: ideation\nwaivers:\n  - rule: MLP405\n"
            '    reason: "Logging lands with the serving migration"\n'
            '    expires: 2099-01-01\n    approved_by: "@lead"\n'
        }
    )
    args = ("--select", "MLP007")  # exactly one warning
    assert repo.check(*args).code == 0
    assert repo.check(*args, "--fail-on", "warning").code == 1
    assert repo.check(*args, "--fail-on", "never").code == 0
    repo.write(BAD_MANIFEST)
    assert repo.check("--fail-on", "never").code == 0


def test_rules_json_lists_the_whole_catalogue(tmp_path: Path) -> None:
    result = run_cli("rules", "--format", "json", cwd=tmp_path)
    rows = json.loads(result.stdout)
    assert [r["id"] for r in rows] == SPEC_IDS
    assert all(r["name"] and r["summary"] for r in rows)
    assert {r["id"] for r in rows if r["implemented"]} >= {f"MLP00{i}" for i in range(1, 10)}
    text = run_cli("rules", cwd=tmp_path).stdout
    assert all(rule_id in text for rule_id in SPEC_IDS)


def test_explain_prints_the_rule_doc(tmp_path: Path) -> None:
    for name in ("MLP003", "mlp003", "manifest-invalid"):
        result = run_cli("explain", name, cwd=tmp_path)
        assert result.code == 0
        for heading in ("# MLP003 manifest-invalid", "## Why is this bad?", "## Example", "## Fix"):
            assert heading in result.stdout


def test_schema_prints_bundled_schemas(tmp_path: Path) -> None:
    for name in ("manifest", "policy", "report"):
        result = run_cli("schema", name, cwd=tmp_path)
        assert json.loads(result.stdout)["$schema"].endswith("2020-12/schema")


def test_output_and_extra_reports(repo: Repo, tmp_path: Path) -> None:
    repo.write(BAD_MANIFEST)
    out, extra = tmp_path / "r.txt", tmp_path / "sub" / "r.json"
    result = repo.check("--output", str(out), "--report", f"json={extra}")
    assert result.code == 1
    assert result.stdout == ""
    assert "MLP003" in out.read_text()
    assert json.loads(extra.read_text())["passed"] is False


def test_color_only_when_asked_or_on_a_terminal(repo: Repo) -> None:
    repo.write(BAD_MANIFEST)
    assert "\x1b[" not in repo.check().stdout  # not a TTY
    assert "\x1b[" in repo.check("--color").stdout
    assert "\x1b[" not in repo.check("--no-color").stdout


def test_settings_precedence_cli_then_env_then_pyproject(repo: Repo) -> None:
    repo.write({**BAD_MANIFEST, "pyproject.toml": '[tool.mlpolicy]\nfail-on = "never"\n'})
    repo.commit()
    assert repo.check().code == 0  # pyproject
    assert repo.check(env={"MLPOLICY_FAIL_ON": "error"}).code == 1  # env beats pyproject
    env = {"MLPOLICY_FAIL_ON": "error"}
    assert repo.check("--fail-on", "never", env=env).code == 0  # command line beats env
    repo.write({"pyproject.toml": '[tool.mlpolicy]\nignore = ["MLP003"]\nformat = "json"\n'})
    repo.commit()
    result = repo.check()
    assert result.code == 0 and result.json()["passed"] is True


def test_unknown_pyproject_key_is_exit_2(repo: Repo) -> None:
    repo.write({**BAD_MANIFEST, "pyproject.toml": '[tool.mlpolicy]\nfail_onn = "never"\n'})
    result = repo.check()
    assert result.code == 2
    assert "fail_on" in result.stderr


def test_select_and_ignore_prefixes(repo: Repo) -> None:
    repo.write(BAD_MANIFEST)
    repo.commit()
    assert repo.check("--select", "MLP1").code == 0
    assert repo.check("--ignore", "MLP003").code == 0
    assert repo.check("--select", "MLP0,MLP1").code == 1


def test_import_of_cli_stays_free_of_git_and_jsonschema() -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import mlpolicy.cli"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()[1:]}
    assert "git" not in imported
    assert "jsonschema" not in imported
    assert "click" in imported


def test_broken_pyproject_only_affects_check(repo: Repo) -> None:
    repo.write(
        {"mlpolicy.yaml": "version: 1\nphase: ideation\n", "pyproject.toml": "[tool.mlpolicy\n"}
    )
    assert run_cli("--version", cwd=repo.root).code == 0
    assert run_cli("explain", "MLP001", cwd=repo.root).code == 0
    result = repo.check()
    assert result.code == 2
    assert "pyproject.toml" in result.stderr
