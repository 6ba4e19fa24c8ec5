"""Periodic audit work: export the chain head at worker start and hourly; verify the chain nightly."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, on_startup

from safeharbor.audit.services import verify_failure_notify
from safeharbor.audit.verify import anchor_export_head, chain_verify

logger = logging.getLogger(__name__)

_started = threading.Lock()
_start_done = False


@db_periodic_task(crontab(minute="7"))
def audit_export_head() -> int:
    """Hourly: append (seq, hash, UTC time) of the chain head to the anchor file. Returns the seq."""
    anchor = anchor_export_head()
    logger.info("audit head exported: seq %s", anchor.seq)
    return anchor.seq


@on_startup("audit-export-head-at-start")
def audit_export_head_at_worker_start() -> int | None:
    """When the worker starts (once per process): export the head at once, so a new installation's
    first anchor (and the first after the worker was down) does not wait for minute 7 of the hour.
    `audit verify` fails once events are older than one export period with no anchor (verify.py)."""
    global _start_done
    with _started:
        if _start_done:
            return None
        _start_done = True
    # As Huey's `db_task` does: fresh connections around the work (not in immediate mode, i.e. tests).
    if not HUEY.immediate:
        close_old_connections()
    try:
        anchor = anchor_export_head()
        logger.info("audit head exported at worker start: seq %s", anchor.seq)
        return anchor.seq
    finally:
        if not HUEY.immediate:
            close_old_connections()


@db_periodic_task(crontab(minute="37", hour="2"))
def audit_verify_nightly() -> bool:
    """Nightly: verify the chain against itself and the exported heads; on a break, tell every auditor."""
    result = chain_verify()
    if result.ok:
        logger.info("%s", result.summary())
        for warning in result.warnings:
            logger.warning("audit verify: %s", warning)
    else:
        logger.error("%s", result.summary())
        verify_failure_notify(summary=result.summary())
    return result.ok
