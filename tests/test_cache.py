"""The validation cache: valid documents only, outside the repository, never required."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from mlpolicy import schema

VALID = {"version": 1, "phase": "ideation"}
# Valid, but NaN is left to jsonschema by the schema subset, so this document reaches the
# cache; one the subset decides (VALID) never does.
BAR = {"metric": "auc", "goal": "maximize", "threshold": math.nan}
UNDECIDED = json.dumps({"version": 1, "phase": "ideation", "quality_bar": BAR})
REORDERED = json.dumps(
    {"quality_bar": dict(reversed(BAR.items())), "phase": "ideation", "version": 1}
)
INVALID = {"version": 1, "phasee": "ideation"}
PROBE = (
    "import sys, json; from mlpolicy import schema\n"
    "errors = schema.validate('manifest', json.loads(sys.argv[1]))\n"
    "print(len(errors), 'jsonschema' in sys.modules)\n"
)


def _probe(document: str, env: dict[str, str]) -> tuple[int, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, document], capture_output=True, text=True, check=True,
        env={**{k: v for k, v in os.environ.items() if k != "CI"}, **env},
    )  # fmt: skip
    count, imported = done.stdout.split()
    return int(count), imported == "True"


def test_valid_document_is_answered_from_the_cache(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path)}
    assert _probe(UNDECIDED, env) == (0, True)
    assert _probe(REORDERED, env) == (0, False)  # the same document
    assert len(list((tmp_path / "valid").rglob("*"))) == 2  # one shard folder, one entry


def test_a_document_the_subset_decides_never_reaches_the_cache(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path)}
    for _ in range(2):
        assert _probe('{"version": 1, "phase": "ideation"}', env) == (0, False)
    assert not tmp_path.joinpath("valid").exists()


def test_invalid_document_is_never_cached(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path)}
    for _ in range(2):
        count, imported = _probe('{"version": 1, "phasee": "ideation"}', env)
        assert count == 2 and imported  # unknown key, missing phase: validated each time
    assert not (tmp_path / "valid").exists()


def test_cache_can_be_turned_off(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path), "MLPOLICY_NO_CACHE": "1"}
    assert _probe(UNDECIDED, env) == (0, True)
    assert _probe(UNDECIDED, env) == (0, True)
    assert not tmp_path.joinpath("valid").exists()


def test_unusable_cache_is_ignored(tmp_path: Path) -> None:
    # A file where the cache folder should be: nothing can be read or written there.
    (tmp_path / "valid").write_text("not a folder")
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path)}
    assert _probe(UNDECIDED, env) == (0, True)
    assert _probe(UNDECIDED, env) == (0, True)


def test_in_process_results_do_not_depend_on_the_cache() -> None:
    for _ in range(2):
        assert schema.validate("manifest", VALID) == []
        assert [e.message for e in schema.validate("manifest", INVALID)] == [
            'missing required key "phase"',
            'unknown key "phasee"; did you mean "phase"?',
        ]


def test_cache_is_off_in_ci(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path), "CI": "true"}
    assert _probe(UNDECIDED, env) == (0, True)
    assert _probe(UNDECIDED, env) == (0, True)
    assert not tmp_path.joinpath("valid").exists()


def test_a_cache_others_can_write_is_not_used(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path)}
    assert _probe(UNDECIDED, env) == (0, True)
    assert _probe(UNDECIDED, env) == (0, False)  # cached
    for folder in (tmp_path, tmp_path / "valid"):
        folder.chmod(0o777)
        assert _probe(UNDECIDED, env) == (0, True)  # not trusted
        folder.chmod(0o700)
    (tmp_path / "valid").chmod(0o720)  # group-writable is no better
    assert _probe(UNDECIDED, env) == (0, True)


def test_a_cache_of_another_user_is_not_used(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path / "theirs")}
    (tmp_path / "theirs").mkdir(mode=0o755)
    if os.geteuid() == 0:  # root may hand the folder to "nobody" and still write into it
        os.chown(tmp_path / "theirs", 65534, 65534)
        assert _probe(UNDECIDED, env) == (0, True)
        assert _probe(UNDECIDED, env) == (0, True)
        assert not (tmp_path / "theirs" / "valid").exists()
    else:  # an ordinary user cannot give a folder away; root's own folders stand in
        from mlpolicy import cache

        assert not cache.private(Path("/"))


def test_folders_the_cache_creates_are_private(tmp_path: Path) -> None:
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path / "fresh")}
    _probe(UNDECIDED, env)
    folders = [tmp_path / "fresh", *(p for p in (tmp_path / "fresh").rglob("*") if p.is_dir())]
    assert len(folders) == 3  # the root, valid/, one shard
    assert {p.stat().st_mode & 0o777 for p in folders} == {0o700}


def _entries(cache: Path) -> list[Path]:
    return [p for p in (cache / "valid").rglob("*") if p.is_file()]


def test_a_check_keeps_one_entry_per_file_not_one_per_record(tmp_path: Path) -> None:
    from conftest import Repo, run_cli, run_record
    from ideation import DESIGN_DOC

    repo = Repo(tmp_path / "repo")
    manifest = "version: 1\nphase: experimentation\n"
    repo.write({"mlpolicy.yaml": manifest, "docs/design.md": DESIGN_DOC}).commit("code")
    records = [run_record("a" * 40, f"run-{i}", metrics={"auc": i / 1000}) for i in range(300)]
    repo.write({"experiments/runs.jsonl": "\n".join(records) + "\n"})
    cache = tmp_path / "cache"
    # CI switches the cache off; this test is about what the cache keeps when it is on.
    env = {"MLPOLICY_CACHE_DIR": str(cache), "CI": ""}
    result = run_cli("check", cwd=repo.root, env=env)
    assert result.code in (0, 1), result.stderr
    # the subset decides the manifest and runlog_validity the records: nothing to remember
    assert not _entries(cache)


def test_export_adds_no_entry_per_exported_record(tmp_path: Path) -> None:
    from conftest import Repo, run_cli
    from trackerfix import copy_sqlite

    repo = Repo(tmp_path / "repo")
    repo.write({"src/train.py": "print('train')\n"})
    commit = repo.commit("code")
    copy_sqlite(repo.root / "mlflow.db", commit)
    cache = tmp_path / "cache"
    out = repo.root / "runs.jsonl"
    env = {"MLPOLICY_CACHE_DIR": str(cache), "CI": ""}  # the cache is on, as off CI
    result = run_cli(
        "export", "--from", "mlflow", "mlflow.db", "-o", str(out), cwd=repo.root, env=env
    )
    assert result.code == 0 and "3 runs exported" in result.stderr, result.stderr
    assert len(out.read_text().splitlines()) == 3
    assert not cache.joinpath("valid").exists() or not _entries(cache)
