"""An installed, non-editable wheel carries every schema, the default policy and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    [built] = out.glob("mlpolicy-*.whl")
    return built


def test_wheel_ships_every_schema_and_the_policy(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (ROOT / "schemas").glob("*.schema.json"):
        assert f"mlpolicy/schemas/{schema.name}" in names
    assert "mlpolicy/data/default-policy.yaml" in names
    assert "mlpolicy/data/default-policy.json" in names  # the frozen form builtin() reads
    assert "mlpolicy/py.typed" in names


def test_installed_wheel_loads_every_schema(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
         str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    code = (
        "import json, mlpolicy, mlpolicy.schema as s, mlpolicy.policy as p\n"
        "print(json.dumps({'file': mlpolicy.__file__, 'dir': str(s.schema_dir()),"
        " 'names': s.names(), 'ok': [bool(s.load(n)) for n in s.names()],"
        " 'phases': p.builtin().phase_ids}))\n"
    )
    # Run from an empty directory with the wheel's copy first on the path, not the checkout.
    env = {**os.environ, "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(done.stdout)
    assert info["file"].startswith(str(target))
    assert info["dir"].startswith(str(target))
    expected = sorted(
        p.name.removesuffix(".schema.json") for p in (ROOT / "schemas").glob("*.schema.json")
    )
    assert info["names"] == expected
    assert all(info["ok"])
    assert info["phases"] == ["ideation", "experimentation", "pipeline", "production"]
