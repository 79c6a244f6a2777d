"""MLP101-MLP105: the design doc exists, has every section filled, no placeholders, approval."""

from __future__ import annotations

import pytest
from conftest import SAMPLES, Repo

SECTIONS = {
    "Problem statement": "The retention team calls five hundred accounts a week, by gut feel.",
    "Non-ML baseline": "Tenure under six months with two support tickets flags churners at 0.18.",
    "Success metrics": "Precision at five hundred above 0.27 and contacted churn down by a third.",
    "Data": "The customers table, support tickets and billing events, labelled by cancellation.",
    "Risks": "Label delay of thirty days and a feedback loop from outreach, with a control group.",
}
APPROVED = "---\nstatus: approved\nowners: ['@alice']\n---\n"


def design(front: str = APPROVED, **replaced: str) -> str:
    """A complete design doc; ``replaced`` swaps a section's heading and text (None drops it)."""
    body = "".join(
        f"## {heading}\n{text}\n\n" for heading, text in SECTIONS.items() if heading not in replaced
    )
    extra = "".join(block for block in replaced.values() if block)
    return f"{front}# Churn prediction\n\n{body}{extra}"


def manifest(phase: str = "ideation", extra: str = "") -> str:
    return f"version: 1\nphase: {phase}\n{extra}"


def findings(repo: Repo, *args: str) -> list[dict]:
    result = repo.check("--format", "json", "--select", "MLP1", *args)
    assert result.code in (0, 1), result.stderr
    return [f for p in result.json()["projects"] for f in p["findings"]]


def where(repo: Repo, rule: str, *args: str) -> list[tuple[str, int | None]]:
    return [(f["path"], f.get("line")) for f in findings(repo, *args) if f["rule"] == rule]


@pytest.fixture
def project(repo: Repo):
    """Write a manifest and design doc, commit them, return the repo."""

    def write(doc: str | bytes | None, phase: str = "ideation", path: str = "docs/design.md"):
        files: dict[str, str | bytes] = {"mlpolicy.yaml": manifest(phase)}
        if doc is not None:
            files[path] = doc
        repo.write(files)
        repo.commit("design doc")
        return repo

    return write


# -- the real sample and a complete doc pass ---------------------------------------------


@pytest.mark.parametrize("phase", ["ideation", "experimentation", "production"])
def test_the_real_sample_passes_every_design_doc_rule(project, phase: str) -> None:
    repo = project((SAMPLES / "design-doc" / "design-doc.md").read_text(), phase)
    result = repo.check("--format", "json", "--select", "MLP1")
    assert result.code == 0, result.stdout
    assert result.rules() == []
    [artifact] = [a for a in result.json()["projects"][0]["artifacts"] if a["kind"] == "design_doc"]
    assert artifact == {
        "kind": "design_doc",
        "path": "docs/design.md",
        "format": "markdown",
        "status": "ok",
    }


def test_crlf_and_bom_pass(project) -> None:
    doc = "\ufeff" + design().replace("\n", "\r\n")
    assert findings(project(doc.encode("utf-8"), "experimentation")) == []


# -- MLP101 ------------------------------------------------------------------------------


def test_no_design_doc_is_mlp101_at_the_phase_line(project) -> None:
    # Nothing declares a design doc, so the finding points at what requires one: `phase:`.
    assert where(project(None), "MLP101") == [("mlpolicy.yaml", 2)]


@pytest.mark.parametrize(
    "path", ["docs/design.md", "docs/design/churn.md", "DESIGN.md", "design.md"]
)
def test_default_locations(project, path: str) -> None:
    repo = project(design(), path=path)
    assert findings(repo) == []
    kinds = repo.check("--format", "json").json()["projects"][0]["artifacts"]
    assert {"kind": "design_doc", "path": path, "format": "markdown", "status": "ok"} in kinds


def test_docs_design_md_comes_before_design_md(project) -> None:
    repo = project(design(), path="docs/design.md")
    repo.write({"DESIGN.md": "# stub\nTODO\n"})
    repo.commit("another")
    assert findings(repo) == []


def test_declared_path_that_does_not_exist_points_at_the_manifest_line(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": manifest(extra="artifacts:\n  design_doc: docs/churn-design.md\n"),
            "docs/design.md": design(),  # a default location does not count once a path is declared
        }
    )
    repo.commit()
    assert where(repo, "MLP101") == [("mlpolicy.yaml", 4)]


