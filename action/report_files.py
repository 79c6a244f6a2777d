"""The Action's report files: cleared before the run, placed after it, never through a symlink.

Run by action.yml with the Action's own Python (``python -I``), in the workspace:

    report_files.py clear DEST             remove a stale or committed file (or symlink) at DEST
    report_files.py finish JSON SARIF DEST print the step outputs; copy SARIF to DEST if written

DEST comes from the workflow (trusted), but the folders on its way come from the checked-out
change (not trusted): a committed ``mlpolicy.sarif -> /outside/file`` symlink, or a committed
folder symlink on the way, must never make the Action remove or write anything outside the
workspace. So the folder holding DEST must resolve inside the workspace, a symlink at DEST is
removed rather than followed, and DEST is created with O_EXCL|O_NOFOLLOW.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path


class Refused(Exception):
    """DEST cannot be used; the message is for the workflow log."""


def checked(dest: str) -> Path:
    """DEST, once its folder is known to resolve inside the workspace."""
    if not dest or "\n" in dest or "\r" in dest:
        raise Refused("sarif-file must be a single, non-empty line")
    workspace = Path.cwd().resolve()
    path = Path(dest)
    folder = (workspace / path).parent.resolve()
    if folder != workspace and workspace not in folder.parents:
        raise Refused(f"sarif-file {dest} is outside the workspace (or reached through a symlink)")
    return folder / path.name


def clear(dest: str) -> None:
    """Remove whatever file or symlink is at DEST, so no stale or forged SARIF survives."""
    path = checked(dest)
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        raise Refused(f"sarif-file {dest} exists and is not a file")


def place(source: Path, dest: str) -> bool:
    """Copy SOURCE to DEST as a new file; False when this run wrote no SARIF."""
    if not source.is_file():
        return False
    path = checked(dest)
    path.parent.mkdir(parents=True, exist_ok=True)
    checked(dest)  # the folders just made must not have let the path escape either
    if path.is_symlink() or path.is_file():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o644), "wb") as out:
        out.write(source.read_bytes())
    return True


def outputs(report: Path, wrote_sarif: bool, dest: str) -> list[str]:
    """The step outputs: verdict and counts from the JSON report, SARIF path if written."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        passed, summary = bool(data["passed"]), data["summary"]
        counts = (str(summary["errors"]), str(summary["warnings"]))
    except (OSError, ValueError, KeyError, TypeError):
        passed, counts = False, ("", "")
    return [
        f"passed={'true' if passed else 'false'}",
        f"errors={counts[0]}",
        f"warnings={counts[1]}",
        f"sarif-file={dest if wrote_sarif else ''}",
    ]


def main(args: list[str]) -> int:
    """Run ``clear`` or ``finish``; exit 2 with a workflow error when DEST is refused."""
    if args[:1] == ["clear"] and len(args) == 2:
        return _refusing(lambda: clear(args[1]))
    if args[:1] == ["finish"] and len(args) == 4:
        wrote: list[bool] = []
        code = _refusing(lambda: wrote.append(place(Path(args[2]), args[3])))
        # The outputs are written whatever happened, so later steps never see stale ones.
        print("\n".join(outputs(Path(args[1]), any(wrote), args[3])))
        return code
    print("usage: report_files.py clear DEST | finish JSON SARIF DEST", file=sys.stderr)
    return 2


def _refusing(action: Callable[[], object]) -> int:
    try:
        action()
    except (Refused, OSError) as exc:
        print(f"::error title=mlpolicy::{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
