"""MLP306: ``dvc.lock`` disagrees with ``dvc.yaml`` or with the dependencies in the checkout."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from mlpolicy.findings import Problem, Severity
from mlpolicy.rules.base import build_rule

if TYPE_CHECKING:
    from mlpolicy.facts import ProjectFacts

_STAGE_HINT = (
    "Run `dvc repro` (it reruns what changed and rewrites dvc.lock), then commit dvc.lock "
    "with the change; `dvc status` lists the same differences."
)
_LOCK_HINT = "Regenerate dvc.lock with `dvc repro` (or `dvc commit`) and commit it."


def pipeline_lock_stale(facts: ProjectFacts) -> Iterator[Problem]:
    """
    ## What it does
    Flags each stage of a `dvc.yaml` whose `dvc.lock` entry no longer matches, as
    `dvc status` would: the stage's `cmd` differs, a dependency present in the checkout
    hashes differently (a file, or any file inside a directory), a parameter the stage
    references has another value in `params.yaml` (or the file its `params:` names), or
    the stage is missing from `dvc.lock`. One finding per stage names what changed.
    Hashes are computed as DVC computes them (MD5 of the bytes; DVC 2.x entries without
    `hash: md5` with CRLF line endings normalised; a directory from its sorted listing),
    without DVC. Outputs and dependencies absent from the checkout (data kept in a DVC
    remote, git-ignored) are not present, never stale. Not compared: `foreach`/`matrix`
    and `${...}` templated stages, `frozen` and `always_changed` stages, directories under
    a `.dvcignore` with patterns, Python parameter files, and the content of a dependency
    over 512 MiB (its size and file count still are).

    ## Why is this bad?
    `dvc.lock` is the record that the committed outputs came from this command on these
    inputs. Once the command, the code or the data changes without `dvc repro`, the
    model in the repository was built by a pipeline that no longer exists, and nobody
    reviewing the change can tell.

    ## Example
    ```yaml title="mlpolicy.yaml"
    version: 1
    phase: pipeline
    ```

    ```yaml title="dvc.yaml"
    stages:
      train:
        cmd: python src/train.py --epochs 20
        deps:
          - data/prepared
          - src/train.py
        outs:
          - model.pkl
    ```

    The lock still records the command as it was at the last `dvc repro`:

    ```yaml title="dvc.lock"
    schema: '2.0'
    stages:
      train:
        cmd: python src/train.py
        deps:
        - path: data/prepared
          hash: md5
          md5: 03330384e9a6d4b85b4bb1cc991a6bf3.dir
          size: 188
          nfiles: 2
        - path: src/train.py
          hash: md5
          md5: c6e16e60dfd4e9ed12a647cac83fb999
          size: 494
        outs:
        - path: model.pkl
          hash: md5
          md5: 5edfd0e21b3696174d0c12805107a26d
          size: 10
    ```

    ## Fix
    Run `dvc repro`, then commit the `dvc.lock` it writes.

    ```yaml title="dvc.lock"
    schema: '2.0'
    stages:
      train:
        cmd: python src/train.py --epochs 20
        deps:
        - path: data/prepared
          hash: md5
          md5: 03330384e9a6d4b85b4bb1cc991a6bf3.dir
          size: 188
          nfiles: 2
        - path: src/train.py
          hash: md5
          md5: c6e16e60dfd4e9ed12a647cac83fb999
          size: 494
        outs:
        - path: model.pkl
          hash: md5
          md5: 8f1c0b9e03c5aa2b6d1c1f5e9a0d7b21
          size: 10
    ```
    """
    for stale in facts.readings.dvc_lock:
        hint = _STAGE_HINT if stale.stage is not None else _LOCK_HINT
        yield Problem(stale.message, stale.location, hint)


RULES = (
    build_rule(
        "MLP306",
        "pipeline-lock-stale",
        Severity.ERROR,
        "pipelines",
        "`dvc.lock` disagrees with `dvc.yaml` or with present dependencies",
        pipeline_lock_stale,
    ),
)
