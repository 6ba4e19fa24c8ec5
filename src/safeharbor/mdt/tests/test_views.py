"""MDT pages: the flow through the forms, bad input as 400, and bounded queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from safeharbor.core.testing import factories as f
from safeharbor.core.timeutils import agency_today
from safeharbor.mdt.models import ActionItem, MdtSession, Referral
from safeharbor.mdt.tests import helpers as h


def _youth_of(p, worker):
    youth = f.YouthFactory(agency=p.agency)
    f.AssignmentFactory(youth=youth, worker=worker, start=date(2025, 1, 1))
    return youth


def test_referral_form_bad_input_is_400_and_writes_nothing(personas, login):
    client = login(personas.worker)
    url = reverse("mdt:referral-new", kwargs={"youth_pk": personas.youth.pk})
    response = client.post(url, {"question": "", "key_indicators": ["not_a_code"]})
    assert response.status_code == 400
    assert "usa-error-message" in response.content.decode()
    assert not Referral.objects.exists()


def test_decline_without_reason_is_400(personas, login):
    referral = h.make_referral(personas.youth, personas.worker)
    client = login(personas.coordinator)
    response = client.post(
        reverse("mdt:referral-decide", kwargs={"pk": referral.pk}), {"action": "decline", "text": ""}
    )
    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).status == "submitted"


def test_referral_docx_download(personas, login):
    referral = h.make_referral(personas.youth, personas.worker)
    response = login(personas.worker).get(reverse("mdt:referral-docx", kwargs={"pk": referral.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_queue_queries_are_bounded(personas, login, django_assert_max_num_queries):
    p = personas
    client = login(p.coordinator)
    url = reverse("mdt:queue")
    h.make_referral(p.youth, p.worker)
    with django_assert_max_num_queries(14) as small:
        assert client.get(url).status_code == 200
    for _ in range(12):
        h.make_referral(_youth_of(p, p.worker2), p.worker2, urgent=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_calendar_queries_are_bounded(personas, login, django_assert_max_num_queries):
    client = login(personas.coordinator)
    client.get(reverse("mdt:calendar"))  # generates the year's sessions
    assert MdtSession.objects.filter(agency=personas.agency).count() >= 12
    with django_assert_max_num_queries(16) as first:
        assert client.get(reverse("mdt:calendar")).status_code == 200
    for offset in range(5):
        h.make_session(personas.agency, on=agency_today(personas.agency) + timedelta(days=3 + offset))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(reverse("mdt:calendar")).status_code == 200


def test_session_and_meeting_pages_queries_are_bounded(personas, login, django_assert_max_num_queries):
    p = personas
    session = h.make_session(p.agency, slots=2)
    h.book(session, h.make_referral(p.youth, p.worker, status="accepted"), 1)
    h.invite(session, p.partner)
    client = login(p.coordinator)
    pages = [
        reverse(name, kwargs={"pk": session.pk})
        for name in ("mdt:session-detail", "mdt:session-meeting", "mdt:session-minutes")
    ]
    counts = []
    for url in pages:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    h.book(session, h.make_referral(p.youth2, p.worker2, status="accepted"), 2)
    for name in ("worker", "worker2", "supervisor", "manager"):
        h.invite(session, getattr(p, name))
        h.make_action_item(session, getattr(p, name), p.coordinator)
    for url, count in zip(pages, counts, strict=True):
        # One more youth adds its discussion form's language widget but no per-row query.
        with django_assert_max_num_queries(count + 2):
            assert client.get(url).status_code == 200


def test_packet_queries_are_bounded(personas, login, django_assert_max_num_queries):
    p = personas
    session, referral = h.published_session(p)
    client = login(p.partner)
    url = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": referral.youth_id})
    # 21: the page's own reads plus the navigation's unread-notifications badge (one COUNT).
    with django_assert_max_num_queries(21) as first:
        assert client.get(url).status_code == 200
    f.PlacementFactory(youth=referral.youth, placement_type="shelter", start=date(2025, 3, 1))
    h.book(session, h.make_referral(p.youth2, p.worker2, status="accepted"), 2)
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert client.get(url).status_code == 200


def test_partner_marks_own_action_item_done(personas, login):
    p = personas
    session, _ = h.published_session(p)
    item = h.make_action_item(session, p.partner, p.coordinator)
    client = login(p.partner)
    page = client.get(reverse("mdt:my-meetings"))
    assert item.description in page.content.decode()
    assert client.post(reverse("mdt:action-done", kwargs={"pk": item.pk})).status_code == 302
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_home_panels_and_navigation(personas, login):
    p = personas
    h.make_referral(p.youth, p.worker)
    body = login(p.coordinator).get(reverse("core:home")).content.decode()
    assert "MDT referral queue" in body and reverse("mdt:queue") in body
    session, _ = h.published_session(p)
    h.make_action_item(session, p.partner, p.coordinator)
    body = login(p.partner).get(reverse("core:home")).content.decode()
    assert "1 current invitation" in body and "1 open action item" in body
    assert reverse("mdt:my-meetings") in body
