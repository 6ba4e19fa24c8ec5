"""Periodic audit work: export the chain head hourly; verify the chain nightly."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from safeharbor.audit.services import verify_failure_notify
from safeharbor.audit.verify import anchor_export_head, chain_verify

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="7"))
def audit_export_head() -> int:
    """Hourly: append (seq, hash, UTC time) of the chain head to the anchor file. Returns the seq."""
    anchor = anchor_export_head()
    logger.info("audit head exported: seq %s", anchor.seq)
    return anchor.seq


@db_periodic_task(crontab(minute="37", hour="2"))
def audit_verify_nightly() -> bool:
    """Nightly: verify the chain against itself and the exported heads; on a break, tell every auditor."""
    result = chain_verify()
    if result.ok:
        logger.info("%s", result.summary())
    else:
        logger.error("%s", result.summary())
        verify_failure_notify(summary=result.summary())
    return result.ok
