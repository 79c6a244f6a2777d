"""MLP005-MLP007 and how waivers suppress findings."""

from __future__ import annotations

from conftest import Repo

TODAY = {"MLPOLICY_TODAY": "2027-01-20"}


def _manifest(waivers: str, phase: str = "ideation") -> str:
    return f"version: 1\nphase: {phase}\nwaivers:\n{waivers}"


def _waiver(rule: str, expires: str, path: str | None = None) -> str:
    extra = f"    path: {path}\n" if path else ""
    return (
        f'  - rule: {rule}\n    reason: "Written in the wiki until the migration"\n'
        f'    expires: {expires}\n    approved_by: "@ml-lead"\n{extra}'
    )


def _by_rule(result) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for project in result.json()["projects"]:
        for finding in project["findings"]:
            found.setdefault(finding["rule"], []).append(finding)
    return found


def test_expired_waiver_is_mlp005_and_suppresses_nothing(repo: Repo) -> None:
    manifest = (
        "version: 1\nphase: ideation\nartifacts:\n  design_doc: /etc/hostname\nwaivers:\n"
        + _waiver("MLP008", "2027-01-19")
    )
    repo.write({"mlpolicy.yaml": manifest})
    result = repo.check("--format", "json", "--select", "MLP0", env=TODAY)
    found = _by_rule(result)
    assert [(f["line"], f["severity"]) for f in found["MLP005"]] == [(6, "error")]
    assert found["MLP008"][0]["waived"] is False
    assert result.code == 1


def test_valid_waiver_suppresses_exactly_what_it_names(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": _manifest(_waiver("MLP101", "2027-06-30"))})
    result = repo.check("--format", "json", env=TODAY)
    found = _by_rule(result)
    if "MLP101" in found:  # once the design-doc rules exist, the waived finding stays visible
        assert all(f["waived"] for f in found["MLP101"])
        assert "MLP007" not in found
    assert "MLP005" not in found and "MLP006" not in found


def test_waived_finding_is_marked_and_does_not_fail(repo: Repo) -> None:
    # MLP008 is a real finding in every build: waive it and see it marked, not counted.
    manifest = (
        "version: 1\nphase: ideation\nartifacts:\n  design_doc: /etc/hostname\nwaivers:\n"
        + _waiver("MLP008", "2027-06-30")
    )
    repo.write({"mlpolicy.yaml": manifest})
    result = repo.check("--format", "json", "--select", "MLP0", env=TODAY)
    [finding] = _by_rule(result)["MLP008"]
    assert finding["waived"] is True
    assert result.json()["summary"]["waived"] == 1
    assert result.code == 0


def test_waiver_path_scope_limits_it(repo: Repo) -> None:
    manifest = (
        "version: 1\nphase: ideation\nartifacts:\n  design_doc: /etc/hostname\nwaivers:\n"
        + _waiver("MLP008", "2027-06-30", path="monitoring/")
    )
    repo.write({"mlpolicy.yaml": manifest})
    result = repo.check("--format", "json", "--select", "MLP0", env=TODAY)
    found = _by_rule(result)
    assert found["MLP008"][0]["waived"] is False
    assert [f["line"] for f in found["MLP007"]] == [6]
    assert result.code == 1


def test_waiver_expiring_within_14_days_is_mlp006(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": _manifest(_waiver("MLP101", "2027-01-30"))})
    found = _by_rule(repo.check("--format", "json", env=TODAY))
    assert [f["severity"] for f in found["MLP006"]] == ["warning"]
    repo.write({"mlpolicy.yaml": _manifest(_waiver("MLP101", "2027-02-28"))})
    assert "MLP006" not in _by_rule(repo.check("--format", "json", env=TODAY))


def test_unused_waiver_is_mlp007_warning(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": _manifest(_waiver("MLP405", "2027-06-30"))})
    result = repo.check("--format", "json", "--select", "MLP0", env=TODAY)
    [finding] = _by_rule(result)["MLP007"]
    assert (finding["severity"], finding["line"]) == ("warning", 4)
    assert result.code == 0


def test_waiver_without_reason_or_approver_is_mlp003(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": _manifest("  - rule: MLP101\n    expires: 2027-06-30\n")})
    messages = [f["message"] for f in _by_rule(repo.check("--format", "json"))["MLP003"]]
    assert any("reason" in m for m in messages) and any("approved_by" in m for m in messages)


def test_impossible_expiry_date_is_mlp003(repo: Repo) -> None:
    repo.write({"mlpolicy.yaml": _manifest(_waiver("MLP101", "2027-02-30"))})
    [finding] = _by_rule(repo.check("--format", "json"))["MLP003"]
    assert finding["line"] == 6
