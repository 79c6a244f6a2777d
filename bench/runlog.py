"""Large and hostile runlogs through the whole ``mlpolicy check`` process (SPEC 11, issue 8).

Usage: ``python bench/runlog.py [--lines 100000] [--hostile 1000000]``. Builds two committed
repositories at the experimentation phase in a temp dir: one whose runlog holds LINES valid
runs, one holding HOSTILE lines of ``{}``. Each is checked with the cache off, a cold cache
and a warm cache, under ``/usr/bin/time -v`` where it exists. Budgets: a 100,000-line log in
at most 5 s with flat memory; a first run never slower than one without the cache; the
hostile log in under 10 s and 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import ENV

ROOT = Path(__file__).resolve().parents[1]
DESIGN = "---\nstatus: approved\n---\n" + (
    ROOT / "examples" / "ideation" / "docs" / "design.md"
).read_text(encoding="utf-8")


def make_repo(root: Path, lines: int, hostile: bool) -> Path:
    """A committed repository whose ``experiments/runs.jsonl`` holds ``lines`` records."""
    root.mkdir(parents=True)
    git = ["git", "-C", str(root)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True, env=ENV)
    (root / "mlpolicy.yaml").write_text("version: 1\nphase: experimentation\n", "utf-8")
    (root / "docs").mkdir()
    (root / "docs" / "design.md").write_text(DESIGN, encoding="utf-8")
    subprocess.run([*git, "add", "-A"], check=True, env=ENV)
    subprocess.run([*git, "commit", "-qm", "project"], check=True, env=ENV)
    sha = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True, env=ENV)
    (root / "experiments").mkdir()
    with (root / "experiments" / "runs.jsonl").open("w", encoding="utf-8") as log:
        for n in range(lines):
            log.write("{}\n" if hostile else json.dumps(_record(n, sha.stdout.strip())) + "\n")
    subprocess.run([*git, "add", "-A"], check=True, env=ENV)
    subprocess.run([*git, "commit", "-qm", "runs"], check=True, env=ENV)
    return root


def _record(n: int, sha: str) -> dict[str, object]:
    return {
        "schema": "mlpolicy.runlog/v1",
        "run_id": f"run-{n}",
        "experiment": "churn",
        "started_at": "2026-11-26T15:30:00Z",
        "status": "finished",
        "git": {"commit": sha, "dirty": False},
        "params": {"lr": 0.01 * (n % 10), "model": "gbm", "depth": n % 7},
        "metrics": {"val_auc": 0.5 + n % 1000 / 3000, "loss": [{"step": 0, "value": 0.5}]},
    }


def measure(repo: Path, env: dict[str, str]) -> str:
    """Seconds, peak RSS and report size of one ``mlpolicy check`` of ``repo``."""
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    started = time.perf_counter()
    done = subprocess.run(
        [*timer, sys.executable, "-m", "mlpolicy", "check"],
        cwd=repo,
        capture_output=True,
        text=True,
        env={**ENV, **env},
    )
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", done.stderr)
    memory = f"{int(rss.group(1)) // 1024} MB" if rss else "?"
    cpu = f"{user.group(1)} s CPU" if user else "? CPU"
    return f"exit {done.returncode}, {wall:.2f} s wall, {cpu}, {memory}, {len(done.stdout)} B out"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--hostile", type=int, default=1_000_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlpolicy-bench-runlog-") as tmp:
        cache = Path(tmp, "cache")
        cases = [
            (f"{options.lines:,} valid lines", make_repo(Path(tmp, "valid"), options.lines, False)),
            (
                f"{options.hostile:,} lines of {{}}",
                make_repo(Path(tmp, "bad"), options.hostile, True),
            ),
        ]
        for name, repo in cases:
            print(f"{name}: no cache  {measure(repo, {'MLPOLICY_NO_CACHE': '1'})}")
            env = {"MLPOLICY_CACHE_DIR": str(cache)}
            print(f"{name}: cold cache {measure(repo, env)}")
            print(f"{name}: warm cache {measure(repo, env)}")
            entries = sum(len(files) for _, _, files in os.walk(cache))
            print(f"{name}: {entries} cache entries")


if __name__ == "__main__":
    main()
