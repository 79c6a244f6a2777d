"""Report formats: one module per format, each a ``render(result, color) -> str``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from mlpolicy.findings import CheckResult, Severity

Renderer = Callable[[CheckResult, bool], str]

# format name -> module under mlpolicy.report; imported only when that format is asked for
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "markdown": "markdown",
    "junit": "junit",
    "gitlab": "gitlab",
}


def renderer(name: str) -> Renderer:
    """The render function of format ``name``, given a result every format can encode."""
    module = importlib.import_module(f"mlpolicy.report.{FORMATS[name]}")
    render: Renderer = module.render

    def render_encodable(result: CheckResult, color: bool) -> str:
        from mlpolicy.report.escape import undecodable

        return render(undecodable(result), color)

    return render_encodable


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def counts(result: CheckResult) -> str:
    """``2 errors, 1 warning, 1 waived``: what every human-readable summary says."""
    parts = [
        plural(result.count(Severity.ERROR), "error"),
        plural(result.count(Severity.WARNING), "warning"),
    ]
    if result.count(Severity.NOTE):
        parts.append(plural(result.count(Severity.NOTE), "note"))
    if result.waived:
        parts.append(f"{result.waived} waived")
    return ", ".join(parts)
