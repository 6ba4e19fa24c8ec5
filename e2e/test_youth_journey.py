"""A worker adds a youth in a real browser: the duplicate check warns while they type a near-duplicate
of a youth on their caseload, they create the new record and land on its profile. axe-core finds no
serious or critical violations on the list, create and profile pages."""

from __future__ import annotations

import re

import pytest


@pytest.mark.e2e
def test_worker_creates_a_youth_and_sees_the_duplicate_warning(page, live_url, demo, sign_in, axe_check):
    from safeharbor.core.testing import factories as f
    from safeharbor.youth.search import youth_reindex

    existing = f.YouthFactory(agency=demo.agency, legal_first_name="Alexandra", legal_last_name="Marchetti")
    f.AssignmentFactory(youth=existing, worker=demo.worker)
    youth_reindex(youth=existing)

    sign_in(page, "worker")
    page.goto(f"{live_url}/youth/")
    assert page.get_by_role("heading", name="Youth", exact=True).is_visible()
    axe_check(page, context="on the youth list")

    page.get_by_label("Name or alias").fill("Marchetti")
    page.wait_for_function("() => document.querySelector('#youth-results').innerText.includes('Marchetti')")

    page.get_by_role("link", name="Add a youth").click()
    page.wait_for_url(re.compile(r"/youth/new/$"))
    page.get_by_label("Legal first name").fill("Alex")
    page.get_by_label("Legal last name").fill("Marcheti")
    warning = page.locator("[data-duplicate-warning]")
    warning.wait_for(state="visible")
    assert "Alexandra Marchetti" in warning.inner_text()
    assert warning.get_by_role("link", name="Alexandra Marchetti").get_attribute("href") == f"/youth/{existing.pk}/"
    axe_check(page, context="on the create page with the duplicate warning")

    page.get_by_label("Legal first name").fill("Wren")
    page.get_by_label("Legal last name").fill("Calloway")
    page.locator("[data-duplicate-none]").wait_for(state="visible")
    page.locator("#id_date_of_birth").fill("2011-02-03")
    page.get_by_label("Gender").select_option("female")
    page.get_by_role("button", name="Create record").click()
    page.wait_for_url(re.compile(r"/youth/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Wren Calloway")
    assert "2011-02-03" in page.locator("#record").inner_text()
    axe_check(page, context="on the youth profile")
