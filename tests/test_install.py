"""Every install command the README, the hooks and action.yml show works as written.

mlpolicy is not on PyPI, so the commands install from a path or from git pinned to a
commit. Path installs run as written in a fresh virtual environment; the git forms run
against a ``git+file://`` URL of a committed copy of this checkout (the same command with
the GitHub URL and the commit placeholder filled in), with ``--dry-run``; the pre-commit
snippet runs with the real pre-commit.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import ideation
import pytest
from conftest import GIT_ENV, Repo

from mlpolicy import yamlio

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
REQUIREMENTS = ROOT / "requirements" / "action.txt"
HOME_URL = "https://github.com/mlpolicy/mlpolicy"
SHA = re.compile(r"<(?:full )?commit sha>")
COPIED = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "mlpolicy", "schemas",
          "examples", "hooks", "requirements")  # fmt: skip
TOOLS_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
ENV = {**os.environ, **GIT_ENV, "PATH": TOOLS_PATH, "NO_COLOR": "1"}


def _code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.M | re.S)


def _hook_messages() -> str:
    """What the plain hooks print when mlpolicy is missing (they name the install commands)."""
    shell = shutil.which("sh") or "/bin/sh"
    out = ""
    for hook in ("pre-commit", "pre-push"):
        done = subprocess.run([shell, str(ROOT / "hooks" / hook)], capture_output=True,
                              text=True, env={"PATH": "/nonexistent"})  # fmt: skip
        assert done.returncode == 1
        out += done.stderr
    return out


def install_commands() -> list[str]:
    """Each `pip install` the README's code blocks and the hooks' messages show."""
    lines = [line for block in _code_blocks(README) for line in block.splitlines()]
    lines += _hook_messages().splitlines()
    found = [
        re.sub(r"^.*?\(|\)[^)]*$", "", line).strip() for line in lines if "pip install" in line
    ]
    return list(dict.fromkeys(found))


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed copy of this checkout, as a clone from GitHub would be; and its commit."""
    repo = Repo(tmp_path_factory.mktemp("install") / "mlpolicy")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, repo.root / name, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(source, repo.root / name)
    return repo.root, repo.commit("mlpolicy as it is in the working tree")


def _local(command: str, checkout: tuple[Path, str]) -> str:
    """The command with the GitHub URL and the commit placeholder pointing at ``checkout``."""
    root, sha = checkout
    # file://localhost/..., not file:///...: pip before 23.3 wants a host in a git+ URL.
    url = f"git+file://localhost{root.as_posix()}"
    return SHA.sub(sha, command.replace(f"git+{HOME_URL}", url))


def _sh(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], cwd=cwd, capture_output=True, text=True, env=ENV)


def test_every_install_command_is_exercised_here() -> None:
    commands = install_commands()
    assert commands, "the README and hooks show how to install"
    for command in commands:
        assert "pip install mlpolicy" not in command  # not published
        assert "git+" in command or re.search(r"pip install (-e )?['\"]?\.", command), command
        if "git+" in command:
            assert f"git+{HOME_URL}@" in command and SHA.search(command), command


@pytest.mark.slow
def test_path_installs_run_as_written_in_a_fresh_environment(checkout: tuple[Path, str]) -> None:
    root, _ = checkout
    commands = [c for c in install_commands() if "git+" not in c]
    try_it = next(c for c in commands if "mlpolicy check examples/" in c)
    done = _sh(try_it, root)  # the README says it ends with exit status 1 on purpose
    assert done.returncode == 1, done.stdout + done.stderr
    assert "examples/failing" in done.stdout and "Failed:" in done.stdout
    for command in commands:
        if command == try_it:
            continue
        if "pytest" in command:  # the test suite: .ci/run runs this very command in CI
            ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").replace(" -q ", " ")
            assert command in ci
            continue
        if command.startswith("pip install ./mlpolicy"):  # run beside the checkout
            command = f"cd .. && {root}/.venv/bin/{command}"
        done = _sh(command, root)
        assert done.returncode == 0, f"{command}\n{done.stdout}{done.stderr}"


