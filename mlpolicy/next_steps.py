"""What to do after ``mlpolicy init``: numbered steps from the templates to a passing check.

The steps follow the policy's requirements at the chosen phase, in the order that works:
text is filled in and committed before a run is logged (a run records the commit it was
made from, and a dirty working tree makes it untraceable), and the log is committed
before ``mlpolicy check``. Commands run as printed from the project's folder (the first
step goes there when ``init`` was given another one).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path

from mlpolicy.policy import Policy

DESIGN_DOC = Path("docs/design.md")
MONITORING = Path("monitoring/monitoring.yaml")
MODEL_CARD = Path("MODEL_CARD.md")
RUN_LOG = Path("experiments/runs.jsonl")
MANIFEST = "mlpolicy.yaml"
VALIDATION = Path("reports/pipeline-validation.json")
LOG_COMMAND = "mlpolicy log --experiment NAME --param K=V --metric K=V"


def next_steps(
    policy: Policy, phase: str, folder: Path, files: Iterable[Path], in_git: bool
) -> tuple[str, ...]:
    """The steps for a project in ``folder`` at ``phase``; ``files`` (relative to it) to commit."""
    required = policy.requirements(phase)
    steps = [] if folder == Path() else [f"Go to the project: `cd {shlex.quote(str(folder))}`."]
    steps += [] if in_git else ["Make it a git repository: `git init`."]
    steps += _edits(policy, required)
    steps.append(f"Commit them: `{_commit(files, f'Declare the {phase} phase')}`.")
    steps += _evidence(required)
    steps.append(
        "Run `mlpolicy check`: it passes once the steps above are done, and each finding's"
        " hint says what is left. `mlpolicy status` shows every phase's requirements."
    )
    return tuple(steps)


def _edits(policy: Policy, required: Mapping[str, str]) -> list[str]:
    steps = []
    if "design_doc" in required:
        steps.append(
            f"Fill in every section of {DESIGN_DOC}: replace each `<fill in ...>` line"
            f" with at least {policy.design_doc.min_words} words of your own."
        )
    if "design_doc_approved" in required:
        steps.append(
            "When the reviewers agree with the design doc, set `status: approved` in its"
            " front matter (the lines between `---` at the top)."
        )
    if "quality_bar" in required:
        steps.append(
            f"Say when the model is good enough for production: add to {MANIFEST}"
            " `quality_bar: {metric: val_auc, goal: maximize, threshold: 0.80}` with your"
            " metric and threshold."
        )
    if "monitoring" in required:
        steps.append(
            f"In {MONITORING}, set `owner:` to who is alerted, keep the checks that fit"
            " your model, and add a `runbook:` link to each."
        )
    if "logging" in required:
        steps.append(f"In {MONITORING}, uncomment `logging:` and say where predictions go.")
    if "model_card" in required:
        steps.append(f"Fill in every section of {MODEL_CARD}.")
    return steps


def _evidence(required: Mapping[str, str]) -> list[str]:
    steps, evidence = [], []
    if "experiments" in required:
        steps.append(
            f"Log each training run from the committed code: `{LOG_COMMAND}`"
            " (for example `--experiment baseline --param lr=0.05 --metric val_auc=0.83`);"
            f" it appends the run to {RUN_LOG}."
        )
        evidence.append(RUN_LOG.as_posix())
    if "pipelines" in required:
        steps.append(
            "Add the pipeline definition: dvc.yaml, or a Kubeflow, Airflow, Kedro, Metaflow"
            " or ZenML pipeline under pipelines/."
        )
    if "pipeline_validation" in required:
        steps.append(
            "Run the pipeline's tests with a JUnit report and record them, e.g."
            " `pytest --junitxml=reports/pipeline-tests.xml`, then"
            " `mlpolicy attest dvc.yaml --junit reports/pipeline-tests.xml`."
        )
        evidence.append(VALIDATION.as_posix())
    if len(evidence) == 1 and "pipelines" not in required:
        steps.append(f"Commit the log: `{_commit([Path(evidence[0])], 'Log the first run')}`.")
    elif evidence:
        steps.append(
            f"Commit {', '.join(evidence)} and the pipeline's files (`git add` each, then"
            " `git commit`)."
        )
    return steps


def _commit(files: Iterable[Path], message: str) -> str:
    paths = " ".join(shlex.quote(path.as_posix()) for path in files)
    return f"git add {paths} && git commit -m {shlex.quote(message)}"
