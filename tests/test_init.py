"""``mlpolicy init``: a manifest and templates that fail until a person fills them in."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from conftest import GIT_ENV, Repo, run_cli


def test_init_writes_templates_that_still_fail(repo: Repo) -> None:
    result = run_cli("init", "--phase", "production", cwd=repo.root)
    assert result.code == 0
    for name in ("mlpolicy.yaml", "docs/design.md", "monitoring/monitoring.yaml", "MODEL_CARD.md"):
        assert (repo.root / name).is_file()
    repo.commit("init")
    rules = set(repo.check("--format", "json").rules())
    # Stubs never pass: placeholders, the unapproved draft, unrouted alerts, no logging.
    assert {"MLP103", "MLP105", "MLP404", "MLP405", "MLP407"} <= rules
    assert not rules & {"MLP002", "MLP003", "MLP402"}  # but everything it wrote is well-formed


def test_init_never_overwrites(repo: Repo) -> None:
    repo.write({"docs/design.md": "# Mine\n"})
    result = run_cli("init", cwd=repo.root)
    assert result.code == 0
    assert "skipped" in result.stdout
    assert (repo.root / "docs/design.md").read_text() == "# Mine\n"
    assert "phase: ideation" in (repo.root / "mlpolicy.yaml").read_text()
    assert not (repo.root / "MODEL_CARD.md").exists()  # not required at ideation


def test_init_with_unknown_phase_is_a_usage_error(repo: Repo) -> None:
    result = run_cli("init", "--phase", "deploy", cwd=repo.root)
    assert result.code == 2
    assert "production" in result.stderr
    assert not (repo.root / "mlpolicy.yaml").exists()


# -- from `init` to a passing check, following only what mlpolicy prints -------------------

STEP = re.compile(r"^\s+\d+\. (?P<text>.+)$", re.MULTILINE)
CODE = re.compile(r"`([^`]+)`")
PLACEHOLDER = re.compile(r"^<fill in: (?P<section>[^(]+?) \(.*>$", re.MULTILINE)


def _steps(output: str) -> list[str]:
    assert "Next steps:" in output, output
    return [match["text"] for match in STEP.finditer(output.split("Next steps:", 1)[1])]


def _fill_in_design_doc(path: Path) -> None:
    """The one edit a person makes by hand: their own text in place of each placeholder."""
    text = PLACEHOLDER.sub(
        lambda m: (
            f"Our team wrote the {m['section']} section here, in plain words, after"
            " two weeks of interviews with the retention analysts."
        ),
        path.read_text(encoding="utf-8"),
    )
    path.write_text(text, encoding="utf-8")


def _approve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert "status: draft" in text
    path.write_text(text.replace("status: draft", "status: approved", 1), encoding="utf-8")


def _shell(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        **GIT_ENV,
        "NO_COLOR": "1",
        "PATH": bin_dir + os.pathsep + os.environ["PATH"],
    }
    return subprocess.run(["sh", "-c", command], cwd=cwd, capture_output=True, text=True, env=env)


def _log_run(command: str, cwd: Path) -> None:
    """``mlpolicy log …`` as printed; where that command is absent, the record it writes."""
    if run_cli("log", "--help", cwd=cwd).code == 0:
        done = _shell(command, cwd)
        assert done.returncode == 0, done.stdout + done.stderr
        return
    # `mlpolicy log` comes from another branch: write the one record it appends (SPEC 5).
    args = shlex.split(command)
    pairs: dict[str, list[str]] = {}
    for flag, value in zip(args[2::2], args[3::2], strict=True):
        pairs.setdefault(flag, []).append(value)
    record = {
        "schema": "mlpolicy.runlog/v1",
        "run_id": "run-1",
        "experiment": pairs["--experiment"][0],
        "started_at": "2026-11-30T12:00:00Z",
        "status": "finished",
        "git": {"commit": _shell("git rev-parse HEAD", cwd).stdout.strip(), "dirty": False},
        "params": {k: float(v) for k, v in (p.split("=") for p in pairs["--param"])},
        "metrics": {k: float(v) for k, v in (p.split("=") for p in pairs["--metric"])},
    }
    log = cwd / "experiments" / "runs.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def _follow(step: str, cwd: Path) -> list[int]:
    """Do what ``step`` says; return the exit codes of the commands it names."""
    if "<fill in" in step:
        _fill_in_design_doc(cwd / "docs/design.md")
    if "`status: approved`" in step:
        _approve(cwd / "docs/design.md")
    codes = []
    commands = [c for c in CODE.findall(step) if c.split()[0] in ("git", "mlpolicy")]
    if any(c.startswith("mlpolicy log ") for c in commands):
        # The printed form has NAME and K=V; the step's example fills them in.
        [example] = [c for c in CODE.findall(step) if c.startswith("--experiment ")]
        _log_run("mlpolicy log " + example, cwd)
        return codes
    for command in commands:
        done = _shell(command, cwd)
        codes.append(done.returncode)
        if command.split()[0] == "git":
            assert done.returncode == 0, done.stdout + done.stderr
    return codes


def test_following_the_printed_steps_reaches_a_passing_check(tmp_path: Path) -> None:
    project = tmp_path / "churn"
    project.mkdir()
    assert _shell("git init -q -b main", project).returncode == 0
    init = run_cli("init", "--phase", "experimentation", cwd=project)
    assert init.code == 0, init.stderr
    manifest = (project / "mlpolicy.yaml").read_bytes()
    steps = _steps(init.stdout)
    assert any("mlpolicy log --experiment NAME --param K=V --metric K=V" in s for s in steps)
    codes = []
    for step in steps:
        # At every point on the way, each finding says how to fix it.
        now = run_cli("check", "--format", "json", cwd=project).json()
        assert all(f["hint"] for p in now["projects"] for f in p["findings"]), now
        codes += _follow(step, project)
    assert codes and codes[-2:] == [0, 0], init.stdout  # `mlpolicy check`, `mlpolicy status`
    assert (project / "mlpolicy.yaml").read_bytes() == manifest
    changed = _shell("git status --porcelain", project).stdout.split("\n")
    assert changed == [""]  # everything the steps made is committed
    assert run_cli("check", cwd=project).code == 0


def test_steps_fit_the_phase(repo: Repo) -> None:
    ideation = _steps(run_cli("init", cwd=repo.root).stdout)
    assert not any("mlpolicy log" in step or "approved" in step for step in ideation)
    assert ideation[-1].startswith("Run `mlpolicy check`")
    (repo.root / "mlpolicy.yaml").unlink()
    production = " ".join(_steps(run_cli("init", "--phase", "production", cwd=repo.root).stdout))
    for needed in ("quality_bar", "mlpolicy attest", "owner:", "logging:", "MODEL_CARD.md"):
        assert needed in production


def test_steps_start_where_the_project_is(tmp_path: Path) -> None:
    (tmp_path / "new project").mkdir()
    result = run_cli("init", "new project", "--phase", "experimentation", cwd=tmp_path)
    steps = _steps(result.stdout)
    assert steps[:2] == [
        "Go to the project: `cd 'new project'`.",
        "Make it a git repository: `git init`.",
    ]
    assert "`git add mlpolicy.yaml docs/design.md && git commit" in steps[4]
