"""``mlpolicy init``: write a manifest and templates for the artifacts a phase requires.

Templates are deliberately stubs: their ``<fill in …>`` markers are placeholders that
MLP103/MLP407 report until a person replaces them, so ``init`` never makes a check pass.
Existing files are never overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlpolicy.commands import EXIT_OK
from mlpolicy.errors import UsageError

if TYPE_CHECKING:
    from mlpolicy.policy import DocumentSpec, Policy

_MANIFEST = """\
# The phase this project claims; `mlpolicy check` verifies that everything this phase and
# the earlier ones require exists, is committed, filled in and fresh.
# `mlpolicy schema manifest` prints every key this file may hold.
version: 1
project: {project}
phase: {phase}
"""

_MONITORING = """\
# What is watched in production, who is alerted, and where predictions are logged.
# `mlpolicy schema monitoring` prints the format. Until the commented keys are filled in,
# `mlpolicy check` reports the alerts as unrouted (MLP404) and logging as missing (MLP405).
# owner: "@your-oncall"
checks:
  - name: p95-latency
    kind: latency
    metric: model_latency_p95_seconds
    threshold: 0.25
    # runbook: https://wiki.example.com/runbooks/your-model#latency
  - name: prediction-drift
    kind: drift
    metric: prediction_psi
    threshold: 0.2
    # runbook: https://wiki.example.com/runbooks/your-model#drift
# logging:
#   predictions: s3://your-bucket/your-model/predictions/
"""


@dataclass(frozen=True, slots=True)
class InitResult:
    """Files written, files left alone because they already existed, and what to do next."""

    written: tuple[Path, ...]
    skipped: tuple[Path, ...]
    steps: tuple[str, ...] = ()


def init(folder: Path, phase: str | None) -> InitResult:
    """Write ``mlpolicy.yaml`` and templates under ``folder`` for ``phase`` (default: first)."""
    from mlpolicy import policy as policy_module
    from mlpolicy.next_steps import next_steps
    from mlpolicy.project import Repository

    policy = policy_module.builtin()
    chosen = phase or policy.phase_ids[0]
    if chosen not in policy.phase_ids:
        guess = policy.suggest_phase(chosen)
        hint = f'; did you mean "{guess}"?' if guess else ""
        raise UsageError(f'--phase: unknown phase "{chosen}"{hint}')
    files = {
        Path("mlpolicy.yaml"): _MANIFEST.format(project=folder.resolve().name, phase=chosen),
        **_templates(policy, chosen),
    }
    written, skipped = [], []
    for relative, text in files.items():
        target = folder / relative
        if target.exists():
            skipped.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    in_git = Repository.containing(folder, use_git=True).is_git
    steps = next_steps(policy, chosen, folder, files, in_git)
    return InitResult(tuple(written), tuple(skipped), steps)


def _templates(policy: Policy, phase: str) -> dict[Path, str]:
    required = policy.requirements(phase)
    templates: dict[Path, str] = {}
    if "design_doc" in required:
        # Approval is a reviewer's act, so the template always starts as a draft.
        templates[Path("docs/design.md")] = _document(
            "Design doc", policy.design_doc, "---\nstatus: draft\nowners: []\n---\n\n"
        )
    if "monitoring" in required or "logging" in required:
        templates[Path("monitoring/monitoring.yaml")] = _MONITORING
    if "model_card" in required:
        templates[Path("MODEL_CARD.md")] = _document("Model card", policy.model_card, "")
    return templates


def _document(title: str, spec: DocumentSpec, front_matter: str) -> str:
    sections = "".join(
        f"## {section.name}\n\n<fill in: {section.name.lower()} "
        f"(headings that count: {', '.join(section.aliases)})>\n\n"
        for section in spec.sections
    )
    return f"{front_matter}# {title}\n\n{sections}"


@click.command(name="init")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--phase", help="The phase to declare (default: the policy's first).")
def command(path: Path, phase: str | None) -> int:
    """Write mlpolicy.yaml and templates for the artifacts PHASE requires; never overwrites.

    The templates hold `<fill in ...>` placeholders, which `mlpolicy check` reports until
    they are replaced with the project's own content. It ends with numbered next steps,
    each command runnable as printed, that lead to a passing check.
    """
    outcome = init(path, phase)
    for written in outcome.written:
        click.echo(f"wrote {written}")
    for skipped in outcome.skipped:
        click.echo(f"skipped {skipped} (it exists)")
    click.echo("\nNext steps:")
    for number, step in enumerate(outcome.steps, 1):
        click.echo(f"  {number}. {step}")
    return EXIT_OK
