"""MLP406 model-card-missing and MLP407 model-card-incomplete (from production on, warnings)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, Repo

CARD = """# Model card: churn-gbm-v3

## Intended use
Ranks accounts for the retention team's weekly outreach; not for pricing or credit.

## Training data
Customers table from January 2024 to October 2026, tracked with DVC.

## Evaluation
ROC AUC 0.81 and precision 0.42 at the top five percent on the November holdout.

## Limitations
Weaker for enterprise accounts; retrain monthly as pricing shifts behaviour.
"""
SELECT = ("--select", "MLP406,MLP407")


def check(repo: Repo, *args: str):
    result = repo.check("--format", "json", *SELECT, *args)
    assert result.code in (0, 1), result.stderr
    return result


def findings(repo: Repo, *args: str) -> list[tuple[str, str, int | None, int | None]]:
    found = [f for p in check(repo, *args).json()["projects"] for f in p["findings"]]
    return [(f["rule"], f["path"], f.get("line"), f.get("column")) for f in found]


@pytest.fixture
def project(repo: Repo):
    def write(files: dict[str, str], phase: str = "production", extra: str = "") -> Repo:
        repo.write({"mlpolicy.yaml": f"version: 1\nphase: {phase}\n{extra}", **files})
        repo.commit("model card")
        return repo

    return write


def test_the_real_hugging_face_sample_passes(project) -> None:
    repo = project({"README.md": (SAMPLES / "model-card" / "README.md").read_text()})
    result = check(repo)
    assert result.code == 0 and result.rules() == []
    artifacts = result.json()["projects"][0]["artifacts"]
    assert {"kind": "model_card", "path": "README.md", "format": "markdown", "status": "ok"} in (
        artifacts
    )


@pytest.mark.parametrize("name", ["MODEL_CARD.md", "model_card.md"])
def test_default_names_pass(project, name: str) -> None:
    assert findings(project({name: CARD})) == []


def test_declared_model_card_is_used(project) -> None:
    repo = project({"docs/card.md": CARD}, extra="artifacts:\n  model_card: docs/card.md\n")
    assert findings(repo) == []


# -- MLP406 ------------------------------------------------------------------------------


def test_no_model_card_is_a_warning(project) -> None:
    repo = project({})
    result = check(repo)
    assert result.code == 0  # a warning does not fail the gate by default
    assert findings(repo) == [("MLP406", "mlpolicy.yaml", 2, 1)]  # the `phase:` line
    [finding] = result.json()["projects"][0]["findings"]
    assert finding["severity"] == "warning"
    assert check(repo, "--fail-on", "warning").code == 1


def test_a_readme_without_model_index_is_not_a_model_card(project) -> None:
    repo = project({"README.md": "---\nlicense: mit\n---\n" + CARD})
    assert [f[0] for f in findings(repo)] == ["MLP406"]


def test_declared_model_card_that_does_not_exist_points_at_the_manifest(project) -> None:
    repo = project({"MODEL_CARD.md": CARD}, extra="artifacts:\n  model_card: docs/card.md\n")
    assert findings(repo) == [("MLP406", "mlpolicy.yaml", 4, 3)]


def test_unreadable_model_card_is_mlp406_only(project) -> None:
    repo = project({})
    repo.write({"MODEL_CARD.md": b"\x00\x01binary"})
    repo.commit()
    assert findings(repo) == [("MLP406", "MODEL_CARD.md", None, None)]


@pytest.mark.parametrize("phase", ["ideation", "experimentation", "pipeline"])
def test_model_card_is_not_required_before_production(project, phase: str) -> None:
    repo = project({"MODEL_CARD.md": "# Model card\n## Limitations\nTBD\n"}, phase)
    assert findings(repo) == []


# -- MLP407 ------------------------------------------------------------------------------


def test_more_information_needed_is_a_placeholder_section(project) -> None:
    card = CARD.replace(
        "Weaker for enterprise accounts; retrain monthly as pricing shifts behaviour.",
        "[More Information Needed]",
    )
    line = card.splitlines().index("[More Information Needed]") + 1
    repo = project({"MODEL_CARD.md": card})
    assert findings(repo) == [("MLP407", "MODEL_CARD.md", line, 1)]
    [finding] = check(repo).json()["projects"][0]["findings"]
    assert finding["severity"] == "warning" and "Limitations" in finding["message"]


def test_missing_section_has_no_line(project) -> None:
    card = CARD.split("## Evaluation")[0]
    found = findings(project({"MODEL_CARD.md": card}))
    assert found == [("MLP407", "MODEL_CARD.md", None, None)] * 2


def test_an_empty_section_is_reported_at_its_heading(project) -> None:
    card = CARD.split("## Limitations")[0] + "## Caveats and recommendations\n"
    line = card.splitlines().index("## Caveats and recommendations") + 1
    assert findings(project({"MODEL_CARD.md": card})) == [("MLP407", "MODEL_CARD.md", line, None)]


def test_the_hugging_face_template_is_incomplete(project) -> None:
    template = """---
