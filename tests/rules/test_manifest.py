"""MLP001-MLP004: the manifest and the policy it names."""

from __future__ import annotations

from conftest import Repo


def _findings(result, rule: str) -> list[dict]:
    data = result.json()
    every = data["findings"] + [f for p in data["projects"] for f in p["findings"]]
    return [f for f in every if f["rule"] == rule]


def test_no_manifest_is_mlp001_and_exit_1(repo: Repo) -> None:
    repo.write({"README.md": "# nothing here\n"})
    result = repo.check("--format", "json")
    assert result.code == 1
    assert result.rules() == ["MLP001"]


def test_a_manifest_is_no_mlp001(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    assert "MLP001" not in repo.check("--format", "json").rules()


def test_broken_yaml_is_mlp002_at_the_right_line(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\nowners: [a, b\nproject: x\n"})
    result = repo.check("--format", "json")
    assert result.code == 1
    [finding] = _findings(result, "MLP002")
    assert (finding["path"], finding["line"]) == ("mlpolicy.yaml", 4)


def test_duplicate_key_and_non_utf8_are_mlp002(repo: Repo) -> None:
    repo.write({"a/mlpolicy.yaml": "version: 1\nphase: ideation\nphase: pipeline\n"})
    repo.write({"b/mlpolicy.yaml": b"version: 1\nphase: id\xe9ation\n"})
    found = _findings(repo.check("--format", "json"), "MLP002")
    assert [(f["path"], f["line"]) for f in found] == [
        ("a/mlpolicy.yaml", 3),
        ("b/mlpolicy.yaml", 2),
    ]


def test_unknown_phase_is_mlp003_with_line_column_and_suggestion(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nproject: churn\nphase: deploy\n"})
    result = repo.check("--format", "json")
    [finding] = _findings(result, "MLP003")
    assert (finding["line"], finding["column"]) == (3, 1)
    assert '"production"' in finding["message"]
    assert result.code == 1


def test_misspelt_phase_gets_the_near_spelling(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: experimentaton\n"})
    [finding] = _findings(repo.check("--format", "json"), "MLP003")
    assert '"experimentation"' in finding["message"]


def test_unknown_key_is_mlp003_with_did_you_mean(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\nartifacts:\n  design_docs: d.md\n"})
    [finding] = _findings(repo.check("--format", "json"), "MLP003")
    assert (finding["line"], finding["column"]) == (4, 3)
    assert 'did you mean "design_doc"' in finding["message"]


def test_wrong_types_are_each_reported(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": (
                "version: 2\nphase: pipeline\nquality_bar:\n  metric: auc\n  goal: maximise\n"
                "  threshold: high\n"
            )
        }
    )
    lines = sorted(f["line"] for f in _findings(repo.check("--format", "json"), "MLP003"))
    assert lines == [1, 5, 6]


def test_text_report_shows_file_line_column_and_hint(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: deploy\n"})
    result = repo.check("--no-color")
    assert "mlpolicy.yaml:2:1: MLP003 manifest-invalid" in result.stdout
    assert "hint:" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_policy_with_unknown_requirement_is_mlp004(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: org.yaml\n",
            "org.yaml": (
                "version: 1\nphases:\n  - id: ideation\n    requires: {design_document: error}\n"
            ),
        }
    )
    result = repo.check("--format", "json")
    [finding] = _findings(result, "MLP004")
    assert finding["path"] == "org.yaml"
    assert finding["line"] == 4


def test_missing_policy_file_is_mlp004_at_the_manifest_key(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: nowhere.yaml\n"})
    [finding] = _findings(repo.check("--format", "json"), "MLP004")
    assert (finding["path"], finding["line"]) == ("mlpolicy.yaml", 3)


def test_custom_policy_renames_phases_and_requirements(repo: Repo) -> None:
    policy = (
        "version: 1\nphases:\n  - id: explore\n    requires: {}\n"
        "  - id: ship\n    requires: {monitoring: error}\n"
    )
    repo.write({"mlpolicy.yaml": "version: 1\nphase: explore\npolicy: p.yaml\n", "p.yaml": policy})
    repo.commit()
    explore = repo.check("--format", "json")
    assert explore.code == 0, explore.stdout
    assert explore.json()["projects"][0]["policy"]["source"] == "p.yaml"
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: p.yaml\n"})
    [finding] = _findings(repo.check("--format", "json"), "MLP003")
    assert "explore, ship" in finding["hint"]


def test_valid_policy_is_no_mlp004(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: ../repo/org.yaml\n",
            "org.yaml": "version: 1\nphases:\n  - id: ideation\n",
        }
    )
    assert "MLP004" not in repo.check("--format", "json").rules()
