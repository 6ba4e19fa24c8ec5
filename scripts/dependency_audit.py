"""Offline dependency audit: the installed distributions against a vendored OSV advisory snapshot.

    .venv/bin/python scripts/dependency_audit.py [--strict] [--snapshot DIR] [--exceptions FILE]

Why this exists (docs/security.md, "Dependency audit"): on the build network `pip-audit` cannot reach a
vulnerability feed (PyPI's per-release JSON answers 404, api.osv.dev is unreachable), reports every
package "not found" and still prints "No known vulnerabilities found". This checker reads advisories
in OSV format from `security/advisories/` (refreshed by `scripts/update_advisories.py` where a feed is
reachable) and compares every installed distribution's version (importlib.metadata) against them.

It never claims more than it checked:
- a distribution the snapshot does not cover is listed as NOT CHECKED (with `--strict`, that fails);
- when nothing at all is covered the run says SKIPPED, in capitals, and passes only without `--strict`;
- the snapshot's date and age are printed on every run.
Exit status: 0 pass (or skipped without --strict), 1 a known vulnerability, an expired or malformed
exception, an unreadable snapshot, or (with --strict) anything not checked.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SNAPSHOT = ROOT / "security" / "advisories"
SNAPSHOT_FILE = "snapshot.json"
ADVISORY_DIR = "osv"
EXCEPTIONS_FILE = "exceptions.toml"
STALE_AFTER_DAYS = 30
ECOSYSTEM = "PyPI"


def normalize(name: str) -> str:
    """PEP 503 name normalisation: `Django_Stubs` and `django-stubs` are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- inputs ------------------------------------------------------------------------------------------


def installed_distributions(*, skip_editable: bool = True) -> dict[str, str]:
    """{normalised name: version} of every distribution importable here. Editable installs (the project
    itself) are skipped, as `pip-audit --skip-editable` does: they are not published packages."""
    found: dict[str, str] = {}
    editable: set[str] = set()
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if not name:
            continue
        if _is_editable(dist):
            # Its source tree may also carry an egg-info without the editable marker: skip the name.
            editable.add(normalize(name))
        # The first one found is the one Python imports.
        found.setdefault(normalize(name), dist.version)
    return {name: version for name, version in sorted(found.items()) if not (skip_editable and name in editable)}


def _is_editable(dist: metadata.Distribution) -> bool:
    raw = dist.read_text("direct_url.json")
    if not raw:
        return False
    try:
        return bool(json.loads(raw).get("dir_info", {}).get("editable"))
    except ValueError:
        return False


@dataclass(frozen=True)
class Snapshot:
    fetched_at: datetime | None
    source: str
    covered: frozenset[str]  # names the source was asked about (with or without advisories)
    advisories: tuple[Mapping[str, Any], ...]

    def age_days(self, today: date) -> int | None:
        return None if self.fetched_at is None else (today - self.fetched_at.date()).days


class SnapshotError(ValueError):
    pass


