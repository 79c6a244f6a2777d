"""``mlpolicy init``: a manifest and templates that fail until a person fills them in."""

from __future__ import annotations

from conftest import Repo, run_cli


def test_init_writes_templates_that_still_fail(repo: Repo) -> None:
    result = run_cli("init", "--phase", "production", cwd=repo.root)
    assert result.code == 0
    for name in ("mlpolicy.yaml", "docs/design.md", "monitoring/monitoring.yaml", "MODEL_CARD.md"):
        assert (repo.root / name).is_file()
    repo.commit("init")
    rules = set(repo.check("--format", "json").rules())
    # Stubs never pass: placeholders, the unapproved draft, unrouted alerts, no logging.
    assert {"MLP103", "MLP105", "MLP404", "MLP405", "MLP407"} <= rules
    assert not rules & {"MLP002", "MLP003", "MLP402"}  # but everything it wrote is well-formed


def test_init_never_overwrites(repo: Repo) -> None:
    repo.write({"docs/design.md": "# Mine\n"})
    result = run_cli("init", cwd=repo.root)
    assert result.code == 0
    assert "skipped" in result.stdout
    assert (repo.root / "docs/design.md").read_text() == "# Mine\n"
    assert "phase: ideation" in (repo.root / "mlpolicy.yaml").read_text()
    assert not (repo.root / "MODEL_CARD.md").exists()  # not required at ideation


def test_init_with_unknown_phase_is_a_usage_error(repo: Repo) -> None:
    result = run_cli("init", "--phase", "deploy", cwd=repo.root)
    assert result.code == 2
    assert "production" in result.stderr
    assert not (repo.root / "mlpolicy.yaml").exists()
