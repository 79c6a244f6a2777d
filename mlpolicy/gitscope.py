"""All git access, through gitpython, in a handful of batched questions.

This is the only module that imports ``git``. Each question is one git process, never
one per file (SPEC section 11: one ``git log`` for thousands of paths beats one per path).
Nothing here writes: no objects, no config, no index refresh.
"""

from __future__ import annotations

import functools
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any


class GitScope:
    """Read-only questions about the repository at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @functools.cached_property
    def _git(self) -> Any:
        import git  # gitpython: ~100 ms to import, so only when a rule asks git something

        return git.Git(self.root)

    def _run(self, *args: str, stdin: str | None = None) -> str:
        """Run one git command; a failing command raises :class:`GitError`."""
        import git

        try:
            if stdin is None:
                output: str = self._git.execute(["git", *args])
                return output
            process = self._git.execute(["git", *args], as_process=True, istream=subprocess.PIPE)
            out, _ = process.proc.communicate(stdin.encode())
            if process.proc.returncode:
                raise GitError(f"git {args[0]} failed")
            return str(out.decode("utf-8", "replace"))
        except git.GitCommandError as exc:
            raise GitError(str(exc.stderr).strip() or f"git {args[0]} failed") from None

    @functools.cached_property
    def tracked(self) -> frozenset[str]:
        """Repo-relative paths in the index (staged files count as tracked)."""
        output = self._run("-c", "core.quotepath=off", "ls-files", "-z")
        return frozenset(p for p in output.split("\0") if p)

    def existing_commits(self, shas: Iterable[str]) -> frozenset[str]:
        """Those of ``shas`` that name commits in the object store, in one git process."""
        wanted = sorted({s.strip() for s in shas if s and s.strip()})
        if not wanted:
            return frozenset()
        output = self._run(
            "cat-file",
            "--batch-check=%(objectname) %(objecttype)",
            stdin="\n".join(f"{s}^{{commit}}" for s in wanted) + "\n",
        )
        found = set()
        for sha, line in zip(wanted, output.splitlines(), strict=False):
            parts = line.split()
            if len(parts) == 2 and parts[1] == "commit" and parts[0].startswith(sha.lower()):
                found.add(sha)
        return frozenset(found)

    def hooks_dir(self) -> Path:
        """Where git looks for hooks (``core.hooksPath`` honoured; the common dir in worktrees)."""
        return self.root / self._run("rev-parse", "--git-path", "hooks").strip()


class GitError(Exception):
    """A git command failed (unknown ref, broken repository)."""
