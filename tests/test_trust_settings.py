"""The change under review cannot pick its own settings (issue 8, SPEC section 12).

Each case is an attack on a complete production project in a real git repository: a pull
request that deletes the monitoring config and adds settings that would hide it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import ideation
import pytest
from conftest import GIT_ENV, Repo, Result, run_cli, run_record
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "production"
EXAMPLE_COMMIT = "a98b3437219f38b07aa931ac8ead470255aead48"
GITHUB_PR = {
    "CI": "true",
    "GITHUB_ACTIONS": "true",
    "GITHUB_EVENT_NAME": "pull_request",
    "GITHUB_BASE_REF": "main",
}
LAX_POLICY = """\
version: 1
phases:
  - id: production
    requires: {}
"""


def production(repo: Repo) -> Repo:
    """The bundled production example, committed, its runs pointing at this history."""
    for source in EXAMPLE.rglob("*"):
        if source.is_file() and source.name != "runs.jsonl":
            repo.write({str(source.relative_to(EXAMPLE)): source.read_bytes()})
    code = repo.commit("the project")
    runs = (EXAMPLE / "experiments" / "runs.jsonl").read_text().replace(EXAMPLE_COMMIT, code)
    repo.write({"experiments/runs.jsonl": runs}).commit("its runs")
    return repo


def pull_request(tmp_path: Path, files: dict[str, str], delete: tuple[str, ...] = ()) -> Repo:
    """A workspace as actions/checkout leaves it: the merge commit of a pull request."""
    origin = production(Repo(tmp_path / "origin"))
    origin.git("checkout", "-q", "-b", "feature")
    for name in delete:
        origin.git("rm", "-q", name)
    origin.write(files).commit("the pull request")
    origin.git("checkout", "-q", "main")
    origin.git("checkout", "-q", "-b", "merge")
    origin.git("merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
    workspace = Repo(tmp_path / "workspace")
    workspace.git("fetch", "-q", origin.root.as_uri(), "+merge:refs/remotes/pull/1/merge")
    workspace.git("checkout", "-q", "--detach", "refs/remotes/pull/1/merge")
    return workspace


def ci_check(repo: Repo, *args: str, env: dict[str, str] | None = None) -> Result:
    """``mlpolicy check`` as the Action runs it in a pull request, without MLPOLICY_* set."""
    clean = {k: "" for k in os.environ if k.startswith(("MLPOLICY_", "GITHUB_"))}
    clean.pop("MLPOLICY_CACHE_DIR", None)
    return repo.check("--format", "json", *args, env={**clean, **GITHUB_PR, **(env or {})})


def one_line_error(result: Result, *words: str) -> None:
    assert result.code == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    for word in words:
        assert word in result.stderr, result.stderr


ATTACKS = [
    '[tool.mlpolicy]\nignore = "MLP"\n',
    '[tool.mlpolicy]\nfail-on = "never"\n',
    '[tool.mlpolicy]\nbase = "HEAD"\n',
    "[tool.mlpolicy]\nno-git = true\n",
    '[tool.mlpolicy]\nselect = ["MLP0"]\n',
    '[tool.mlpolicy]\nignore = ["MLP4"]\nfail_on = "never"\nno_git = true\nbase = "HEAD"\n',
]


@pytest.mark.parametrize("settings", ATTACKS)
def test_a_pull_request_cannot_switch_the_gate_off_with_pyproject(
    tmp_path: Path, settings: str
) -> None:
    workspace = pull_request(
        tmp_path, {"pyproject.toml": settings}, delete=("monitoring/monitoring.yaml",)
    )
    result = ci_check(workspace)
    assert result.code == 1, result.stdout + result.stderr
    rules = result.rules()
    assert {"MLP403", "MLP405"} <= set(rules)  # what deleting monitoring.yaml breaks
    assert "MLP504" in rules  # and the attempt is shown
    finding = next(f for f in result.json()["findings"] if f["rule"] == "MLP504")
    assert (finding["path"], finding["line"], finding["severity"]) == (
        "pyproject.toml",
        1,
        "warning",
    )


def test_the_same_settings_without_the_deletion_pass_with_a_warning(tmp_path: Path) -> None:
    workspace = pull_request(tmp_path, {"pyproject.toml": ATTACKS[0]})
    result = ci_check(workspace)
    assert (result.code, result.rules()) == (0, ["MLP504"])


def test_a_pull_request_cannot_edit_the_policy_pyproject_names(tmp_path: Path) -> None:
    origin = Repo(tmp_path / "origin")
    origin.write({"pyproject.toml": '[tool.mlpolicy]\npolicy = "org.yaml"\n'})
    origin.write({"org.yaml": (ROOT / "mlpolicy" / "data" / "default-policy.yaml").read_text()})
    production(origin)
    origin.git("checkout", "-q", "-b", "feature")
    origin.git("rm", "-q", "monitoring/monitoring.yaml")
    origin.write({"org.yaml": LAX_POLICY}).commit("relax the policy")
    result = origin.check("--format", "json", "--base", "main")
    assert result.code == 1, result.stdout + result.stderr
    assert {"MLP403", "MLP405", "MLP504"} <= set(result.rules())
    assert "org.yaml" in {f["path"] for f in result.json()["findings"]}
    origin.write({"pyproject.toml": ""}).commit("and no [tool.mlpolicy] any more")
    named = origin.check("--format", "json", "--base", "main", "--policy", "org.yaml")
    assert named.code == 1 and {"MLP403", "MLP504"} <= set(named.rules())


def test_pyproject_settings_of_the_base_apply_in_pull_request_mode(tmp_path: Path) -> None:
    origin = production(Repo(tmp_path / "origin"))
    origin.write({"pyproject.toml": '[tool.mlpolicy]\nignore = "MLP4"\n'}).commit("team choice")
    origin.git("checkout", "-q", "-b", "feature")
    origin.git("rm", "-q", "monitoring/monitoring.yaml")
    origin.commit("drop monitoring")
    result = origin.check("--format", "json", "--base", "main")
    assert (result.code, result.rules()) == (0, [])


def test_no_git_and_base_from_the_base_do_not_turn_pull_request_mode_off(tmp_path: Path) -> None:
    origin = production(Repo(tmp_path / "origin"))
    origin.write({"pyproject.toml": "[tool.mlpolicy]\nno-git = true\nbase = 'HEAD'\n"})
    origin.commit("local conveniences")
    origin.git("checkout", "-q", "-b", "feature")
    origin.git("rm", "-q", "monitoring/monitoring.yaml")
    origin.commit("drop monitoring")
    result = origin.check("--base", "main")
    assert result.code == 1 and "MLP403" in result.stdout
    assert "compared with main" in result.stdout
    assert "note: [tool.mlpolicy] no-git at the base was not applied" in result.stdout
    assert "note: [tool.mlpolicy] base at the base was not applied" in result.stdout


def test_a_base_named_in_pyproject_is_used_when_none_is_given(tmp_path: Path) -> None:
    origin = production(Repo(tmp_path / "origin"))
    origin.git("checkout", "-q", "-b", "feature")
    origin.write({"pyproject.toml": '[tool.mlpolicy]\nbase = "main"\nignore = "MLP4"\n'})
    origin.git("rm", "-q", "monitoring/monitoring.yaml")
    origin.commit("drop monitoring, ignore it")
    result = origin.check("--format", "json", env={"GITHUB_BASE_REF": "", "MLPOLICY_BASE": ""})
    assert result.json()["base"]["ref"] == "main"
    # The base's own [tool.mlpolicy] (none) applies, not the one that named the base.
    assert result.code == 1 and {"MLP403", "MLP504"} <= set(result.rules())


def test_a_pyproject_in_the_parent_directory_is_never_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.mlpolicy]\nfail-on = "never"\n')
    repo = Repo(tmp_path / "repo").write({"mlpolicy.yaml": "version: 1\nphase: deploy\n"})
    repo.commit()
    assert repo.check().code == 1
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "mlpolicy.yaml").write_text("version: 1\nphase: deploy\n")
    assert run_cli("check", cwd=plain).code == 1
    nested = plain / "sub"
    nested.mkdir()
    (nested / "mlpolicy.yaml").write_text("version: 1\nphase: deploy\n")
    assert run_cli("check", cwd=nested).code == 1  # plain/ is a parent of the checked folder


def test_the_checked_folder_outside_git_has_its_own_pyproject(tmp_path: Path) -> None:
    (tmp_path / "mlpolicy.yaml").write_text("version: 1\nphase: deploy\n")
    (tmp_path / "pyproject.toml").write_text('[tool.mlpolicy]\nfail-on = "never"\n')
    assert run_cli("check", cwd=tmp_path).code == 0


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ("policy = 5", '"policy" must be a string'),
        ("fail-on = 3", '"fail_on" must be one of'),
        ('fail-on = "sometimes"', '"fail_on" must be one of'),
        ("no-git = 'yes'", '"no_git" must be a boolean'),
        ("select = [1]", '"select"'),
        ("fail_onn = 'never'", 'unknown key "fail_onn"'),
        ('output = ".git/config"', "output"),
        ('report = ["json=.git/hooks/pre-commit"]', "report"),
        ("tool = 1\n[x", "cannot read [tool.mlpolicy]"),
    ],
)
def test_a_bad_setting_is_exit_2_naming_it(repo: Repo, table: str, named: str) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    repo.write({"pyproject.toml": f"[tool.mlpolicy]\n{table}\n"})
    before = (repo.root / ".git" / "config").read_bytes()
    one_line_error(repo.check(), "pyproject.toml", named)
    assert (repo.root / ".git" / "config").read_bytes() == before
    assert not (repo.root / ".git" / "hooks" / "pre-commit").exists()


def test_a_pyproject_symlink_leading_outside_is_not_read(tmp_path: Path, repo: Repo) -> None:
    (tmp_path / "evil.toml").write_text('[tool.mlpolicy]\nfail-on = "never"\n')
    repo.write({"mlpolicy.yaml": "version: 1\nphase: deploy\n"})
    (repo.root / "pyproject.toml").symlink_to(tmp_path / "evil.toml")
    one_line_error(repo.check(), "outside the repository")


def test_a_pyproject_fifo_does_not_hang(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    os.mkfifo(repo.root / "pyproject.toml")
    one_line_error(repo.check(), "FIFO")


def _no_git_path(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    assert shutil.which("git", path=str(empty)) is None
    return {"PATH": str(empty)}


def test_git_missing_from_path_is_exit_2_in_one_line(tmp_path: Path, repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    env = _no_git_path(tmp_path)
    one_line_error(repo.check(env=env), "git is not on PATH", "--no-git")
    one_line_error(repo.check("--base", "HEAD", env=env), "git is not on PATH")
    assert repo.check("--no-git", env=env).code == 1  # MLP101: it ran


def test_git_missing_from_path_does_not_matter_outside_git(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "mlpolicy.yaml").write_text("version: 1\nphase: ideation\n")
    result = run_cli("check", cwd=folder, env=_no_git_path(tmp_path))
    assert result.code == 1 and "MLP101" in result.stdout


@pytest.mark.parametrize("kind", ["program", "not-executable", "folder", "none"])
def test_git_is_found_on_path_as_shutil_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    from mlpolicy import trust

    folder = tmp_path / "bin"
    folder.mkdir()
    if kind == "folder":
        (folder / "git").mkdir()
    elif kind != "none":
        (folder / "git").write_text("#!/bin/sh\n")
        (folder / "git").chmod(0o755 if kind == "program" else 0o644)
    for path in (str(folder), f"{tmp_path / 'absent'}{os.pathsep}{folder}", ""):
        monkeypatch.setenv("PATH", path)
        monkeypatch.chdir(folder)  # an empty PATH entry must not mean the current folder
        assert trust._on_path("git") == (shutil.which("git") is not None)
        assert trust._on_path("git") == (kind == "program" and path != "")


def test_pre_push_base_only_in_the_pre_push_stage() -> None:
    from mlpolicy import trust

    assert trust.pre_push_base({"PRE_COMMIT_FROM_REF": "abc"}) is None  # run --from-ref
    pushed = {"PRE_COMMIT_FROM_REF": "abc", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main"}
    assert trust.pre_push_base(pushed) == "abc"
    assert trust.pre_push_base({}) is None


def test_the_command_line_and_environment_still_beat_the_base_pyproject(tmp_path: Path) -> None:
    workspace = pull_request(
        tmp_path, {"pyproject.toml": ATTACKS[0]}, delete=("monitoring/monitoring.yaml",)
    )
    assert ci_check(workspace, "--fail-on", "never").code == 0
    assert ci_check(workspace, env={"MLPOLICY_IGNORE": "MLP4,MLP504"}).rules() == []


# -- report files --------------------------------------------------------------------------


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def test_a_symlink_at_the_destination_is_replaced_not_followed(tmp_path: Path, repo: Repo) -> None:
    victim = tmp_path / "victim.sh"
    victim.write_text("#!/bin/sh\necho mine\n")
    victim.chmod(0o755)
    repo.write(ideation.complete()).commit()
    (repo.root / "mlpolicy.sarif").symlink_to(victim)
    result = repo.check("--format", "sarif", "--output", "mlpolicy.sarif")
    assert result.code == 0, result.stderr
    assert victim.read_text() == "#!/bin/sh\necho mine\n"
    written = repo.root / "mlpolicy.sarif"
    assert not written.is_symlink() and '"version": "2.1.0"' in written.read_text()
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~_umask()
    assert [p.name for p in repo.root.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize(
    "destination",
    [
        ".git/config",
        "docs/../.git/hooks/pre-commit",
        "gitlink/hooks/pre-push",
        "docs-link/../.git/config",
        "sub/.git/x",
    ],
)
def test_a_destination_inside_the_git_directory_is_refused(repo: Repo, destination: str) -> None:
    repo.write(ideation.complete()).commit()
    (repo.root / "gitlink").symlink_to(repo.root / ".git")
    (repo.root / "docs-link").symlink_to(repo.root / "docs")
    before = {p: p.read_bytes() for p in (repo.root / ".git").rglob("*") if p.is_file()}
    result = repo.check("--output", destination)
    one_line_error(result, "inside a git directory")
    after = {p: p.read_bytes() for p in (repo.root / ".git").rglob("*") if p.is_file()}
    assert after == before
    result = repo.check("--report", f"json={destination}")
    one_line_error(result, "inside a git directory")


def test_a_separate_git_directory_is_refused_too(tmp_path: Path) -> None:
    store = tmp_path / "store"
    work = tmp_path / "work"
    work.mkdir()
    subprocess.run(
        ["git", "init", "-q", f"--separate-git-dir={store}", str(work)],
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    (work / "mlpolicy.yaml").write_text("version: 1\nphase: ideation\n")
    result = run_cli("check", "--output", str(store / "hooks" / "pre-commit"), cwd=work)
    one_line_error(result, "inside a git directory")
    assert not (store / "hooks" / "pre-commit").exists()


def test_a_fifo_destination_is_refused_without_hanging(repo: Repo) -> None:
    repo.write(ideation.complete()).commit()
    os.mkfifo(repo.root / "report.txt")
    one_line_error(repo.check("--output", "report.txt"), "not a regular file")
    one_line_error(repo.check("--output", "/dev/zero"), "not a regular file")


def test_a_directory_destination_is_refused(repo: Repo) -> None:
    repo.write(ideation.complete()).commit()
    one_line_error(repo.check("--report", "json=docs"), "directory")
    one_line_error(repo.check("--report", "json=docs/"), "directory")


def test_a_non_utf8_file_name_is_written(repo: Repo) -> None:
    repo.write(ideation.complete()).commit()
    name = os.fsdecode(b"report-\xff.json")
    result = repo.check("--format", "json", "--output", name)
    assert result.code == 0, result.stderr
    assert json.loads((repo.root / name).read_bytes())["passed"] is True


# -- repository text is data in every format ------------------------------------------------

EVIL = "\n::error file=evil.py::pwned"
MARKUP = "[x](https://evil.example/) @someone ![i](https://evil.example/i.png) <img src=x> **b**"


def _no_command_line(output: str) -> None:
    """No line of ``output`` is a workflow command other than mlpolicy's own annotations."""
    for line in output.split("\n"):
        assert not line.startswith("::error file=evil.py"), line
    assert "\x1b" not in output and "\r" not in output


