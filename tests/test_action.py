"""The GitHub Action: valid, clean under zizmor, and its steps work in a simulated runner.

The simulation runs each ``run:`` step of action.yml in order with ``bash --noprofile
--norc -eo pipefail`` (what ``shell: bash`` means on a runner), a fresh ``GITHUB_OUTPUT`` per
step, one shared ``GITHUB_STEP_SUMMARY``, and ``GITHUB_ACTION_PATH`` pointing at this
checkout, inside a shallow clone of a pull request's merge commit (``fetch-depth: 2``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ideation
import pytest
from conftest import GIT_ENV, Repo
from jsonschema import Draft202012Validator
from report.test_github import parse

from mlpolicy import yamlio

ROOT = Path(__file__).parents[1]
ACTION: dict[str, Any] = yamlio.load((ROOT / "action.yml").read_bytes()).value
TOOLS_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
SARIF_SCHEMA = json.loads((ROOT / "tests" / "vendor" / "sarif-2.1.0.json").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
CLAUSE = re.compile(r"inputs\.([\w-]+) (==|!=) '([^']*)'")


def _tool(name: str) -> str:
    found = shutil.which(name, path=TOOLS_PATH)
    assert found, f"{name} is a test dependency (pip install -e '.[test]')"
    return found


def test_action_is_valid_against_the_github_action_schema() -> None:
    done = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing() -> None:
    done = subprocess.run(
        [_tool("zizmor"), "--offline", "action.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings" in done.stdout


def test_expressions_reach_the_shell_only_through_env() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", "")
        if "uses" in step:
            ref = step["uses"].split("@")[1]
            assert re.fullmatch(r"[0-9a-f]{40}", ref), step["uses"]


@dataclass
class Run:
    """What one simulated run of the action left behind."""

    code: int
    outputs: dict[str, str]
    summary: str
    log: str
    workspace: Path
    reports: list[Path] = field(default_factory=list)

    def annotations(self) -> list[tuple[str, dict[str, str], str]]:
        lines = self.log.replace("\r", "\n").split("\n")
        return [parse(line) for line in lines if line.startswith("::")]


def _pull_request(tmp_path: Path, head: dict[str, str]) -> Path:
    """A workspace as actions/checkout leaves it for a pull request: the merge commit, depth 2."""
    origin = Repo(tmp_path / "origin")
    origin.write({**ideation.complete("svc/"), **ideation.complete("web/")})
    origin.commit("main")
    origin.git("checkout", "-q", "-b", "feature")
    origin.write(head)
    origin.commit("the pull request's change")
    origin.git("checkout", "-q", "main")
    origin.write({"CHANGELOG.md": "main moved on\n"})
    origin.commit("meanwhile on main")
    origin.git("checkout", "-q", "-b", "merge")
    origin.git("merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
    origin.git("update-ref", "refs/pull/1/merge", "HEAD")
    workspace = Repo(tmp_path / "workspace")
    url = (tmp_path / "origin").as_uri()
    workspace.git("fetch", "-q", "--depth=2", url, "+refs/pull/1/merge:refs/remotes/pull/1/merge")
    workspace.git("checkout", "-q", "--detach", "refs/remotes/pull/1/merge")
    assert workspace.git("rev-parse", "--is-shallow-repository") == "true"
    return workspace.root


def _run_action(tmp_path: Path, workspace: Path, **overrides: str) -> Run:
    inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    inputs.update({name.replace("_", "-"): value for name, value in overrides.items()})
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    summary = tmp_path / "step-summary.md"
    summary.write_text("# Earlier step\n", encoding="utf-8")
    runner = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MLPOLICY_"))},
        **GIT_ENV,
        "PATH": TOOLS_PATH,
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
        "GITHUB_HEAD_REF": "feature",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(temp),
    }
    steps: dict[str, dict[str, str]] = {}
    log, code = "", 0
    for step in ACTION["runs"]["steps"]:
        if not _enabled(step, inputs, failed=code != 0):
            continue
        if "uses" in step:
            steps[step["id"]] = _simulate(step["uses"])
            continue
        env = {k: _evaluate(str(v), inputs, steps) for k, v in step.get("env", {}).items()}
        output = tmp_path / f"output-{step['id']}"
        output.write_text("")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            capture_output=True,
            text=True,
            env={**runner, **env, "GITHUB_OUTPUT": str(output)},
        )
        log += done.stdout + done.stderr
        steps[step["id"]] = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if line
        )
        code = code or done.returncode
    outputs = {k: _evaluate(v["value"], inputs, steps) for k, v in ACTION["outputs"].items()}
    reports = sorted(temp.glob("mlpolicy.*/report.json"))
    return Run(code, outputs, summary.read_text(encoding="utf-8"), log, workspace, reports)


def _enabled(step: dict[str, Any], inputs: dict[str, str], failed: bool) -> bool:
    """A step's ``if:``, for the conjunctions of input comparisons this action uses."""
    condition = str(step.get("if", "success()"))
    assert "||" not in condition
    if failed and "!cancelled()" not in condition and "always()" not in condition:
        return False
    return all(
        (inputs[name] == value) == (op == "==") for name, op, value in CLAUSE.findall(condition)
    )


