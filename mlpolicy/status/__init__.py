"""``mlpolicy status``: each project's requirements by phase, and what is missing to advance.

``readiness`` works out where each project stands; one module per output format renders it,
found through ``FORMATS`` (imported only when that format is asked for).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from mlpolicy.status.readiness import Status

Renderer = Callable[[Status, bool], str]

# format name -> module under mlpolicy.status
FORMATS: dict[str, str] = {"text": "text", "json": "json_status", "markdown": "markdown"}


def renderer(name: str) -> Renderer:
    """The render function of status format ``name``, given readiness it can encode."""
    module = importlib.import_module(f"mlpolicy.status.{FORMATS[name]}")
    render: Renderer = module.render

    def render_encodable(readiness: Status, color: bool) -> str:
        from mlpolicy.report.escape import undecodable

        return render(undecodable(readiness), color)

    return render_encodable
