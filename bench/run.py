"""Whole-process timings of ``mlpolicy check`` side by side with ``check-jsonschema``.

Usage: ``python bench/run.py [--runs N] [--projects N]``. Each case is run N times,
interleaved with the peer tool in the same loop so both see the same machine state, and the
median wall time of the whole process (interpreter start included) is reported. SPEC
section 11 asks for a single small project in at most half the peer's time, and a monorepo
of 500 projects in about 2 s. "no cache" runs with MLPOLICY_NO_CACHE=1, as a first run or
a fresh CI runner would; the other rows use the validation cache (mlpolicy/cache.py), as a
developer's pre-commit hook does from its second run on.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "manifest.schema.json"
DESIGN = (ROOT / "examples" / "ideation" / "docs" / "design.md").read_text(encoding="utf-8")
MANIFEST = "version: 1\nphase: ideation\n"
ENV = {
    **os.environ,
    "NO_COLOR": "1",
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
}


def make_repo(root: Path, projects: int) -> Path:
    """A committed git repository holding ``projects`` complete ideation projects."""
    root.mkdir(parents=True)
    for index in range(projects):
        project = root / (f"projects/p{index:04d}" if projects > 1 else ".")
        (project / "docs").mkdir(parents=True, exist_ok=True)
        (project / "mlpolicy.yaml").write_text(MANIFEST, encoding="utf-8")
        (project / "docs" / "design.md").write_text(DESIGN, encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "bench"]):
        subprocess.run(["git", *args], cwd=root, check=True, env=ENV)
    return root


def median_ms(
    command: Sequence[str], cwd: Path, runs: int, expect: int | None, **env: str
) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, env={**ENV, **env}, capture_output=True)
        timings.append(time.perf_counter() - start)
        if expect is not None and done.returncode != expect:
            sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stdout.decode()}")
    return statistics.median(timings) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--projects", type=int, default=500)
    args = parser.parse_args()
    mlpolicy = [sys.executable, "-m", "mlpolicy", "check"]
    peer = shutil.which("check-jsonschema")
    with tempfile.TemporaryDirectory() as folder:
        ENV["MLPOLICY_CACHE_DIR"] = str(Path(folder, "cache"))  # not the user's cache
        small = make_repo(Path(folder, "small"), 1)
        rows = [("python -c pass", median_ms([sys.executable, "-c", "pass"], small, args.runs, 0))]
        rows.append(
            ("mlpolicy --version", median_ms([*mlpolicy[:-1], "--version"], small, args.runs, 0))
        )
        cold = median_ms(mlpolicy, small, args.runs, 0, MLPOLICY_NO_CACHE="1")
        rows.append(("mlpolicy check (1 project, no cache)", cold))
        rows.append(("mlpolicy check (1 project)", median_ms(mlpolicy, small, args.runs, 0)))
        if peer:
            command = [peer, "--schemafile", str(SCHEMA), "mlpolicy.yaml"]
            rows.append(("check-jsonschema (1 manifest)", median_ms(command, small, args.runs, 0)))
        mono = make_repo(Path(folder, "mono"), args.projects)
        runs = max(3, args.runs // 5)
        rows.append(
            (f"mlpolicy check ({args.projects} projects)", median_ms(mlpolicy, mono, runs, 0))
        )
    width = max(len(name) for name, _ in rows)
    print(f"{'case':<{width}}  median ms   ({args.runs} runs; Python {sys.version.split()[0]})")
    for name, value in rows:
        print(f"{name:<{width}}  {value:9.1f}")
    timings = dict(rows)
    if peer:
        peer_ms = timings["check-jsonschema (1 manifest)"]
        for case in ("mlpolicy check (1 project)", "mlpolicy check (1 project, no cache)"):
            print(f"\n{case} / check-jsonschema = {timings[case] / peer_ms:.2f}", end="")
        print("  (SPEC target: <= 0.50)")


if __name__ == "__main__":
    main()
