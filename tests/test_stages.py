"""A check's stages: Read and Ask git build the facts, and every rule is a pure function of them.

What the stages record (artifacts, escapes, unreadable files, history gaps) must be complete
before the first rule runs, and no rule may add to it; so running the rules in any order, any
number of times, or only some of them, gives the same findings for each rule.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from conftest import Repo

from mlpolicy import engine
from mlpolicy.facts import NotRead, ProjectFacts, Readings
from mlpolicy.project import Project, Repository
from mlpolicy.rules.base import PROJECT
from mlpolicy.settings import Settings
from mlpolicy.stages import ask_git
from mlpolicy.stages import read as read_stage

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _failing_project(repo: Repo) -> Path:
    """``examples/failing`` (ten findings) plus an untracked model card and a path leading out:
    facts of every kind the stages record."""
    shutil.copytree(EXAMPLES / "failing", repo.root, dirs_exist_ok=True)
    manifest = (repo.root / "mlpolicy.yaml").read_text(encoding="utf-8")
    manifest = manifest.replace("phase: pipeline", "phase: production")
    manifest = manifest.replace("code_paths: [src/]", "code_paths: [src/, ../outside]")
    repo.write({"mlpolicy.yaml": manifest})
    repo.commit("the failing example, at production")
    repo.write({"MODEL_CARD.md": "# Model card\n"})  # on disk, never committed
    return repo.root / "mlpolicy.yaml"


def _staged(manifest: Path, settings: Settings) -> tuple[Project, ProjectFacts]:
    project = Project(Repository.containing(manifest.parent, True), manifest, settings)
    readings = read_stage.read(project)
    answers = ask_git.ask(project, readings, read_stage.requirements(project))
    return project, project.facts(readings, answers)


def _recorded(project: Project) -> object:
    return copy.deepcopy(
        (project.artifacts, project.escapes, project.unreadable, project.history_gaps)
    )


def test_rules_read_nothing_and_record_nothing(repo: Repo) -> None:
    project, facts = _staged(_failing_project(repo), Settings())
    before = _recorded(project)
    rules = [r for r in engine.project_rules(project) if r.stage == PROJECT]
    assert {"MLP008", "MLP101", "MLP201", "MLP401", "MLP406", "MLP501"} <= {r.id for r in rules}
    first = {r.id: list(engine._run(r, facts)) for r in rules}
    again = {r.id: list(engine._run(r, facts)) for r in reversed(rules)}
    assert first == again
    assert _recorded(project) == before  # no rule wrote back into the stages' state
    assert first["MLP501"] and first["MLP008"]  # the facts reached the rules that judge them


def test_each_rule_reports_the_same_alone_as_among_all(repo: Repo) -> None:
    manifest = _failing_project(repo)
    everything = engine.check_project(
        Project(Repository.containing(manifest.parent, True), manifest, Settings())
    )
    ids = sorted({f.rule for f in everything.findings})
    assert len(ids) >= 8
    for rule_id in ids:
        alone = engine.check_project(
            Project(
                Repository.containing(manifest.parent, True),
                manifest,
                Settings(select=(rule_id,)),
            )
        )
        assert alone.findings == tuple(f for f in everything.findings if f.rule == rule_id)
        # What is known does not depend on selection: the same artifacts were read.
        assert [(a.kind, a.path) for a in alone.artifacts] == [
            (a.kind, a.path) for a in everything.artifacts
        ]


def test_a_reading_the_read_stage_did_not_make_is_an_internal_error() -> None:
    with pytest.raises(NotRead, match="did not read experiments"):
        _ = Readings({}).experiments


def test_facts_are_frozen(repo: Repo) -> None:
    _, facts = _staged(_failing_project(repo), Settings())
    with pytest.raises(AttributeError):
        facts.artifacts = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        facts.load_problems["MLP002"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        facts.readings.values["experiments"] = None  # type: ignore[index]


def _requests(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> int:
    """How many requests one check sent to its ``git cat-file`` processes."""
    from mlpolicy import gitprocess

    asked = []
    real = gitprocess.ObjectReader._ask

    def counted(reader: gitprocess.ObjectReader, names: list[str]) -> None:
        asked.append(len(names))
        real(reader, names)

    monkeypatch.setattr(gitprocess.ObjectReader, "_ask", counted)
    result = engine.check([repo.root], Settings())
    assert result.projects and not [f for p in result.projects for f in p.findings]
    return len(asked)


def test_a_batch_of_projects_asks_git_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The git questions of every project in a batch go out together, so more projects do
    not mean more requests to git (each is a round trip; without the batch, two or more per
    project)."""
    from test_git_processes import _monorepo

    two = _requests(_monorepo(tmp_path / "two", 2), monkeypatch)
    many = _requests(_monorepo(tmp_path / "many", 12), monkeypatch)
    assert many == two
