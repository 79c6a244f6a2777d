"""The rule catalogue of SPEC section 6: stable ids, names, summaries, defaults.

Every id is listed here whether or not a check implements it yet; ``mlpolicy rules``
marks the ones that are not implemented. Never renumber.
"""

from __future__ import annotations

from mlpolicy.findings import Severity

E, W = Severity.ERROR, Severity.WARNING

# id, name, default severity, requirement it guards (None: always checked), summary
CATALOGUE: tuple[tuple[str, str, Severity, str | None, str], ...] = (
    ("MLP001", "manifest-missing", E, None, "No `mlpolicy.yaml` found in what was asked to check"),
    (
        "MLP002",
        "manifest-unparseable",
        E,
        None,
        "The manifest is not readable YAML (syntax error, duplicate key, non-UTF-8, too large)",
    ),
    (
        "MLP003",
        "manifest-invalid",
        E,
        None,
        "The manifest violates its schema (unknown key, unknown phase, wrong type)",
    ),
    (
        "MLP004",
        "policy-invalid",
        E,
        None,
        "The policy file is missing, unparseable or violates its schema",
    ),
    ("MLP005", "waiver-expired", E, None, "A waiver is past its `expires` date"),
    ("MLP006", "waiver-expiring", W, None, "A waiver expires within 14 days"),
    ("MLP007", "waiver-unused", W, None, "A waiver matches no finding"),
    (
        "MLP008",
        "artifact-path-escapes",
        E,
        None,
        "A path is absolute, climbs out with `..`, or is a symlink leading outside the repository",
    ),
    (
        "MLP009",
        "artifact-unreadable",
        E,
        None,
        "A file or folder that must be read cannot be (permission denied, FIFO, symlink loop)",
    ),
    ("MLP101", "design-doc-missing", E, "design_doc", "No design doc"),
    (
        "MLP102",
        "design-doc-section-missing",
        E,
        "design_doc",
        "A required design-doc section heading is absent",
    ),
    ("MLP103", "design-doc-placeholder", E, "design_doc", "Template text left in the design doc"),
    (
        "MLP104",
        "design-doc-section-empty",
        E,
        "design_doc",
        "A required design-doc section has fewer than the minimum words",
    ),
    (
        "MLP105",
        "design-doc-unapproved",
        E,
        "design_doc_approved",
        "The design doc's front matter `status` is not `approved`",
    ),
    ("MLP201", "experiment-logs-missing", E, "experiments", "No recognised experiment log"),
    (
        "MLP202",
        "experiment-log-invalid",
        E,
        "experiments",
        "An experiment log file or run record is malformed",
    ),
    (
        "MLP203",
        "experiment-run-incomplete",
        E,
        "experiments",
        "No finished run with params and metrics",
    ),
    (
        "MLP204",
        "experiment-run-untraceable",
        E,
        "experiments",
        "Runs record no commit, a commit not in history, or `dirty: true`",
    ),
    (
        "MLP205",
        "experiment-logs-stale",
        E,
        "experiments",
        "`code_paths` changed after the newest run's commit",
    ),
    ("MLP206", "quality-bar-missing", E, "quality_bar", "No `quality_bar` declared"),
    ("MLP207", "quality-bar-unmet", E, "quality_bar", "No finished run meets the quality bar"),
    (
        "MLP208",
        "experiment-store-uncommitted",
        W,
        "experiments",
        "A local experiment store exists but is not committed",
    ),
    ("MLP301", "pipeline-missing", E, "pipelines", "No recognised pipeline definition"),
    ("MLP302", "pipeline-invalid", E, "pipelines", "A pipeline definition is malformed"),
    (
        "MLP303",
        "pipeline-validation-missing",
        E,
        "pipeline_validation",
        "No pipeline validation evidence",
    ),
    (
        "MLP304",
        "pipeline-validation-failed",
        E,
        "pipeline_validation",
        "Validation evidence shows failures, errors, or zero executed tests",
    ),
    (
        "MLP305",
        "pipeline-validation-stale",
        E,
        "pipeline_validation",
        "The pipeline or `code_paths` changed after validation",
    ),
    (
        "MLP306",
        "pipeline-lock-stale",
        E,
        "pipelines",
        "`dvc.lock` disagrees with `dvc.yaml` or with present dependencies",
    ),
    ("MLP401", "monitoring-missing", E, "monitoring", "No monitoring config"),
    ("MLP402", "monitoring-invalid", E, "monitoring", "A monitoring file is malformed"),
    (
        "MLP403",
        "monitoring-incomplete",
        E,
        "monitoring",
        "A required monitoring coverage category is absent",
    ),
    ("MLP404", "alert-unrouted", E, "monitoring", "An alert has no owner or receiver"),
    ("MLP405", "logging-missing", E, "logging", "No prediction/input logging destination"),
    ("MLP406", "model-card-missing", W, "model_card", "No model card"),
    (
        "MLP407",
        "model-card-incomplete",
        W,
        "model_card",
        "A required model-card section is missing or a placeholder",
    ),
    ("MLP408", "alert-without-runbook", W, "monitoring", "An alert has no runbook link"),
    (
        "MLP501",
        "artifact-untracked",
        E,
        None,
        "A required artifact exists on disk but is not in the git index",
    ),
    ("MLP502", "phase-skipped", E, None, "The change moves `phase` forward by more than one step"),
    ("MLP503", "phase-regressed", W, None, "The change moves `phase` backwards"),
    (
        "MLP504",
        "policy-changed",
        W,
        None,
        "The change edits policy, waivers or quality bar; the base version was applied",
    ),
    (
        "MLP505",
        "history-unavailable",
        E,
        None,
        "Git history needed for a check is missing (shallow clone, unknown base)",
    ),
)
