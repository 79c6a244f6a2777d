"""MLP501 artifact-untracked in real git repositories (MLP505 is in test_staleness/test_pr_mode)."""

from __future__ import annotations

from pathlib import Path

from conftest import Repo, run_cli
from ideation import DESIGN_DOC, complete

SELECT = ("--select", "MLP1,MLP501")


def _findings(result, rule: str = "MLP501") -> list[dict]:
    assert result.code in (0, 1), result.stderr
    return [f for p in result.json()["projects"] for f in p["findings"] if f["rule"] == rule]


def _check(repo: Repo, *args: str) -> list[dict]:
    return _findings(repo.check("--format", "json", *SELECT, *args))


def test_design_doc_never_added_is_mlp501(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"}).commit("manifest")
    repo.write({"docs/design.md": DESIGN_DOC})
    found = _check(repo)
    assert [(f["path"], f["severity"]) for f in found] == [("docs/design.md", "error")]
    assert "git add docs/design.md" in found[0]["hint"]


def test_staged_but_not_committed_counts_as_tracked(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"}).commit("manifest")
    repo.write({"docs/design.md": DESIGN_DOC})
    repo.git("add", "docs/design.md")
    result = repo.check("--format", "json")
    assert _findings(result) == []
    assert result.code == 0


def test_ignored_artifact_says_so_in_the_hint(repo: Repo) -> None:
    repo.write({**complete(), ".gitignore": "docs/\n"}).commit()
    found = _check(repo)
    assert [f["path"] for f in found] == ["docs/design.md"]
    assert "git add -f docs/design.md" in found[0]["hint"]


def test_untracked_manifest_and_policy_file_are_mlp501(repo: Repo) -> None:
    policy = "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: error}\n"
    repo.write({"docs/design.md": DESIGN_DOC}).commit("doc")
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: org.yaml\n"})
    repo.write({"org.yaml": policy})
    found = _check(repo)
    assert sorted(f["path"] for f in found) == ["mlpolicy.yaml", "org.yaml"]
    assert {f["severity"] for f in found} == {"error"}


def test_severity_is_the_artifact_requirements(repo: Repo) -> None:
    policy = "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: warning}\n"
    files = {"mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: org.yaml\n", "org.yaml": policy}
    repo.write(files).commit("manifest and policy")
    repo.write({"docs/design.md": DESIGN_DOC})
    result = repo.check("--format", "json", *SELECT)
    assert [f["severity"] for f in _findings(result)] == ["warning"]
    assert result.code == 0


def test_requirement_not_in_force_is_not_reported(repo: Repo) -> None:
    run = (
        '{"schema":"mlpolicy.runlog/v1","run_id":"r","experiment":"e","started_at":'
        '"2026-01-01T00:00:00Z","status":"finished","git":{"commit":"abc1234"},'
        '"params":{"a":1},"metrics":{"m":1}}\n'
    )
    repo.write(complete()).commit()
    repo.write({"experiments/runs.jsonl": run})  # ideation does not require experiment logs
    assert _findings(repo.check("--format", "json")) == []


def test_untracked_log_beside_a_committed_one_is_left_to_mlp208(repo: Repo) -> None:
    sha = repo.write({"src/train.py": "print(1)\n"}).commit("code")
    run = (
        '{"schema":"mlpolicy.runlog/v1","run_id":"%s","experiment":"e","started_at":'
        '"2026-01-01T00:00:00Z","status":"finished","git":{"commit":"%s"},'
        '"params":{"a":1},"metrics":{"m":1}}\n'
    )
    manifest = "version: 1\nphase: experimentation\n"
    repo.write({"mlpolicy.yaml": manifest, "experiments/runs.jsonl": run % ("r1", sha)}).commit()
    repo.write({"experiments/local.jsonl": run % ("r2", sha)})
    assert _findings(repo.check("--format", "json", "--select", "MLP2,MLP501")) == []
    repo.git("rm", "-q", "experiments/runs.jsonl")
    repo.git("commit", "-qm", "only the uncommitted log is left")
    found = _findings(repo.check("--format", "json", "--select", "MLP2,MLP501"))
    assert [f["path"] for f in found] == ["experiments/local.jsonl"]


def test_no_git_skips_the_rule(repo: Repo) -> None:
    repo.write(complete())
    assert _findings(repo.check("--format", "json", "--no-git")) == []
    assert len(_findings(repo.check("--format", "json"))) == 2  # manifest and design doc


def test_outside_git_the_rule_is_skipped_with_one_note(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for name, text in complete().items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    result = run_cli("check", cwd=folder)
    assert result.code == 0, result.stdout + result.stderr
    assert result.stdout.count("not inside a git repository") == 1
