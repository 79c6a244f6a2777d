"""All git questions of a run, asked of a fixed handful of git processes.

Each kind of question is one git process for the whole run, never one per project or per
file (SPEC section 11): one ``ls-files`` for the index, one ``git log`` read as far as the
questions need, one ``cat-file --batch`` (and one ``--batch-check``) kept open for objects.
The processes are started by :mod:`mlpolicy.gitprocess`, which also says what keeps them
from writing or running anything the repository configures.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from mlpolicy import blobs, gitprocess
from mlpolicy.githistory import Commit as Commit
from mlpolicy.githistory import History, committer_time
from mlpolicy.gitprocess import GitError as GitError
from mlpolicy.gitprocess import ObjectReader
from mlpolicy.safeio import FileProblem, read_bounded

_UNOPENED = re.compile(r"^warning: could not open directory '(.*?)/?': ", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Questions:
    """Every git question of a run, gathered before any is asked (SPEC section 11).

    ``commits``: commit shas, full or abbreviated; ``history``: paths whose newest commit
    is wanted; ``objects``: (rev, path) whose object id is wanted; ``files``: (rev, path)
    whose content is wanted.
    """

    commits: frozenset[str] = frozenset()
    history: frozenset[str] = frozenset()
    objects: frozenset[tuple[str, str]] = frozenset()
    files: frozenset[tuple[str, str]] = frozenset()


class GitScope:
    """Read-only questions about the repository at ``root``.

    Each method can be asked per project; :meth:`prefetch` asks every project's questions
    at once beforehand, and the methods then answer from what came back.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._history: History | None = None
        self._contents = ObjectReader(root, check=False)
        self._ids = ObjectReader(root, check=True)

    def _communicate(
        self, args: tuple[str, ...], stdin: bytes | None = None
    ) -> tuple[bytes, bytes]:
        """(stdout, stderr) of one git command run to the end; failure raises GitError."""
        return gitprocess.run(self.root, args, stdin)

    def _run(self, *args: str, stdin: str | None = None) -> str:
        data = self._communicate(args, None if stdin is None else stdin.encode())[0]
        return data.decode("utf-8", "surrogateescape")

    def prefetch(self, questions: Questions) -> None:
        """Ask git all of ``questions`` at once: one request per git process for the run.

        A rev in ``objects`` that is one of ``commits`` is asked by the full sha it names,
        as :mod:`mlpolicy.freshness` asks it.
        """
        full = {short: commit.sha for short, commit in self.commits(questions.commits).items()}
        if questions.history:
            self.last_commits(questions.history)
        self.object_ids((full.get(rev, rev), path) for rev, path in questions.objects)
        self._objects(f"{rev}:{path}" for rev, path in questions.files)

    # -- the index and the work tree -----------------------------------------------------

    @functools.cached_property
    def _listing(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(paths in the index, untracked paths not ignored, folders git could not open),
        from one ``git ls-files``.

        git only warns about a folder it cannot open and lists the rest, so its warnings
        (asked for untranslated) are read too: such a folder is reported, never skipped.
        """
        args = ("ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard")
        out, err = self._communicate(args)
        tracked: set[str] = set()
        untracked: set[str] = set()
        for entry in out.decode("utf-8", "surrogateescape").split("\0"):
            if len(entry) > 2:
                (untracked if entry[0] == "?" else tracked).add(entry[2:])
        unopened = _UNOPENED.findall(err.decode("utf-8", "surrogateescape"))
        return frozenset(tracked), frozenset(untracked), frozenset(unopened)

    @property
    def tracked(self) -> frozenset[str]:
        """Repo-relative paths in the index (staged files count as tracked)."""
        return self._listing[0]

    @property
    def untracked(self) -> frozenset[str]:
        """Repo-relative paths on disk that are neither tracked nor ignored."""
        return self._listing[1]

    @property
    def unopened(self) -> frozenset[str]:
        """Repo-relative folders ``git ls-files`` could not open (permission denied)."""
        return self._listing[2]

    @functools.cached_property
    def _sorted(self) -> tuple[str, ...]:
        # Sorted once, so "is anything under this folder tracked?" is one bisection, in a
        # repository of 50,000 files as in one of ten (no set of every folder is built).
        return tuple(sorted(self.tracked))

    def is_tracked(self, path: str) -> bool:
        """True when ``path`` (a file, or a directory holding one) is in the index."""
        path = "" if path in ("", ".") else path.strip("/")
        if path in self.tracked:
            return True
        if not path:
            return bool(self.tracked)
        prefix = path + "/"
        index = bisect.bisect_left(self._sorted, prefix)
        return index < len(self._sorted) and self._sorted[index].startswith(prefix)

    def changed_paths(self, base: str) -> frozenset[str]:
        """Paths that differ between commit ``base`` and the work tree, untracked ones included.

        The work tree, not HEAD, because it is what the check reads; in CI they are the same.
        Renames count as a deletion and an addition, so both directories see the change.
        Plumbing only, never ``git status``, which refreshes the index and runs clean
        filters on every file whose timestamps changed: ``diff-index --cached`` gives the
        commits and staged changes, ``diff-files`` the files whose stat data differs from
        the index, and a file among those counts only if its bytes hash to another blob
        than the index holds. The untracked paths come from the run's ``ls-files``.
        """
        args = ("diff-index", "--cached", "-z", "--name-only", "--no-renames", base, "--")
        staged = self._run(*args)
        paths = {p for p in staged.split("\0") if p}
        paths.update(self._edited())
        return frozenset(paths | self.untracked)

    def _edited(self) -> Iterator[str]:
        """Tracked files whose content in the work tree is not the index's."""
        fields = self._run("diff-files", "-z", "--no-renames").split("\0")
        for meta, path in zip(fields[0::2], fields[1::2], strict=False):
            parts = meta.split()
            if len(parts) < 3 or not blobs.same(self.root / path, parts[2]):
                yield path

    def renamed(self, base: str, names: Iterable[str]) -> dict[str, str]:
        """Files named ``names`` that git's rename detection pairs with a file at ``base``:
        {path in the index: path at base}, for all of them in one ``git diff-index``.

        The index, not the work tree, so a staged ``git mv`` counts as it will in CI, and
        no clean/smudge filter or stat refresh runs.
        """
        return self.changes_since(base, names)[0]

    def changes_since(
        self, base: str, names: Iterable[str]
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        """Files named ``names``, index against ``base``: the renamed ones ({path in the
        index: path at base}) and the deleted ones (paths at base), in one diff-index."""
        specs = [f"*{name}" for name in names]
        out = self._run("diff-index", "--cached", "-M", "-z", "--name-status", base, "--", *specs)
        fields = out.split("\0")
        pairs: dict[str, str] = {}
        deleted: list[str] = []
        index = 0
        while index < len(fields) and fields[index]:
            status = fields[index]
            if status.startswith(("R", "C")) and index + 2 < len(fields):
                pairs[fields[index + 2]] = fields[index + 1]
                index += 3
            else:
                if status.startswith("D") and index + 1 < len(fields):
                    deleted.append(fields[index + 1])
                index += 2
        return pairs, tuple(deleted)

    # -- commits and refs --------------------------------------------------------------

    @functools.cached_property
    def _shallow(self) -> frozenset[str]:
        """The boundary commits of a shallow clone (empty when the clone is complete)."""
        lines = self._run("rev-parse", "--is-shallow-repository", "--git-path", "shallow")
        flag, _, where = lines.partition("\n")
        if flag.strip() != "true":
            return frozenset()
        try:
            text = read_bounded(self.root / where.strip(), 256 << 20).decode("ascii")
        except (FileProblem, UnicodeDecodeError):
            return frozenset({"?"})  # shallow, boundary unknown: treat every answer as partial
        return frozenset(text.split())

    def is_shallow(self) -> bool:
        """True in a shallow clone (``git clone --depth``, ``actions/checkout`` by default)."""
        return bool(self._shallow)

    def resolve(self, ref: str) -> str:
        """The commit sha ``ref`` names; :class:`GitError` when it names none."""
        _revision(ref)
        try:
            return self._run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except GitError:
            raise GitError(f'"{ref}" names no commit in this clone') from None

    def merge_base(self, ref: str) -> str:
        """The best common ancestor of HEAD and ``ref``; :class:`GitError` when there is none."""
        _revision(ref)
        try:  # one process: git merge-base exits 1 for "no common commit", 128 for a bad name
            return self._run("merge-base", "HEAD", f"{ref}^{{commit}}").strip()
        except GitError as exc:
            if exc.status == 1:
                raise GitError(f"HEAD and {ref} share no commit in this clone", 1) from None
            raise GitError(f'"{ref}" names no commit in this clone') from None

    def parents(self, rev: str) -> tuple[str, ...]:
        """The parents of commit ``rev`` (none for a root or a shallow boundary)."""
        line = self._run("rev-list", "--parents", "-n", "1", self.resolve(rev), "--")
        return tuple(line.split()[1:])

    def existing_commits(self, shas: Iterable[str]) -> frozenset[str]:
        """Those of ``shas`` that name commits in the object store."""
        return frozenset(self.commits(shas))

    def commits(self, shas: Iterable[str]) -> dict[str, Commit]:
        """The commits ``shas`` name (full or abbreviated), read in one git process."""
        wanted = sorted({s.strip() for s in shas if s.strip() and _plain(s)})
        found = {}
        objects = self._objects(f"{s}^{{commit}}" for s in wanted)
        for sha, (oid, kind, body) in zip(wanted, objects, strict=True):
            if kind == "commit" and oid is not None and oid.startswith(sha.lower()):
                found[sha] = Commit(oid, committer_time(body), oid in self._shallow)
        return found

    # -- contents at a commit ----------------------------------------------------------

    def files_at(self, rev: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """The content of each file at commit ``rev`` (None where it is absent), one process."""
        wanted = sorted(set(paths))
        objects = self._objects(f"{rev}:{p}" for p in wanted)
        return {
            path: body if kind == "blob" else None
            for path, (_, kind, body) in zip(wanted, objects, strict=True)
        }

    def file_at(self, rev: str, path: str) -> bytes | None:
        """The content of ``path`` at commit ``rev``, or None when it is not a file there."""
        return self.files_at(rev, [path])[path]

    def object_ids(self, specs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
        """The object id of each (rev, path) - a tree for a directory - or None if absent.

        Equal ids mean equal content, so comparing a directory's id at two commits says
        whether anything under it changed, without diffing.
        """
        wanted = sorted(set(specs))
        names = [f"{rev}:{path.strip('/')}" for rev, path in wanted]
        return {
            spec: oid
            for spec, (oid, _, _) in zip(wanted, self._objects(names, check=True), strict=True)
        }

    def _objects(self, names: Iterable[str], check: bool = False) -> list[gitprocess.Entry]:
        """(object id, type, content) for each name, from the run's one ``cat-file --batch``.

        With ``check`` only ids and types are read (``--batch-check``), not contents.
        """
        names = list(names)
        reader = self._ids if check else self._contents
        answers = iter(reader.read([n for n in names if _plain(n)]))
        return [next(answers) if _plain(n) else (None, None, b"") for n in names]

    # -- history -----------------------------------------------------------------------

    def last_commits(self, paths: Iterable[str]) -> dict[str, Commit]:
        """The newest commit in HEAD's history touching each path (file, or anything under a
        directory), for the paths some commit touches. One ``git log`` serves the whole run:
        it is read only as far as the questions asked so far need.
        """
        if self._history is None:
            self._history = History(self.root, self._shallow)
        return self._history.find({p.strip("/") if p != "." else "" for p in paths})

    def close(self) -> None:
        """Stop the git processes still running for this scope (history, object readers)."""
        if self._history is not None:
            self._history.close()
        self._contents.close()
        self._ids.close()


def _revision(ref: str) -> None:
    """Refuse what git would read as an option, or that cannot be one argument."""
    if not ref or ref.startswith("-") or "\n" in ref:
        raise GitError(f'"{ref}" is not a revision')


def _plain(text: str) -> bool:
    """True when ``text`` can go on one line of git's batch input."""
    return "\n" not in text and "\r" not in text
