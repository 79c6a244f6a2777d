"""Every read stays inside the repository, is bounded, and never skips silently (issue 8).

Hostile cases are built for real: symlinks leading out, FIFOs made with ``os.mkfifo``,
symlink loops, folders an unprivileged user cannot open. Each must end in exit 1 (a
finding) or exit 2 (naming the setting), read nothing outside the repository, print no
traceback, and finish within the budget below.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import GIT_ENV, Repo, Result, run_record
from ideation import DESIGN_DOC, complete

from mlpolicy import policy

SECRET = "TOP-SECRET-runner-token-4f1d"
BUDGET_SECONDS = 10
BUDGET_BYTES = 300 * 1024 * 1024


def _hostile(repo: Repo, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``check`` on hostile content: bounded time and memory, no traceback or secret."""
    result = _run(repo.root, [sys.executable, "-m", "mlpolicy", "check", *args], env or {})
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert SECRET not in result.stdout + result.stderr
    return result


def _run(cwd: Path, command: list[str], env: dict[str, str]) -> Result:
    """Run ``command`` within the time budget; a hang fails the test instead of stalling it."""
    peak = _peak_child_bytes()
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=BUDGET_SECONDS,
            env={**os.environ, "NO_COLOR": "1", **GIT_ENV, **env},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} ran longer than {BUDGET_SECONDS} s")
    # The peak rises only when this child used more than every earlier one: then it is this
    # child's own peak, and it must be within the budget.
    after = _peak_child_bytes()
    assert after == peak or after < BUDGET_BYTES, f"{after} bytes resident: over the budget"
    return Result(done.returncode, done.stdout, done.stderr)


