"""Scoped partner access (RULES.md §4): invited, agenda published, acknowledged, within the window."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from safeharbor.audit.models import AuditEvent
from safeharbor.mdt.models import ConfidentialityAcknowledgment
from safeharbor.mdt.tests import helpers as h

LA = ZoneInfo("America/Los_Angeles")
SESSION_DAY = date(2031, 2, 5)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LA)


def _setup(p):
    with time_machine.travel(_at(date(2031, 1, 20)), tick=False):
        session, referral = h.published_session(p, on=SESSION_DAY)
    return session, referral


def test_packet_open_until_30_days_after_the_session_then_404(personas, login):
    p = personas
    session, referral = _setup(p)
    url = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": referral.youth_id})
    agenda = reverse("mdt:session-agenda", kwargs={"pk": session.pk})
    # Sign in inside each pinned clock: a session started years earlier would have expired.
    with time_machine.travel(_at(SESSION_DAY + timedelta(days=30), 16), tick=False):
        client = login(p.partner)
        assert client.get(url).status_code == 200
        assert client.get(agenda).status_code == 200
    with time_machine.travel(_at(SESSION_DAY + timedelta(days=31)), tick=False):
        client = login(p.partner)
        assert client.get(url).status_code == 404
        assert client.get(agenda).status_code == 404
        assert client.get(reverse("mdt:session-ics", kwargs={"pk": session.pk})).status_code == 404
        # The coordinator keeps access to the agency's records.
        assert login(p.coordinator).get(url).status_code == 200


def test_not_before_the_agenda_is_published(personas, login):
    p = personas
    with time_machine.travel(_at(date(2031, 1, 20)), tick=False):
        session = h.make_session(p.agency, on=SESSION_DAY)
        referral = h.make_referral(p.youth, p.worker, status="accepted")
        h.book(session, referral)
        h.invite(session, p.partner, acknowledge=True)
        url = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": referral.youth_id})
        assert login(p.partner).get(url).status_code == 404


def test_cancelled_session_closes_the_packet(personas, login):
    p = personas
    session, referral = _setup(p)
    with time_machine.travel(_at(date(2031, 1, 25)), tick=False):
        from safeharbor.mdt import services

        services.session_cancel(actor=p.coordinator, session=session, reason="Room closed")
        url = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": referral.youth_id})
        assert login(p.partner).get(url).status_code == 404


def test_acknowledgment_first_then_each_view_is_audited(personas, login):
    p = personas
    with time_machine.travel(_at(date(2031, 1, 20)), tick=False):
        session, referral = h.published_session(p, on=SESSION_DAY, acknowledge=False)
        client = login(p.partner)
        url = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": referral.youth_id})
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mdt:session-acknowledge", kwargs={"pk": session.pk})
        ack_url = reverse("mdt:session-acknowledge", kwargs={"pk": session.pk})
        assert client.post(ack_url, {}).status_code == 400  # the box must be ticked
        assert client.post(ack_url, {"agree": "on"}).status_code == 302
        assert ConfidentialityAcknowledgment.objects.filter(session=session, user=p.partner).count() == 1
        before = AuditEvent.objects.filter(action="mdt.packet_view", outcome="ok").count()
        first = client.get(url)
        client.get(url)
        assert (
            AuditEvent.objects.filter(action="mdt.packet_view", outcome="ok", actor_id=p.partner.pk).count()
            == before + 2
        )
    body = first.content.decode()
    youth = referral.youth
    assert first.status_code == 200
    assert (youth.preferred_name or youth.legal_first_name) in body
    assert referral.question in body
    # Only the packet fields: no legal surname, date of birth or narrative.
    assert youth.legal_last_name not in body
    assert referral.narrative not in body
    assert youth.date_of_birth.isoformat() not in body


def test_partner_gets_404_for_other_youth_and_every_youth_page(personas, login):
    p = personas
    session, referral = _setup(p)
    with time_machine.travel(_at(date(2031, 1, 25)), tick=False):
        client = login(p.partner)
        other = reverse("mdt:packet", kwargs={"pk": session.pk, "youth_pk": p.youth2.pk})
        assert client.get(other).status_code == 404
        assert AuditEvent.objects.filter(action="mdt.packet_view", outcome="denied", actor_id=p.partner.pk).exists()
        # The youth app refuses partners by role (403); either way the record is never shown.
        assert client.get(reverse("youth:detail", kwargs={"pk": referral.youth_id})).status_code in (403, 404)
        assert client.get(reverse("mdt:referral-detail", kwargs={"pk": referral.pk})).status_code == 404
        # A session they are not invited to.
        other_session, other_referral = h.published_session(p, youth=p.youth2, on=SESSION_DAY, members=("worker2",))
        url = reverse("mdt:packet", kwargs={"pk": other_session.pk, "youth_pk": other_referral.youth_id})
        assert client.get(url).status_code == 404
