"""gitscope's verbs against real repositories built commit by commit."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from conftest import GIT_ENV, Repo

from mlpolicy.gitscope import GitError, GitScope, Questions


def _commit_at(repo: Repo, files: dict[str, str], when: int, monkeypatch) -> str:
    """Commit ``files`` with committer time ``when`` (seconds), so dates are distinct."""
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"@{when} +0000")
    repo.write(files)
    return repo.commit(f"at {when}")


@pytest.fixture
def scope():
    """Make GitScopes that are closed after the test (no git process outlives it)."""
    made: list[GitScope] = []

    def make(root: Path) -> GitScope:
        made.append(GitScope(root))
        return made[-1]

    yield make
    for git in made:
        git.close()


@pytest.fixture
def history(repo: Repo, monkeypatch) -> tuple[Repo, list[str]]:
    """Three commits: src/a.py and x.txt; then src/b.py; then docs/d.md."""
    shas = [
        _commit_at(repo, {"src/a.py": "a\n", "x.txt": "x\n"}, 1_700_000_000, monkeypatch),
        _commit_at(repo, {"src/b.py": "b\n"}, 1_700_086_400, monkeypatch),
        _commit_at(repo, {"docs/d.md": "d\n"}, 1_700_172_800, monkeypatch),
    ]
    return repo, shas


def test_tracked_counts_staged_files_and_lists_untracked_ones(repo: Repo, scope) -> None:
    repo.write({"a.txt": "a", ".gitignore": "ignored/\n"}).commit()
    repo.write({"staged.txt": "s", "loose.txt": "l", "ignored/i.txt": "i"})
    repo.git("add", "staged.txt")
    git = scope(repo.root)
    assert git.tracked == {"a.txt", ".gitignore", "staged.txt"}
    assert git.untracked == {"loose.txt"}
    assert git.is_tracked("staged.txt") and not git.is_tracked("loose.txt")


def test_is_tracked_answers_for_directories(repo: Repo, scope) -> None:
    repo.write({"src/pkg/m.py": "m"}).commit()
    git = scope(repo.root)
    assert git.is_tracked("src") and git.is_tracked("src/") and git.is_tracked("src/pkg")
    assert git.is_tracked(".")
    assert not git.is_tracked("sr") and not git.is_tracked("docs")


def test_is_tracked_tells_a_folder_from_its_namesakes(repo: Repo, scope) -> None:
    repo.write({"src-old/a.py": "a", "src.txt": "t", "srcs/b.py": "b", "z/src/c.py": "c"})
    repo.commit()
    git = scope(repo.root)
    assert not git.is_tracked("src") and not git.is_tracked("src/")
    assert git.is_tracked("src-old") and git.is_tracked("z/src") and git.is_tracked("z")
    assert not git.is_tracked("z/sr") and not git.is_tracked("srcs/b")


def test_last_commits_names_the_newest_commit_touching_files_and_directories(
    history, scope
) -> None:
    repo, shas = history
    found = scope(repo.root).last_commits(["src/a.py", "src", "src/", "x.txt", ".", "nope"])
    assert found["src/a.py"].sha == shas[0]
    assert found["src"].sha == shas[1]
    assert found["x.txt"].sha == shas[0]
    assert found[""].sha == shas[2]
    assert "nope" not in found
    assert found["src"].describe() == f"{shas[1][:7]} (2023-11-15)"


def test_later_questions_reuse_the_same_history_reader(history, scope) -> None:
    repo, shas = history
    git = scope(repo.root)
    assert git.last_commits(["docs"])["docs"].sha == shas[2]
    assert git.last_commits(["x.txt"])["x.txt"].sha == shas[0]
    assert git.last_commits(["docs/d.md"])["docs/d.md"].sha == shas[2]
    git.close()


def test_close_stops_an_unfinished_history_reader(history, scope) -> None:
    repo, _ = history
    git = scope(repo.root)
    git.last_commits(["docs"])
    process = git._history._process  # the reader stopped early: the newest commit sufficed
    git.close()
    assert process.poll() is not None


def test_history_of_a_repository_without_commits_is_empty(repo: Repo, scope) -> None:
    repo.write({"a.txt": "a"})
    git = scope(repo.root)
    assert git.last_commits(["a.txt"]) == {}
    assert git.object_ids([("HEAD", "a.txt")]) == {("HEAD", "a.txt"): None}


def test_resolve_and_merge_base(history, scope) -> None:
    repo, shas = history
    repo.git("checkout", "-q", "-b", "side", shas[1])
    repo.write({"side.txt": "s"})
    side = repo.commit("side")
    repo.git("checkout", "-q", "main")
    git = scope(repo.root)
    assert git.resolve("main") == shas[2]
    assert git.merge_base("side") == shas[1]
    assert git.merge_base(side[:10]) == shas[1]
    for bad in ("nope", "-h", "", "HEAD\nHEAD"):
        with pytest.raises(GitError):
            git.resolve(bad)


def test_unrelated_histories_have_no_merge_base(history, scope) -> None:
    repo, _ = history
    repo.git("checkout", "-q", "--orphan", "other")
    repo.write({"o.txt": "o"}).commit("other root")
    repo.git("checkout", "-q", "main")
    with pytest.raises(GitError, match="share no commit"):
        scope(repo.root).merge_base("other")


def test_files_at_reads_blobs_at_a_commit(history, scope) -> None:
    repo, shas = history
    repo.write({"x.txt": "changed\n"}).commit()
    found = scope(repo.root).files_at(shas[0], ["x.txt", "src", "docs/d.md"])
    assert found == {"x.txt": b"x\n", "src": None, "docs/d.md": None}
    assert scope(repo.root).file_at("HEAD", "x.txt") == b"changed\n"


def test_files_at_keeps_binary_content_intact(repo: Repo, scope) -> None:
    data = bytes(range(256)) * 3 + b"\n\n"
    (repo.root / "blob.bin").write_bytes(data)
    repo.write({"after.txt": "after\n"}).commit()
    found = scope(repo.root).files_at("HEAD", ["after.txt", "blob.bin"])
    assert found == {"after.txt": b"after\n", "blob.bin": data}


def test_object_ids_are_equal_exactly_when_content_is(history, scope) -> None:
    repo, shas = history
    ids = scope(repo.root).object_ids(
        [(shas[0], "src"), (shas[1], "src"), ("HEAD", "src/"), (shas[0], "docs"), ("HEAD", "")]
    )
    assert ids[(shas[0], "src")] != ids[(shas[1], "src")]
    assert ids[(shas[1], "src")] == ids[("HEAD", "src/")]
    assert ids[(shas[0], "docs")] is None
    assert ids[("HEAD", "")] is not None


def test_commits_reads_committer_dates_and_skips_unknown_shas(history, scope) -> None:
    repo, shas = history
    found = scope(repo.root).commits([shas[0], shas[1][:10], "f" * 40, "not-a-sha"])
    assert set(found) == {shas[0], shas[1][:10]}
    assert found[shas[0]].timestamp == 1_700_000_000
    assert found[shas[1][:10]].sha == shas[1]


def test_changed_paths_compares_the_work_tree_with_a_commit(history, scope) -> None:
    repo, shas = history
    repo.git("mv", "x.txt", "docs/x.txt")
    repo.write({"src/a.py": "edited\n", "new.txt": "n"})
    changed = scope(repo.root).changed_paths(shas[1])
    assert changed == {"docs/d.md", "x.txt", "docs/x.txt", "src/a.py", "new.txt"}


def test_a_file_whose_timestamps_alone_changed_is_not_a_change(history, scope) -> None:
    repo, _ = history
    (repo.root / "link").symlink_to("x.txt")
    base = repo.commit("a symlink")
    os.utime(repo.root / "x.txt", (1, 1))  # stat-dirty: git status would re-hash it
    os.utime(repo.root / "link", (1, 1), follow_symlinks=False)
    (repo.root / "docs" / "d.md").write_text("d\n")  # rewritten with the same bytes
    (repo.root / "src" / "b.py").unlink()
    assert scope(repo.root).changed_paths(base) == {"src/b.py"}


def test_a_file_edited_to_the_same_size_is_a_change(history, scope) -> None:
    repo, shas = history
    (repo.root / "x.txt").write_text("y\n")
    os.utime(repo.root / "x.txt", (1_700_000_000, 1_700_000_000))
    assert scope(repo.root).changed_paths(shas[2]) == {"x.txt"}


def test_parents_of_a_merge_commit(history, scope) -> None:
    repo, shas = history
    repo.git("checkout", "-q", "-b", "side", shas[1])
    side = repo.write({"side.txt": "s"}).commit("side")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side")
    assert scope(repo.root).parents("HEAD") == (shas[2], side)
    assert scope(repo.root).parents(shas[0]) == ()


def test_a_shallow_clone_marks_its_boundary_commit(history, tmp_path: Path, scope) -> None:
    repo, shas = history
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)],
        check=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin"},
    )
    git = scope(clone)
    assert git.is_shallow() and not scope(repo.root).is_shallow()
    found = git.last_commits(["src"])["src"]
    assert found.sha == shas[2] and found.boundary  # the boundary seems to add every file
    assert git.commits([shas[0]]) == {}
    with pytest.raises(GitError):
        git.merge_base(shas[0])


def test_prefetch_asks_once_and_the_per_project_methods_answer_from_it(history, scope) -> None:
    repo, shas = history
    git = scope(repo.root)
    short = shas[0][:10]
    git.prefetch(
        Questions(
            commits=frozenset({short, shas[1], "0" * 40}),
            history=frozenset({"src", "docs/d.md"}),
            objects=frozenset({(short, "src"), ("HEAD", "src"), ("HEAD", "docs")}),
            files=frozenset({(shas[1], "src/b.py"), ("HEAD", "x.txt")}),
        )
    )
    asked = (git._contents.requests, git._ids.requests)
    assert asked == (2, 1)  # the commits, then the files; the object ids
    commits = git.commits([short, shas[1], "0" * 40])
    assert commits[short].sha == shas[0] and set(commits) == {short, shas[1]}
    assert git.existing_commits([short, "0" * 40]) == {short}
    ids = git.object_ids([(shas[0], "src"), ("HEAD", "src"), ("HEAD", "docs")])
    assert ids[(shas[0], "src")] != ids[("HEAD", "src")] and ids[("HEAD", "docs")]
    assert git.files_at(shas[1], ["src/b.py"]) == {"src/b.py": b"b\n"}
    assert git.file_at("HEAD", "x.txt") == b"x\n"
    assert git.last_commits(["src"])["src"].sha == shas[1]
    assert (git._contents.requests, git._ids.requests) == asked


def test_a_question_asked_twice_is_asked_of_git_once(history, scope) -> None:
    repo, shas = history
    git = scope(repo.root)
    first = git.object_ids([(shas[0], "src"), ("HEAD", "src")])
    assert git.object_ids([("HEAD", "src"), (shas[0], "src")]) == first
    assert git._ids.requests == 1


def test_many_questions_in_one_call_do_not_block_on_full_pipes(repo: Repo, scope) -> None:
    big = "y" * 200_000
    repo.write({f"f{i:04d}.txt": f"{i}{big}" for i in range(40)}).commit("big files")
    git = scope(repo.root)
    found = git.files_at("HEAD", [f"f{i:04d}.txt" for i in range(40)] + ["absent.txt"])
    assert found["f0039.txt"] == f"39{big}".encode() and found["absent.txt"] is None
    names = [f"no/such/path/{'d' * 100}/{i}" for i in range(2000)]
    assert set(git.object_ids(("HEAD", n) for n in names).values()) == {None}
    assert git._ids.requests > 1  # windowed, each window under a pipe's capacity


def test_changed_paths_runs_no_clean_filter_on_stat_dirty_files(
    history, scope, tmp_path: Path
) -> None:
    repo, _ = history
    marker = tmp_path / "filter-ran"
    repo.write({".gitattributes": "* filter=probe\n"})
    base = repo.commit("attributes")
    repo.git("config", "filter.probe.clean", f"touch '{marker}'; cat")
    time.sleep(1.1)  # then an index written now is newer than every file: none is "racy"
    repo.git("update-index", "--refresh")
    marker.unlink(missing_ok=True)  # the refresh itself re-hashed the racy files
    for name in ("x.txt", "src/a.py", ".gitattributes"):
        os.utime(repo.root / name, (1, 1))
    assert scope(repo.root).changed_paths(base) == set()
    assert not marker.exists()
    repo.git("status")  # what the check no longer does: it re-hashes through the filter
    assert marker.exists()