def _peak_child_bytes() -> int:
    """The largest resident size of any child process waited for so far."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # KiB on Linux


def _findings(result: Result) -> list[dict[str, object]]:
    data = result.json()
    return list(data["findings"]) + [f for p in data["projects"] for f in p["findings"]]


def _where(result: Result, rule: str) -> list[object]:
    return [f["path"] for f in _findings(result) if f["rule"] == rule and not f["waived"]]


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside every test repository, holding a secret."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.yaml").write_text(f"version: 1\nphase: {SECRET}\n", encoding="utf-8")
    (folder / "alerts.yaml").write_text(f"groups: [{{name: {SECRET}}}]\n", encoding="utf-8")
    return folder


# -- symlinks leading out (MLP008) ---------------------------------------------------------


def test_a_manifest_symlinked_outside_is_mlp008_and_never_read(repo: Repo, outside: Path) -> None:
    repo.write(complete())
    (repo.root / "sub").mkdir()
    (repo.root / "sub" / "mlpolicy.yaml").symlink_to(outside / "secret.yaml")
    repo.commit("symlinked manifest")
    for fmt in ("json", "text", "github", "markdown", "sarif"):
        result = _hostile(repo, "--format", fmt)
        assert result.code == 1, result.stderr
    assert _where(_hostile(repo, "--format", "json"), "MLP008") == ["sub/mlpolicy.yaml"]


def test_a_symlinked_artifact_folder_leading_outside_is_mlp008(repo: Repo, outside: Path) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: production\n", **_no_manifest(complete())})
    (repo.root / "monitoring").symlink_to(outside)
    (repo.root / "dvc").mkdir()
    (repo.root / "pipelines").mkdir()
    (repo.root / "pipelines" / "shared").symlink_to(outside)
    repo.commit("symlinked folders")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1
    escapes = {str(path).rstrip("/") for path in _where(result, "MLP008")}
    # The folder itself, or each file globbed through it: either way nothing is opened.
    assert "pipelines/shared" in escapes and any(p.startswith("monitoring") for p in escapes)


def test_policy_dev_zero_is_mlp008_without_reading_it(repo: Repo) -> None:
    repo.write({**complete(), "mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: /dev/zero\n"})
    repo.commit("policy")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1
    assert {"MLP008", "MLP004"} <= set(result.rules())


def test_a_policy_symlink_to_a_device_or_fifo_does_not_hang(repo: Repo) -> None:
    repo.write({**complete(), "mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: org.yaml\n"})
    (repo.root / "org.yaml").symlink_to("/dev/zero")
    repo.commit("policy symlink to a device")
    assert {"MLP008", "MLP004"} <= set(_hostile(repo, "--format", "json").rules())
    (repo.root / "org.yaml").unlink()
    os.mkfifo(repo.root / "pipe")
    (repo.root / "org.yaml").symlink_to("pipe")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1 and "MLP004" in result.rules()
    assert "FIFO" in str([f["message"] for f in _findings(result)])


def test_a_policy_that_is_the_manifest_itself_is_mlp004(repo: Repo) -> None:
    repo.write({**complete(), "mlpolicy.yaml": "version: 1\nphase: ideation\npolicy: p.yaml\n"})
    (repo.root / "p.yaml").symlink_to("mlpolicy.yaml")
    repo.commit("policy is the manifest")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1 and _where(result, "MLP004") == ["p.yaml"]


def test_code_paths_climbing_out_is_mlp008(repo: Repo) -> None:
    manifest = "version: 1\nphase: ideation\ncode_paths: [../../etc]\n"
    repo.write({**complete(), "mlpolicy.yaml": manifest}).commit("escape")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1 and _where(result, "MLP008") == ["mlpolicy.yaml"]


def test_a_hard_link_is_an_ordinary_file_of_the_repository(repo: Repo, tmp_path: Path) -> None:
    # A hard link is the same file under a second name: what is read is what git commits
    # from the work tree, so it is repository content like any other file.
    source = tmp_path / "design.md"
    source.write_text(DESIGN_DOC, encoding="utf-8")
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    (repo.root / "docs").mkdir()
    os.link(source, repo.root / "docs" / "design.md")
    repo.commit("hard link")
    assert _hostile(repo, "--format", "json").code == 0


# -- FIFOs, loops, folders and sizes (MLP002, MLP009, exit 2) ------------------------------


def _no_manifest(files: dict[str, str]) -> dict[str, str]:
    return {name: text for name, text in files.items() if name != "mlpolicy.yaml"}


def test_a_design_doc_fifo_at_the_default_location_is_mlp009(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"}).commit("manifest")
    (repo.root / "docs").mkdir()
    os.mkfifo(repo.root / "docs" / "design.md")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1 and _where(result, "MLP009") == ["docs/design.md"]


def test_a_declared_artifact_fifo_and_a_loop_in_a_walked_folder_are_mlp009(repo: Repo) -> None:
    manifest = "version: 1\nphase: production\nartifacts:\n  design_doc: notes/design.md\n"
    repo.write({"mlpolicy.yaml": manifest})
    (repo.root / "notes").mkdir()
    os.mkfifo(repo.root / "notes" / "design.md")
    (repo.root / "monitoring").mkdir()
    (repo.root / "monitoring" / "alerts.yaml").symlink_to("alerts.yaml")
    repo.commit("special files")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1
    assert {"notes/design.md", "monitoring/alerts.yaml"} <= set(_where(result, "MLP009"))


def test_a_symlink_loop_at_a_default_location_is_mlp009(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    (repo.root / "DESIGN.md").symlink_to("DESIGN.md")
    repo.commit("loop")
    result = _hostile(repo, "--format", "json")
    assert result.code == 1 and _where(result, "MLP009") == ["DESIGN.md"]


@pytest.mark.parametrize("use_git", [True, False], ids=["git", "no-git"])
def test_a_manifest_that_is_a_fifo_loop_or_folder_is_mlp002(repo: Repo, use_git: bool) -> None:
    repo.write(complete()).commit("a sound project")
    (repo.root / "loop").mkdir()
    (repo.root / "loop" / "mlpolicy.yaml").symlink_to("mlpolicy.yaml")
    (repo.root / "folder" / "mlpolicy.yaml").mkdir(parents=True)
    (repo.root / "folder" / "mlpolicy.yaml" / "x.txt").write_text("x\n", encoding="utf-8")
    repo.commit("hostile manifests")
    (repo.root / "fifo").mkdir()
    os.mkfifo(repo.root / "fifo" / "mlpolicy.yaml")
    result = _hostile(repo, "--format", "json", *([] if use_git else ["--no-git"]))
    assert result.code == 1
    found = set(_where(result, "MLP002"))
    assert {"loop/mlpolicy.yaml", "folder/mlpolicy.yaml"} <= found
    if not use_git:  # git lists no FIFO, so only a walk can find one
        assert "fifo/mlpolicy.yaml" in found


def test_a_manifest_over_the_size_limit_is_mlp002(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n#" + "x" * (1 << 20)}).commit()
    result = _hostile(repo, "--format", "json")
    assert result.code == 1 and _where(result, "MLP002") == ["mlpolicy.yaml"]


@pytest.mark.parametrize("kind", ["fifo", "device", "large", "folder"])
def test_a_command_line_policy_gets_the_same_guards(repo: Repo, kind: str) -> None:
    repo.write(complete()).commit()
    target = {"device": "/dev/zero", "folder": str(repo.root / "docs")}.get(kind)
    if kind == "fifo":
        os.mkfifo(repo.root / "p.yaml")
    if kind == "large":
        (repo.root / "p.yaml").write_text("#" * (policy.MAX_BYTES + 1), encoding="utf-8")
    result = _hostile(repo, "--policy", target or str(repo.root / "p.yaml"))
    assert result.code == 2 and result.stderr.count("\n") == 1
    assert "--policy" in result.stderr


def test_a_non_utf8_file_name_is_data(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    (repo.root / "docs" / "design").mkdir(parents=True)
    name = os.fsdecode(b"docs/design/caf\xe9.md")
    (repo.root / name).write_text(DESIGN_DOC, encoding="utf-8")
    repo.commit("latin-1 name")
    for fmt in ("json", "text"):
        done = subprocess.run(
            [sys.executable, "-m", "mlpolicy", "check", "--format", fmt],
            cwd=repo.root,
            capture_output=True,
            env={**os.environ, **GIT_ENV},
        )
        assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
        assert fmt == "text" or b"caf" in done.stdout  # the file was found and read


# -- unreadable folders and files (permission denied) --------------------------------------


def _unprivileged() -> list[str]:
    """The command prefix that runs a process as ``nobody`` (empty when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.fail("running as root without setpriv or runuser: permissions cannot be tested")


@pytest.fixture
def shared_repo() -> Iterator[Repo]:
    """A repository in a folder an unprivileged user can traverse (tmp_path is private)."""
    top = Path(tempfile.mkdtemp(prefix="mlpolicy-perm-"))
    top.chmod(0o755)
    try:
        yield Repo(top / "repo")
    finally:
        for folder, dirs, _ in os.walk(top):
            for name in dirs:
                Path(folder, name).chmod(0o755)
        shutil.rmtree(top)


def _as_nobody(repo: Repo, *args: str) -> Result:
    home = repo.root.parent / "home"
    home.mkdir(exist_ok=True)
    home.chmod(0o777)
    env = {
        "HOME": str(home),
        "MLPOLICY_NO_CACHE": "1",
        # the repository belongs to root; git refuses it to others unless told it is safe
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "safe.directory",
        "GIT_CONFIG_VALUE_0": "*",
    }
    command = [*_unprivileged(), sys.executable, "-m", "mlpolicy", "check", *args]
    result = _run(repo.root, command, env)
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result


def _lock(path: Path) -> None:
    path.chmod(0)
    if os.geteuid() != 0:
        assert not os.access(path, os.R_OK)  # the test really locks what it means to


@pytest.mark.parametrize("use_git", [True, False], ids=["git", "no-git"])
def test_an_unreadable_artifact_folder_is_mlp009(shared_repo: Repo, use_git: bool) -> None:
    repo = shared_repo
    repo.write({**complete(), "mlpolicy.yaml": "version: 1\nphase: production\n"})
    repo.write({"monitoring/alerts.yaml": "groups: []\n", **complete("notes/")}).commit()
    (repo.root / "monitoring").chmod(0o311)  # searchable, not listable
    _lock(repo.root / "notes" / "docs")
    result = _as_nobody(repo, "--format", "json", *([] if use_git else ["--no-git"]))
    assert result.code == 1, result.stderr
    assert {"monitoring", "notes/docs"} <= set(_where(result, "MLP009"))


@pytest.mark.parametrize("use_git", [True, False], ids=["git", "no-git"])
def test_an_unreadable_folder_in_discovery_is_mlp009(shared_repo: Repo, use_git: bool) -> None:
    repo = shared_repo
    repo.write({**complete(), **complete("team/")}).commit("two projects")
    repo.write({"hidden/mlpolicy.yaml": "version: 1\nphase: production\n"})  # untracked
    _lock(repo.root / "hidden")
    result = _as_nobody(repo, "--format", "json", *([] if use_git else ["--no-git"]))
    assert result.code == 1, result.stderr
    assert _where(result, "MLP009") == ["hidden"]


def test_an_unreadable_design_doc_is_mlp009(shared_repo: Repo) -> None:
    repo = shared_repo
    repo.write(complete()).commit("project")
    _lock(repo.root / "docs" / "design.md")
    result = _as_nobody(repo, "--format", "json")
    assert result.code == 1 and _where(result, "MLP009") == ["docs/design.md"]


def test_a_tracked_manifest_in_an_unsearchable_folder_is_mlp002(shared_repo: Repo) -> None:
    repo = shared_repo
    repo.write({**complete(), **complete("team/")}).commit("two projects")
    _lock(repo.root / "team")
    result = _as_nobody(repo, "--format", "json")
    assert result.code == 1 and "team/mlpolicy.yaml" in _where(result, "MLP002")


# -- facts do not depend on rule selection -------------------------------------------------


def _ignored_design_doc(repo: Repo) -> None:
    repo.write({**complete(), ".gitignore": "docs/\n"}).commit("design doc never committed")


@pytest.mark.parametrize("selection", [("--select", "MLP501"), ("--ignore", "MLP1")])
def test_selection_cannot_hide_an_untracked_design_doc(repo: Repo, selection: tuple[str]) -> None:
    _ignored_design_doc(repo)
    result = _hostile(repo, "--format", "json", *selection)
    assert result.code == 1 and _where(result, "MLP501") == ["docs/design.md"]
    assert all(f["rule"] == "MLP501" or f["rule"][:4] != "MLP1" for f in _findings(result))


def test_a_waiver_for_an_unselected_rule_is_still_used(repo: Repo) -> None:
    waiver = (
        "waivers:\n  - rule: MLP103\n    reason: template kept for the workshop\n"
        "    expires: 2099-01-31\n    approved_by: '@ml-lead'\n"
    )
    doc = DESIGN_DOC.replace("Macro F1", "TODO Macro F1")
    repo.write({"mlpolicy.yaml": f"version: 1\nphase: ideation\n{waiver}", "docs/design.md": doc})
    repo.commit("waived placeholder")
    for selection in (("--select", "MLP007"), ("--ignore", "MLP1")):
        result = _hostile(repo, "--format", "json", *selection)
        assert "MLP007" not in result.rules() and result.code == 0
    unused = repo.write({"docs/design.md": DESIGN_DOC})
    unused.commit("placeholder gone")
    assert _where(_hostile(repo, "--format", "json", "--select", "MLP007"), "MLP007")


# -- bounded work --------------------------------------------------------------------------


def test_a_catastrophic_policy_pattern_is_mlp004_and_does_not_hang(repo: Repo) -> None:
    org = "version: 1\nphases:\n  - id: ideation\ndesign_doc:\n  placeholders: ['(a|aa)+$']\n"
    manifest = "version: 1\nphase: ideation\npolicy: org.yaml\n"
    doc = DESIGN_DOC + "\n" + "a" * 60 + "!\n"
    repo.write({"mlpolicy.yaml": manifest, "org.yaml": org, "docs/design.md": doc}).commit()
    result = _hostile(repo, "--format", "json")
    assert result.code == 1
    messages = [f["message"] for f in _findings(result) if f["rule"] == "MLP004"]
    assert messages and "(a|aa)+$" in messages[0]
    cli = _hostile(repo, "--policy", "org.yaml")
    assert cli.code == 2 and "(a|aa)+$" in cli.stderr


def test_at_most_50_findings_per_rule_and_file(repo: Repo) -> None:
    doc = DESIGN_DOC + "".join(f"TODO item {i}\n" for i in range(300))
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n", "docs/design.md": doc}).commit()
    result = _hostile(repo, "--format", "json", "--select", "MLP103")
    placeholders = [f for f in _findings(result) if f["rule"] == "MLP103"]
    assert len(placeholders) == 51
    summary = [f for f in placeholders if "line" not in f]
    assert len(summary) == 1 and "250 more" in str(summary[0]["message"])


def test_a_runlog_of_empty_records_is_reported_within_bounds(repo: Repo) -> None:
    first = repo.write({"src/train.py": "x = 1\n"}).commit("code")
    runs = run_record(first) + "\n" + "{}\n" * 20_000
    repo.write({"mlpolicy.yaml": "version: 1\nphase: experimentation\n"})
    repo.write({**_no_manifest(complete()), "experiments/runs.jsonl": runs}).commit("runs")
    result = _hostile(repo)
    assert result.code == 1
    assert len(result.stdout) < 64 * 1024  # 51 findings, not 20,000
    # The runlog reader keeps 50 invalid records per file and counts the rest itself, so
    # the engine's cap (for rules without one of their own) is never reached here.
    assert result.stdout.count("MLP202") == 50
    assert "19951 more invalid records in this file" in result.stdout


@pytest.mark.parametrize("threshold", ["9" * 4000, "1e999", ".inf", "-.inf", "1" + "0" * 400])
def test_numbers_beyond_float_range_are_mlp003(repo: Repo, threshold: str) -> None:
    bar = f"quality_bar:\n  metric: auc\n  goal: minimize\n  threshold: {threshold}\n"
    repo.write({"mlpolicy.yaml": f"version: 1\nphase: pipeline\n{bar}"}).commit()
    result = _hostile(repo, "--format", "json")
    assert result.code == 1
    assert [(f["rule"], f.get("line")) for f in _findings(result) if f["rule"] < "MLP1"] == [
        ("MLP003", 6)
    ]


# -- pull-request mode: a moved project keeps its base -------------------------------------

BAR = "quality_bar:\n  metric: val_auc\n  goal: maximize\n  threshold: {}\n"


def _moved_with_lower_bar(repo: Repo) -> None:
    sha = repo.write({"proj/src/train.py": "print('train')\n"}).commit("code")
    files = {
        "proj/mlpolicy.yaml": f"version: 1\nphase: pipeline\n{BAR.format('0.90')}",
        "proj/experiments/runs.jsonl": run_record(sha, metrics={"val_auc": 0.83}) + "\n",
    }
    repo.write(files).commit("runs")
    repo.git("mv", "proj", "proj2")
    manifest = f"version: 1\nphase: pipeline\n{BAR.format('0.80')}"
    repo.write({"proj2/mlpolicy.yaml": manifest}).commit("move and lower the bar")


def test_a_moved_project_keeps_its_base_bar(repo: Repo) -> None:
    _moved_with_lower_bar(repo)
    args = ("--format", "json", "--select", "MLP207,MLP504", "--base", "HEAD~1")
    result = _hostile(repo, *args)
    assert result.code == 1
    assert _where(result, "MLP504") == ["proj2/mlpolicy.yaml"]
    unmet = [f for f in _findings(result) if f["rule"] == "MLP207"]
    assert unmet and "0.9" in str(unmet[0]["message"])


def test_a_moved_project_staged_but_not_committed_keeps_its_base_bar(repo: Repo) -> None:
    _moved_with_lower_bar(repo)
    repo.git("reset", "-q", "--soft", "HEAD~1")  # the move is staged, as in a pre-commit hook
    result = _hostile(repo, "--format", "json", "--select", "MLP504", "--base", "HEAD")
    assert _where(result, "MLP504") == ["proj2/mlpolicy.yaml"]


def test_a_project_with_no_base_counterpart_is_new(repo: Repo) -> None:
    repo.write(complete("old/")).commit("base")
    sha = repo.write({"new/src/train.py": "print('train')\n"}).commit("code")
    files = {
        "new/mlpolicy.yaml": f"version: 1\nphase: pipeline\n{BAR.format('0.80')}",
        "new/experiments/runs.jsonl": run_record(sha, metrics={"val_auc": 0.83}) + "\n",
    }
    repo.write(files).commit("a new project")
    result = _hostile(repo, "--format", "json", "--select", "MLP207,MLP504", "--base", "HEAD~2")
    assert _findings(result) == [] and result.code == 0
