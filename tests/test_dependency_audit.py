"""The offline dependency audit (scripts/dependency_audit.py, docs/security.md "Dependency audit"):
a known vulnerability in an installed version fails, anything else passes, and a run that checked
nothing never reads as a pass (issue 14, item 9)."""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "scripts"))


audit_mod = _load("dependency_audit")
update_mod = _load("update_advisories")

INSTALLED = audit_mod.installed_distributions()
DJANGO = INSTALLED["django"]  # the real installed version: the gate must judge what is really there
NOW = datetime.now(UTC)


def _next_patch(version: str) -> str:
    parts = [int(p) for p in version.split(".")[:3]]
    parts += [0] * (3 - len(parts))
    parts[2] += 1
    return ".".join(str(p) for p in parts)


def _advisory(advisory_id: str, name: str, events: list[dict[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "id": advisory_id,
        "aliases": [f"CVE-2099-{advisory_id[-4:]}"],
        "summary": f"fake advisory {advisory_id} for the tests",
        "affected": [
            {"package": {"ecosystem": "PyPI", "name": name}, "ranges": [{"type": "ECOSYSTEM", "events": events}]}
        ],
        **extra,
    }


def _snapshot(
    tmp_path: Path, advisories: list[dict[str, Any]], *, covered: list[str] | None = None, **meta: Any
) -> Path:
    directory = tmp_path / "advisories"
    (directory / "osv").mkdir(parents=True)
    for advisory in advisories:
        (directory / "osv" / f"{advisory['id']}.json").write_text(json.dumps(advisory))
    body = {
        "format": 1,
        "fetched_at": NOW.isoformat(timespec="seconds"),
        "source": "test fixture",
        "covered": sorted(INSTALLED) if covered is None else covered,
        **meta,
    }
    (directory / "snapshot.json").write_text(json.dumps(body))
    return directory


def _run(capsys: Any, *args: str) -> tuple[int, str]:
    code = audit_mod.main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


# --- the gate -----------------------------------------------------------------------------------------


def test_a_fake_advisory_matching_the_installed_version_fails(tmp_path, capsys):
    snapshot = _snapshot(
        tmp_path, [_advisory("TEST-0001", "Django", [{"introduced": "0"}, {"fixed": _next_patch(DJANGO)}])]
    )
    code, text = _run(capsys, "--snapshot", str(snapshot))
    assert code == 1
    assert f"KNOWN VULNERABILITY: django {DJANGO}: TEST-0001 (CVE-2099-0001); fixed in {_next_patch(DJANGO)}" in text
    assert "dependency audit FAILED: 1 known vulnerability" in text
    assert "no known vulnerabilit" not in text


def test_a_fake_advisory_not_matching_the_installed_version_passes(tmp_path, capsys):
    snapshot = _snapshot(
        tmp_path,
        [
            _advisory("TEST-0002", "django", [{"introduced": "0"}, {"fixed": DJANGO}]),  # fixed in ours
            _advisory("TEST-0003", "not-installed-package-x", [{"introduced": "0"}]),
        ],
    )
    code, text = _run(capsys, "--snapshot", str(snapshot))
    assert code == 0, text
    assert f"passed: no known vulnerability in the {len(INSTALLED)} of {len(INSTALLED)} installed distributions" in text
    assert "NOT CHECKED" not in text


def test_nothing_covered_says_skipped_never_no_vulnerabilities(tmp_path, capsys):
    snapshot = _snapshot(tmp_path, [], covered=[], fetched_at=None)
    code, text = _run(capsys, "--snapshot", str(snapshot))
    assert code == 0
    assert "DEPENDENCY AUDIT SKIPPED: NOTHING WAS CHECKED" in text and "this is not a pass" in text
    assert "no known vulnerabilit" not in text.lower()
    assert _run(capsys, "--snapshot", str(snapshot), "--strict")[0] == 1


def test_the_committed_snapshot_is_readable():
    snapshot = audit_mod.load_snapshot(ROOT / "security" / "advisories")
    assert audit_mod.load_exceptions(ROOT / "security" / "advisories" / "exceptions.toml") == []
    if snapshot.covered:
        assert snapshot.fetched_at is not None and snapshot.source


def test_packages_the_snapshot_does_not_cover_are_listed_and_fail_under_strict(tmp_path, capsys):
    snapshot = _snapshot(tmp_path, [], covered=["django"])
    code, text = _run(capsys, "--snapshot", str(snapshot))
    assert code == 0
    assert f"NOT CHECKED (no advisory data in the snapshot) - {len(INSTALLED) - 1}:" in text
    assert f"no known vulnerability in the 1 of {len(INSTALLED)} installed distributions" in text
    code, text = _run(capsys, "--snapshot", str(snapshot), "--strict")
    assert code == 1 and "FAILED (strict: not everything was checked)" in text


def test_an_old_snapshot_says_how_old(tmp_path, capsys):
    fetched = (NOW - timedelta(days=45)).isoformat(timespec="seconds")
    snapshot = _snapshot(tmp_path, [], fetched_at=fetched)
    code, text = _run(capsys, "--snapshot", str(snapshot))
    assert code == 0 and "WARNING: the snapshot is 45 days old" in text


@pytest.mark.parametrize(
    "body, problem",
    [
        ("not json", "not valid JSON"),
        (json.dumps({"format": 2}), "unknown format"),
        (json.dumps({"format": 1, "covered": ["django"], "fetched_at": None}), "says nothing of when"),
    ],
)
def test_a_damaged_snapshot_fails(tmp_path, capsys, body, problem):
    directory = tmp_path / "advisories"
    directory.mkdir()
    (directory / "snapshot.json").write_text(body)
    code, text = _run(capsys, "--snapshot", str(directory))
    assert code == 1 and problem in text


def test_a_missing_snapshot_fails(tmp_path, capsys):
    code, text = _run(capsys, "--snapshot", str(tmp_path / "nowhere"))
    assert code == 1 and "no advisory snapshot" in text


# --- exceptions -----------------------------------------------------------------------------------------


def _exceptions(tmp_path: Path, until: date) -> Path:
    path = tmp_path / "exceptions.toml"
    path.write_text(
        f'[[exception]]\nid = "CVE-2099-0004"\npackage = "Django"\nreason = "not reachable in the test"\nuntil = {until.isoformat()}\n'
    )
    return path


def test_a_documented_exception_in_force_passes_and_says_so(tmp_path, capsys):
    snapshot = _snapshot(tmp_path, [_advisory("TEST-0004", "django", [{"introduced": "0"}])])
    exceptions = _exceptions(tmp_path, NOW.date() + timedelta(days=10))
    code, text = _run(capsys, "--snapshot", str(snapshot), "--exceptions", str(exceptions))
    assert code == 0, text
    assert f"ACCEPTED until {NOW.date() + timedelta(days=10)}: django {DJANGO}: TEST-0004" in text
    assert "reason: not reachable in the test" in text
    assert audit_mod.main(["--snapshot", str(snapshot), "--exceptions", str(exceptions), "--print-ignores"]) == 0
    assert capsys.readouterr().out.strip() == "--ignore-vuln CVE-2099-0004"


def test_an_expired_exception_fails(tmp_path, capsys):
    snapshot = _snapshot(tmp_path, [_advisory("TEST-0004", "django", [{"introduced": "0"}])])
    exceptions = _exceptions(tmp_path, NOW.date() - timedelta(days=1))
    code, text = _run(capsys, "--snapshot", str(snapshot), "--exceptions", str(exceptions))
    assert code == 1 and "EXPIRED EXCEPTION: CVE-2099-0004" in text and "KNOWN VULNERABILITY" in text


def test_an_exception_without_a_reason_is_refused(tmp_path, capsys):
    path = tmp_path / "exceptions.toml"
    path.write_text('[[exception]]\nid = "X"\npackage = "django"\nuntil = 2099-01-01\n')
    code, text = _run(capsys, "--snapshot", str(_snapshot(tmp_path, [])), "--exceptions", str(path))
    assert code == 1 and "lacks reason" in text


# --- OSV matching ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "events, version, affected",
    [
        ([{"introduced": "0"}, {"fixed": "2.0"}], "1.9.9", True),
        ([{"introduced": "0"}, {"fixed": "2.0"}], "2.0", False),
        ([{"introduced": "1.5"}, {"fixed": "2.0"}], "1.4", False),
        ([{"introduced": "1.5"}, {"last_affected": "1.7"}], "1.7", True),
        ([{"introduced": "1.5"}, {"last_affected": "1.7"}], "1.7.1", False),
        ([{"introduced": "0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.3"}], "1.5", False),
        ([{"introduced": "0"}, {"fixed": "1.2"}, {"introduced": "2.0"}, {"fixed": "2.3"}], "2.2", True),
        ([{"introduced": "0"}, {"limit": "3.0"}], "3.1", False),
        ([{"introduced": "0"}, {"fixed": "2.0rc1"}], "2.0b3", True),
    ],
)
def test_osv_ranges(events, version, affected):
    assert audit_mod.advisory_affects(_advisory("R", "pkg", events), "pkg", version) is affected


def test_explicit_versions_names_ecosystems_and_withdrawn():
    listed = {"id": "V", "affected": [{"package": {"ecosystem": "PyPI", "name": "Some_Pkg"}, "versions": ["1.0"]}]}
    assert audit_mod.advisory_affects(listed, "some-pkg", "1.0")
    assert not audit_mod.advisory_affects(listed, "some-pkg", "1.1")
    npm = {"id": "N", "affected": [{"package": {"ecosystem": "npm", "name": "pkg"}, "versions": ["1.0"]}]}
    assert not audit_mod.advisory_affects(npm, "pkg", "1.0")
    withdrawn = {**listed, "withdrawn": "2026-01-01T00:00:00Z"}
    assert not audit_mod.advisory_affects(withdrawn, "some-pkg", "1.0")


# --- refreshing the snapshot ---------------------------------------------------------------------------------


def test_update_from_an_osv_export_keeps_only_our_packages_and_feeds_the_gate(tmp_path, capsys):
    export = tmp_path / "all.zip"
    with zipfile.ZipFile(export, "w") as archive:
        ours = _advisory("TEST-0005", "Django", [{"introduced": "0"}, {"fixed": _next_patch(DJANGO)}])
        archive.writestr("TEST-0005.json", json.dumps(ours))
        archive.writestr(
            "TEST-0006.json", json.dumps(_advisory("TEST-0006", "not-installed-package-y", [{"introduced": "0"}]))
        )
    target = tmp_path / "snapshot"
    (target / "osv").mkdir(parents=True)
    (target / "osv" / "OLD-0001.json").write_text("{}")  # no longer listed: removed
    assert update_mod.main(["--from", str(export), "--snapshot", str(target)]) == 0
    assert sorted(p.name for p in (target / "osv").iterdir()) == ["TEST-0005.json"]
    meta = json.loads((target / "snapshot.json").read_text())
    assert meta["source"] == "OSV export all.zip" and meta["covered"] == sorted(INSTALLED) and meta["advisories"] == 1
    capsys.readouterr()
    code, text = _run(capsys, "--snapshot", str(target))
    assert code == 1 and "KNOWN VULNERABILITY: django" in text


def test_update_from_an_unreachable_source_changes_nothing(tmp_path, capsys):
    target = _snapshot(tmp_path, [])
    before = (target / "snapshot.json").read_text()
    assert update_mod.main(["--api", "http://127.0.0.1:9", "--snapshot", str(target)]) == 1
    assert "snapshot is unchanged" in capsys.readouterr().err
    assert (target / "snapshot.json").read_text() == before
