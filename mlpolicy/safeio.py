"""The one way mlpolicy opens a file it did not write: type and size checked first, reads bounded.

Repository content is data (SPEC section 12): a FIFO would block forever, a device such as
``/dev/zero`` never ends, and a huge file would exhaust memory. Every reader therefore goes
through :func:`read_bounded` (or :func:`read_head` when it words the size limit itself,
:func:`open_regular` when it streams, :func:`regular_file` before handing a path to a
library such as ``sqlite3``), which refuse anything but a regular file and never read more
than ``cap + 1`` bytes. Folders are walked with :func:`walk`, which reports a folder it
cannot list instead of skipping it, and :func:`problem_of` says why a path cannot be used.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

WalkStep = tuple[str, list[str], list[str]]


class FileProblem(Exception):
    """A file that was not read; ``reason`` completes "the file ..." for a finding message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def hint(self) -> str:
        """How to fix it, for a finding's hint."""
        if "permission" in self.reason:
            return "Make it readable by the user running the check (`chmod a+rX`)."
        if "loop" in self.reason:
            return "Point the symlink at a real file or folder, or remove it."
        return "Replace it with a regular file (or a folder, where one is expected) or remove it."


class Unreadable(FileProblem):
    """Not a regular file, a symlink loop, or permission denied (MLP009 material)."""


class Missing(Unreadable):
    """Nothing exists at the path."""


class TooLarge(FileProblem):
    """Larger than the reader's cap; ``size`` is what ``stat`` (or the read) found."""

    hint = "Keep the file under the limit; mlpolicy never reads past it."

    def __init__(self, size: int, cap: int) -> None:
        super().__init__(f"is too large ({size} bytes; the limit is {_human(cap)})")
        self.size = size
        self.cap = cap


_KINDS = (
    (stat.S_ISDIR, "is a directory"),
    (stat.S_ISFIFO, "is a FIFO (named pipe)"),
    (stat.S_ISSOCK, "is a socket"),
    (stat.S_ISCHR, "is a character device"),
    (stat.S_ISBLK, "is a block device"),
)


def regular_file(path: Path) -> os.stat_result:
    """``stat`` of ``path`` when it is a regular file (symlinks followed); else raise."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise _unreadable(exc) from None
    for test, reason in _KINDS:
        if test(info.st_mode):
            raise Unreadable(reason)
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable("is not a regular file")
    return info


def read_bounded(path: Path, cap: int) -> bytes:
    """The bytes of the regular file at ``path``, refusing it when it holds more than ``cap``."""
    info = regular_file(path)
    if info.st_size > cap:
        raise TooLarge(info.st_size, cap)
    data = read_head(path, cap)
    if len(data) > cap:
        raise TooLarge(len(data), cap)
    return data


def read_head(path: Path, cap: int) -> bytes:
    """At most ``cap + 1`` bytes of the regular file at ``path``; the caller judges the size.

    For readers that report an oversized file in their own words: reading one byte past
    the cap is how they tell "exactly at the limit" from "over it".
    """
    with open_regular(path) as handle:
        return handle.read(cap + 1)


def open_regular(path: Path) -> io.BufferedReader:
    """The regular file at ``path`` opened for binary reading (for readers that stream)."""
    regular_file(path)
    try:
        # O_NONBLOCK: if a FIFO was swapped in after the stat, opening it must not block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _unreadable(exc) from None
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
        handle.close()
        raise Unreadable("is not a regular file")
    return handle


def check_folder(path: Path) -> None:
    """Raise :class:`Unreadable` unless ``path`` is a folder whose entries can be listed."""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            with os.scandir(path):
                return
    except OSError as exc:
        raise _unreadable(exc) from None
    raise Unreadable("is not a folder")


def walk(top: Path, on_error: Callable[[Path, FileProblem], None]) -> Iterator[WalkStep]:
    """``os.walk`` that reports each folder it cannot list instead of skipping it silently.

    Symlinked folders are not followed (as ``os.walk`` does by default); they are listed
    among the folder's entries so the caller can judge where they lead.
    """

    def report(exc: OSError) -> None:
        on_error(Path(exc.filename) if exc.filename else top, _unreadable(exc))

    yield from os.walk(top, onerror=report)


def present(path: Path | str) -> bool:
    """True when something is at ``path``, even where it cannot be looked at.

    ``os.path.lexists`` says False when a folder on the way cannot be searched; that
    would make an unreadable file look absent, so only "no such file" counts as absent.
    """
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def problem_of(path: Path) -> FileProblem | None:
    """Why ``path`` cannot be read as a file or listed as a folder; None when it can.

    A path that does not exist is not a problem here: callers report absence themselves.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return _unreadable(exc)
    if stat.S_ISDIR(info.st_mode):
        try:
            check_folder(path)
        except FileProblem as exc:
            return exc
        return None
    try:
        regular_file(path)
    except FileProblem as exc:
        return exc
    if not os.access(path, os.R_OK):
        return Unreadable("cannot be read: permission denied")
    return None


def _unreadable(exc: OSError) -> FileProblem:
    if exc.errno == errno.ELOOP:
        return Unreadable("is a symlink loop")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Unreadable("cannot be read: permission denied")
    if exc.errno == errno.ENOENT:
        return Missing("does not exist")
    return Unreadable(f"cannot be read: {exc.strerror or exc}")


def _human(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"
