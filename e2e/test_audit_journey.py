"""An auditor reviews the audit log in a real browser: home panel, search, a refused filter, CSV export."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def test_auditor_searches_and_exports_the_audit_log(page, live_url, demo, sign_in, axe_check):
    from safeharbor.audit.models import AuditEvent
    from safeharbor.audit.services import audit_record

    audit_record(actor=demo.worker, action="youth.view", obj=demo.youth)
    audit_record(actor=demo.worker2, action="youth.view", obj=demo.youth2)
    audit_record(actor=demo.worker, action="access.denied", outcome="denied")

    sign_in(page, "auditor")
    assert page.get_by_role("heading", name="Audit: the last 24 hours").is_visible()
    axe_check(page, context="on the auditor's home page")

    page.get_by_role("link", name="Audit log").first.click()
    assert page.get_by_role("heading", level=1, name="Audit log").is_visible()
    axe_check(page, context="on the audit log")

    page.get_by_label("User (username)").fill("worker")
    page.get_by_label("Action", exact=True).fill("youth.view")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table.sh-audit-table tbody tr")
    assert rows.count() == 1
    assert str(demo.youth.pk) in rows.first.inner_text()
    assert demo.youth.legal_last_name not in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("seq,time,actor_username")
    assert "youth.view" in text and "worker2" not in text

    page.get_by_label("From (date)").fill("2026-03-02")
    page.get_by_label("To (date)").fill("2026-03-01")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("alert").is_visible()
    assert "The end date is before the start date." in page.content()
    axe_check(page, context="on the audit log with a refused filter")

    searches = AuditEvent.objects.filter(action__in=["audit.search", "audit.export"], actor_id=demo.auditor.pk)
    assert {e.action for e in searches} == {"audit.search", "audit.export"}
