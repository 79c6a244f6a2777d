"""Report formats: one module per format, each a ``render(result, color) -> str``."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from mlpolicy.findings import CheckResult

Renderer = Callable[[CheckResult, bool], str]

# format name -> module under mlpolicy.report; imported only when that format is asked for
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "markdown": "markdown",
    "junit": "junit",
}


def renderer(name: str) -> Renderer:
    """The render function of format ``name``."""
    module = importlib.import_module(f"mlpolicy.report.{FORMATS[name]}")
    render: Renderer = module.render
    return render
