"""The user-facing error types; ``cli`` maps them to exit codes in one place."""

from __future__ import annotations


class MlpolicyError(Exception):
    """A problem the user can fix; the message is written for them."""


class UsageError(MlpolicyError):
    """The checker cannot run as asked (bad option, unreadable ``--policy``): exit 2."""


class DocumentError(MlpolicyError):
    """A file mlpolicy reads is unparseable or malformed, with the place it went wrong."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
