"""Settings for one ``check`` run, after command line, environment and pyproject are merged."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlpolicy.errors import UsageError
from mlpolicy.findings import Severity

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


def pyproject_defaults(start: Path) -> dict[str, Any]:
    """``[tool.mlpolicy]`` from the nearest ``pyproject.toml`` at or above ``start``."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return _read_tool_table(candidate)
    return {}


def _read_tool_table(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read [tool.mlpolicy]: {exc}") from None
    table = data.get("tool", {}).get("mlpolicy", {})
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.mlpolicy] must be a table")
    # Relative paths in pyproject.toml are relative to the file, not to the working directory.
    if isinstance(table.get("policy"), str):
        table = {**table, "policy": str(path.parent / table["policy"])}
    return {key.replace("-", "_"): value for key, value in table.items()}