def test_declared_path_is_used(repo: Repo) -> None:
    repo.write(
        {
            "mlpolicy.yaml": manifest(extra="artifacts:\n  design_doc: rfc/0007-churn.md\n"),
            "rfc/0007-churn.md": design(),
        }
    )
    repo.commit()
    assert findings(repo) == []


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b"# Design\n\x00\x01\x02binary", None),
        (b"# Design\n## Data\n\xff\xfe not UTF-8\n", 3),
        (b"word " * 220_000, None),
    ],
)
def test_unreadable_design_doc_is_mlp101_only(project, data: bytes, line: int | None) -> None:
    repo = project(data, "experimentation")
    assert [(f["rule"], f["path"], f.get("line")) for f in findings(repo)] == [
        ("MLP101", "docs/design.md", line)
    ]
    [artifact] = [
        a
        for a in repo.check("--format", "json").json()["projects"][0]["artifacts"]
        if a["kind"] == "design_doc"
    ]
    assert artifact["status"] == "invalid"


def test_a_directory_declared_as_the_design_doc_is_mlp101(repo: Repo) -> None:
    repo.write(
        {"mlpolicy.yaml": manifest(extra="artifacts:\n  design_doc: docs\n"), "docs/a.md": "x"}
    )
    repo.commit()
    [finding] = [f for f in findings(repo) if f["rule"] == "MLP101"]
    assert "directory" in finding["message"]


# -- MLP102 ------------------------------------------------------------------------------


def test_missing_section_is_one_finding_per_section(project) -> None:
    repo = project(design(**{"Non-ML baseline": None, "Risks": None}))
    found = [f for f in findings(repo) if f["rule"] == "MLP102"]
    assert [(f["path"], f.get("line")) for f in found] == [("docs/design.md", None)] * 2
    messages = sorted(f["message"] for f in found)
    assert '"Risks"' in messages[0] and '"Why ML"' in messages[1]
    assert "non-ML baseline" in messages[1]  # the accepted headings are listed


@pytest.mark.parametrize(
    "heading",
    [
        "2) Non-ML baseline",
        "2. Is ML the right approach? (non-ML baseline)",
        "**Why ML?**",
        "Heuristic we must beat",
    ],
)
def test_loose_headings_count(project, heading: str) -> None:
    text = SECTIONS["Non-ML baseline"]
    repo = project(design(**{"Non-ML baseline": f"## {heading}\n{text}\n"}))
    assert findings(repo) == []


def test_a_heading_in_a_code_fence_does_not_count(project) -> None:
    fenced = "```markdown\n## Risks\n" + SECTIONS["Risks"] + "\n```\n"
    repo = project(design(Risks=fenced))
    assert [f["rule"] for f in findings(repo)] == ["MLP102"]


# -- MLP103 ------------------------------------------------------------------------------


def test_tbd_in_a_required_section_is_reported_with_its_line(project) -> None:
    doc = design(Data="## Data\nTBD: which tables, and how the label is defined exactly.\n")
    line = doc.splitlines().index("TBD: which tables, and how the label is defined exactly.") + 1
    repo = project(doc)
    found = [f for f in findings(repo) if f["rule"] == "MLP103"]
    assert [(f["path"], f.get("line"), f.get("column")) for f in found] == [
        ("docs/design.md", line, 1)
    ]


def test_every_placeholder_is_its_own_finding(project) -> None:
    extra = (
        "## Open questions\n"
        "TODO: ask legal. {{ owner }} and <fill in: the budget> and Lorem ipsum\n"
    )
    repo = project(design(extra=extra))
    found = [(f.get("line"), f.get("column")) for f in findings(repo) if f["rule"] == "MLP103"]
    line = design(extra=extra).splitlines().index(extra.splitlines()[1]) + 1
    assert found == [(line, 1), (line, 18), (line, 34), (line, 60)]


def test_placeholders_in_code_are_not_reported(project) -> None:
    extra = "## Notes\nWe grep for `TODO` in CI.\n\n```python\n# TODO: not a doc placeholder\n```\n"
    assert findings(project(design(extra=extra))) == []


