"""The one way mlpolicy opens a file it did not write: type and size checked first, reads bounded.

Repository content is data (SPEC section 12): a FIFO would block forever, a device such as
``/dev/zero`` never ends, and a huge file would exhaust memory. Every reader therefore goes
through :func:`read_bounded` (or :func:`regular_file` before handing a path to a library such
as ``sqlite3``), which refuses anything but a regular file and never reads more than
``cap + 1`` bytes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


class FileProblem(Exception):
    """A file that was not read; ``reason`` completes "the file ..." for a finding message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unreadable(FileProblem):
    """Not a regular file, a symlink loop, or permission denied (MLP009 material)."""


class TooLarge(FileProblem):
    """Larger than the reader's cap; ``size`` is what ``stat`` (or the read) found."""

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
    try:
        # O_NONBLOCK: if a FIFO was swapped in after the stat, opening it must not block.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise _unreadable(exc) from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise Unreadable("is not a regular file")
        data = handle.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(len(data), cap)
    return data


def _unreadable(exc: OSError) -> FileProblem:
    if exc.errno == errno.ELOOP:
        return Unreadable("is a symlink loop")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return Unreadable("cannot be read: permission denied")
    if exc.errno == errno.ENOENT:
        return Unreadable("does not exist")
    return Unreadable(f"cannot be read: {exc.strerror or exc}")


def _human(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"