def test_git_url_installs_resolve_against_a_local_clone(checkout: tuple[Path, str]) -> None:
    for command in (c for c in install_commands() if "git+" in c):
        local = _local(command, checkout).replace(
            "pip install", f"{sys.executable} -m pip install --dry-run --no-deps "
            "--no-build-isolation --ignore-installed", 1
        )  # fmt: skip
        done = _sh(local, checkout[0])
        assert done.returncode == 0, f"{local}\n{done.stdout}{done.stderr}"
        assert "Would install mlpolicy-" in done.stdout


@pytest.mark.slow
def test_the_readme_pre_commit_config_runs_and_autoupdate_freezes_it(
    checkout: tuple[Path, str], tmp_path: Path
) -> None:
    root, sha = checkout
    (snippet,) = [b for b in _code_blocks(README) if f"repo: {HOME_URL}" in b]
    project = Repo(tmp_path / "project").write(ideation.complete())
    config = SHA.sub(sha, snippet.replace(HOME_URL, str(root)))
    project.write({".pre-commit-config.yaml": config}).commit()
    pre_commit = [shutil.which("pre-commit", path=TOOLS_PATH) or "pre-commit"]
    env = {**ENV, "PRE_COMMIT_HOME": str(tmp_path / "home")}
    run = subprocess.run([*pre_commit, "run", "--all-files"], cwd=project.root, env=env,
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "mlpolicy" in run.stdout and "Passed" in run.stdout
    # The documented autoupdate line, pointed at the local clone, pins a full commit sha.
    (line,) = [x for b in _code_blocks(README) for x in b.splitlines() if "autoupdate" in x]
    Repo(root).write({"NEWS.md": "a newer commit\n"})
    newest = Repo(root).commit("newer")
    update = subprocess.run([*pre_commit, *line.split()[1:-1], str(root)], cwd=project.root,
                            env=env, capture_output=True, text=True)  # fmt: skip
    assert update.returncode == 0, update.stdout + update.stderr
    updated = yamlio.load((project.root / ".pre-commit-config.yaml").read_bytes()).value
    assert updated["repos"][0]["rev"] == newest


def _requirements() -> dict[str, str]:
    """Pinned name -> the requirement's whole logical line (continuations joined)."""
    text = REQUIREMENTS.read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith(" #")]
    lines = [line for line in lines if not line.lstrip().startswith("#")]
    return {_name(line.split("==")[0]): line for line in lines}


def _name(requirement: str) -> str:
    name = re.match(r"\s*([A-Za-z0-9._-]+)", requirement)
    assert name, requirement
    return re.sub(r"[-_.]+", "-", name[1]).lower()


def test_the_action_requirements_pin_every_dependency_with_hashes() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = {_name(r) for r in pyproject["project"]["dependencies"]}
    wanted |= {_name(r) for r in pyproject["build-system"]["requires"]}
    pinned = _requirements()
    assert wanted <= set(pinned), wanted - set(pinned)
    for name, line in pinned.items():
        assert re.search(r"==[^\s;]+", line), f"{name} is not pinned"
        assert "--hash=sha256:" in line, f"{name} has no hash"


def test_the_action_requirements_are_regenerated_by_the_documented_command() -> None:
    header = REQUIREMENTS.read_text(encoding="utf-8").splitlines()[:3]
    (documented,) = [x for b in _code_blocks(README) for x in b.splitlines() if "compile" in x]
    assert any(line.strip("# ").strip() == documented for line in header), header


@pytest.mark.slow
def test_pip_accepts_the_action_requirements_with_require_hashes(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
         "--require-hashes", "-r", str(REQUIREMENTS)],
        capture_output=True, text=True, env=ENV,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Would install" in done.stdout


def test_the_action_installs_from_the_hashed_file_then_itself_without_dependencies() -> None:
    install = next(
        step["run"]
        for step in yamlio.load((ROOT / "action.yml").read_bytes()).value["runs"]["steps"]
        if step.get("id") == "install"
    )
    pip_lines = [line.strip() for line in install.splitlines() if '"${pip[@]}"' in line]
    assert pip_lines == [
        '"${pip[@]}" --require-hashes -r "$GITHUB_ACTION_PATH/requirements/action.txt"',
        '"${pip[@]}" --no-deps --no-build-isolation "$GITHUB_ACTION_PATH"',
    ]
