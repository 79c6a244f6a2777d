"""Check results with every shape a report must handle, built as plain values."""

from __future__ import annotations

from mlpolicy.findings import BaseInfo, CheckResult, Finding, Location, ProjectResult, Severity
from mlpolicy.policy import BUILTIN

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE
# Everything GitHub's command syntax and Markdown tables treat specially, plus a control char.
AWKWARD = 'a "quoted" 100% | pipe, comma: colon\r\nnext line\n<b>&amp;</b> `tick` \x1b[0m'


def finding(
    rule: str,
    message: str,
    location: Location | None = None,
    severity: Severity = E,
    waived: bool = False,
    hint: str | None = None,
) -> Finding:
    names = {
        "MLP001": "manifest-missing",
        "MLP003": "manifest-invalid",
        "MLP101": "design-doc-missing",
        "MLP102": "design-doc-section-missing",
        "MLP103": "design-doc-placeholder",
        "MLP201": "experiment-logs-missing",
        "MLP406": "model-card-missing",
        "MLP505": "history-unavailable",
        "MLP007": "waiver-unused",
    }
    return Finding(rule, names[rule], severity, message, location, hint, waived)


def project(
    root: str,
    phase: str | None,
    findings: tuple[Finding, ...] = (),
    policy: str = BUILTIN,
) -> ProjectResult:
    manifest = "mlpolicy.yaml" if root == "." else f"{root}/mlpolicy.yaml"
    return ProjectResult(root, manifest, phase, None, policy, None, (), findings)


def sample() -> CheckResult:
    """Two projects and a run-level finding, covering every location shape and severity."""
    doc = "svc/churn/docs/design doc ü.md"
    churn = (
        finding("MLP102", 'Missing section "Success metrics"', Location(doc, 3, 1), hint="Add it"),
        finding("MLP103", "TODO left in", Location(doc, 9)),
        finding("MLP103", "TODO left in", Location(doc, 12, 5)),
        finding("MLP201", AWKWARD, None),
        finding("MLP406", "no model card", Location("svc/churn"), W),
        finding("MLP007", "waiver matches nothing", Location("svc/churn/mlpolicy.yaml", 7), N),
        finding("MLP101", "waived away", Location(doc), waived=True),
    )
    root = (finding("MLP003", 'unknown key "phasee"', Location("mlpolicy.yaml", 2, 1)),)
    return CheckResult(
        projects=(project(".", None, root), project("svc/churn", "experimentation", churn)),
        findings=(finding("MLP505", "base main is unknown", None),),
        base=BaseInfo("main", None),
    )


def clean() -> CheckResult:
    """One project with nothing to report."""
    return CheckResult(projects=(project("svc/ok", "pipeline"),))
