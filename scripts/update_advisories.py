"""Refresh the vendored advisory snapshot (`security/advisories/`) that `scripts/dependency_audit.py` reads.

    .venv/bin/python scripts/update_advisories.py                  # from the OSV API (api.osv.dev)
    .venv/bin/python scripts/update_advisories.py --from PATH      # from an OSV export: PyPI all.zip or a
                                                                   # directory of OSV JSON records

Run it from the project's virtual environment after `make install`, on a machine that reaches an OSV
source: the names asked about are the distributions installed there (all of them, dev tools too). It
keeps only advisories that name one of those packages (ecosystem PyPI), writes each as
`osv/<ID>.json`, removes the ones no longer listed, and writes `snapshot.json` with the time, the
source and the names covered. Commit the result; the audit prints the snapshot's date on every run.

Exit 1 (and nothing written) when the source cannot be read: the snapshot stays as it was, and says
its own date. On the build network api.osv.dev is not reachable; see docs/security.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dependency_audit import (  # a script beside this one (sys.path above)
    ADVISORY_DIR,
    DEFAULT_SNAPSHOT,
    ECOSYSTEM,
    SNAPSHOT_FILE,
    installed_distributions,
    normalize,
)

OSV_API = "https://api.osv.dev"
BATCH = 500
TIMEOUT = 30


def _post(url: str, payload: Mapping[str, Any]) -> Any:
    request = urllib.request.Request(  # noqa: S310  (a fixed https URL or the one given on the command line)
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return json.load(response)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310
        return json.load(response)


def from_api(names: list[str], *, base: str = OSV_API) -> Iterator[Mapping[str, Any]]:
    """Every advisory of each package (no version in the query: all of them), then each full record."""
    ids: set[str] = set()
    for start in range(0, len(names), BATCH):
        queries: list[dict[str, Any]] = [
            {"package": {"name": name, "ecosystem": ECOSYSTEM}} for name in names[start : start + BATCH]
        ]
        while queries:
            answer = _post(f"{base}/v1/querybatch", {"queries": queries})
            again = []
            for query, result in zip(queries, answer.get("results", []), strict=True):
                ids.update(vuln["id"] for vuln in result.get("vulns", []))
                if result.get("next_page_token"):
                    again.append({**query, "page_token": result["next_page_token"]})
            queries = again
    for advisory_id in sorted(ids):
        yield _get(f"{base}/v1/vulns/{advisory_id}")


def from_export(path: Path) -> Iterator[Mapping[str, Any]]:
    """OSV records from a zip (such as OSV's PyPI/all.zip) or a directory tree of *.json files."""
    if path.is_dir():
        for item in sorted(path.rglob("*.json")):
            yield json.loads(item.read_text(encoding="utf-8"))
        return
    with zipfile.ZipFile(path) as archive:
        for member in sorted(archive.namelist()):
            if member.endswith(".json"):
                yield json.loads(archive.read(member))


def relevant(records: Iterable[Mapping[str, Any]], names: set[str]) -> dict[str, Mapping[str, Any]]:
    kept: dict[str, Mapping[str, Any]] = {}
    for record in records:
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") == ECOSYSTEM and normalize(package.get("name", "")) in names:
                kept[str(record["id"])] = record
                break
    return kept


def write_snapshot(
    directory: Path, advisories: Mapping[str, Mapping[str, Any]], *, names: list[str], source: str
) -> None:
    osv_dir = directory / ADVISORY_DIR
    osv_dir.mkdir(parents=True, exist_ok=True)
    for stale in osv_dir.glob("*.json"):
        if stale.stem not in advisories:
            stale.unlink()
    for advisory_id, record in advisories.items():
        (osv_dir / f"{advisory_id}.json").write_text(
            json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    meta = {
        "format": 1,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": source,
        "covered": sorted(names),
        "advisories": len(advisories),
    }
    (directory / SNAPSHOT_FILE).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Refresh security/advisories from OSV.")
    parser.add_argument("--from", dest="export", type=Path, default=None, help="an OSV export (zip or directory)")
    parser.add_argument("--api", default=OSV_API, help=f"the OSV API base URL (default {OSV_API})")
    parser.add_argument("--snapshot", type=Path, default=DEFAULT_SNAPSHOT)
    args = parser.parse_args(argv)
    names = sorted(installed_distributions())
    try:
        if args.export is not None:
            source = f"OSV export {args.export.name}"
            records = list(from_export(args.export))
        else:
            source = f"OSV API {args.api}"
            records = list(from_api(names, base=args.api))
    except (OSError, urllib.error.URLError, ValueError, zipfile.BadZipFile) as exc:
        print(f"cannot read the advisory source ({exc}); the snapshot is unchanged", file=sys.stderr)
        return 1
    advisories = relevant(records, set(names))
    write_snapshot(args.snapshot, advisories, names=names, source=source)
    print(f"wrote {len(advisories)} advisories for {len(names)} packages to {args.snapshot} (source: {source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