def test_a_file_name_with_a_newline_starts_no_workflow_command(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    repo.write({f"docs/design/x{EVIL}\x1b[2J.md": ideation.DESIGN_DOC})
    repo.commit("only the manifest", "mlpolicy.yaml")
    text = repo.check()
    assert text.code == 1 and "MLP501" in text.stdout
    assert "docs/design/x\\n::error file=evil.py::pwned\\x1b[2J.md" in text.stdout
    _no_command_line(text.stdout)
    github = repo.check("--format", "github")
    _no_command_line(github.stdout)
    assert "x%0A%3A%3Aerror file=evil.py%3A%3Apwned" in github.stdout


def test_a_run_id_with_a_newline_starts_no_workflow_command(repo: Repo) -> None:
    first = repo.write(ideation.complete()).commit("design")
    record = run_record(first, f"gbm{EVIL}", git={"commit": first, "dirty": True})
    manifest = "version: 1\nphase: experimentation\n"
    doc = "---\nstatus: approved\n---\n" + ideation.DESIGN_DOC
    repo.write({"mlpolicy.yaml": manifest, "docs/design.md": doc})
    repo.write({"experiments/runs.jsonl": record + "\n"}).commit("runs")
    for format_name in ("text", "github", "markdown"):
        result = repo.check("--format", format_name)
        assert result.code == 1 and "MLP204" in result.stdout, result.stdout
        assert "gbm\\n::error" in result.stdout or "gbm%0A::error" in result.stdout
        _no_command_line(result.stdout)


def test_markup_in_repository_text_renders_inert_in_markdown(repo: Repo) -> None:
    manifest = f'version: 1\nphase: ideation\nartifacts:\n  design_doc: "{MARKUP}\\n::x"\n'
    repo.write({"mlpolicy.yaml": manifest}).commit()
    result = repo.check("--format", "markdown")
    row = next(line for line in result.stdout.split("\n") if line.startswith("| [MLP101]"))
    shown = MARKUP.replace("://", ":/")  # the message quotes the declared path, normalised
    assert row.endswith(
        f'| `mlpolicy.yaml:4:3` | `design doc "{shown}\\n::x"'
        " does not exist`<br>*hint:* ``Fix the path in the manifest's `artifacts`, or add the"
        " file there.`` |"
    )


# -- properties ----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_any_pyproject_bytes_give_a_table_or_a_usage_error(data: bytes) -> None:
    from mlpolicy import settings as settings_module
    from mlpolicy.errors import UsageError

    try:
        table = settings_module.parse_tool_table(data, "pyproject.toml")
        settings_module.validate_tool_table(table, "pyproject.toml")
    except UsageError as exc:
        assert str(exc).startswith("pyproject.toml") and len(str(exc).splitlines()) == 1


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["policy", "fail_on", "select", "no_git", "base", "x"]),
        st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.lists(st.integers())),
    )
)
def test_any_tool_table_is_valid_or_a_usage_error_naming_pyproject(
    table: dict[str, object],
) -> None:
    from mlpolicy import settings as settings_module
    from mlpolicy.errors import UsageError

    try:
        settings_module.validate_tool_table(dict(table), "pyproject.toml")
    except UsageError as exc:
        assert str(exc).startswith("pyproject.toml: [tool.mlpolicy] ")


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_escaped_text_holds_no_control_character(text: str) -> None:
    from mlpolicy.report.escape import controls

    shown = controls(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert not any(0xD800 <= ord(c) <= 0xDFFF or c in "\u2028\u2029" for c in shown)
    shown.encode("utf-8")  # printable on any UTF-8 stream: no UnicodeEncodeError


def test_a_setting_name_with_a_newline_starts_no_workflow_command(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": "version: 1\nphase: ideation\n"})
    repo.write({"pyproject.toml": '[tool.mlpolicy]\n"x\\n::error file=evil.py::pwned" = 1\n'})
    result = repo.check()
    one_line_error(result, "unknown key", "x\\n::error file=evil.py::pwned")


def test_a_symlinked_folder_cannot_lead_a_report_outside_the_repository(
    tmp_path: Path, repo: Repo
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo.write(ideation.complete()).commit()
    (repo.root / "reports").symlink_to(elsewhere)
    result = repo.check("--output", "reports/mlpolicy.txt")
    one_line_error(result, "leads outside the repository")
    assert list(elsewhere.iterdir()) == []
    outside = tmp_path / "runner-temp" / "report.txt"  # named outside: the workflow's choice
    assert repo.check("--output", str(outside)).code == 0 and outside.is_file()
