"""mlpolicy: a merge gate for machine-learning repositories.

``mlpolicy.check(paths, **settings)`` runs the same check as ``mlpolicy check`` and returns a
typed :class:`CheckResult`. The names below are imported only when first used, so
``import mlpolicy`` (and every CLI start) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "check": "mlpolicy.api",
    "CheckResult": "mlpolicy.findings",
    "ProjectResult": "mlpolicy.findings",
    "Finding": "mlpolicy.findings",
    "Severity": "mlpolicy.findings",
    "Location": "mlpolicy.findings",
    "Artifact": "mlpolicy.findings",
    "MlpolicyError": "mlpolicy.errors",
    "UsageError": "mlpolicy.errors",
}
__all__ = [
    "Artifact",
    "CheckResult",
    "Finding",
    "Location",
    "MlpolicyError",
    "ProjectResult",
    "Severity",
    "UsageError",
    "__version__",
    "check",
]

if TYPE_CHECKING:
    from mlpolicy.api import check
    from mlpolicy.errors import MlpolicyError, UsageError
    from mlpolicy.findings import (
        Artifact,
        CheckResult,
        Finding,
        Location,
        ProjectResult,
        Severity,
    )


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mlpolicy' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
