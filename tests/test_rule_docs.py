"""Every implemented rule's doc is complete, and its examples are executed.

A rule doc has ``## What it does``, ``## Why is this bad?``, ``## Example`` and ``## Fix``.
Fenced blocks with ``title="path"`` in Example are written into a fresh git repository
(committed) and checked: the rule must fire. Fix's blocks are then written over them: it
must not. A fence attribute ``today="YYYY-MM-DD"`` fixes the date for waiver rules, and a
block with ``delete`` (``title="path" delete``) removes that file in the Fix. A block
marked ``symlink`` makes its path a symlink to the block's text (a Fix block written over
it replaces the link). A Fix block
with ``commit="<sha>"`` uses ``<sha>`` for the commit that holds the Example, which nobody
can know in advance; the test writes the real SHA in its place.

Rules about history and pull requests need a commit before the Example: Example blocks
marked ``base`` are written and committed first, and both checks then run in pull-request
mode against that commit (``--base <sha>``). An Example block with ``commit="<sha>"`` gets
the base commit's SHA, as a Fix block gets the Example's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Repo

from mlpolicy.rules import ALL_RULES

IMPLEMENTED = [rule for rule in ALL_RULES if rule.implemented]
SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Fix")
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


def _section(doc: str, heading: str) -> str:
    start = doc.index(heading) + len(heading)
    following = [doc.index(h, start) for h in SECTIONS if h in doc[start:]]
    return doc[start : min(following, default=len(doc))]


def _flag(info: str, name: str) -> bool:
    """True when the fence info has the bare word ``name`` (outside quoted values)."""
    return re.search(rf"\b{name}\b", re.sub(r'"[^"]*"', '""', info)) is not None


def _files(text: str, base: bool = False) -> tuple[dict[str, str], set[str], str | None]:
    files: dict[str, str] = {}
    deleted: set[str] = set()
    today = None
    for match in FENCE.finditer(text):
        info = match["info"]
        title = re.search(r'title="([^"]+)"', info)
        if title is None or _flag(info, "base") != base or _flag(info, "symlink"):
            continue
        if _flag(info, "delete"):
            deleted.add(title[1])
        else:
            files[title[1]] = match["body"]
        date = re.search(r'today="([^"]+)"', info)
        today = date[1] if date else today
    return files, deleted, today


def _symlinks(text: str) -> dict[str, str]:
    """Blocks marked ``symlink``: the file is a symlink to the block's text."""
    links = {}
    for match in FENCE.finditer(text):
        title = re.search(r'title="([^"]+)"', match["info"])
        if title and _flag(match["info"], "symlink"):
            links[title[1]] = match["body"].strip()
    return links


def _pin_commit(text: str, files: dict[str, str], sha: str) -> dict[str, str]:
    for match in FENCE.finditer(text):
        if _flag(match["info"], "base"):
            continue
        title = re.search(r'title="([^"]+)"', match["info"])
        stand_in = re.search(r'\bcommit="([0-9a-f]+)"', match["info"])
        if title and stand_in and title[1] in files:
            files[title[1]] = files[title[1]].replace(stand_in[1], sha)
    return files


@pytest.mark.parametrize("rule", IMPLEMENTED, ids=lambda r: r.id)
def test_doc_has_every_section(rule) -> None:
    for heading in SECTIONS:
        assert heading in rule.doc, f"{rule.id} doc lacks {heading!r}"
    assert _files(_section(rule.doc, "## Example"))[0], f"{rule.id}: Example has no titled file"


@pytest.mark.parametrize("rule", IMPLEMENTED, ids=lambda r: r.id)
def test_example_fails_and_fix_passes(rule, tmp_path: Path) -> None:
    text = _section(rule.doc, "## Example")
    example, _, today = _files(text)
    fix, deleted, fix_today = _files(_section(rule.doc, "## Fix"))
    repo = Repo(tmp_path / "project")
    base, args = _files(text, base=True)[0], []
    if base:
        args = ["--base", repo.write(base).commit("base")]
        example = _pin_commit(text, example, args[1])
    repo.write(example)
    for name, target in _symlinks(text).items():
        (repo.root / name).parent.mkdir(parents=True, exist_ok=True)
        (repo.root / name).symlink_to(target)
    example_commit = repo.commit("example")
    env = {"MLPOLICY_TODAY": today} if today else {}
    before = repo.check("--format", "json", *args, env=env)
    assert before.code == (1 if rule.default.value == "error" else before.code), before.stderr
    assert rule.id in before.rules(), f"{rule.id} did not fire on its doc example:\n{before.stdout}"

    for name in fix:
        if (repo.root / name).is_symlink():
            (repo.root / name).unlink()
    repo.write(_pin_commit(_section(rule.doc, "## Fix"), fix, example_commit))
    for name in deleted:
        (repo.root / name).unlink()
    repo.commit("fix")
    env = {"MLPOLICY_TODAY": fix_today or today} if (fix_today or today) else {}
    after = repo.check("--format", "json", *args, env=env)
    assert after.code in (0, 1), after.stderr
    assert rule.id not in after.rules(), f"{rule.id} still fires after its doc fix:\n{after.stdout}"
