"""A worker sees the immediate interventions after a determination, links a partner from the directory
and completes an item; the coordinator's open-needs view follows. axe-core on each page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone


@pytest.mark.e2e
def test_worker_works_the_plan_and_coordinator_sees_open_needs(page, live_url, demo, sign_in, axe_check):
    from safeharbor.care.models import PartnerOrganisation, ServiceItem
    from safeharbor.care.services import immediate_interventions_ensure
    from safeharbor.youth.models import Youth

    youth = demo.youth
    determined_at = timezone.now() - dt.timedelta(days=2)
    Youth.objects.filter(pk=youth.pk).update(csec_status="suspected_victim", csec_status_at=determined_at)
    youth.refresh_from_db()
    immediate_interventions_ensure(youth=youth, determined_at=determined_at, actor=demo.worker)
    immediate_interventions_ensure(youth=youth, determined_at=determined_at, actor=demo.worker)  # no duplicates
    PartnerOrganisation.objects.create(
        agency=demo.agency, name="Cedar Grove Counselling (fictional)", kind="mental_health", services=["mental_health"]
    )

    sign_in(page, "worker")
    page.goto(f"{live_url}/care/youth/{youth.pk}/plan/")
    main = page.locator("main")
    for label in ("Safe placement", "Physical health exam", "Mental health care for layered trauma"):
        assert main.get_by_role("link", name=label).count() == 1
    axe_check(page, context="on the service plan")

    page.get_by_role("link", name="Partner directory").first.click()
    page.get_by_label("Name contains").fill("Counselling")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_role("link", name="Cedar Grove Counselling (fictional)").is_visible()
    axe_check(page, context="on the partner directory")

    page.goto(f"{live_url}/care/youth/{youth.pk}/plan/")
    page.get_by_role("link", name="Mental health care for layered trauma").click()
    page.get_by_label("Status", exact=True).select_option("in_progress")
    page.get_by_label("Partner organisation").select_option(label="Cedar Grove Counselling (fictional)")
    axe_check(page, context="on the service item")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/care/youth/{youth.pk}/plan/$"))
    assert "Cedar Grove Counselling (fictional)" in page.locator("main").inner_text()

    page.get_by_role("link", name="Safe placement").click()
    page.get_by_label("Status", exact=True).select_option("completed")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(rf"/care/youth/{youth.pk}/plan/$"))
    assert page.locator(".sh-timeline").inner_text().count("Not yet") == 1  # safe placement and MH start known
    placement = ServiceItem.objects.get(youth=youth, category="safe_placement")
    assert placement.status == "completed" and placement.status_changes.count() == 2

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "coordinator")
    page.get_by_role("link", name="Open needs").click()
    table = page.locator("#open-needs")
    text = table.inner_text()
    assert "Physical health exam" in text and "Mental health care for layered trauma" in text
    assert "Safe placement" not in text
    axe_check(page, context="on open needs")
    page.get_by_label(re.compile(r"^Partner")).select_option(label="Cedar Grove Counselling (fictional)")
    page.get_by_role("button", name="Filter").click()
    text = page.locator("#open-needs").inner_text()
    assert "Mental health care for layered trauma" in text and "Physical health exam" not in text
