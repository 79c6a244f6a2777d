"""Rule documentation pages, generated from the registry: ``python -m mlpolicy.rules.docs``.

Writes ``docs/rules/<ID>.md`` (the text ``mlpolicy explain`` prints) and an index; the
reports link to these pages, and a test fails when a committed page is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mlpolicy.rules import ALL_RULES
from mlpolicy.rules.base import Rule


def page(rule: Rule) -> str:
    """The documentation page of ``rule``."""
    where = f"guards requirement `{rule.requirement}`" if rule.requirement else "always checked"
    head = (
        f"# {rule.id} {rule.name}\n\n{rule.summary}.\n\n"
        f"Default severity: {rule.default.value} ({where}).\n"
    )
    body = (
        rule.doc if rule.implemented else "This rule is in the catalogue but not implemented yet."
    )
    return f"{head}\n{body}\n"


def index() -> str:
    """The table of every rule, linking to its page."""
    rows = "".join(
        f"| [{r.id}]({r.id}.md) | `{r.name}` | {r.default.value} | {r.summary}"
        f"{'' if r.implemented else ' (not implemented yet)'} |\n"
        for r in ALL_RULES
    )
    return (
        "# mlpolicy rules\n\nGenerated from the rule registry by `python -m mlpolicy.rules.docs`;"
        " `mlpolicy explain ID` prints the same text.\n\n"
        "| id | name | default | flags |\n|---|---|---|---|\n" + rows
    )


def pages() -> dict[str, str]:
    """File name -> content for the whole docs/rules folder."""
    return {"README.md": index(), **{f"{rule.id}.md": page(rule) for rule in ALL_RULES}}


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv else Path("docs/rules")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
