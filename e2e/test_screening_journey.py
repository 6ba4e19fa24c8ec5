"""A worker screens a youth in a real browser: the recommendation follows the ticks, the worker records a
differing determination with a reason and finalises; the profile shows the status and its history; the
supervisor finds the notification. axe-core on the screening form and the determination form."""

from __future__ import annotations

import re

import pytest

STATUS_JS = "s => document.querySelector(\"#recommendation [data-testid='recommended-status']\").innerText === s"


def tick(page, code, answer):
    """Click the visible USWDS radio label, as a person does (the input itself is visually hidden)."""
    page.locator(f"label[for='ind-{code}-{answer}']").click()
    assert page.locator(f"#ind-{code}-{answer}").is_checked()


def wait_for_status(page, label):
    page.wait_for_function(STATUS_JS, arg=label)


@pytest.mark.e2e
def test_worker_screens_and_supervisor_is_told(page, live_url, demo, sign_in, axe_check):
    youth = demo.youth
    sign_in(page, "worker")
    page.goto(f"{live_url}/youth/{youth.pk}/")
    page.get_by_role("link", name="Screen this youth").click()
    page.get_by_role("button", name="Start the handbook checklist").click()
    page.wait_for_url(re.compile(r"/screening/\d+/$"))
    panel = page.locator("#recommendation [data-testid='recommended-status']")
    assert panel.inner_text() == "No known risk"
    axe_check(page, context="on the screening form")

    tick(page, "foster_care", "yes")
    wait_for_status(page, "At risk")
    tick(page, "branding_tattoo", "yes")
    wait_for_status(page, "Suspected victim")
    assert "strong_sign" in page.locator("#recommendation").inner_text()
    tick(page, "branding_tattoo", "no")
    wait_for_status(page, "At risk")

    page.get_by_role("button", name="Save and record the determination").click()
    page.wait_for_url(re.compile(r"/screening/\d+/finalise/$"))
    axe_check(page, context="on the determination form")
    page.get_by_label("CSEC status you determine").select_option("suspected_victim")
    assert page.locator("#override-hint").is_visible()
    page.get_by_label("When it happened").select_option("in_foster_care")
    page.get_by_label("Why your determination differs from the recommendation").fill(
        "The youth described an adult who drives her to parties and pays for her phone."
    )
    page.get_by_role("button", name="Finalise and lock").click()
    page.wait_for_url(re.compile(rf"/youth/{youth.pk}/$"))
    section = page.locator("#screening-section-heading").locator("xpath=..")
    assert "Suspected victim" in section.inner_text()
    assert "The youth described an adult" in section.inner_text()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "supervisor")
    page.goto(f"{live_url}/deadlines/inbox/")
    assert "determined a youth a suspected victim" in page.locator("main").inner_text()