def _simulate(uses: str) -> dict[str, str]:
    """What a ``uses:`` step gives the later steps (only setup-python may run here)."""
    assert uses.startswith("actions/setup-python@"), f"{uses} would run in this simulation"
    return {"python-path": getattr(sys, "_base_executable", sys.executable)}


def _evaluate(text: str, inputs: dict[str, str], steps: dict[str, dict[str, str]]) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match[1]
        if found := re.fullmatch(r"inputs\.([\w-]+)", expression):
            return inputs[found[1]]
        found = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
        assert found, f"unexpected expression {expression!r}"
        return steps.get(found[1], {}).get(found[2], "")

    return EXPRESSION.sub(value, text)


BAD_HEAD = {
    **ideation.incomplete("svc/"),
    "web/mlpolicy.yaml": 'version: 1\nphase: ideation\n"a,b:c%d": 1\n',
}


def test_a_failing_pull_request(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, BAD_HEAD)
    run = _run_action(tmp_path, workspace, use_system_python="true")
    assert run.code == 1, run.log
    assert run.outputs == {
        "passed": "false",
        "errors": "2",
        "warnings": "0",
        "sarif-file": "mlpolicy.sarif",
    }
    annotations = {
        (props.get("file"), props["title"]): data for _, props, data in run.annotations()
    }
    assert ("svc/docs/design.md", "MLP102 design-doc-section-missing") in annotations
    assert 'unknown key "a,b:c%d"' in annotations[("web/mlpolicy.yaml", "MLP003 manifest-invalid")]
    # Appended once, after what earlier steps wrote; never twice.
    assert run.summary.startswith("# Earlier step\n")
    assert run.summary.count("mlpolicy: failed") == 1
    assert "[MLP102](" in run.summary
    sarif = json.loads((workspace / "mlpolicy.sarif").read_text())
    Draft202012Validator(SARIF_SCHEMA).validate(sarif)
    (report,) = [json.loads(path.read_text()) for path in run.reports]
    # Pull-request mode against the merge commit's first parent, which is main's tip.
    main_tip = Repo(tmp_path / "origin").git("rev-parse", "main")
    assert report["base"]["commit"] == main_tip


def test_a_passing_pull_request(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, {"svc/notes.md": "Notes.\n"})
    run = _run_action(tmp_path, workspace, use_system_python="true")
    assert run.code == 0, run.log
    assert run.outputs["passed"] == "true"
    assert (run.outputs["errors"], run.outputs["warnings"]) == ("0", "0")
    assert run.annotations() == []
    assert "mlpolicy: passed" in run.summary


def test_inputs_reach_mlpolicy(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, BAD_HEAD)
    run = _run_action(
        tmp_path,
        workspace,
        use_system_python="true",
        path="svc\n",
        base="none",
        fail_on="never",
        format="text",
        sarif_file="reports/out.sarif",
    )
    assert run.code == 0, run.log
    assert run.outputs == {
        "passed": "true",
        "errors": "1",
        "warnings": "0",
        "sarif-file": "reports/out.sarif",
    }
    assert run.annotations() == [] and "svc/docs/design.md: MLP102" in run.log
    (report,) = [json.loads(path.read_text()) for path in run.reports]
    assert report["base"] is None and [p["root"] for p in report["projects"]] == ["svc"]


def test_outputs_are_written_even_when_mlpolicy_cannot_run(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, BAD_HEAD)
    run = _run_action(tmp_path, workspace, use_system_python="true", path="no/such/dir")
    assert run.code == 2
    assert run.outputs == {"passed": "false", "errors": "", "warnings": "", "sarif-file": ""}
    assert "could not run (exit 2)" in run.summary


