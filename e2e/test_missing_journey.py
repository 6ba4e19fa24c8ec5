"""Missing from care, in a real browser: a worker reports a youth missing; the urgent panel and the
24-hour duties appear for the worker and the supervisor; the worker records the law-enforcement and
NCMEC reports (duties met); the youth returns; the debrief and the return screening come due;
completing them clears the duties. Accessibility checked on every page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeharbor.core.timeutils import agency_today, agency_zone

URGENT = "Urgent: missing youth in the 72-hour window"


def _wall(agency, hours_ago: float) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).astimezone(agency_zone(agency)).strftime("%Y-%m-%dT%H:%M")


def _form(page, legend: str):
    return page.locator("form").filter(has=page.get_by_text(legend, exact=True))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_missing_episode_journey(page, live_url, demo, sign_in, axe_check):
    agency = demo.agency
    youth = demo.youth

    # A worker reports the youth missing from the youth's profile.
    sign_in(page, "worker")
    page.goto(f"{live_url}/youth/{youth.pk}/")
    page.get_by_role("link", name="Report missing from care").click()
    page.get_by_role("heading", level=1).wait_for()
    axe_check(page, context="on the report-missing page")
    page.get_by_label("Type of episode").select_option("ran_away")
    page.get_by_label("When the youth was last seen").fill(_wall(agency, 5))
    page.get_by_label("When the agency learned the youth was missing").fill(_wall(agency, 3))
    page.get_by_label("Where the youth was last seen").fill("Fictional transit center")
    page.get_by_label("Circumstances").fill("Left after a phone call and did not come back.")
    page.get_by_role("button", name="Report missing").click()
    page.wait_for_load_state("networkidle")
    assert "/missing/episodes/" in page.url
    assert page.get_by_role("heading", name="Urgent: 72-hour high-risk window").is_visible()
    episode_url = page.url
    axe_check(page, context="on the episode page")

    # The urgent panel and the 24-hour duties on the worker's home page.
    page.goto(f"{live_url}/")
    urgent = page.locator("section", has=page.get_by_role("heading", name=URGENT))
    assert youth.display_name in urgent.inner_text()
    assert "min left" in urgent.inner_text()
    duties = page.locator("section", has=page.get_by_role("heading", name="My duties"))
    assert "Report the missing youth to law enforcement" in duties.inner_text()
    assert "Report the missing youth to NCMEC" in duties.inner_text()
    axe_check(page, context="on the worker's home page")
    _sign_out(page)

    # ... and for the supervisor: the urgent panel, and the duties on the episode page.
    sign_in(page, "supervisor")
    urgent = page.locator("section", has=page.get_by_role("heading", name=URGENT))
    assert youth.display_name in urgent.inner_text()
    urgent.get_by_role("link", name=youth.display_name).click()
    page.wait_for_load_state("networkidle")
    duty_table = page.locator("table").first
    assert "Report to law enforcement (NCIC entry)" in duty_table.inner_text()
    assert "Report to NCMEC" in duty_table.inner_text()
    _sign_out(page)

    # The worker records the law-enforcement and NCMEC reports: both duties are met.
    sign_in(page, "worker")
    page.goto(episode_url)
    le = _form(page, "Record: Report to law enforcement (NCIC entry)")
    le.get_by_label("When it was made").fill(_wall(agency, 1))
    le.get_by_label("Law enforcement agency").fill("Fictional City Police")
    le.get_by_label("Report number").fill("FC-2026-118")
    le.get_by_label("Officer").fill("Officer Example")
    le.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("status").filter(has_text="The duty is met").is_visible()
    ncmec = _form(page, "Record: Report to NCMEC")
    ncmec.get_by_label("When it was made").fill(_wall(agency, 0.5))
    ncmec.get_by_label("NCMEC case number").fill("NC-55102")
    ncmec.get_by_role("button").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("table").first.locator("tbody tr")
    assert "MET " in rows.filter(has_text="Report to law enforcement").inner_text().upper()
    assert "MET " in rows.filter(has_text="Report to NCMEC").inner_text().upper()
    axe_check(page, context="on the episode page with reports recorded")
    page.goto(f"{live_url}/")
    assert "Report the missing youth to NCMEC" not in page.locator("body").inner_text()

    # The youth returns: the debrief and the return screening come due.
    page.goto(episode_url)
    back = _form(page, "When the youth returned to care")
    page.get_by_label("When the youth returned to care").fill(_wall(agency, 0.2))
    page.get_by_role("button", name="Record the return").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="After the return").is_visible()
    assert back.count() == 0
    page.goto(f"{live_url}/")
    duties_text = page.locator("section", has=page.get_by_role("heading", name="My duties")).inner_text()
    assert "Debrief the youth after the return from missing" in duties_text
    assert "CSEC screening after the return from missing" in duties_text
    assert page.get_by_role("heading", name=URGENT).count() == 0

    # The debrief.
    page.goto(episode_url)
    page.get_by_role("link", name="Record the debrief").click()
    page.wait_for_load_state("networkidle")
    axe_check(page, context="on the debrief page")
    page.get_by_label("Primary factors behind the absence").fill("Conflict at the placement.")
    page.get_by_label("Experiences while absent").fill("Stayed with an acquaintance; will follow up.")
    page.get_by_role("button", name="Record the debrief").click()
    page.wait_for_load_state("networkidle")

    # The return screening is finalised (screening app); finalising it meets the episode's duty.
    from safeharbor.screening import services as screening_services

    screening = screening_services.external_result_record(
        actor=demo.worker, youth=youth, tool_name="CSE-IT", level="no_concern", assessed_on=agency_today(agency)
    )
    screening_services.screening_finalise(
        actor=demo.worker, screening=screening, determined_status=screening.recommended_status
    )
    page.goto(episode_url)
    assert page.get_by_role("button", name="Link as the return screening").count() == 0
    after = page.locator("table").nth(1).inner_text().upper()
    assert after.count("MET ") == 2  # the tags are shown in capitals
    axe_check(page, context="on the episode page after the return duties")

    # The duties are cleared from the worker's home page.
    page.goto(f"{live_url}/")
    body = page.locator("body").inner_text()
    assert "Debrief the youth after the return from missing" not in body
    assert "CSEC screening after the return from missing" not in body
