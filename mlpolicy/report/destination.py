"""Writing a report file the command line names: by rename, never through a symlink, never into git.

A repository under review may commit a symlink where a report will go (``mlpolicy.sarif ->
~/.ssh/authorized_keys``) or a FIFO that would block the writer. A report is therefore written
to a new file beside the destination and renamed over it: a symlink there is replaced, not
followed, and the new file gets the usual permissions (the umask's), not the old target's.
Destinations inside a checked repository's git directory are refused, however they are
spelled (``..``, symlinked folders), since a file there (a hook, ``config``) is code git runs.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from mlpolicy.errors import UsageError

_GITDIR_CAP = 4096  # a ``.git`` file or ``commondir`` holds one path


def check(target: Path, roots: Iterable[Path]) -> Path:
    """The absolute destination for ``target``; exit 2 when a report must not go there."""
    where = _shown(target)
    folder = Path(os.path.realpath(os.path.abspath(target.parent)))
    resolved = folder / target.name
    if target.name in ("", ".", ".."):
        raise UsageError(f"cannot write a report to {where}: it names a directory")
    roots = list(roots)
    forbidden = {Path(os.path.realpath(d)) for root in roots for d in git_dirs(root)}
    if ".git" in resolved.parts or any(resolved.is_relative_to(d) for d in forbidden):
        raise UsageError(f"cannot write a report to {where}: it is inside a git directory")
    if _escapes(Path(os.path.abspath(target)), resolved, roots):
        raise UsageError(
            f"cannot write a report to {where}: a symlink in its path leads outside the repository"
        )
    try:
        info = os.lstat(resolved)
    except OSError:
        return resolved
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"cannot write a report to {where}: it is a directory")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
        raise UsageError(f"cannot write a report to {where}: it is not a regular file")
    return resolved


def write(target: Path, text: str, roots: Iterable[Path]) -> None:
    """Write ``text`` to ``target`` by renaming a fresh file over it (see the module doc)."""
    resolved = check(target, roots)
    try:
        resolved.parent.mkdir(parents=True, exist_ok=True)
        temporary = resolved.parent / f".{resolved.name}.{secrets.token_hex(6)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(temporary, flags, 0o666)  # the umask decides, as for any new file
    except OSError as exc:
        raise UsageError(f"cannot write a report to {_shown(target)}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8", "backslashreplace"))
        os.replace(temporary, resolved)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise UsageError(f"cannot write a report to {_shown(target)}: {exc.strerror}") from None


def _escapes(lexical: Path, resolved: Path, roots: list[Path]) -> bool:
    """True when a destination written inside a checked repository resolves outside it.

    A destination outside every repository is the workflow's own choice; one inside may
    pass through a folder the change under review made a symlink (``reports -> ~/.ssh``).
    """
    for root in roots:
        real = Path(os.path.realpath(root))
        if lexical.is_relative_to(root) or lexical.is_relative_to(real):
            return not resolved.is_relative_to(real)
    return False


def git_dirs(root: Path) -> Iterator[Path]:
    """The git directories of the work tree at ``root``: ``.git``, or where a ``.git`` file
    points (a linked worktree or submodule), and that one's common directory."""
    dot_git = root / ".git"
    yield dot_git
    pointed = _pointer(dot_git, "gitdir: ")
    if pointed is None:
        return
    gitdir = (root / pointed).resolve()
    yield gitdir
    common = _pointer(gitdir / "commondir", "")
    if common is not None:
        yield (gitdir / common).resolve()


def _pointer(path: Path, prefix: str) -> str | None:
    """The path a small git pointer file holds, or None when it is not one."""
    from mlpolicy.safeio import FileProblem, read_bounded

    try:
        text = read_bounded(path, _GITDIR_CAP).decode("utf-8", "surrogateescape").strip()
    except FileProblem:
        return None
    return text[len(prefix) :].strip() if text.startswith(prefix) and text != prefix else None


def _shown(path: Path) -> str:
    """``path`` for a message: a file name that is not UTF-8 must not break the message."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
