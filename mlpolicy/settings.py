"""Settings for one ``check`` run, after command line, environment and pyproject are merged."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlpolicy.errors import UsageError
from mlpolicy.findings import Problem, Severity

if TYPE_CHECKING:
    from mlpolicy.policy import Policy

FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


@dataclass(frozen=True, slots=True)
class Settings:
    """What the user asked for; every field has a default, so ``Settings()`` is a plain check."""

    phase: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity | None = Severity.ERROR
    policy: Path | None = None
    use_git: bool = True
    base: str | None = None
    changed_only: bool = False
    github_base_ref: str | None = None  # GITHUB_BASE_REF: a pull request's target branch
    today: dt.date | None = None  # fixed by MLPOLICY_TODAY for reproducible reports
    notes: tuple[str, ...] = ()  # what settings resolution has to say (mlpolicy.trust)
    changes: tuple[Problem, ...] = ()  # MLP504: [tool.mlpolicy] edits that were not applied

    @property
    def date(self) -> dt.date:
        """The date waivers are judged against."""
        return self.today or dt.date.today()

    def wants(self, rule_id: str) -> bool:
        """True when ``--select``/``--ignore`` let ``rule_id`` run."""
        selected = not self.select or any(rule_id.startswith(p) for p in self.select)
        return selected and not any(rule_id.startswith(p) for p in self.ignore)


def split_codes(
    value: str | tuple[str, ...] | list[str] | None, known: tuple[str, ...]
) -> tuple[str, ...]:
    """Parse ``MLP1,MLP305`` (or a list) into prefixes, rejecting ones that match no rule."""
    if not value:
        return ()
    items = (
        value.split(",")
        if isinstance(value, str)
        else [part for item in value for part in str(item).split(",")]
    )
    codes = tuple(item.strip().upper() for item in items if item.strip())
    for code in codes:
        if not any(rule.startswith(code) for rule in known):
            raise UsageError(f'"{code}" matches no rule id (try `mlpolicy rules`)')
    return codes


PYPROJECT = "pyproject.toml"
PYPROJECT_CAP = 1 << 20  # a pyproject.toml is a few KiB; anything past 1 MiB is not one
# Where a report goes is the workflow's decision, never the repository's (SPEC section 12).
DESTINATION_KEYS = ("output", "report")


def read_tool_table(root: Path) -> dict[str, Any]:
    """``[tool.mlpolicy]`` of ``root/pyproject.toml``, validated; empty when there is none."""
    data = read_tool_bytes(root)
    if data is None:
        return {}
    where = str(root / PYPROJECT)
    table = parse_tool_table(data, where)
    validate_tool_table(table, where)
    return table


def read_tool_bytes(root: Path) -> bytes | None:
    """``root/pyproject.toml``'s bytes, or None when there is none.

    Only the root's file is read, never a parent directory's, and only when it resolves
    inside ``root`` and is a regular file of at most :data:`PYPROJECT_CAP` bytes.
    """
    from mlpolicy.safeio import FileProblem, read_bounded

    path = root / PYPROJECT
    if not path.is_symlink() and not path.exists():
        return None
    if not Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root)):
        raise UsageError(f"{path} is a symlink leading outside the repository; it was not read")
    try:
        return read_bounded(path, PYPROJECT_CAP)
    except FileProblem as exc:
        raise UsageError(f"{path} {exc.reason}") from None


def parse_tool_table(data: bytes, where: str) -> dict[str, Any]:
    """``[tool.mlpolicy]`` of a pyproject.toml's bytes, keys in the ``_`` form (``fail_on``)."""
    import tomllib  # only a repository with a pyproject.toml pays for it

    try:
        document = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"{where}: cannot read [tool.mlpolicy]: not UTF-8") from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise UsageError(f"{where}: cannot read [tool.mlpolicy]: {exc}") from None
    tool = document.get("tool", {})
    table = tool.get("mlpolicy", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise UsageError(f"{where}: [tool.mlpolicy] must be a table")
    return {key.replace("-", "_"): value for key, value in table.items()}


def validate_tool_table(table: dict[str, Any], where: str) -> None:
    """Refuse report destinations and anything ``schemas/settings.schema.json`` rejects."""
    if not table:
        return  # most pyproject.toml files have no [tool.mlpolicy]: no validator to build
    from mlpolicy import schema

    for key in DESTINATION_KEYS:
        if key in table:
            raise UsageError(
                f"{where}: [tool.mlpolicy] {key}: report destinations are taken only from the"
                f" command line or the environment (--output, --report), never from a file in"
                f" the repository; remove the key"
            )
    errors = schema.validate("settings", table)
    if errors:
        raise UsageError(f"{where}: [tool.mlpolicy] {errors[0].message}")


def tool_table_line(data: bytes) -> int | None:
    """The line of the ``[tool.mlpolicy]`` header in a pyproject.toml, for the finding."""
    for number, line in enumerate(data.splitlines(), start=1):
        if line.strip().replace(b" ", b"").startswith(b"[tool.mlpolicy]"):
            return number
    return None


def load_forced_policy(path: Path, data: bytes | None = None) -> Policy:
    """The ``--policy`` file (or ``data``, its version at the base); a problem is exit 2."""
    from mlpolicy import policy as policy_module
    from mlpolicy.errors import DocumentError
    from mlpolicy.safeio import FileProblem

    try:
        if data is not None:
            return policy_module.parse(data, str(path))
        return policy_module.load(path)
    except FileProblem as exc:
        raise UsageError(f"--policy: {path} {exc.reason}") from None
    except OSError as exc:
        raise UsageError(f"--policy: cannot read {path}: {exc.strerror}") from None
    except DocumentError as exc:
        where = ":".join(str(p) for p in (path, exc.line, exc.column) if p is not None)
        raise UsageError(f"--policy: {where}: {exc.message}") from None
