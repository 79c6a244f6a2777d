"""``mlpolicy status``: each phase's requirements ticked or crossed, and what blocks the next."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Repo, run_cli, run_record
from ideation import DESIGN_DOC, complete
from jsonschema import Draft202012Validator

from mlpolicy.policy import builtin

ROOT = Path(__file__).parents[1]
SCHEMA = json.loads((ROOT / "schemas" / "status.schema.json").read_text(encoding="utf-8"))
BAR = "quality_bar: {metric: val_auc, goal: maximize, threshold: 0.80}\n"
DVC = "stages:\n  train:\n    cmd: python train.py\n"
JUNIT = (
    '<testsuite name="pipeline" tests="2" failures="0" errors="0" skipped="0">'
    '<testcase classname="t" name="a"/><testcase classname="t" name="b"/></testsuite>\n'
)


def _status(repo: Repo, *args: str) -> dict:
    result = run_cli("status", "--format", "json", *args, cwd=repo.root)
    assert result.code == 0, result.stderr
    data = result.json()
    Draft202012Validator(SCHEMA).validate(data)
    return data


def _rows(project: dict) -> dict[str, str]:
    return {r["id"]: r["status"] for p in project["phases"] for r in p["requirements"]}


def _experimentation_project(repo: Repo, *leave_out: str) -> None:
    """An experimentation project with everything the pipeline phase needs but ``leave_out``."""
    commit = repo.write({"train.py": "print('train')\n"}).commit("code")
    files = {
        "mlpolicy.yaml": "version: 1\nphase: experimentation\n" + BAR,
        "docs/design.md": "---\nstatus: approved\n---\n" + DESIGN_DOC,
        "experiments/runs.jsonl": run_record(commit) + "\n",
        "dvc.yaml": DVC,
        "reports/pipeline-tests.xml": JUNIT,
    }
    repo.write({name: text for name, text in files.items() if name not in leave_out})
    repo.commit("project")


@pytest.mark.parametrize(
    ("missing", "rule", "requirement"),
    [
        ("reports/pipeline-tests.xml", "MLP303", "pipeline_validation"),
        ("dvc.yaml", "MLP301", "pipelines"),
    ],
)
def test_names_exactly_the_missing_pipeline_artifact(
    repo: Repo, missing: str, rule: str, requirement: str
) -> None:
    _experimentation_project(repo, missing)
    [project] = _status(repo)["projects"]
    assert (project["phase"], project["next_phase"], project["ready"]) == (
        "experimentation",
        "pipeline",
        False,
    )
    assert [(f["rule"], f["requirement"]) for f in project["blocking"]] == [(rule, requirement)]
    assert {r for r, status in _rows(project).items() if status != "met"} == {requirement}
    text = run_cli("status", cwd=repo.root).stdout
    advance = text.split("to advance to pipeline:\n", 1)[1].splitlines()
    assert rule in advance[0] and advance[1].startswith("  `mlpolicy check --phase pipeline`")


def test_lists_every_requirement_up_to_the_next_phase_with_a_status(repo: Repo) -> None:
    _experimentation_project(repo, "reports/pipeline-tests.xml")
    [project] = _status(repo)["projects"]
    assert [(p["id"], p["role"]) for p in project["phases"]] == [
        ("ideation", "earlier"),
        ("experimentation", "current"),
        ("pipeline", "next"),
    ]
    assert set(_rows(project)) == set(builtin().requirements("pipeline"))
    text = run_cli("status", cwd=repo.root).stdout.splitlines()
    design_rows = [line for line in text if "✓ design doc" in line]
    assert len(design_rows) == 2  # "design doc" and "design doc approved", aligned:
    assert len({line.index("docs/design.md") for line in design_rows}) == 1
    [design] = project["phases"][0]["requirements"]
    assert design["artifacts"] == [
        {"kind": "design_doc", "path": "docs/design.md", "format": "markdown", "status": "ok"}
    ]


def test_a_ready_project_says_how_to_advance(repo: Repo) -> None:
    repo.write(complete()).commit()
    text = run_cli("status", cwd=repo.root).stdout
    assert "✓ design doc" in text and "✗ design doc approved" in text
    assert "to advance to experimentation:" in text
    _experimentation_project(repo)
    [project] = _status(repo)["projects"]
    assert project["ready"] and project["blocking"] == []
    assert set(_rows(project).values()) == {"met"}
    assert (
        "ready to advance to pipeline: `mlpolicy advance`"
        in run_cli("status", cwd=repo.root).stdout
    )


def test_current_rows_are_judged_at_the_current_phase(repo: Repo) -> None:
    """Stale logs are a warning while experimenting, yet they block the pipeline phase."""
    _experimentation_project(repo)
    repo.write(
        {"mlpolicy.yaml": "version: 1\nphase: experimentation\ncode_paths: [train.py]\n" + BAR}
    )
    repo.write({"train.py": "print('train v2')\n"}).commit("change the code after the run")
    [project] = _status(repo)["projects"]
    assert _rows(project)["experiments"] == "warning"
    # ...and the validation evidence is stale too, since train.py changed after it.
    blocking = {(f["rule"], f["severity"]) for f in project["blocking"]}
    assert blocking == {("MLP205", "error"), ("MLP305", "error")}
    assert "! experiment logs" in run_cli("status", cwd=repo.root).stdout


def test_at_the_last_phase_it_says_what_check_needs(repo: Repo) -> None:
    repo.write({**complete(), "mlpolicy.yaml": "version: 1\nphase: production\n"}).commit()
    [project] = _status(repo)["projects"]
    assert (project["next_phase"], project["target"]) == (None, "production")
    assert [p["role"] for p in project["phases"]][-1] == "current"
    assert {f["rule"] for f in project["blocking"]} >= {"MLP105", "MLP201", "MLP401"}
    assert "to pass at production:" in run_cli("status", cwd=repo.root).stdout


def test_the_bundled_production_example_meets_everything() -> None:
    result = run_cli("status", "examples/production", cwd=ROOT)
    assert result.code == 0
    assert "✗" not in result.stdout
    assert "every requirement is met (production is the last phase)" in result.stdout


def test_waived_findings_do_not_count(repo: Repo) -> None:
    waiver = (
        "waivers:\n  - rule: MLP303\n    reason: validation lands next sprint\n"
        "    expires: 2099-01-31\n    approved_by: '@lead'\n"
    )
    _experimentation_project(repo, "reports/pipeline-tests.xml")
    manifest = (repo.root / "mlpolicy.yaml").read_text() + waiver
    repo.write({"mlpolicy.yaml": manifest}).commit("waive")
    [project] = _status(repo)["projects"]
    assert project["ready"] and set(_rows(project).values()) == {"met"}


def test_an_unusable_manifest_and_no_manifest(repo: Repo, tmp_path: Path) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: deploy\n"}).commit()
    [project] = _status(repo)["projects"]
    assert (project["phase"], project["phases"]) == (None, [])
    assert [f["rule"] for f in project["general"]] == ["MLP003"]
    assert "cannot be used" in run_cli("status", cwd=repo.root).stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("status", "--format", "json", cwd=empty)
    assert result.code == 0
    assert [f["rule"] for f in result.json()["findings"]] == ["MLP001"]


def test_exit_status_and_usage_errors(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: pipeline\n"}).commit()
    assert run_cli("status", cwd=repo.root).code == 0  # it informs; `check` gates
    assert run_cli("status", "missing/", cwd=repo.root).code == 2
    assert run_cli("status", "--format", "sarif", cwd=repo.root).code == 2


def test_colour_only_when_asked_or_on_a_terminal(repo: Repo) -> None:
    repo.write(complete()).commit()
    assert "\x1b[" not in run_cli("status", cwd=repo.root).stdout  # not a terminal
    assert "\x1b[32m✓\x1b[0m" in run_cli("status", "--color", cwd=repo.root).stdout
    assert "\x1b[" not in run_cli("status", "--color", "--format", "json", cwd=repo.root).stdout


def test_markdown_keeps_repository_text_inert(repo: Repo) -> None:
    manifest = "version: 1\nphase: ideation\nartifacts:\n  design_doc: 'docs/<b>@team</b>.md'\n"
    repo.write({"mlpolicy.yaml": manifest}).commit()
    result = run_cli("status", "--format", "markdown", cwd=repo.root)
    assert result.code == 0
    assert "| ideation (current) | design doc | ❌ unmet |" in result.stdout
    assert "&lt;b&gt;\\@team&lt;/b&gt;" in result.stdout  # the declared path, quoted
    assert "<b>" not in result.stdout and " @team" not in result.stdout
    assert "To advance to **experimentation**:" in result.stdout


def test_output_is_byte_identical_across_runs(repo: Repo) -> None:
    _experimentation_project(repo, "dvc.yaml")
    runs = [run_cli("status", "--format", f, cwd=repo.root).stdout for f in ("json", "json")]
    assert runs[0] == runs[1]


def test_a_monorepo_with_projects_at_different_phases(repo: Repo) -> None:
    repo.write(complete("a/"))
    repo.write({**complete("b/"), "b/mlpolicy.yaml": "version: 1\nphase: production\n"})
    repo.write({**complete("c/"), "c/mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    repo.write({"d/mlpolicy.yaml": "version: 1\nphase: [x]\n"}).commit()
    projects = {p["root"]: p for p in _status(repo)["projects"]}
    assert {root: (p["phase"], p["target"]) for root, p in projects.items()} == {
        "a": ("ideation", "experimentation"),
        "b": ("production", "production"),
        "c": ("ideation", "experimentation"),
        "d": (None, None),
    }
    assert "monitoring" in _rows(projects["b"]) and "monitoring" not in _rows(projects["a"])
    assert [f["rule"] for f in projects["d"]["general"]] == ["MLP003"]
    only_b = _status(repo, "b")["projects"]
    assert [p["root"] for p in only_b] == ["b"]


def test_a_policy_given_on_the_command_line(repo: Repo, tmp_path: Path) -> None:
    policy = tmp_path / "org.yaml"
    policy.write_text(
        "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: error}\n"
        "  - id: review\n    requires: {design_doc_approved: error}\n"
    )
    repo.write(complete()).commit()
    [project] = _status(repo, "--policy", str(policy))["projects"]
    assert [p["id"] for p in project["phases"]] == ["ideation", "review"]
    assert [f["rule"] for f in project["blocking"]] == ["MLP105"]
    assert run_cli("status", "--policy", "missing.yaml", cwd=repo.root).code == 2
