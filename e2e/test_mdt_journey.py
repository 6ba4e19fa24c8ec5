"""MDT in a real browser: a worker refers; the coordinator accepts and schedules, publishes the agenda
and invites the partner; the partner acknowledges confidentiality, opens the packet, and gets 404 for a
youth not on the agenda; the coordinator records the meeting and an action item for the partner; the
partner marks it done. Accessibility checked on the pages. (The 31-days-after 404 runs with a pinned
clock in src/safeharbor/mdt/tests/test_partner_access.py.)"""

from __future__ import annotations

import re
from datetime import timedelta

from safeharbor.core.timeutils import agency_today

QUESTION = "Would the team help plan a safe return to school?"


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")


def test_mdt_journey(page, live_url, demo, sign_in, axe_check):
    from safeharbor.mdt.models import ActionItem, Referral

    youth = demo.youth
    partner_label = f"{demo.partner.get_full_name()} ({demo.partner.partner_organisation.name}, partner)"

    # The worker asks for an MDT meeting.
    sign_in(page, "worker")
    page.goto(f"{live_url}/mdt/referrals/new/{youth.pk}/")
    axe_check(page, context="on the referral form")
    page.get_by_label("Question for the team").fill(QUESTION)
    page.get_by_label("Narrative").fill("Fictional narrative: a new older friend and unaccounted time after school.")
    page.get_by_label("Runaway history").check()
    page.get_by_role("button", name="Send the referral").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Referral sent to the CSEC coordinator.").is_visible()
    referral = Referral.objects.get(youth=youth)
    axe_check(page, context="on the referral page")
    _sign_out(page)

    # The coordinator opens the calendar and the queue, accepts, and takes the offered slot.
    sign_in(page, "coordinator")
    page.get_by_role("link", name="MDT", exact=True).click()
    axe_check(page, context="on the queue")
    page.get_by_role("link", name="Session calendar").first.click()
    page.wait_for_load_state("networkidle")
    axe_check(page, context="on the calendar")
    page.goto(f"{live_url}/mdt/queue/")
    page.get_by_role("link", name=f"#{referral.pk}").click()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state("networkidle")
    axe_check(page, context="on the scheduling page")
    page.get_by_role("button", name="Take this slot").first.click()
    page.wait_for_load_state("networkidle")
    assert "/mdt/sessions/" in page.url
    session_url = page.url
    axe_check(page, context="on the session page")

    # Publish the agenda, inviting the partner.
    page.get_by_role("link", name="Publish the agenda and invite").click()
    page.get_by_label(partner_label).check()
    axe_check(page, context="on the publish page")
    page.get_by_role("button", name="Publish and invite").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Agenda published").first.is_visible()
    session_pk = int(re.search(r"/sessions/(\d+)/", session_url).group(1))
    _sign_out(page)

    # The partner acknowledges confidentiality, then reads only the agenda's packet.
    sign_in(page, "partner")
    page.goto(f"{live_url}/mdt/my/")
    axe_check(page, context="on My meetings")
    page.get_by_role("link", name="acknowledge confidentiality to open the packets").click()
    axe_check(page, context="on the acknowledgment page")
    page.locator("label[for=id_agree]").click()  # USWDS draws the box over a visually hidden input
    page.get_by_role("button", name="I acknowledge").click()
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name=youth.preferred_name or youth.legal_first_name).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text(QUESTION).is_visible()
    assert youth.legal_last_name not in page.content()
    axe_check(page, context="on the packet")
    response = page.goto(f"{live_url}/mdt/sessions/{session_pk}/packet/{demo.youth2.pk}/")
    assert response is not None and response.status == 404
    response = page.goto(f"{live_url}/youth/{youth.pk}/")
    assert response is not None and response.status in (403, 404)
    _sign_out(page)

    # The coordinator records the meeting and an action item for the partner.
    sign_in(page, "coordinator")
    page.goto(f"{live_url}/mdt/sessions/{session_pk}/meeting/")
    axe_check(page, context="on the meeting page")
    page.get_by_label(partner_label).check()
    page.get_by_role("button", name="Save attendance").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Discussion notes").fill("The team reviewed the school plan.")
    page.get_by_label("Decisions").fill("Advocate to meet the youth weekly.")
    page.get_by_role("button", name="Save notes and decisions").click()
    page.wait_for_load_state("networkidle")
    page.locator("#id_description").fill("Arrange the first advocacy meeting")
    page.get_by_label("Owner").select_option(label=partner_label)
    page.get_by_label("Due date").fill((agency_today(demo.agency) + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Add the action item").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Action item added").is_visible()
    page.goto(f"{live_url}/mdt/sessions/{session_pk}/minutes/")
    assert page.get_by_text("Advocate to meet the youth weekly.").is_visible()
    axe_check(page, context="on the printable minutes")
    _sign_out(page)

    # The partner marks the action item done.
    sign_in(page, "partner")
    page.goto(f"{live_url}/mdt/my/")
    page.get_by_role("button", name="Mark done").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Action item marked done.").is_visible()
    assert ActionItem.objects.get().status == "done"
