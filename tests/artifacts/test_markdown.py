"""The Markdown reader and heading matching shared by the design doc and model card."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLES
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mlpolicy.artifacts.markdown import (
    MAX_BYTES,
    MarkdownDocument,
    Match,
    _line_matches,
    parse,
    read,
)
from mlpolicy.artifacts.sections import match_sections, normalise
from mlpolicy.policy import Section, builtin

DESIGN = builtin().design_doc
CARD = builtin().model_card


def _doc(text: str) -> MarkdownDocument:
    document = parse(text.encode("utf-8"))
    assert document.status == "ok", document.error
    return document


def _sections_of(text: str, spec=DESIGN) -> dict[str, list[int]]:
    """Section name -> lines of the headings that count as it."""
    return {m.name: [h.line for h in m.headings] for m in match_sections(_doc(text), spec.sections)}


def _matched(heading: str) -> list[str]:
    return [name for name, lines in _sections_of(heading + "\n").items() if lines]


# -- heading normalisation and matching ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (
            "2. Is ML the right approach? (non-ML baseline)",
            "is ml the right approach non ml baseline",
        ),
        ("2) Non-ML baseline", "non ml baseline"),
        ("2.1 Data sources", "data sources"),
        ("II. Risks", "risks"),
        ("A) Risks", "risks"),
        ("**Success** _criteria_", "success criteria"),
        ("[Why *ML*](#why-ml)", "why ml"),
        ("`Data`", "data"),
        ('<a name="risks"></a>Risks and mitigations {#risks}', "risks and mitigations"),
        ("  Problem   statement!  ", "problem statement"),
        ("ÉTHIQUE et données", "éthique et données"),
        ("", ""),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key


@pytest.mark.parametrize(
    ("heading", "sections"),
    [
        ("## 2. Is ML the right approach? (non-ML baseline)", ["Why ML"]),
        ("## 2) Non-ML baseline", ["Why ML"]),
        ("## Why ML?", ["Why ML"]),
        ("### Success criteria", ["Success metrics"]),
        ("## 1. Problem statement", ["Problem"]),
        ("## Background", ["Problem"]),
        ("# 4. Data", ["Data"]),
        ("## **Risks** and mitigations", ["Risks"]),
        ("## Failure modes", ["Risks"]),
        ("## Data risks", ["Data", "Risks"]),
        ("## Problems we will not solve", []),  # whole words: "problems" is not "problem"
        ("## Database choice", []),
        ("## Model / approach", []),
        ("#Data", []),  # not a heading without the space
        ("    ## Data", []),  # indented code, not a heading
    ],
)
def test_heading_matches_section(heading: str, sections: list[str]) -> None:
    assert _matched(heading) == sections


def test_aliases_are_normalised_like_headings() -> None:
    spec = [Section("Why ML", ("Non-ML **baseline**",))]
    [match] = match_sections(_doc("## 3) non ml BASELINE\n"), spec)
    assert [h.line for h in match.headings] == [1]


def test_setext_headings() -> None:
    text = "Intro line\n\nData\n====\nwords\n\nRisks and mitigations\n---\nmore\n"
    document = _doc(text)
    assert [(h.text, h.level, h.line) for h in document.headings] == [
        ("Data", 1, 3),
        ("Risks and mitigations", 2, 7),
    ]


def test_a_dash_line_under_a_list_is_a_thematic_break() -> None:
    assert _doc("- Data item\n---\n").headings == ()
    assert _doc("> Data quote\n---\n").headings == ()


@pytest.mark.parametrize("fence", ["```", "~~~", "````python"])
def test_headings_and_placeholders_inside_fences_are_ignored(fence: str) -> None:
    closing = fence.rstrip("python")
    text = f"## Data\nreal words\n{fence}\n## Risks\nTODO\n{closing}\n## Problem\n"
    document = _doc(text)
    assert [h.text for h in document.headings] == ["Data", "Problem"]
    assert document.placeholders(DESIGN.placeholders) == []


def test_an_unclosed_fence_runs_to_the_end() -> None:
    document = _doc("## Data\n```\n## Risks\nTODO\n")
    assert [h.text for h in document.headings] == ["Data"]
    assert document.placeholders(DESIGN.placeholders) == []


def test_a_shorter_or_different_fence_does_not_close() -> None:
    document = _doc("````\n```\n~~~~\n## Risks\n````\n## Data\n")
    assert [h.text for h in document.headings] == ["Data"]


def test_headings_inside_html_comment_blocks_are_ignored() -> None:
    document = _doc("<!--\n## Risks\n-->\n## Data\n")
    assert [(h.text, h.line) for h in document.headings] == [("Data", 4)]


# -- sections and words ----------------------------------------------------------------


def test_section_extent_ends_at_the_next_heading_as_high() -> None:
    document = _doc("# Title\n## Data\n### Sources\ntext\n## Risks\nmore\n")
    assert [(h.text, h.line, h.end) for h in document.headings] == [
        ("Title", 1, 6),
        ("Data", 2, 4),
        ("Sources", 3, 4),
        ("Risks", 5, 6),
    ]


def test_own_text_includes_plain_subsections() -> None:
    text = "## Data\n### Sources\none two three four five\n### Labels\nsix seven eight nine ten\n"
    [data] = [m for m in match_sections(_doc(text), DESIGN.sections) if m.name == "Data"]
    assert _doc(text).word_count(data.own[0]) == 10


def test_own_text_excludes_a_subsection_that_is_another_section() -> None:
    text = "## Problem\nthree short words\n### Non-ML baseline\n" + "word " * 20 + "\n## Data\n"
    document = _doc(text)
    by_name = {m.name: m for m in match_sections(document, DESIGN.sections)}
    assert by_name["Problem"].own == (((2, 2),),)
    assert document.word_count(by_name["Problem"].own[0]) == 3
    assert document.word_count(by_name["Why ML"].own[0]) == 20


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("The customers table, support tickets and billing events.", 8),
        ("precision@500 >= 0.27; ROC AUC >= 0.75", 5),
        ("| slice | ROC AUC |", 3),
        ("|---|---|", 0),
        ("- **Developed by:** Risk ML team", 5),
        ("text <!-- a hidden note --> more", 2),
        ("<!-- Provide a quick summary of what the model is. -->", 0),
        ("`data/raw.csv` and `dvc.lock`", 3),
    ],
)
def test_word_counts(line: str, words: int) -> None:
    document = _doc("## Data\n" + line + "\n")
    assert document.word_count(((2, 2),)) == words


def test_headings_and_comment_blocks_have_no_words() -> None:
    document = _doc("## Data sources here\n<!--\nmany words in a comment\n-->\n")
    assert document.words == (0, 0, 0, 0)


# -- placeholders ----------------------------------------------------------------------


def test_placeholders_have_line_and_column() -> None:
    document = _doc("## Data\nSources: TBD.\n## Risks\nSee {{ risks }} and todo\n")
    found = [(m.text, m.line, m.column) for m in document.placeholders(DESIGN.placeholders)]
    assert found == [("TBD", 2, 10), ("{{ risks }}", 4, 5), ("todo", 4, 21)]


def test_overlapping_placeholders_are_reported_once() -> None:
    document = _doc("{{ TODO }}\n")
    assert [m.text for m in document.placeholders(DESIGN.placeholders)] == ["{{ TODO }}"]


def test_inline_code_is_not_a_placeholder() -> None:
    document = _doc("We ban `TODO` comments and ``{{ x }}`` templates, but TBD here.\n")
    assert [(m.text, m.column) for m in document.placeholders(DESIGN.placeholders)] == [("TBD", 55)]


def test_placeholders_in_front_matter_and_comments_are_found() -> None:
    document = _doc("---\nowners: [TODO]\n---\n<!-- FIXME: numbers -->\n")
    assert [m.line for m in document.placeholders(DESIGN.placeholders)] == [2, 4]


def test_placeholders_only_on_the_given_lines() -> None:
    document = _doc("TODO\nTODO\nTODO\n")
    assert [m.line for m in document.placeholders(DESIGN.placeholders, ((2, 3),))] == [2, 3]


# -- front matter ----------------------------------------------------------------------


def test_front_matter_values_and_key_lines() -> None:
    document = _doc("---\ntitle: Churn\nstatus: approved  # draft | approved\n---\n# Churn\n")
    front = document.front_matter
    assert front.present and front.error is None
    assert front.value["status"] == "approved"
    assert front.key_positions["status"] == (3, 1)
    assert front.end == 4
    assert [(h.text, h.line) for h in document.headings] == [("Churn", 5)]


def test_front_matter_may_close_with_dots() -> None:
    assert _doc("---\nstatus: draft\n...\n").front_matter.value == {"status": "draft"}


def test_no_front_matter() -> None:
    front = _doc("# Title\n---\nstatus: approved\n---\n").front_matter
    assert not front.present and front.value == {}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\nstatus: approved\nstatus: draft\n---\n", 3),  # duplicate key
        ("---\ntitle: x\nstatus: approved: yes\n---\n", 3),
        ("---\n- a list\n---\n", 2),
        ("---\nstatus: approved\n", 1),  # never closed
    ],
)
def test_broken_front_matter_is_reported_not_raised(text: str, line: int) -> None:
    front = _doc(text).front_matter
    assert front.present and front.error
    assert front.error_line == line


def test_empty_front_matter_is_an_empty_mapping() -> None:
    front = _doc("---\n---\n# Title\n").front_matter
    assert front.present and front.error is None and front.value == {}


# -- encodings and bad input -----------------------------------------------------------


def test_crlf_and_bom_read_like_plain_text() -> None:
    text = "---\nstatus: approved\n---\n## Data\nSources: TBD here.\n"
    plain = parse(text.encode())
    windows = parse(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    assert windows.status == "ok"
    assert windows.lines == plain.lines
    assert windows.headings == plain.headings
    assert windows.front_matter == plain.front_matter
    assert windows.placeholders(DESIGN.placeholders) == plain.placeholders(DESIGN.placeholders)


@pytest.mark.parametrize(
    ("data", "message", "line"),
    [
        (b"# Title\n\x00\x01binary", "binary", None),
        (b"# Title\nline two\n\xff\xfe bad", "UTF-8", 3),
        (b"x" * (MAX_BYTES + 1), "too large", None),
    ],
)
def test_unreadable_bytes_give_an_invalid_document(data: bytes, message: str, line) -> None:
    document = parse(data)
    assert document.status == "invalid"
    assert message in (document.error or "")
    assert document.error_line == line


def test_read_refuses_large_files_and_directories(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"word " * (MAX_BYTES // 5 + 1))
    assert "too large" in (read(big).error or "")
    assert read(tmp_path).status == "unreadable"
    assert read(tmp_path / "absent.md").status == "unreadable"


def test_read_the_real_samples() -> None:
    design = read(SAMPLES / "design-doc" / "design-doc.md")
    assert design.front_matter.value["status"] == "approved"
    assert design.front_matter.key_positions["status"][0] == 3
    found = {m.name: [h.text for h in m.headings] for m in match_sections(design, DESIGN.sections)}
    assert found == {
        "Problem": ["1. Problem statement"],
        "Why ML": ["2. Is ML the right approach? (non-ML baseline)"],
        "Success metrics": ["3. Success metrics"],
        "Data": ["4. Data"],
        "Risks": ["7. Risks and mitigations"],
    }
    assert design.placeholders(DESIGN.placeholders) == []
    card = read(SAMPLES / "model-card" / "README.md")
    assert "model-index" in card.front_matter.value
    assert all(m.headings for m in match_sections(card, CARD.sections))


# -- never raises ----------------------------------------------------------------------

_MARKDOWNISH = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "---",
                "...",
                "```",
                "~~~~",
                "```py`",
                "<!--",
                "-->",
                "## Data",
                "# 2) Non-ML baseline ##",
                "======",
                "- item",
                "    code",
                "status: approved",
                "key: [unclosed",
                "a: *alias",
                "`` code ` span ``",
                "{{ x }} TODO",
                "\ufeff",
                "\r",
                "",
            ]
        ),
        st.text(max_size=40),
    ),
    max_size=30,
).map("\n".join)


def _consistent(document: MarkdownDocument) -> None:
    assert len(document.words) == len(document.lines) == len(document.scannable)
    for heading in document.headings:
        assert 1 <= heading.line <= heading.end <= len(document.lines)
    document.placeholders(DESIGN.placeholders)
    for match in match_sections(document, DESIGN.sections):
        for spans in match.own:
            document.word_count(spans)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    _consistent(parse(data))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_never_raises(text: str) -> None:
    _consistent(parse(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=300, deadline=None)
@given(_MARKDOWNISH)
def test_markdown_like_text_never_raises(text: str) -> None:
    _consistent(parse(text.encode("utf-8", "surrogatepass")))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="`ab \n", max_size=400))
def test_code_spans_are_blanked_in_place(text: str) -> None:
    document = parse(text.encode())
    for line, seen in zip(document.lines, document.scannable, strict=True):
        assert seen == "" or len(seen) == len(line)  # "" only for fenced lines
        assert all(a == b or b == " " for a, b in zip(line, seen, strict=False))


# Patterns whose line matches depend on where a line starts and ends, beside the defaults.
_PATTERNS = [
    *DESIGN.placeholders,
    *builtin().model_card.placeholders,
    *(
        re.compile(p, re.IGNORECASE)
        for p in (r"^a", r"b$", r"\Aa", r"b\Z", r"a\s*+$", r"\bab\b", r"\Ba", r"(?i)^A b", "a b")
    ),
]


def _line_by_line(document: MarkdownDocument, patterns: list[re.Pattern[str]]) -> list[Match]:
    found: list[Match] = []
    for number, text in enumerate(document.scannable, start=1):
        found += _line_matches(text, number, patterns)
    return found


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="ab \n", max_size=40) | _MARKDOWNISH,
    st.lists(st.sampled_from(_PATTERNS), min_size=1, max_size=3),
)
@example("x\na b\nb", [re.compile(r"\Aa"), re.compile(r"b\Z")])
@example("a \nb", [re.compile(r"a\s*+$")])
def test_ruling_patterns_out_per_block_finds_what_every_line_finds(
    text: str, patterns: list[re.Pattern[str]]
) -> None:
    document = parse(text.encode("utf-8", "surrogatepass"))
    assert document.placeholders(patterns) == _line_by_line(document, patterns)
