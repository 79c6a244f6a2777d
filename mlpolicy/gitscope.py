"""All git access, through gitpython, in a handful of batched questions.

This is the only module that imports ``git``. Each question is one git process, never
one per file (SPEC section 11: one ``git log`` for thousands of paths beats one per path).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any


class GitScope:
    """Read-only questions about the repository at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @functools.cached_property
    def _git(self) -> Any:
        import git  # gitpython: ~100 ms to import, so only when a rule asks git something

        return git.Repo(self.root).git

    @functools.cached_property
    def tracked(self) -> frozenset[str]:
        """Repo-relative paths in the index (staged files count as tracked)."""
        output: str = self._git.ls_files("-z")
        return frozenset(p for p in output.split("\0") if p)

    def commit_exists(self, sha: str) -> bool:
        """True when ``sha`` names a commit in the repository's object store."""
        return sha in self._commits([sha])

    def _commits(self, shas: list[str]) -> set[str]:
        import git

        try:
            output: str = self._git.cat_file("--batch-check", istream=None, input="\n".join(shas))
        except (git.GitCommandError, TypeError):
            return set()
        return {
            line.split()[0]
            for line in output.splitlines()
            if line.endswith(" commit") or " commit " in line
        }
