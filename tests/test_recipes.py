"""The recipes in docs/recipes/ hold valid configuration, and their commands do what they say."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import ideation
from conftest import GIT_ENV, Repo
from jsonschema import Draft7Validator

ROOT = Path(__file__).parents[1]
RECIPES = ROOT / "docs" / "recipes"
TOOLS_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
GITLAB_SCHEMA = json.loads((ROOT / "tests" / "vendor" / "gitlab-codeclimate.json").read_text())


def _block(recipe: str, containing: str) -> str:
    """The one fenced code block of ``recipe`` that contains ``containing``."""
    text = (RECIPES / recipe).read_text(encoding="utf-8")
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S)
    (block,) = [b for b in blocks if containing in b]
    return block


def _tool(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    found = shutil.which(name, path=TOOLS_PATH)
    assert found, f"{name} is a test dependency (pip install -e '.[test]')"
    env = {**os.environ, **GIT_ENV, "PATH": TOOLS_PATH, "NO_COLOR": "1"}
    return subprocess.run([found, *args], cwd=cwd, capture_output=True, text=True, env=env)


def _schema_check(schema: str, text: str, tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    done = _tool("check-jsonschema", "--builtin-schema", schema, name, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def _mlpolicy(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a documented ``mlpolicy ...`` shell command with this checkout's mlpolicy."""
    shell = command.replace("mlpolicy check", f"{sys.executable} -m mlpolicy check", 1)
    full = {**os.environ, **GIT_ENV, "NO_COLOR": "1", **env}
    return subprocess.run(["sh", "-c", shell], cwd=cwd, capture_output=True, text=True, env=full)


def test_github_actions_workflow_is_a_valid_workflow(tmp_path: Path) -> None:
    workflow = _block("github-actions.md", "jobs:")
    _schema_check("vendor.github-workflows", workflow, tmp_path, "mlpolicy.yml")
    owners = _block("github-actions.md", "CODEOWNERS")
    for pattern in ("**/mlpolicy.yaml", "/policies/", "/pyproject.toml"):
        assert re.search(rf"^{re.escape(pattern)}\s+@", owners, flags=re.M), pattern


def test_gitlab_ci_job_is_valid_and_writes_a_code_quality_report(
    repo: Repo, tmp_path: Path
) -> None:
    job = _block("gitlab-ci.md", "codequality:")
    _schema_check("vendor.gitlab-ci", job, tmp_path, ".gitlab-ci.yml")
    repo.write(ideation.incomplete())
    repo.commit()
    repo.git("update-ref", "refs/remotes/origin/main", "HEAD")
    command = " ".join(re.search(r"- >-\n(.*?)\n  artifacts:", job, flags=re.S)[1].split())
    done = _mlpolicy(command, repo.root, CI_DEFAULT_BRANCH="main")
    assert done.returncode == 1, done.stdout + done.stderr
    issues = json.loads((repo.root / "gl-code-quality-report.json").read_text())
    assert [i["check_name"] for i in issues] == ["MLP102"]
    for issue in issues:
        Draft7Validator(GITLAB_SCHEMA).validate(issue)
    assert "<failure" in (repo.root / "mlpolicy-junit.xml").read_text()


def test_pre_commit_config_is_valid(tmp_path: Path) -> None:
    config = _block("pre-commit.md", "repos:").replace(
        "<commit sha>", "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    )
    (tmp_path / "config.yaml").write_text(config, encoding="utf-8")
    done = _tool("pre-commit", "validate-config", "config.yaml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_monorepo_changed_only_reports_only_the_touched_project(repo: Repo) -> None:
    repo.write({**ideation.complete("svc/"), **ideation.complete("web/")})
    repo.commit("main")
    repo.git("update-ref", "refs/remotes/origin/main", "HEAD")
    repo.write(ideation.incomplete("svc/"))
    repo.commit("the change")
    command = _block("monorepo.md", "--changed-only").strip()
    done = _mlpolicy(command + " --format json", repo.root)
    assert done.returncode == 1, done.stdout + done.stderr
    assert [p["root"] for p in json.loads(done.stdout)["projects"]] == ["svc"]
    text = _mlpolicy(command, repo.root).stdout
    assert re.search(r"^note: \.: --changed-only: 1 of 2 projects are touched", text, flags=re.M)


def test_custom_policy_is_valid_and_applies(repo: Repo) -> None:
    policy = _block("custom-policy.md", "version: 1\nphases:")
    manifest = _block("custom-policy.md", "policy: ../../policies/org.yaml")
    repo.write({"policies/org.yaml": policy, "services/churn/mlpolicy.yaml": manifest})
    repo.write(
        {f"services/churn/{k}": v for k, v in ideation.complete().items() if k != "mlpolicy.yaml"}
    )
    repo.commit()
    done = repo.check("--format", "json")
    assert done.code == 1, done.stderr
    (project,) = done.json()["projects"]
    assert project["policy"]["source"].endswith("policies/org.yaml")
    severities = {f["rule"]: f["severity"] for f in project["findings"]}
    assert "MLP004" not in severities  # the policy itself is valid
    assert severities.get("MLP406") == "error"  # the model card is required at pipeline
