"""Report formats: one module per format, each a ``render(result, color) -> str``.

:data:`REPORTER_BY_NAME` is the one list of formats: ``check --format`` and ``--report``
take their choices from it, and a format's module is imported only when it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlpolicy.findings import CheckResult

Renderer = Callable[["CheckResult", bool], str]

# format name -> module under mlpolicy.report
REPORTER_BY_NAME: dict[str, str] = {
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
    module = importlib.import_module(f"mlpolicy.report.{REPORTER_BY_NAME[name]}")
    from mlpolicy.report.escape import encodable

    render: Renderer = module.render
    return encodable(render)


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def counts(result: CheckResult) -> str:
    """``2 errors, 1 warning, 1 waived``: what every human-readable summary says."""
    # Imported here so that naming the formats (``check --help``) costs no dataclasses.
    from mlpolicy.findings import Severity

    parts = [
        plural(result.count(Severity.ERROR), "error"),
        plural(result.count(Severity.WARNING), "warning"),
    ]
    if result.count(Severity.NOTE):
        parts.append(plural(result.count(Severity.NOTE), "note"))
    if result.waived:
        parts.append(f"{result.waived} waived")
    return ", ".join(parts)