model-index:
- name: churn
---
# Model Card for churn

## Uses

### Direct Use

[More Information Needed]

## Bias, Risks, and Limitations

[More Information Needed]

## Training Details

### Training Data

[More Information Needed]

## Evaluation

### Results

[More Information Needed]
"""
    found = findings(project({"README.md": template}))
    assert [f[:3] for f in found] == [
        ("MLP407", "README.md", 11),
        ("MLP407", "README.md", 15),
        ("MLP407", "README.md", 21),
        ("MLP407", "README.md", 27),
    ]


def test_one_filled_heading_is_enough(project) -> None:
    card = CARD + "\n## Metrics\n[More Information Needed]\n"
    assert findings(project({"MODEL_CARD.md": card})) == []


def test_init_template_markers_are_placeholders(project) -> None:
    card = CARD.replace(
        "Customers table from January 2024 to October 2026, tracked with DVC.",
        "<fill in: training data (headings that count: training data, training details)>",
    )
    assert [f[0] for f in findings(project({"MODEL_CARD.md": card}))] == ["MLP407"]


# -- Hugging Face Trainer cards ----------------------------------------------------------

TRAINER = Path(__file__).parent.parent / "fixtures" / "model-card"


def test_a_trainer_generated_card_is_incomplete(project) -> None:
    card = (TRAINER / "trainer-generated.md").read_text()
    lines = card.splitlines()
    under = {
        lines[i - 2]: i + 1 for i, line in enumerate(lines) if line == "More information needed"
    }
    found = check(project({"README.md": card})).json()["projects"][0]["findings"]
    assert [(f["rule"], f["line"], f["column"]) for f in found] == [
        ("MLP407", under["## Intended uses & limitations"], 1),  # Intended use
        ("MLP407", under["## Intended uses & limitations"], 1),  # Limitations
        ("MLP407", under["## Training and evaluation data"], 1),  # Training data
    ]
    assert sorted(f["message"].split('"')[1] for f in found) == [
        "Intended use",
        "Limitations",
        "Training data",
    ]


def test_the_same_card_completed_passes(project) -> None:
    card = (TRAINER / "trainer-completed.md").read_text()
    assert findings(project({"README.md": card})) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("## Training data\n", "## Data\n\n### Training Datasets\n"),
        ("## Training data\n", "## Training and evaluation data\n"),
        ("## Intended use\n", "## Intended uses\n"),
    ],
)
def test_trainer_and_template_headings_count(project, old: str, new: str) -> None:
    assert findings(project({"MODEL_CARD.md": CARD.replace(old, new)})) == []


def test_one_heading_fills_intended_use_and_limitations(project) -> None:
    card = CARD.split("## Limitations")[0].replace(
        "## Intended use", "## Intended uses & limitations"
    )
    card += "\n## Evaluation data\nThe November holdout of 40,000 accounts.\n"
    assert findings(project({"MODEL_CARD.md": card})) == []


def test_a_model_card_section_includes_its_subsections(project) -> None:
    # The classic Hugging Face template: under "Intended uses & limitations" only code and
    # a "Limitations and bias" subsection. Both sections are filled by that text.
    card = CARD.split("## Intended use")[0] + (
        "## Intended uses & limitations\n\n#### How to use\n\n```python\nscore(account)\n```\n\n"
        "#### Limitations and bias\n\nWeaker for enterprise accounts; retrain monthly.\n\n"
        "## Training data" + CARD.split("## Training data")[1].split("## Limitations")[0]
    )
    assert findings(project({"MODEL_CARD.md": card})) == []


def test_the_trainer_phrase_inside_a_sentence_is_not_a_placeholder(project) -> None:
    card = CARD.replace(
        "Weaker for enterprise accounts; retrain monthly as pricing shifts behaviour.",
        "More information needed for enterprise accounts is collected in the appendix.",
    )
    assert findings(project({"MODEL_CARD.md": card})) == []
