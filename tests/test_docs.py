"""Generated and committed documentation stays current with the registry."""

from __future__ import annotations

from pathlib import Path

from mlpolicy.rules import ALL_RULES
from mlpolicy.rules.docs import pages

DOCS = Path(__file__).parents[1] / "docs" / "rules"


def test_rule_pages_are_current() -> None:
    expected = pages()
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale = sorted(name for name in expected if committed.get(name) != expected[name])
    extra = sorted(set(committed) - set(expected))
    assert not stale and not extra, (
        f"docs/rules is out of date ({stale or extra}): run `python -m mlpolicy.rules.docs`"
    )


def test_every_rule_has_a_page_the_reports_link_to() -> None:
    from mlpolicy.report.links import rule_url

    for rule in ALL_RULES:
        assert rule_url(rule.id).endswith(f"docs/rules/{rule.id}.md")
        assert (DOCS / f"{rule.id}.md").is_file()
