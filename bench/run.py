"""Every speed budget of SPEC section 11, measured side by side in one run.

Usage::

    python bench/run.py            # the full run (about 10 minutes on 2 cores); --write
                                   # also puts the table into bench/README.md
    python bench/run.py --smoke    # a small run for CI: fails only on a gross regression

Every number is a whole process (interpreter start included), timed with its peers in the
same loop, pairs interleaved so both see the same machine state. The table gives medians,
min-max and peak memory (the process's max RSS, from ``wait4``); budgets are ratios to a
peer or to a bound from the SPEC, never absolute times in a test. The projects are complete
production-phase projects with history (``bench/fixtures.py``).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import fixtures

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "manifest.schema.json"
BIN = Path(sys.executable).parent
README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass
class Case:
    """One command, timed repeatedly; ``cache`` "fresh" gives every run an empty cache dir."""

    name: str
    command: Sequence[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    cache: str = "shared"  # shared | fresh
    expect: int = 0
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    def run(self, scratch: Path) -> None:
        """One timed run; its peak memory (max RSS, from ``wait4``) is kept too."""
        env = {**os.environ, "NO_COLOR": "1", **fixtures.GIT_ENV, **self.env}
        env.pop("CI", None)  # CI switches the cache off; each row says which cache it uses
        # An installed mlpolicy has its bytecode compiled, as the peers' have; without this,
        # a shell that sets PYTHONDONTWRITEBYTECODE makes every run recompile every module.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if self.cache == "fresh":
            env["MLPOLICY_CACHE_DIR"] = tempfile.mkdtemp(dir=scratch)
        with tempfile.TemporaryFile() as output:
            start = time.perf_counter()
            process = subprocess.Popen(
                self.command, cwd=self.cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )
            _, status, usage = os.wait4(process.pid, 0)
            self.seconds.append(time.perf_counter() - start)
            process.returncode = code = os.waitstatus_to_exitcode(status)
            self.peak_kb = max(self.peak_kb, int(usage.ru_maxrss))
            if code != self.expect:
                output.seek(0)
                sys.exit(f"{self.name}: exit {code}\n{output.read().decode(errors='replace')}")


def measure(cases: Sequence[Case], runs: int, scratch: Path) -> None:
    """Run ``cases`` round-robin ``runs`` times, after one untimed warm-up round."""
    for case in cases:
        case.run(scratch)
        case.seconds.clear()
    for _ in range(runs):
        for case in cases:
            case.run(scratch)


@dataclass(frozen=True)
class Budget:
    """A SPEC section 11 budget: ``value`` (a ratio or a bound) against ``limit``."""

    name: str
    value: float
    limit: float
    unit: str

    @property
    def met(self) -> bool:
        return self.value <= self.limit


def mlpolicy(*args: str) -> list[str]:
    return [str(BIN / "mlpolicy"), "check", *args]


def peers(repo: Path) -> list[Case]:
    cases = [Case("python -c pass", [sys.executable, "-c", "pass"], repo)]
    check_jsonschema = BIN / "check-jsonschema"
    if check_jsonschema.exists():
        command = [str(check_jsonschema), "--schemafile", str(SCHEMA), "mlpolicy.yaml"]
        cases.append(Case("check-jsonschema (the manifest)", command, repo))
    yamllint = BIN / "yamllint"
    if yamllint.exists():
        cases.append(
            Case("yamllint (the manifest)", [str(yamllint), "-d", "relaxed", "mlpolicy.yaml"], repo)
        )
    return cases


def single_project(scratch: Path, runs: int) -> tuple[list[Case], list[Budget]]:
    repo = fixtures.build(scratch / "single", 1)
    cases = [
        *peers(repo),
        Case("mlpolicy check, cold (empty cache)", mlpolicy(), repo, cache="fresh"),
        Case("mlpolicy check, warm (cache)", mlpolicy(), repo),
    ]
    measure(cases, runs, scratch)
    by_name = {c.name: c for c in cases}
    peer = by_name.get("check-jsonschema (the manifest)")
    if peer is None:
        return cases, []
    cold = by_name["mlpolicy check, cold (empty cache)"].median_ms / peer.median_ms
    warm = by_name["mlpolicy check, warm (cache)"].median_ms / peer.median_ms
    return cases, [
        Budget("1 production project, cold / check-jsonschema", cold, 0.5, "x"),
        Budget("1 production project, warm / check-jsonschema", warm, 0.4, "x"),
    ]


PRE_COMMIT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: trivial
        name: trivial
        entry: "true"
        language: system
        pass_filenames: false
        always_run: true
      - id: mlpolicy
        name: mlpolicy
        entry: {mlpolicy} check
        language: system
        pass_filenames: false
        always_run: true
"""


def pre_commit(scratch: Path, runs: int) -> tuple[list[Case], list[Budget]]:
    tool = BIN / "pre-commit"
    if not tool.exists():
        return [], []
    repo = fixtures.build(scratch / "hooked", 1)
    config = PRE_COMMIT_CONFIG.format(mlpolicy=BIN / "mlpolicy")
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    env = {"PRE_COMMIT_HOME": str(scratch / "pre-commit-home")}
    cases = [
        Case("pre-commit run trivial (system hook)", [str(tool), "run", "trivial"], repo, env),
        Case("pre-commit run mlpolicy", [str(tool), "run", "mlpolicy"], repo, env),
    ]
    measure(cases, runs, scratch)
    ratio = cases[1].median_ms / cases[0].median_ms
    return cases, [Budget("pre-commit run mlpolicy / trivial hook", ratio, 1.5, "x")]


