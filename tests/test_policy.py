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


def test_frozen_builtin_policy_is_current() -> None:
    # Stale after an edit of default-policy.yaml: run `python -m mlpolicy.policy`.
    frozen = DEFAULT.with_suffix(".json")
    assert frozen.read_text(encoding="utf-8") == policy.freeze()


def test_frozen_builtin_policy_is_the_parsed_yaml() -> None:
    parsed = policy.parse(DEFAULT.read_bytes(), policy.BUILTIN)
    assert policy.builtin.__wrapped__() == parsed
    assert repr(policy.builtin.__wrapped__()) == repr(parsed)
    assert policy.builtin_document() == yamlio.load(DEFAULT.read_bytes()).value


def test_builtin_policy_is_read_without_parsing_or_validating(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*args: object) -> None:
        raise AssertionError("the built-in policy was parsed or validated")

    monkeypatch.setattr(yamlio, "load", forbidden)
    monkeypatch.setattr(schema, "validate", forbidden)
    monkeypatch.setattr(policy, "unsafe", forbidden)
    assert policy.builtin.__wrapped__().source == policy.BUILTIN


@pytest.mark.parametrize(
    "frozen",
    ['{"yaml_sha256": "0", "policy": {"phases": []}}', "not json", "[]", None],
)
def test_a_frozen_form_of_other_bytes_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, frozen: str | None
) -> None:
    path = tmp_path / "default-policy.json"
    if frozen is not None:
        path.write_text(frozen, encoding="utf-8")
    monkeypatch.setattr(policy, "_FROZEN_FILE", path)
    parsed = policy.parse(DEFAULT.read_bytes(), policy.BUILTIN)
    assert policy.builtin.__wrapped__() == parsed
    assert policy.builtin_document() == yamlio.load(DEFAULT.read_bytes()).value


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
