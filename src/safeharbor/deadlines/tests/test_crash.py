"""The worker is killed with SIGKILL in the middle of a sweep and restarted: every due reminder has been
sent exactly once (the Notification rows and the e-mail outbox say so)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

SAFEHARBOR = str(Path(sys.executable).with_name("safeharbor"))
DUTIES = 8

SEED = """
from datetime import timedelta
from django.utils import timezone
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.services import deadline_open

agency = f.AgencyFactory(name="Crash Test County", slug="crash")
supervisor = f.UserFactory(username="crash-sup", agency=agency, roles=["supervisor"])
unit = f.UnitFactory(agency=agency, name="Crash Unit", supervisor=supervisor)
worker = f.UserFactory(username="crash-worker", agency=agency, unit=unit, roles=["worker"])
youth = f.YouthFactory(agency=agency)
for i in range(%(duties)d):
    deadline_open(agency_id=agency.pk, kind=f"crash.{i}", subject=youth, title="Report to NCMEC",
                  due_at=timezone.now() - timedelta(hours=2, minutes=i), owner=worker, youth_id=youth.pk)
"""

CHECK = """
import json
from collections import Counter
from safeharbor.deadlines.models import Notification
rows = list(Notification.objects.values_list("pk", "deadline_id", "recipient_id", "channel", "kind", "sent_at"))
print(json.dumps({
    "rows": len(rows),
    "keys": max(Counter(r[1:5] for r in rows).values()),
    "unsent": sum(1 for r in rows if r[5] is None),
    "email_ids": sorted(r[0] for r in rows if r[3] == "email"),
}))
"""


def _env(tmp_path: Path) -> dict[str, str]:
    outbox = tmp_path / "outbox"
    outbox.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "SAFEHARBOR_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "safeharbor.deadlines.tests.crash_settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
            "SAFEHARBOR_DATA_DIR": str(tmp_path / "var"),
            "SAFEHARBOR_TEST_OUTBOX": str(outbox),
            "AUDIT_DB_APPEND_ONLY": "0",
        }
    )
    return env


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [SAFEHARBOR, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_sigkill_mid_sweep_then_restart_sends_each_reminder_once(tmp_path: Path) -> None:
    import json

    env = _env(tmp_path)
    _run(env, "migrate", "--no-input", "-v", "0")
    _run(env, "shell", "-c", SEED % {"duties": DUTIES})

    # First sweep: slowed down between duties, killed after the third has been delivered.
    slow = dict(env, SAFEHARBOR_SWEEP_TEST_PAUSE="2")
    proc = subprocess.Popen([SAFEHARBOR, "sweep", "-v", "2"], env=slow, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    delivered = 0
    try:
        for line in proc.stdout:
            if line.startswith("delivered "):
                delivered += 1
                if delivered == 3:
                    break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert delivered == 3

    partial = json.loads(_run(env, "shell", "-c", CHECK).strip().splitlines()[-1])
    assert 0 < partial["rows"] < DUTIES * 4  # the sweep was cut short

    # Restart: the sweep finishes the work.
    _run(env, "sweep")
    _run(env, "sweep")  # and a further run changes nothing

    final = json.loads(_run(env, "shell", "-c", CHECK).strip().splitlines()[-1])
    # Each overdue duty: owner in-app + e-mail, supervisor escalation in-app + e-mail.
    assert final["rows"] == DUTIES * 4
    assert final["keys"] == 1
    assert final["unsent"] == 0
    assert len(final["email_ids"]) == DUTIES * 2

    message_ids: list[str] = []
    for path in sorted((tmp_path / "outbox").iterdir()):
        message_ids += re.findall(r"^Message-ID: <notification-(\d+)@", path.read_text(), flags=re.MULTILINE)
    counts = Counter(int(i) for i in message_ids)
    assert sorted(counts) == final["email_ids"]
    assert set(counts.values()) == {1}, "an e-mail was sent twice"
