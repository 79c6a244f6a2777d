"""The parse cache: exact round trips, successes only, distrust of what it finds, no ruamel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import ideation
import pytest
from conftest import Repo
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpolicy import cache, yamlcache, yamlio
from mlpolicy.errors import DocumentError

TEXT_DOCUMENT = "a: [1, -.inf, .inf, 1.5, -0.0, '1', true, ~, 0x1f]\n'1': one\nnull: nothing\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setattr(cache, "folder", lambda name: root / name)
    monkeypatch.setattr(yamlcache._Budget, "writes", 0)  # a run of its own: nothing spent
    monkeypatch.setattr(yamlcache._Budget, "spent", 0.0)
    return root / "yaml"


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _exact(documents: tuple[yamlio.YamlDocument, ...]) -> str:
    """Values and positions with every type and order visible (True is not 1, 1.0 is not 1)."""
    return repr([(d.value, list(d.positions.items())) for d in documents])


def _fresh(text: str, multi: bool) -> tuple[yamlio.YamlDocument, ...]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlcache, "key", lambda *_: None)
        return yamlio.load_all(text) if multi else (yamlio.load(text),)


def _load(text: str, multi: bool) -> tuple[yamlio.YamlDocument, ...]:
    return yamlio.load_all(text) if multi else (yamlio.load(text),)


@pytest.mark.parametrize("multi", [False, True])
def test_a_remembered_parse_is_the_parse_exactly(folder: Path, multi: bool) -> None:
    fresh = _exact(_fresh(TEXT_DOCUMENT + "---\nb: [2]\n" * multi, multi))
    assert _exact(_load(TEXT_DOCUMENT + "---\nb: [2]\n" * multi, multi)) == fresh  # stores
    assert len(_entries(folder)) == 1
    assert _exact(_load(TEXT_DOCUMENT + "---\nb: [2]\n" * multi, multi)) == fresh  # recalls


def test_inputs_that_change_the_parse_have_their_own_entries(folder: Path) -> None:
    yamlio.load("a: [[1]]\n")
    yamlio.load_all("a: [[1]]\n")
    with pytest.raises(DocumentError, match="nesting"):
        yamlio.load("a: [[1]]\n", max_depth=2)  # a remembered success must not answer this
    assert len(_entries(folder)) == 2


@pytest.fixture(scope="module")
def shared_folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as top, pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "folder", lambda name: Path(top) / name)
        patch.setattr(yamlcache._Budget, "share", 1.0)  # every parse is written
        yield Path(top) / "yaml"


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab:-[]{},?!'\"#|>~0.1eE+x \n\t")), max_size=200),
    multi=st.booleans(),
)
def test_any_parse_survives_the_round_trip(shared_folder: Path, text: str, multi: bool) -> None:
    try:
        fresh = _exact(_fresh(text, multi))
    except DocumentError:
        return
    assert _exact(_load(text, multi)) == fresh
    assert _exact(_load(text, multi)) == fresh  # now from the entry


def test_writing_stops_when_its_share_of_the_run_is_spent(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = yamlcache._Budget
    monkeypatch.setattr(budget, "share", 0.0)  # nothing beyond the free writes
    for i in range(budget.free_writes + 5):
        assert yamlio.load(f"a: {i}\n").value == {"a": i}
    assert len(_entries(folder)) == budget.free_writes
    monkeypatch.setattr(budget, "share", 1.0)
    yamlio.load("a: 1000\n")
    assert len(_entries(folder)) == budget.free_writes + 1


def test_errors_are_never_remembered(folder: Path) -> None:
    for _ in range(2):
        with pytest.raises(DocumentError, match="duplicate"):
            yamlio.load("a: 1\na: 2\n")
    assert _entries(folder) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a torn write
        lambda data: b"not json",
        lambda data: json.dumps({**json.loads(data), "digest": "0" * 64}).encode(),
        lambda data: data.replace(b'"a"', b'"b"').replace(b'"documents"', b'"docs"'),
        lambda data: json.dumps({**json.loads(data), "documents": [[1, [["a", "x", 2]]]]}).encode(),
        lambda data: json.dumps({**json.loads(data), "documents": {"ab": 1}}).encode(),
    ],
)
def test_a_damaged_or_foreign_entry_is_parsed_afresh(folder: Path, damage: object) -> None:
    fresh = _exact(_fresh("a: 1\nb: [x]\n", False))
    yamlio.load("a: 1\nb: [x]\n")
    [entry] = _entries(folder)
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    assert _exact((yamlio.load("a: 1\nb: [x]\n"),)) == fresh


def test_another_texts_entry_is_not_believed(folder: Path) -> None:
    yamlio.load("a: 1\n")
    [first] = _entries(folder)
    yamlio.load("a: 2\n")
    [second] = [p for p in _entries(folder) if p != first]
    second.write_bytes(first.read_bytes())  # right shape, wrong digest
    assert yamlio.load("a: 2\n").value == {"a": 2}


def test_an_entry_others_may_write_is_not_believed(folder: Path) -> None:
    yamlio.load("a: 1\n")
    [entry] = _entries(folder)
    entry.write_text(entry.read_text().replace('"a":1', '"a":666'))
    assert yamlio.load("a: 1\n").value == {"a": 666}  # the test edits what it means to
    entry.write_text(entry.read_text().replace('"a":666', '"a":667'))
    entry.chmod(0o620)
    assert yamlio.load("a: 1\n").value == {"a": 1}


def test_entries_and_their_folders_are_private(folder: Path) -> None:
    yamlio.load("a: 1\n")
    [entry] = _entries(folder)
    assert entry.stat().st_mode & 0o777 == 0o600
    for path in (folder.parent, folder, entry.parent):
        assert path.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]  # no partial file left


def test_an_unwritable_cache_is_skipped(folder: Path) -> None:
    folder.parent.mkdir()
    folder.write_text("a file where the folder should be")
    for _ in range(2):
        assert yamlio.load("a: 1\n").value == {"a": 1}


PROBE = (
    "import sys, mlpolicy.cli as c\n"
    "code = c.run(['check'])\n"
    "print(code, any(m.startswith('ruamel') for m in sys.modules))\n"
)


def _check(repo: Repo, env: dict[str, str]) -> tuple[str, bool]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=repo.root, capture_output=True, text=True,
        env={**{k: v for k, v in os.environ.items() if k != "CI"}, **env},
    )  # fmt: skip
    *output, last = done.stdout.splitlines()
    code, imported = last.split()
    return "\n".join(output) + code, imported == "True"


def test_a_warm_check_imports_no_yaml_parser(repo: Repo, tmp_path: Path) -> None:
    repo.write(ideation.complete()).commit()
    env = {"MLPOLICY_CACHE_DIR": str(tmp_path / "cache")}
    cold, parsed = _check(repo, env)
    assert parsed and _entries(tmp_path / "cache" / "yaml")
    warm, parsed = _check(repo, env)
    assert (warm, parsed) == (cold, False)
    for off in ({"CI": "true"}, {"MLPOLICY_NO_CACHE": "1"}):
        assert _check(repo, {**env, **off}) == (cold, True)


def test_no_entry_is_written_when_the_cache_is_off(repo: Repo, tmp_path: Path) -> None:
    repo.write(ideation.complete()).commit()
    for off in ({"CI": "true"}, {"MLPOLICY_NO_CACHE": "1"}):
        assert _check(repo, {"MLPOLICY_CACHE_DIR": str(tmp_path), **off})[1]
    assert not (tmp_path / "yaml").exists()
