"""The rule registry: the static index matches the modules, and unused rules stay unimported."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

from mlpolicy.rules import ALL_RULES, rule
from mlpolicy.rules.base import Rule
from mlpolicy.rules.index import RULE_INDEX

ROOT = Path(__file__).parents[2]
RULES_DIR = ROOT / "mlpolicy" / "rules"
HELPERS = {"__init__", "base", "docs", "index"}


def _defined() -> dict[str, tuple[str, Rule]]:
    """Every rule the family modules define, with the module that defines it."""
    found: dict[str, tuple[str, Rule]] = {}
    for path in sorted(RULES_DIR.glob("*.py")):
        if path.stem in HELPERS:
            continue
        module = importlib.import_module(f"mlpolicy.rules.{path.stem}")
        for defined in module.RULES:
            assert defined.id not in found, f"{defined.id} is defined twice"
            found[defined.id] = (path.stem, defined)
    return found


def test_index_names_the_module_and_requirement_of_every_rule() -> None:
    actual = {i: (module, r.requirement) for i, (module, r) in _defined().items()}
    assert actual == RULE_INDEX


def test_registry_lists_every_indexed_rule_in_id_order() -> None:
    assert [r.id for r in ALL_RULES] == sorted(RULE_INDEX)
    assert all(r.implemented and r.doc for r in ALL_RULES)
    assert rule("MLP501").name == "artifact-untracked"


def test_rule_modules_never_import_each_other() -> None:
    families = {p.stem for p in RULES_DIR.glob("*.py")} - HELPERS
    for family in sorted(families):
        text = (RULES_DIR / f"{family}.py").read_text(encoding="utf-8")
        for other in families - {family}:
            assert f"mlpolicy.rules.{other} " not in text + " ", f"{family} imports {other}"
            assert f"mlpolicy.rules import {other}" not in text, f"{family} imports {other}"


def _modules_after_check(path: Path) -> set[str]:
    """The mlpolicy modules a fresh process has imported after checking ``path``."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mlpolicy import engine\n"
        "from mlpolicy.settings import Settings\n"
        f"engine.check([Path({str(path)!r})], Settings())\n"
        "print('\\n'.join(m for m in sys.modules if m.startswith('mlpolicy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stdout.split("\n"))


def test_a_phase_never_imports_the_rules_and_readers_it_does_not_need() -> None:
    loaded = _modules_after_check(ROOT / "examples" / "ideation")
    assert "mlpolicy.rules.design_doc" in loaded
    unused = {
        "mlpolicy.rules.monitoring",
        "mlpolicy.rules.experiments",
        "mlpolicy.rules.validation",
        "mlpolicy.artifacts.monitoring",
        "mlpolicy.artifacts.evidence",
    }
    assert not unused & loaded
