"""Website access in a real browser: a worker asks for a site for one youth, a manager approves, the
worker records a research session, and the auditor finds it in the usage review. axe-core on each page."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone


@pytest.mark.e2e
def test_request_approve_research_review(page, live_url, demo, sign_in, axe_check):
    from safeharbor.core.timeutils import agency_zone
    from safeharbor.webaccess.models import AccessRequest, ResearchSession
    from safeharbor.webaccess.services import site_catalogue_seed

    site_catalogue_seed(agency=demo.agency)
    youth = demo.youth

    sign_in(page, "worker")
    page.goto(f"{live_url}/webaccess/youth/{youth.pk}/request/")
    page.get_by_label("Site", exact=True).select_option(label="Backpage (backpage.com)")
    page.get_by_label("Why this site is needed for this youth's case").fill(
        "A peer said the youth's photo appeared in an advertisement there."
    )
    axe_check(page, context="on the request form")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/webaccess/requests/\d+/$"))
    assert "Waiting for a decision" in page.locator("#request-status").inner_text()
    request_id = AccessRequest.objects.get(requested_by=demo.worker).pk

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "manager")
    page.goto(f"{live_url}/webaccess/queue/")
    axe_check(page, context="on the decision queue")
    page.locator(f"a[href='/webaccess/requests/{request_id}/']").click()
    page.locator("label.usa-radio__label", has_text="Approve").click()  # USWDS hides the input itself
    assert page.get_by_label("Approve", exact=True).is_checked()
    page.get_by_label(re.compile(r"^Comment")).fill("Approved for this case only.")
    axe_check(page, context="on the decision form")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/webaccess/queue/$"))

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "worker")
    page.goto(f"{live_url}/webaccess/youth/{youth.pk}/research/")
    page.get_by_label("Site", exact=True).select_option(label="Backpage (backpage.com)")
    local_now = timezone.now().astimezone(agency_zone(demo.agency)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("When the research was done").fill(local_now)
    page.get_by_label("What you looked for").fill("Advertisements using the youth's photo")
    page.get_by_label(re.compile(r"^Findings")).fill("No current listing found.")
    axe_check(page, context="on the research log")
    page.get_by_role("button", name="Record the session").click()
    page.wait_for_url(re.compile(rf"/webaccess/youth/{youth.pk}/research/$"))
    assert "Advertisements using the youth's photo" in page.locator("main").inner_text()
    assert ResearchSession.objects.filter(youth=youth, access_request_id=request_id).count() == 1

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "auditor")
    page.goto(f"{live_url}/webaccess/review/")
    page.get_by_label("Youth ID").fill(str(youth.pk))
    page.get_by_role("button", name="Filter").click()
    sessions = page.locator("#usage-sessions").inner_text()
    assert "backpage.com" in sessions and f"#{youth.pk}" in sessions and f"Approval #{request_id}" in sessions
    assert "Approved" in page.locator("#usage-requests").inner_text()
    axe_check(page, context="on the usage review")
