"""The Python API, ``mlpolicy.check(paths, **settings)``, on real git repositories."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Repo
from ideation import complete, incomplete

import mlpolicy


def test_import_mlpolicy_loads_nothing_else() -> None:
    code = (
        "import sys, mlpolicy; mlpolicy.__version__;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('mlpolicy', 'click', 'jsonschema', 'git', 'ruamel')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['mlpolicy']"


def test_public_names_are_exported() -> None:
    assert sorted(mlpolicy.__all__) == sorted(["__version__", *mlpolicy._EXPORTS])
    for name in ("check", "CheckResult", "ProjectResult", "Finding", "Severity", "UsageError"):
        assert name in mlpolicy.__all__ and name in dir(mlpolicy)
        assert getattr(mlpolicy, name) is not None
    assert issubclass(mlpolicy.UsageError, mlpolicy.MlpolicyError)
    with pytest.raises(AttributeError):
        mlpolicy.no_such_name  # noqa: B018


def test_a_passing_project(repo: Repo) -> None:
    repo.write(complete()).commit()
    result = mlpolicy.check(repo.root)
    assert isinstance(result, mlpolicy.CheckResult)
    assert result.passed and result.all_findings() == ()
    [project] = result.projects
    assert isinstance(project, mlpolicy.ProjectResult)
    assert (project.root, project.manifest, project.phase) == (".", "mlpolicy.yaml", "ideation")
    assert [(a.kind, a.path, a.status) for a in project.artifacts] == [
        ("design_doc", "docs/design.md", "ok")
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.fail_on = None  # type: ignore[misc]


def test_a_failing_project_has_typed_findings(repo: Repo) -> None:
    repo.write(incomplete()).commit()
    result = mlpolicy.check([str(repo.root)])
    assert not result.passed
    [finding] = result.projects[0].findings
    assert isinstance(finding, mlpolicy.Finding)
    assert (finding.rule, finding.severity) == ("MLP102", mlpolicy.Severity.ERROR)
    assert finding.location is not None and finding.location.path == "docs/design.md"
    assert finding.hint and finding.requirement == "design_doc"
    assert result.all_findings() == (finding,) and result.findings == ()


def test_settings_mirror_the_command_line(repo: Repo) -> None:
    repo.write(complete()).commit()
    what_if = mlpolicy.check(repo.root, phase="experimentation")
    rules = {f.rule for f in what_if.all_findings()}
    assert {"MLP105", "MLP201"} <= rules
    assert {f.rule for f in mlpolicy.check(repo.root, phase="experimentation", select="MLP2")
            .all_findings()} == {"MLP201"}  # fmt: skip
    ignored = mlpolicy.check(repo.root, phase="experimentation", ignore=["MLP2", "MLP105"])
    assert ignored.passed and ignored.all_findings() == ()
    assert mlpolicy.check(repo.root, phase="experimentation", fail_on="never").passed
    assert not mlpolicy.check(repo.root, phase="experimentation", fail_on="warning").passed


def test_no_git_skips_the_git_rules(repo: Repo) -> None:
    repo.write(complete())  # nothing committed: MLP501 with git, nothing without
    assert {f.rule for f in mlpolicy.check(repo.root).all_findings()} == {"MLP501"}
    for settings in ({"no_git": True}, {"use_git": False}):
        assert mlpolicy.check(repo.root, **settings).passed


def test_pull_request_mode(repo: Repo) -> None:
    base = repo.write(complete()).commit("base")
    repo.write(incomplete()).commit("change")
    result = mlpolicy.check(repo.root, base=base, changed_only=True)
    assert result.base is not None and result.base.commit == base
    assert [f.rule for f in result.all_findings()] == ["MLP102"]


def test_waivers_are_judged_on_the_given_day(repo: Repo) -> None:
    waiver = (
        "waivers:\n  - rule: MLP102\n    reason: metrics land next sprint\n"
        "    expires: 2027-01-31\n    approved_by: '@lead'\n"
    )
    files = incomplete()
    repo.write({**files, "mlpolicy.yaml": files["mlpolicy.yaml"] + waiver}).commit()
    assert mlpolicy.check(repo.root, today=dt.date(2027, 1, 1)).passed
    late = mlpolicy.check(repo.root, today=dt.date(2027, 2, 1))
    assert "MLP005" in {f.rule for f in late.all_findings()} and not late.passed


def test_a_forced_policy_replaces_the_manifests(repo: Repo, tmp_path: Path) -> None:
    repo.write(incomplete()).commit()
    policy = tmp_path / "org.yaml"
    policy.write_text("version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: off}\n")
    assert not mlpolicy.check(repo.root).passed
    assert mlpolicy.check(repo.root, policy=policy).passed
    with pytest.raises(mlpolicy.UsageError):
        mlpolicy.check(repo.root, policy=policy, phase="production")


@pytest.mark.parametrize(
    "settings",
    [
        {"paths": "does/not/exist"},
        {"paths": []},
        {"select": "MLP9"},
        {"fail_on": "sometimes"},
        {"phase": "deploy"},
        {"base": "HEAD", "no_git": True},
        {"changed_only": True},
        {"policy": "missing-policy.yaml"},
    ],
    ids=lambda s: ",".join(s),
)
def test_user_mistakes_raise_usage_error(repo: Repo, settings: dict) -> None:
    repo.write(complete()).commit()
    paths = settings.pop("paths", repo.root)
    with pytest.raises(mlpolicy.UsageError):
        mlpolicy.check(paths, **settings)


def test_the_readme_example_runs(repo: Repo) -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    repo.write(complete("services/churn/")).commit()
    done = subprocess.run(
        [sys.executable, "-c", example], cwd=repo.root, capture_output=True, text=True
    )
    # At the pipeline phase the ideation project lacks approval, logs, bar and pipeline.
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("services/churn ideation\n")  # the declared phase
    assert "services/churn/mlpolicy.yaml:2:1: MLP201 " in done.stdout
    assert "MLP208" not in done.stdout
