"""Every missing-artifact finding points at what requires the artifact, never an unrelated line.

The rule: the manifest key that declares the artifact (``artifacts.<kind>``) when there is
one, otherwise the ``phase:`` line, since the phase is what requires it.
"""

from __future__ import annotations

from conftest import Repo

MISSING = ("MLP101", "MLP201", "MLP206", "MLP301", "MLP303", "MLP401", "MLP405", "MLP406")
MANIFEST = "# Churn model\n# owned by the ML team\nversion: 1\nproject: churn\nphase: production\n"


def _where(repo: Repo) -> dict[str, tuple[str, int | None]]:
    result = repo.check("--format", "json", "--select", ",".join(MISSING))
    assert result.code == 1, result.stderr
    [project] = result.json()["projects"]
    return {f["rule"]: (f["path"], f.get("line")) for f in project["findings"]}


def test_undeclared_missing_artifacts_point_at_the_phase_line(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": MANIFEST})
    repo.commit()
    assert _where(repo) == dict.fromkeys(MISSING, ("mlpolicy.yaml", 5))


def test_declared_missing_artifacts_point_at_their_key(repo: Repo) -> None:
    declared = (
        "artifacts:\n"
        "  design_doc: docs/churn.md\n"  # line 7
        "  experiments: [runs/a.jsonl]\n"  # line 8
        "  model_card: CARD.md\n"  # line 9
    )
    repo.write({"mlpolicy.yaml": MANIFEST + declared})
    repo.commit()
    found = _where(repo)
    assert found["MLP101"] == ("mlpolicy.yaml", 7)
    assert found["MLP201"] == ("mlpolicy.yaml", 8)
    assert found["MLP406"] == ("mlpolicy.yaml", 9)
    assert found["MLP206"] == ("mlpolicy.yaml", 5)  # no artifact declares a quality bar
