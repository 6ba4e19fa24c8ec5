"""Time `audit verify` over N generated events (default 200,000) in a throwaway SQLite database.

    .venv/bin/python benchmarks/audit_verify.py [N]

Events are built through the same chain function the writer uses and inserted with bulk_create; then
`chain_verify()` runs 3 times and the median throughput (events per second) is printed.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

BATCH = 5000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    tmp = tempfile.mkdtemp(prefix="sh-audit-bench-")
    os.environ["SAFEHARBOR_DATA_DIR"] = tmp
    os.environ["AUDIT_ANCHOR_DIR"] = os.path.join(tmp, "anchors")
    os.environ.setdefault("SAFEHARBOR_ENV", "development")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeharbor.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from safeharbor.audit.chain import GENESIS, event_digest
    from safeharbor.audit.models import AuditEvent, AuditHead
    from safeharbor.audit.verify import chain_verify

    actions = ["youth.view", "youth.edit", "auth.sign_in", "audit.search", "deadline.open"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    prev = GENESIS
    batch: list[AuditEvent] = []
    t0 = time.perf_counter()
    for seq in range(1, n + 1):
        fields = {
            "seq": seq,
            "at": start + timedelta(milliseconds=seq * 37),
            "agency_id": 1,
            "actor_id": seq % 97,
            "action": actions[seq % len(actions)],
            "object_type": "youth.youth",
            "object_id": str(seq % 5000),
            "youth_id": seq % 5000,
            "outcome": "ok" if seq % 13 else "denied",
            "detail": {"kind": "mdt_referral"} if seq % 3 == 0 else {},
        }
        digest = event_digest(prev_hash=prev, **fields)
        batch.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
        prev = digest
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        AuditEvent.objects.bulk_create(batch)
    AuditHead.objects.update_or_create(pk=1, defaults={"seq": n, "hash": prev})
    print(f"generated {n} events in {time.perf_counter() - t0:.1f} s")

    # Wall-clock time depends on what else the machine runs; CPU time of this process (SQLite runs
    # in-process) does not, so both are reported. On a shared machine the CPU figure is the fair one.
    wall_rates, cpu_rates = [], []
    for run in range(3):
        t, c = time.perf_counter(), time.process_time()
        # The chain alone: the generated events are dated long before any export, so the anchor store
        # checks (verify.py) would rightly fail; they cost nothing next to the hashing.
        result = chain_verify(check_anchors=False)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        assert result.ok and result.count == n, result.summary()
        wall_rates.append(n / wall)
        cpu_rates.append(n / cpu)
        print(f"run {run + 1}: {wall:.2f} s wall ({n / wall:,.0f} events/s), {cpu:.2f} s CPU ({n / cpu:,.0f} events/s)")
    print(
        f"median over {n} events: {statistics.median(wall_rates):,.0f} events/s wall, "
        f"{statistics.median(cpu_rates):,.0f} events per CPU-second; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