def test_installs_into_its_own_virtual_environment(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, BAD_HEAD)
    run = _run_action(tmp_path, workspace)
    assert run.code == 1, run.log
    venv_python = tmp_path / "runner-temp" / "mlpolicy-venv" / "bin" / "python"
    assert venv_python.exists()
    assert run.outputs["passed"] == "false" and run.outputs["errors"] == "2"


FORGED = '{"version": "2.1.0", "runs": [{"results": []}]}\n'


def test_a_committed_sarif_is_removed_even_when_mlpolicy_cannot_run(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, {**BAD_HEAD, "mlpolicy.sarif": FORGED})
    run = _run_action(tmp_path, workspace, use_system_python="true", path="no/such/dir")
    assert run.code == 2 and run.outputs["sarif-file"] == ""
    assert not (workspace / "mlpolicy.sarif").exists()


def test_a_stale_sarif_is_replaced_by_this_runs(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, {**BAD_HEAD, "mlpolicy.sarif": FORGED})
    run = _run_action(tmp_path, workspace, use_system_python="true")
    assert run.code == 1 and run.outputs["sarif-file"] == "mlpolicy.sarif"
    sarif = json.loads((workspace / "mlpolicy.sarif").read_text())
    Draft202012Validator(SARIF_SCHEMA).validate(sarif)
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"MLP102", "MLP003"}


def test_a_committed_symlink_at_the_sarif_path_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside" / "precious.sh"
    outside.parent.mkdir()
    outside.write_text("#!/bin/sh\necho precious\n")
    outside.chmod(0o755)
    workspace = _pull_request(tmp_path, BAD_HEAD)
    # What checking out a change that commits mlpolicy.sarif -> /outside/precious.sh leaves.
    os.symlink(outside, workspace / "mlpolicy.sarif")
    run = _run_action(tmp_path, workspace, use_system_python="true")
    assert run.code == 1, run.log
    assert outside.read_text() == "#!/bin/sh\necho precious\n"
    assert os.access(outside, os.X_OK)
    written = workspace / "mlpolicy.sarif"
    assert not written.is_symlink() and json.loads(written.read_text())["version"] == "2.1.0"
    assert run.outputs["sarif-file"] == "mlpolicy.sarif"


def test_a_symlinked_folder_on_the_sarif_path_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    workspace = _pull_request(tmp_path, BAD_HEAD)
    os.symlink(outside, workspace / "reports")
    run = _run_action(tmp_path, workspace, use_system_python="true", sarif_file="reports/x.sarif")
    assert run.code == 2
    assert list(outside.iterdir()) == []
    assert "outside the workspace" in run.log
    assert run.outputs["sarif-file"] == "" and run.outputs["passed"] == "false"


@pytest.mark.parametrize(
    ("inputs", "rules"),
    [
        ({"select": "MLP003"}, {"MLP003"}),
        ({"ignore": "MLP0"}, {"MLP102"}),
        ({"select": "MLP1,MLP2", "phase": "experimentation"}, {"MLP102", "MLP105", "MLP201"}),
    ],
)
def test_rule_and_phase_inputs_reach_mlpolicy(
    tmp_path: Path, inputs: dict[str, str], rules: set[str]
) -> None:
    workspace = _pull_request(tmp_path, BAD_HEAD)
    run = _run_action(tmp_path, workspace, use_system_python="true", **inputs)
    assert run.code == 1, run.log
    (report,) = [json.loads(path.read_text()) for path in run.reports]
    found = {f["rule"] for p in report["projects"] for f in p["findings"]}
    assert found == rules


def test_changed_only_and_policy_inputs_reach_mlpolicy(tmp_path: Path) -> None:
    policy = (ROOT / "mlpolicy" / "data" / "default-policy.yaml").read_text(encoding="utf-8")
    head = {**ideation.incomplete("svc/"), "org-policy.yaml": policy}
    workspace = _pull_request(tmp_path, head)
    run = _run_action(
        tmp_path, workspace, use_system_python="true", changed_only="true", policy="org-policy.yaml"
    )
    assert run.code == 1, run.log
    (report,) = [json.loads(path.read_text()) for path in run.reports]
    assert [p["root"] for p in report["projects"]] == ["svc"]  # web is untouched
    assert report["projects"][0]["policy"]["source"].endswith("org-policy.yaml")


def test_a_bad_changed_only_value_is_refused(tmp_path: Path) -> None:
    workspace = _pull_request(tmp_path, BAD_HEAD)
    run = _run_action(tmp_path, workspace, use_system_python="true", changed_only="yes")
    assert run.code == 2 and "changed-only must be true or false" in run.log
    assert run.outputs["passed"] == "false"
