"""The supervisor's unit board, in a real browser: a worker misses a 24-hour report (the youth was
reported missing 30 hours ago, through the real service with a past instant, so the duties are due in
the past); the supervisor sees it overdue on the home panel and the board, reassigns it to the other
worker of the unit, and the new owner finds the message in their inbox. Accessibility checked on every
page."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

DUTY = "Report the missing youth to law enforcement"


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_board_journey(page, live_url, demo, sign_in, axe_check):
    from safeharbor.deadlines.models import Deadline
    from safeharbor.missing.services import episode_report

    discovered = timezone.now() - timedelta(hours=30)
    episode_report(
        actor=demo.worker,
        youth=demo.youth,
        episode_type="ran_away",
        last_seen_at=discovered - timedelta(hours=1),
        discovered_at=discovered,
        last_seen_location="Fictional transit center",
        circumstances="Left after a phone call and did not come back.",
    )
    duty = Deadline.objects.get(kind="missing.report_law_enforcement", youth=demo.youth, status="open")
    assert duty.owner_id == demo.worker.pk
    assert duty.due_at < timezone.now()

    # The supervisor's home page: the compact board says something is overdue.
    sign_in(page, "supervisor")
    panel = page.locator("section", has=page.get_by_role("heading", name="Your units' duties"))
    assert "overdue" in panel.inner_text().lower()
    assert DUTY in panel.inner_text()
    axe_check(page, context="on the supervisor's home page")
    panel.get_by_role("link", name="Open the unit board").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1, name="Unit board").is_visible()
    axe_check(page, context="on the unit board")

    # The missed report is overdue, first, with the youth's name (the supervisor may open the youth).
    rows = page.locator("table.sh-duties tbody tr")
    first = rows.first
    assert "overdue" in first.inner_text().lower()
    assert demo.youth.display_name in first.inner_text()
    row = rows.filter(has_text=DUTY)
    assert "overdue" in row.inner_text().lower()
    assert demo.worker.get_full_name() in row.inner_text() or demo.worker.username in row.inner_text()

    # Reassign it to the other worker of the unit.
    row.get_by_role("link", name=re.compile("^Reassign")).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1, name="Reassign a duty").is_visible()
    axe_check(page, context="on the reassign page")
    page.get_by_label("New owner").select_option(str(demo.worker2.pk))
    page.get_by_role("button", name="Reassign").click()
    page.wait_for_load_state("networkidle")
    assert "/deadlines/duties/board/" in page.url
    assert page.get_by_role("status").filter(has_text="The duty was reassigned").is_visible()
    duty.refresh_from_db()
    assert duty.owner_id == demo.worker2.pk
    new_owner = demo.worker2.get_full_name() or demo.worker2.username
    assert new_owner in page.locator("table.sh-duties tbody tr").filter(has_text=DUTY).inner_text()
    axe_check(page, context="on the board after the reassignment")
    _sign_out(page)

    # The new owner is told (no child's name in the message) and has the duty in "My duties".
    sign_in(page, "worker2")
    page.goto(f"{live_url}/deadlines/inbox/")
    page.wait_for_load_state("networkidle")
    body = page.locator("main").inner_text()
    assert "A duty was reassigned to you" in body
    assert demo.youth.display_name not in body
    axe_check(page, context="on the new owner's inbox")
    page.goto(f"{live_url}/deadlines/duties/")
    assert DUTY in page.locator("main").inner_text()