# -- MLP104 ------------------------------------------------------------------------------


def test_a_three_word_section_is_mlp104_at_its_heading(project) -> None:
    doc = design(Data="## Data\nCustomer table, mostly.\n")
    line = doc.splitlines().index("## Data") + 1
    found = [f for f in findings(project(doc)) if f["rule"] == "MLP104"]
    assert [(f["path"], f.get("line")) for f in found] == [("docs/design.md", line)]
    assert "3 words" in found[0]["message"] and "10" in found[0]["message"]


def test_nine_words_fail_and_ten_pass(project, make_repo) -> None:
    nine = design(Data="## Data\none two three four five six seven eight nine\n")
    assert [f["rule"] for f in findings(project(nine))] == ["MLP104"]
    repo = make_repo("ten")
    repo.write({"mlpolicy.yaml": manifest(), "docs/design.md": nine.replace("nine", "nine ten")})
    repo.commit()
    assert findings(repo) == []


def test_subsections_fill_a_section(project) -> None:
    data = (
        "## Data\n### Sources\nCustomers and tickets tables.\n"
        "### Labels\nCancelled within thirty days of the snapshot.\n"
    )
    assert findings(project(design(Data=data))) == []


def test_a_nested_required_section_does_not_fill_its_parent(project) -> None:
    problem = (
        "## Problem statement\nToo few words.\n### Non-ML baseline\n"
        + SECTIONS["Non-ML baseline"]
        + "\n"
    )
    doc = design(**{"Problem statement": problem, "Non-ML baseline": None})
    found = [(f["rule"], f.get("line")) for f in findings(project(doc))]
    assert found == [("MLP104", doc.splitlines().index("## Problem statement") + 1)]


def test_comments_do_not_count_as_words(project) -> None:
    risks = "## Risks\n<!-- List the ways this model could fail and who would be hurt by it. -->\n"
    assert [f["rule"] for f in findings(project(design(Risks=risks)))] == ["MLP104"]


# -- MLP105 ------------------------------------------------------------------------------


def test_draft_status_is_mlp105_at_the_status_line(project) -> None:
    repo = project(design(front="---\ntitle: Churn\nstatus: draft\n---\n"), "experimentation")
    assert where(repo, "MLP105") == [("docs/design.md", 3)]


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("", 1),  # no front matter
        ("---\nowners: ['@alice']\n---\n", 1),  # no status
        ("---\nstatus: approved: yes\n---\n", 2),  # broken YAML: the error's line
        ("---\nstatus: true\n---\n", 2),
    ],
)
def test_unapproved_front_matter(project, front: str, line: int) -> None:
    repo = project(design(front=front), "pipeline")
    assert where(repo, "MLP105") == [("docs/design.md", line)]


@pytest.mark.parametrize("status", ["approved", "Approved", "'approved'"])
def test_approved_passes(project, status: str) -> None:
    repo = project(design(front=f"---\nstatus: {status}\n---\n"), "experimentation")
    assert findings(repo) == []


def test_approval_is_not_required_at_ideation(project) -> None:
    repo = project(design(front=""), "ideation")
    assert findings(repo) == []
    assert "MLP105" in [f["rule"] for f in findings(repo, "--phase", "experimentation")]


def test_design_doc_rules_hold_in_every_phase(project) -> None:
    repo = project(design(Data="## Data\nTBD\n"), "production")
    assert sorted(f["rule"] for f in findings(repo)) == ["MLP103", "MLP104"]


def test_policy_decides_sections_and_minimum(repo: Repo) -> None:
    policy = (
        "version: 1\nphases:\n  - id: ideation\n    requires: {design_doc: error}\n"
        "design_doc:\n  min_words: 2\n"
        "  sections:\n    - name: Users\n      aliases: [users, personas]\n"
    )
    repo.write(
        {
            "mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: policy.yaml\n",
            "policy.yaml": policy,
            "docs/design.md": "# Churn\n## Personas\nRetention managers.\n",
        }
    )
    repo.commit()
    assert findings(repo) == []
    repo.write({"docs/design.md": "# Churn\n## Problem\nRetention managers.\n"})
    repo.commit()
    assert [f["rule"] for f in findings(repo)] == ["MLP102"]