def monorepo(scratch: Path, sizes: Sequence[int], runs: int) -> tuple[list[Case], list[Budget]]:
    cases = [
        Case(f"mlpolicy check, {n} projects", mlpolicy(), fixtures.build(scratch / f"m{n}", n))
        for n in sizes
    ]
    measure(cases, runs, scratch)
    per_project = {n: c.median_ms / n for n, c in zip(sizes, cases, strict=True)}
    largest = sizes[-1]
    budgets = [Budget(f"ms per project at {largest} projects", per_project[largest], 5.0, "ms")]
    budgets.append(
        Budget(
            f"linearity: ms per project at {largest} / at {sizes[0]}",
            per_project[largest] / per_project[sizes[0]],
            1.25,
            "x",
        )
    )
    if largest >= 5000:
        budgets.append(
            Budget(f"peak memory at {largest} projects", cases[-1].peak_kb / 1024, 150, "MB")
        )
    return cases, budgets


def unrelated_files(scratch: Path, count: int, runs: int) -> tuple[list[Case], list[Budget]]:
    plain = fixtures.build(scratch / "plain", 1)
    crowded = fixtures.build(scratch / "crowded", 1, unrelated_files=count)
    cases = [
        Case("mlpolicy check, 1 project", mlpolicy(), plain),
        Case(f"mlpolicy check, 1 project + {count:,} unrelated files", mlpolicy(), crowded),
    ]
    measure(cases, runs, scratch)
    added = (cases[1].median_ms - cases[0].median_ms) / 1000
    return cases, [Budget(f"time {count:,} unrelated tracked files add", added, 0.1, "s")]


def long_runlog(scratch: Path, lines: int, runs: int) -> tuple[list[Case], list[Budget]]:
    repo = fixtures.build(scratch / "runlog", 1, runlog_lines=lines)
    off = {"MLPOLICY_NO_CACHE": "1"}
    cases = [
        Case(f"mlpolicy check, {lines:,}-line runlog, no cache", mlpolicy(), repo, off),
        Case(f"mlpolicy check, {lines:,}-line runlog, first run", mlpolicy(), repo, cache="fresh"),
    ]
    measure(cases, runs, scratch)
    return cases, [
        Budget(f"{lines:,}-line runlog, first run", cases[1].median_ms / 1000, 5.0, "s"),
        Budget("runlog first run / no cache", cases[1].median_ms / cases[0].median_ms, 1.0, "x"),
    ]


def hostile_runlog(scratch: Path, lines: int, runs: int) -> tuple[list[Case], list[Budget]]:
    repo = fixtures.build(scratch / "hostile", 1, hostile_lines=lines)
    case = Case(f"mlpolicy check, {lines:,} lines of {{}}", mlpolicy(), repo, expect=1)
    measure([case], runs, scratch)
    return [case], [
        Budget(f"{lines:,} hostile runlog lines", case.median_ms / 1000, 10.0, "s"),
        Budget(f"{lines:,} hostile runlog lines, peak memory", case.peak_kb / 1024, 300, "MB"),
    ]


def table(cases: Sequence[Case], budgets: Sequence[Budget], runs: int) -> str:
    lines = [
        f"{runs} interleaved runs per case; Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}, {time.strftime('%Y-%m-%d')}.",
        "",
        "| case | median ms | min-max ms | peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    for case in cases:
        low, high = min(case.seconds) * 1000, max(case.seconds) * 1000
        spread, peak = f"{low:.0f}-{high:.0f}", case.peak_kb / 1024
        lines.append(f"| {case.name} | {case.median_ms:.0f} | {spread} | {peak:.0f} |")
    lines += ["", "| budget (SPEC 11) | measured | limit | |", "|---|---:|---:|---|"]
    for budget in budgets:
        verdict = "met" if budget.met else "**missed**"
        lines.append(
            f"| {budget.name} | {budget.value:.2f} {budget.unit} | {budget.limit:g} {budget.unit}"
            f" | {verdict} |"
        )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8")
    head, _, rest = current.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


# The smoke run guards against gross regressions only (a fraction of the budgets' slack
# is machine noise on a shared CI runner): each limit is a generous multiple of the budget.
SMOKE_LIMITS = {
    "1 production project, cold / check-jsonschema": 1.5,
    "1 production project, warm / check-jsonschema": 1.5,
    "pre-commit run mlpolicy / trivial hook": 4.0,
    "runlog first run / no cache": 1.5,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--smoke", action="store_true", help="small sizes, gross-regression limits")
    parser.add_argument("--write", action="store_true", help="write the table to bench/README.md")
    args = parser.parse_args()
    runs = 5 if args.smoke else args.runs
    sizes = (50, 200) if args.smoke else (100, 1000, 5000)
    scratch = Path(tempfile.mkdtemp(prefix="mlpolicy-bench-"))
    try:
        results = [
            single_project(scratch, runs),
            pre_commit(scratch, runs),
            monorepo(scratch, sizes, max(3, runs // 3)),
            unrelated_files(scratch, 5_000 if args.smoke else 50_000, runs),
            long_runlog(scratch, 10_000 if args.smoke else 100_000, max(3, runs // 3)),
            hostile_runlog(scratch, 100_000 if args.smoke else 1_000_000, 3),
        ]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    cases = [case for found, _ in results for case in found]
    budgets = [budget for _, found in results for budget in found]
    text = table(cases, budgets, runs)
    print(text)
    if args.write:
        write_readme(text)
    if args.smoke:
        return smoke_verdict(budgets)
    return 0


def smoke_verdict(budgets: Sequence[Budget]) -> int:
    failed = [b for b in budgets if b.name in SMOKE_LIMITS and b.value > SMOKE_LIMITS[b.name]]
    for budget in failed:
        limit = SMOKE_LIMITS[budget.name]
        print(f"gross regression: {budget.name} = {budget.value:.2f} (smoke limit {limit})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