def load_snapshot(directory: Path) -> Snapshot:
    meta_path = directory / SNAPSHOT_FILE
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SnapshotError(f"no advisory snapshot at {meta_path}") from exc
    except ValueError as exc:
        raise SnapshotError(f"{meta_path} is not valid JSON: {exc}") from exc
    if meta.get("format") != 1:
        raise SnapshotError(f"{meta_path}: unknown format {meta.get('format')!r} (expected 1)")
    fetched = meta.get("fetched_at")
    try:
        fetched_at = datetime.fromisoformat(fetched).astimezone(UTC) if fetched else None
    except (TypeError, ValueError) as exc:
        raise SnapshotError(f"{meta_path}: fetched_at {fetched!r} is not an ISO 8601 time") from exc
    covered = frozenset(normalize(name) for name in meta.get("covered", []))
    if covered and fetched_at is None:
        raise SnapshotError(f"{meta_path}: covers packages but says nothing of when it was fetched")
    advisories = []
    for path in sorted((directory / ADVISORY_DIR).glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise SnapshotError(f"{path} is not valid JSON: {exc}") from exc
        if not isinstance(record, dict) or "id" not in record or "affected" not in record:
            raise SnapshotError(f"{path} is not an OSV record (needs id and affected)")
        advisories.append(record)
    return Snapshot(
        fetched_at=fetched_at, source=str(meta.get("source") or ""), covered=covered, advisories=tuple(advisories)
    )


@dataclass(frozen=True)
class AcceptedRisk:
    """A documented exception: this advisory does not fail the gate until `until` (then it does)."""

    id: str
    package: str
    reason: str
    until: date


def load_exceptions(path: Path) -> list[AcceptedRisk]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    accepted = []
    for number, entry in enumerate(data.get("exception", []), start=1):
        missing = [key for key in ("id", "package", "reason", "until") if not entry.get(key)]
        if missing:
            raise SnapshotError(f"{path}: exception {number} lacks {', '.join(missing)}")
        until = entry["until"]
        if not isinstance(until, date):
            raise SnapshotError(f"{path}: exception {number}: until must be a TOML date, e.g. 2027-01-31")
        accepted.append(
            AcceptedRisk(
                id=str(entry["id"]), package=normalize(str(entry["package"])), reason=str(entry["reason"]), until=until
            )
        )
    return accepted


# --- matching (OSV schema, "affected") ----------------------------------------------------------------


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_range(version: Version, events: Iterable[Mapping[str, str]]) -> bool:
    """OSV ECOSYSTEM range semantics: walk the events in version order; `introduced` opens, `fixed` and
    `limit` close at their version, `last_affected` closes after it."""
    keyed: list[tuple[Version, int, str]] = []
    for event in events:
        for kind, order in (("introduced", 0), ("fixed", 1), ("last_affected", 1), ("limit", 1)):
            if kind in event:
                value = event[kind]
                at = Version("0") if kind == "introduced" and value == "0" else _version(value)
                if at is None:
                    continue  # an ecosystem version PEP 440 cannot read: it cannot match a PEP 440 one
                keyed.append((at, order, kind))
    affected = False
    for at, _, kind in sorted(keyed):
        if kind == "introduced" and version >= at:
            affected = True
        elif (kind in ("fixed", "limit") and version >= at) or (kind == "last_affected" and version > at):
            affected = False
    return affected


def advisory_affects(advisory: Mapping[str, Any], name: str, version: str) -> bool:
    """Whether the OSV record lists `name` (PyPI) at `version` as affected. Withdrawn records never do."""
    if advisory.get("withdrawn"):
        return False
    parsed = _version(version)
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != ECOSYSTEM or normalize(package.get("name", "")) != name:
            continue
        if version in affected.get("versions", []):
            return True
        if parsed is None:
            continue
        for rng in affected.get("ranges", []):
            if rng.get("type") == "ECOSYSTEM" and _in_range(parsed, rng.get("events", [])):
                return True
    return False


def fixed_versions(advisory: Mapping[str, Any], name: str) -> list[str]:
    found: list[str] = []
    for affected in advisory.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") == ECOSYSTEM and normalize(package.get("name", "")) == name:
            for rng in affected.get("ranges", []):
                found.extend(event["fixed"] for event in rng.get("events", []) if "fixed" in event)
    return sorted(set(found), key=lambda text: (_version(text) or Version("0"), text))


# --- the audit -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory_id: str
    aliases: tuple[str, ...]
    summary: str
    fixed: tuple[str, ...]
    accepted: AcceptedRisk | None = None


@dataclass
class Report:
    checked: dict[str, str] = field(default_factory=dict)
    unchecked: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    expired: list[AcceptedRisk] = field(default_factory=list)
    unused: list[AcceptedRisk] = field(default_factory=list)

    @property
    def failing(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.accepted is None]


def audit(installed: Mapping[str, str], snapshot: Snapshot, accepted: Iterable[AcceptedRisk], *, today: date) -> Report:
    report = Report()
    by_package: dict[str, list[Mapping[str, Any]]] = {}
    for advisory in snapshot.advisories:
        for affected in advisory.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") == ECOSYSTEM and package.get("name"):
                entries = by_package.setdefault(normalize(package["name"]), [])
                if advisory not in entries:
                    entries.append(advisory)
    accepted = list(accepted)
    used: set[tuple[str, str]] = set()
    for name, version in installed.items():
        if name not in snapshot.covered:
            report.unchecked[name] = version
            continue
        report.checked[name] = version
        for advisory in by_package.get(name, []):
            if not advisory_affects(advisory, name, version):
                continue
            ids = {advisory["id"], *advisory.get("aliases", [])}
            risk = next((a for a in accepted if a.package == name and a.id in ids), None)
            if risk is not None:
                used.add((risk.package, risk.id))
                if risk.until < today:
                    report.expired.append(risk)
                    risk = None
            report.findings.append(
                Finding(
                    package=name,
                    version=version,
                    advisory_id=str(advisory["id"]),
                    aliases=tuple(sorted(advisory.get("aliases", []))),
                    summary=str(advisory.get("summary") or advisory.get("details", ""))[:160],
                    fixed=tuple(fixed_versions(advisory, name)),
                    accepted=risk,
                )
            )
    report.unused = [risk for risk in accepted if (risk.package, risk.id) not in used]
    return report


def render(report: Report, snapshot: Snapshot, *, today: date, strict: bool) -> tuple[list[str], int]:
    """The lines to print and the exit status."""
    lines: list[str] = []
    age = snapshot.age_days(today)
    when = (
        "never fetched" if snapshot.fetched_at is None else f"fetched {snapshot.fetched_at:%Y-%m-%d} ({age} days ago)"
    )
    lines.append(
        f"dependency audit: offline OSV snapshot security/advisories, {when}, source: {snapshot.source or 'none'}"
    )
    lines.append(f"  {len(snapshot.advisories)} advisories; {len(snapshot.covered)} package names covered")
    if age is not None and age > STALE_AFTER_DAYS:
        lines.append(
            f"  WARNING: the snapshot is {age} days old; advisories published since are unknown to this gate "
            "(refresh: scripts/update_advisories.py)"
        )
    for finding in report.findings:
        also = f" ({', '.join(finding.aliases)})" if finding.aliases else ""
        fix = f"; fixed in {', '.join(finding.fixed)}" if finding.fixed else "; no fixed version listed"
        if finding.accepted is not None:
            lines.append(
                f"  ACCEPTED until {finding.accepted.until}: {finding.package} {finding.version}: "
                f"{finding.advisory_id}{also}{fix}; reason: {finding.accepted.reason}"
            )
        else:
            lines.append(
                f"  KNOWN VULNERABILITY: {finding.package} {finding.version}: {finding.advisory_id}{also}{fix}: {finding.summary}"
            )
    for risk in report.expired:
        lines.append(
            f"  EXPIRED EXCEPTION: {risk.id} for {risk.package} ended {risk.until}: fix it or renew the exception"
        )
    for risk in report.unused:
        lines.append(f"  note: exception {risk.id} for {risk.package} matches nothing installed any more: remove it")
    if report.unchecked:
        names = ", ".join(f"{name} {version}" for name, version in report.unchecked.items())
        lines.append(f"  NOT CHECKED (no advisory data in the snapshot) - {len(report.unchecked)}: {names}")
    status = 0
    failing = report.failing
    total = len(report.checked) + len(report.unchecked)
    if failing or report.expired:
        status = 1
        lines.append(
            f"dependency audit FAILED: {len(failing)} known vulnerabilit{'y' if len(failing) == 1 else 'ies'}"
            f"{f', {len(report.expired)} expired exceptions' if report.expired else ''} "
            f"in {len(report.checked)} checked distributions"
        )
    elif not report.checked:
        status = 1 if strict else 0
        lines.append(
            f"DEPENDENCY AUDIT SKIPPED: NOTHING WAS CHECKED. None of the {total} installed distributions has "
            "advisory data in the snapshot; this is not a pass (docs/security.md, 'Dependency audit')"
        )
    else:
        if report.unchecked and strict:
            status = 1
        verdict = "FAILED (strict: not everything was checked)" if status else "passed"
        lines.append(
            f"dependency audit {verdict}: no known vulnerability in the {len(report.checked)} of {total} "
            f"installed distributions checked against the snapshot of "
            f"{snapshot.fetched_at:%Y-%m-%d}; {len(report.unchecked)} not checked"
        )
    return lines, status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT, help="the advisory snapshot directory")
    parser.add_argument("--exceptions", type=Path, default=None, help="default: SNAPSHOT/exceptions.toml")
    parser.add_argument("--strict", action="store_true", help="fail when any installed distribution is not checked")
    parser.add_argument(
        "--print-ignores",
        action="store_true",
        help="print `--ignore-vuln ID` for each exception still in force (for pip-audit), and exit",
    )
    args = parser.parse_args(argv)
    today = datetime.now(UTC).date()
    try:
        accepted = load_exceptions(args.exceptions or args.snapshot / EXCEPTIONS_FILE)
        if args.print_ignores:
            print(" ".join(f"--ignore-vuln {risk.id}" for risk in accepted if risk.until >= today))
            return 0
        snapshot = load_snapshot(args.snapshot)
    except (SnapshotError, tomllib.TOMLDecodeError) as exc:
        print(f"dependency audit FAILED: {exc}", file=sys.stderr)
        return 1
    report = audit(installed_distributions(), snapshot, accepted, today=today)
    lines, status = render(report, snapshot, today=today, strict=args.strict)
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
