"""The policy: built-in data valid, cumulative requirements, severities per phase."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy import policy, schema, yamlio
from mlpolicy.errors import DocumentError
from mlpolicy.findings import Severity

DEFAULT = Path(policy.__file__).parent / "data" / "default-policy.yaml"


def test_builtin_policy_matches_its_schema() -> None:
    assert schema.validate("policy", yamlio.load(DEFAULT.read_bytes()).value) == []


def test_requirements_are_cumulative_in_policy_order() -> None:
    builtin = policy.builtin()
    assert builtin.phase_ids == ("ideation", "experimentation", "pipeline", "production")
    assert set(builtin.requirements("ideation")) == {"design_doc"}
    assert set(builtin.requirements("experimentation")) == {
        "design_doc",
        "design_doc_approved",
        "experiments",
    }
    assert set(builtin.requirements("production")) >= set(builtin.requirements("pipeline"))
    assert builtin.requirements("production")["model_card"] == "warning"


@pytest.mark.parametrize(
    ("rule", "requirement", "phase", "expected"),
    [
        ("MLP205", "experiments", "experimentation", Severity.WARNING),
        ("MLP205", "experiments", "pipeline", Severity.ERROR),
        ("MLP205", "experiments", "ideation", None),
        ("MLP301", "pipelines", "experimentation", None),
        ("MLP406", "model_card", "production", Severity.WARNING),
        ("MLP003", None, None, Severity.ERROR),
    ],
)
def test_severity_per_rule_and_phase(
    rule: str, requirement: str | None, phase: str | None, expected: Severity | None
) -> None:
    assert policy.builtin().severity(rule, requirement, phase, Severity.ERROR) is expected


def test_later_phase_can_turn_a_requirement_off(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "version: 1\nphases:\n  - id: a\n    requires: {design_doc: error}\n"
        "  - id: b\n    requires: {design_doc: off, monitoring: warning}\n"
    )
    custom = policy.load(path)
    assert custom.requirements("b") == {"monitoring": "warning"}
    assert custom.design_doc.sections  # document specs default to the built-in ones


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("version: 1\nphases:\n  - id: a\n  - id: a\n", 4),
        ("version: 1\nphases:\n  - id: a\nrules:\n  MLP101: {b: error}\n", 5),
        ("version: 1\nphases:\n  - id: a\ndesign_doc:\n  placeholders: ['(']\n", 5),
        ("version: 1\nphases: []\n", 2),
    ],
)
def test_semantic_policy_errors_have_lines(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(DocumentError) as caught:
        policy.load(path)
    assert caught.value.line == line


def test_phase_suggestions_use_aliases_and_spelling() -> None:
    builtin = policy.builtin()
    assert builtin.suggest_phase("deploy") == "production"
    assert builtin.suggest_phase("pipline") == "pipeline"
    assert builtin.suggest_phase("zzz") is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=1000))
def test_arbitrary_policy_bytes_raise_only_document_errors(data: bytes) -> None:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".yaml") as handle:
        handle.write(data)
        handle.flush()
        with contextlib.suppress(DocumentError):
            policy.load(Path(handle.name))
