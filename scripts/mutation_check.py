#!/usr/bin/env python3
"""Mutation check of the permission boundaries (issue 21): remove one condition at a time, run the tests.

Each mutant is one exact snippet of `src/safeharbor/permissions.py` and its weaker replacement (an agency
equality removed, for a start). The script never touches the working tree: it copies `src/` to a
temporary directory once, writes each mutant into the copy, and runs pytest with `PYTHONPATH=<copy>/src`
so the copy is what gets imported. A probe plugin records `safeharbor.__file__` in every pytest process
(the xdist workers included) and the run is refused unless each one is inside the copy. After each
mutant the copy's file is written back and checked against the original's SHA-256; the working tree's
file is hashed before and after the whole run as well.

A mutant is *caught* when a stage fails; stages run in order and stop at the first failure (`-x`):
  1. tests/test_agency_boundaries.py   (the boundary tests, minutes)
  2. tests/test_permission_matrix.py   (the matrix, long: only reached by a mutant stage 1 missed)
  3. with --app-tests, the app test packages named by each mutant
*Survived*: every stage passed. *Stale*: the snippet is not (exactly once) in the current source, so
the list below needs updating. The exit status is 1 when any mutant survived or is stale.

Usage: .venv/bin/python scripts/mutation_check.py [--only ID ...] [--app-tests] [--workers 2] [--list]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERMISSIONS = "safeharbor/permissions.py"
# A filter every row matches. (Not `Q()`: OR-ing an empty Q into another leaves the other unchanged, so
# `scope |= Q()` would narrow the scope, not widen it.)
EVERYTHING = "Q(pk__isnull=False)"


@dataclass(frozen=True)
class Mutant:
    id: str
    condition: str
    snippet: str
    replacement: str
    path: str = PERMISSIONS
    app_tests: tuple[str, ...] = field(default=())


MUTANTS: list[Mutant] = [
    # --- issue 21, the table's nine rows -------------------------------------------------------
    Mutant(
        "youth_read_q.agency",
        "youth_read_q: Q(agency_id=user.agency_id)",
        "        scope |= _coordinator_scope()\n    return Q(agency_id=user.agency_id) & scope\n",
        "        scope |= _coordinator_scope()\n    return scope\n",
        app_tests=("src/safeharbor/youth/tests",),
    ),
    Mutant(
        "youth_write_q.agency",
        "youth_write_q: Q(agency_id=user.agency_id)",
        "        scope |= _assigned_in_units(today, worker__unit__supervisor_id=user.pk)\n"
        "    return Q(agency_id=user.agency_id) & scope\n",
        "        scope |= _assigned_in_units(today, worker__unit__supervisor_id=user.pk)\n    return scope\n",
        app_tests=("src/safeharbor/youth/tests",),
    ),
    Mutant(
        "mdt_member_sessions_q.agency",
        "mdt_member_sessions_q: Q(agency_id=user.agency_id)",
        "        Q(agency_id=user.agency_id)\n        & Q(invitations__user_id=user.pk)\n",
        "        Q(invitations__user_id=user.pk)\n",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "can_view_web_request.agency",
        "can_view_web_request: access_request.agency_id == user.agency_id",
        "        and access_request.agency_id == user.agency_id\n        and (access_request.requested_by_id",
        "        and (access_request.requested_by_id",
        app_tests=("src/safeharbor/webaccess/tests",),
    ),
    Mutant(
        "can_view_referral.agency",
        "can_view_referral: referral.agency_id != user.agency_id -> False",
        "    if referral.agency_id != user.agency_id:\n        return False\n    if user.has_role(Role.COORDINATOR):",
        "    if user.has_role(Role.COORDINATOR):",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "can_coordinate_mdt.agency",
        "can_coordinate_mdt: obj.agency_id == user.agency_id",
        "    return is_mdt_coordinator(user) and obj.agency_id == user.agency_id\n",
        "    return is_mdt_coordinator(user)\n",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "can_complete_action_item.agency",
        "can_complete_action_item: item.session.agency_id == user.agency_id (the coordinator)",
        "    return is_mdt_coordinator(user) and item.session.agency_id == user.agency_id\n",
        "    return is_mdt_coordinator(user)\n",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "can_receive_assignment_from.agency",
        "can_receive_assignment_from: worker.agency_id != user.agency_id -> False",
        "    if not worker.is_active or worker.agency_id != user.agency_id:\n",
        "    if not worker.is_active:\n",
        app_tests=("src/safeharbor/youth/tests",),
    ),
    Mutant(
        "can_view_session_packet.agency",
        "can_view_session_packet: session.agency_id == user.agency_id (the coordinator)",
        "    if is_mdt_coordinator(user) and session.agency_id == user.agency_id:\n        return True\n",
        "    if is_mdt_coordinator(user):\n        return True\n",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    # --- further agency equalities of the doors' filters ---------------------------------------
    Mutant(
        "referral_q.agency.coordinator",
        "referral_q: the coordinator's Q(agency_id=user.agency_id)",
        "    if user.has_role(Role.COORDINATOR):\n        return Q(agency_id=user.agency_id)\n"
        "    if not user.has_role(Role.WORKER, Role.SUPERVISOR):",
        "    if user.has_role(Role.COORDINATOR):\n        return Q()\n    if not user.has_role(Role.WORKER, Role.SUPERVISOR):",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "mdt_session_q.agency.coordinator",
        "mdt_session_q: the coordinator's Q(agency_id=user.agency_id)",
        "    if is_mdt_coordinator(user):\n        return Q(agency_id=user.agency_id)\n    if write:\n"
        "        return NOTHING\n    return Q(pk__in=MdtSession",
        "    if is_mdt_coordinator(user):\n        return Q()\n    if write:\n        return NOTHING\n"
        "    return Q(pk__in=MdtSession",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "action_item_q.agency",
        "action_item_q: Q(session__agency_id=user.agency_id), both",
        "        scope |= Q(session__agency_id=user.agency_id)\n    return Q(session__agency_id=user.agency_id) & scope\n",
        f"        scope |= {EVERYTHING}\n    return scope\n",
        app_tests=("src/safeharbor/mdt/tests",),
    ),
    Mutant(
        "web_request_q.agency.manager",
        "web_request_q: the manager's Q(agency_id=user.agency_id)",
        "    if user.has_role(Role.MANAGER):\n        return Q(agency_id=user.agency_id)\n    if write:",
        "    if user.has_role(Role.MANAGER):\n        return Q()\n    if write:",
        app_tests=("src/safeharbor/webaccess/tests",),
    ),
    Mutant(
        "can_decide_web_access.agency",
        "can_decide_web_access: access_request.agency_id == user.agency_id",
        "        and user.has_role(Role.MANAGER)\n        and access_request.agency_id == user.agency_id\n",
        "        and user.has_role(Role.MANAGER)\n",
        app_tests=("src/safeharbor/webaccess/tests",),
    ),
    Mutant(
        "duty_ledger_q.agency",
        "duty_ledger_q: Q(agency_id=user.agency_id), both",
        "        scope |= Q(agency_id=user.agency_id)\n    return Q(agency_id=user.agency_id) & scope\n",
        f"        scope |= {EVERYTHING}\n    return scope\n",
        app_tests=("src/safeharbor/deadlines/tests", "src/safeharbor/reports/tests"),
    ),
    Mutant(
        "service_item_q.agency",
        "service_item_q: Q(agency_id=user.agency_id) (and _of_youth through youth_read_q)",
        "    return Q(agency_id=user.agency_id) & _of_youth(user, write=write)\n\n\n# --- Website access",
        "    return _of_youth(user, write=write)\n\n\n# --- Website access",
        app_tests=("src/safeharbor/care/tests",),
    ),
]

PROBE = '''\
"""Written by scripts/mutation_check.py: records which safeharbor each pytest process imports."""
import os


def pytest_configure(config):
    import safeharbor

    with open(os.environ["MUTATION_PROBE_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{os.getpid()} {safeharbor.__file__}\\n")
'''


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def apply(original: str, mutant: Mutant) -> str | None:
    """The mutated text, or None when the snippet is not exactly once in the source."""
    if original.count(mutant.snippet) != 1:
        return None
    return original.replace(mutant.snippet, mutant.replacement)


def run_pytest(copy: Path, paths: list[str], workers: int, log: Path) -> tuple[int, str]:
    env = dict(os.environ)
    env.update(
        {
            "PYTHONPATH": f"{copy / 'src'}{os.pathsep}{copy}",
            "PYTHONDONTWRITEBYTECODE": "1",
            "SAFEHARBOR_ENV": "test",
            "SAFEHARBOR_DATA_DIR": str(copy / "var"),
            "MUTATION_PROBE_LOG": str(log),
        }
    )
    log.write_text("", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", *paths, "-x", "-q", "-p", "mutation_probe"]
    if workers > 1:
        command += ["-n", str(workers)]
    else:
        command += ["-p", "no:xdist"]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    lines = [line.split(" ", 1)[1] for line in log.read_text(encoding="utf-8").splitlines() if " " in line]
    if not lines:
        raise SystemExit(f"the probe recorded no import; pytest said:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    outside = [line for line in lines if not line.startswith(str(copy))]
    if outside:
        raise SystemExit(f"pytest imported safeharbor from outside the copy: {outside}")
    tail = [line for line in done.stdout.splitlines() if line.strip()][-1:] or ["(no output)"]
    failed = [line for line in done.stdout.splitlines() if line.startswith(("FAILED", "ERROR"))]
    return done.returncode, (failed[0] if failed else tail[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=[], help="mutant ids (default: all)")
    parser.add_argument("--app-tests", action="store_true", help="a third stage: the app tests of each mutant")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or m.id in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.id:40} {m.condition}")
        return 0
    real = ROOT / "src" / PERMISSIONS
    real_hash = sha256(real)
    results: list[tuple[Mutant, str, str, float]] = []
    with tempfile.TemporaryDirectory(prefix="safeharbor-mutation-") as tmp:
        copy = Path(tmp)
        shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (copy / "var").mkdir()
        (copy / "mutation_probe.py").write_text(PROBE, encoding="utf-8")
        check = subprocess.run(
            [sys.executable, "-c", "import safeharbor; print(safeharbor.__file__)"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(copy / "src"), "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            check=True,
        )
        imported = check.stdout.strip()
        print(f"safeharbor imported from {imported}")
        if not imported.startswith(str(copy)):
            raise SystemExit("the copy is not what gets imported: refusing to run")
        log = copy / "probe.log"
        for mutant in chosen:
            target = copy / "src" / mutant.path
            original = target.read_text(encoding="utf-8")
            original_hash = sha256(target)
            mutated = apply(original, mutant)
            if mutated is None:
                results.append((mutant, "STALE", "snippet not found exactly once", 0.0))
                print(f"{mutant.id}: STALE", flush=True)
                continue
            started = time.monotonic()
            verdict, evidence = "SURVIVED", ""
            try:
                target.write_text(mutated, encoding="utf-8")
                stages = [["tests/test_agency_boundaries.py"], ["tests/test_permission_matrix.py"]]
                if args.app_tests and mutant.app_tests:
                    stages.append(list(mutant.app_tests))
                for stage in stages:
                    code, evidence = run_pytest(copy, stage, args.workers, log)
                    if code != 0:
                        verdict = f"caught ({stage[0]})"
                        break
            finally:
                target.write_text(original, encoding="utf-8")
                if sha256(target) != original_hash:
                    raise SystemExit(f"{target}: the restore did not give back the original file")
            elapsed = time.monotonic() - started
            results.append((mutant, verdict, evidence, elapsed))
            print(f"{mutant.id}: {verdict} in {elapsed:.0f}s: {evidence}", flush=True)
    if sha256(real) != real_hash:
        print(f"note: {real} changed during the run (someone else's edit; this script never writes it)")
    print()
    if args.markdown:
        print("| mutant (condition removed) | result | first failure |")
        print("|---|---|---|")
        for mutant, verdict, evidence, _ in results:
            print(f"| `{mutant.condition}` | {verdict} | {evidence.replace('|', '/')} |")
    else:
        width = max(len(m.id) for m, *_ in results) if results else 10
        for mutant, verdict, evidence, elapsed in results:
            print(f"{mutant.id:{width}}  {verdict:45}  {elapsed:6.0f}s  {evidence}")
    bad = [m for m, verdict, *_ in results if not verdict.startswith("caught")]
    print(f"\n{len(results) - len(bad)} caught, {len(bad)} survived or stale, of {len(results)}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
