"""MDT workflows: referral, queue decisions, calendar, scheduling, agenda, minutes, action items."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from docx import Document
from icalendar import Calendar

from safeharbor.agency.models import Holiday
from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.mdt import documents, selectors, services
from safeharbor.mdt.models import ActionItem, Invitation, MdtSession, Referral, Slot
from safeharbor.mdt.tests import helpers as h

LA = ZoneInfo("America/Los_Angeles")
# Monday 3 February 2031, 09:00 in the agency's zone; February's session is Wednesday the 5th.
MONDAY = datetime(2031, 2, 3, 9, 0, tzinfo=LA)


def _worker_youth(p, **fields):
    youth = f.YouthFactory(agency=p.agency, **fields)
    f.AssignmentFactory(youth=youth, worker=p.worker, start=date(2025, 1, 1))
    return youth


# --- Referral ---------------------------------------------------------------------------------


def test_submit_snapshots_the_record_and_tells_the_coordinator(personas):
    p = personas
    f.PlacementFactory(youth=p.youth, placement_type="group_home", start=date(2025, 2, 1))
    referral = services.referral_submit(
        actor=p.worker,
        youth=p.youth,
        question="  Should we plan a school safety meeting?  ",
        narrative="Fictional narrative.",
        key_indicators=["runaway_history", "foster_care"],
    )
    assert referral.status == "submitted"
    assert referral.question == "Should we plan a school safety meeting?"
    assert referral.status_at_submission == p.youth.csec_status
    assert referral.key_indicators == ["foster_care", "runaway_history"]  # catalogue order
    assert referral.placement_type == "group_home"
    assert referral.urgent is False and referral.submitted_at is not None
    assert Notification.objects.filter(recipient=p.coordinator, kind="mdt_referral").count() == 1
    event = AuditEvent.objects.filter(action="mdt.referral_submit").get()
    assert event.youth_id == p.youth.pk and event.object_id == str(referral.pk)


def test_confirmed_victim_is_urgent(personas):
    youth = _worker_youth(personas, csec_status="confirmed_victim")
    referral = services.referral_submit(actor=personas.worker, youth=youth, question="Urgent planning?")
    assert referral.urgent and referral.urgency_reasons == ["confirmed_victim"]


def test_missing_youth_is_urgent(personas, monkeypatch):
    p = personas
    monkeypatch.setattr(selectors, "missing_youth_ids", lambda *, agency_id, now: {p.youth.pk})
    referral = services.referral_submit(actor=p.worker, youth=p.youth, question="Youth left placement; plan?")
    assert referral.urgent and referral.urgency_reasons == ["missing_or_72_hour_window"]


def test_submit_refused_for_a_youth_not_on_the_caseload(personas):
    with pytest.raises(PermissionDenied):
        services.referral_submit(actor=personas.worker2, youth=personas.youth, question="?")
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"question": "  "}, "question"), ({"question": "ok", "key_indicators": ["nope"]}, "key_indicators")],
)
def test_submit_bad_input_names_the_field(personas, kwargs, field):
    with pytest.raises(ApplicationError) as info:
        services.referral_submit(actor=personas.worker, youth=personas.youth, **kwargs)
    assert info.value.field == field
    assert not Referral.objects.exists()


def test_queue_decisions_notify_the_worker(personas):
    p = personas
    declined = h.make_referral(p.youth, p.worker)
    with pytest.raises(ApplicationError):
        services.referral_decline(actor=p.coordinator, referral=declined, reason=" ")
    services.referral_decline(actor=p.coordinator, referral=declined, reason="Not a CSEC concern at this time.")
    asked = h.make_referral(p.youth, p.worker)
    services.referral_request_info(actor=p.coordinator, referral=asked, request="Add the latest placement.")
    services.referral_answer(
        actor=p.worker, referral=Referral.objects.get(pk=asked.pk), question="Sharper question", narrative=""
    )
    assert Referral.objects.get(pk=asked.pk).status == "submitted"
    accepted = services.referral_accept(actor=p.coordinator, referral=Referral.objects.get(pk=asked.pk))
    assert accepted.status == "accepted" and accepted.accepted_on is not None
    assert Notification.objects.filter(recipient=p.worker, kind="mdt_referral_decision").count() == 3
    with pytest.raises(ApplicationError):
        services.referral_accept(actor=p.coordinator, referral=accepted)
    with pytest.raises(PermissionDenied):
        services.referral_accept(actor=p.worker, referral=h.make_referral(p.youth, p.worker))


# --- Calendar ---------------------------------------------------------------------------------


def test_calendar_generation_is_idempotent_and_keeps_cancelled_sessions(personas):
    p = personas
    with time_machine.travel(datetime(2030, 12, 20, 9, 0, tzinfo=LA), tick=False):
        assert services.calendar_generate(agency=p.agency, months=3) == 3
        first = MdtSession.objects.get(agency=p.agency, nominal_date=date(2031, 1, 1))
        assert first.date == date(2031, 1, 8) and first.move_reason == "New Year's Day"
        assert first.slot_set.count() == 2
        services.session_cancel(actor=p.coordinator, session=first, reason="Room closed")
        assert services.calendar_generate(agency=p.agency, months=3) == 0
        assert MdtSession.objects.filter(agency=p.agency).count() == 3


def test_agency_holiday_moves_a_generated_session(personas):
    p = personas
    with time_machine.travel(datetime(2031, 1, 10, 9, 0, tzinfo=LA), tick=False):
        services.holiday_save(actor=p.admin, on=date(2031, 2, 5), name="Staff training day", closed=True)
        services.calendar_generate(agency=p.agency, months=1)
        session = MdtSession.objects.get(agency=p.agency)
        assert (session.date, session.moved_from, session.move_reason) == (
            date(2031, 2, 12),
            date(2031, 2, 5),
            "Staff training day",
        )
    with pytest.raises(PermissionDenied):
        services.holiday_save(actor=p.coordinator, on=date(2031, 3, 5), name="x", closed=True)
    assert Holiday.objects.count() == 1


def test_extra_session_and_its_checks(personas):
    p = personas
    with time_machine.travel(MONDAY, tick=False):
        session = services.session_add(
            actor=p.coordinator,
            on=date(2031, 2, 19),
            start=MONDAY.time().replace(hour=13),
            end=MONDAY.time().replace(hour=15),
            room="Room 2",
        )
        assert session.extra and session.slots == 2 and session.slot_set.count() == 2
        with pytest.raises(ApplicationError) as info:
            services.session_add(
                actor=p.coordinator, on=date(2031, 1, 1), start=session.start, end=session.end, room="Room 2"
            )
        assert info.value.field == "date"


# --- Scheduling -------------------------------------------------------------------------------


def _accepted(p, youth=None, *, urgent=False):
    youth = youth or p.youth
    referral = h.make_referral(youth, p.worker)
    if urgent:
        Referral.objects.filter(pk=referral.pk).update(urgent=True, urgency_reasons=["confirmed_victim"])
        youth.csec_status = "confirmed_victim"
        youth.save(update_fields=["csec_status"])
    return services.referral_accept(actor=p.coordinator, referral=Referral.objects.get(pk=referral.pk))


def test_schedule_takes_the_earliest_slot_after_the_lead_time(personas):
    p = personas
    with time_machine.travel(datetime(2031, 1, 20, 9, 0, tzinfo=LA), tick=False):
        services.calendar_generate(agency=p.agency, months=3)
    with time_machine.travel(MONDAY, tick=False):
        referral = _accepted(p)
        slot = services.referral_schedule(actor=p.coordinator, referral=referral)
        assert slot.session.date == date(2031, 2, 5) and slot.position == 1
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        # Accepted Tuesday: the 5th is less than 2 business days away.
        later = _accepted(p, _worker_youth(p))
        slot = services.referral_schedule(actor=p.coordinator, referral=later)
        assert slot.session.date == date(2031, 3, 5)
        chosen_too_early = Slot.objects.get(session__date=date(2031, 2, 5), position=2)
        another = _accepted(p, _worker_youth(p))
        with pytest.raises(ApplicationError) as info:
            services.referral_schedule(actor=p.coordinator, referral=another, slot_id=chosen_too_early.pk)
        assert info.value.field == "slot"
    assert Notification.objects.filter(recipient=p.worker, kind="mdt_schedule").count() == 2


def test_full_sessions_need_a_new_session_or_a_bump(personas):
    p = personas
    with time_machine.travel(datetime(2031, 1, 6, 9, 0, tzinfo=LA), tick=False):
        session = h.make_session(p.agency, on=date(2031, 2, 5), slots=1)
        plain = _accepted(p)
        services.referral_schedule(actor=p.coordinator, referral=plain)
        urgent = _accepted(p, _worker_youth(p), urgent=True)
        with pytest.raises(ApplicationError):
            services.referral_schedule(actor=p.coordinator, referral=urgent)
        options = services.scheduling_options(referral=Referral.objects.get(pk=urgent.pk))
        assert options["offer"] is None and [o.bumps for o in options["bumps"]] == [plain.pk]
        slot = Slot.objects.get(session=session)
        with pytest.raises(ApplicationError) as info:
            services.referral_schedule(actor=p.coordinator, referral=urgent, slot_id=slot.pk)
        assert info.value.field == "bump_reason"
        later = h.make_session(p.agency, on=date(2031, 3, 5), slots=1)
        services.referral_schedule(
            actor=p.coordinator, referral=urgent, slot_id=slot.pk, bump_reason="Youth went missing last week"
        )
        slot.refresh_from_db()
        assert slot.referral_id == urgent.pk and slot.bumps[0]["referral_id"] == plain.pk
        # The bumped referral took the next free slot, and its worker was told.
        assert Slot.objects.get(session=later).referral_id == plain.pk
        assert Referral.objects.get(pk=plain.pk).status == "scheduled"
        assert AuditEvent.objects.filter(action="mdt.referral_bumped", object_id=str(plain.pk)).exists()
        # An urgent referral's slot is never given away.
        third = _accepted(p, _worker_youth(p))
        with pytest.raises(ApplicationError):
            services.referral_schedule(actor=p.coordinator, referral=third, slot_id=slot.pk, bump_reason="x")


# --- Agenda, invitations, minutes -------------------------------------------------------------


def test_publish_invites_members_with_an_ics(personas, django_capture_on_commit_callbacks):
    p = personas
    with time_machine.travel(datetime(2031, 1, 6, 9, 0, tzinfo=LA), tick=False):
        session = h.make_session(p.agency, on=date(2031, 2, 5))
        with pytest.raises(ApplicationError):
            services.session_publish_agenda(actor=p.coordinator, session=session, members=[p.partner])
        services.referral_schedule(actor=p.coordinator, referral=_accepted(p))
        with pytest.raises(ApplicationError):
            services.session_publish_agenda(actor=p.coordinator, session=session, members=[p.other_agency_worker])
        with pytest.raises(PermissionDenied):
            services.session_publish_agenda(actor=p.worker, session=session, members=[p.partner])
        with django_capture_on_commit_callbacks(execute=True):
            services.session_publish_agenda(actor=p.coordinator, session=session, members=[p.partner, p.worker2])
    session.refresh_from_db()
    assert session.status == "agenda_published" and session.published_at is not None
    assert set(Invitation.objects.filter(session=session).values_list("user_id", flat=True)) == {
        p.partner.pk,
        p.worker2.pk,
    }
    assert len(mail.outbox) == 2
    attachment = mail.outbox[0].attachments[0]
    assert attachment[0].endswith(".ics") and attachment[2] == "text/calendar"
    event = next(iter(Calendar.from_ical(attachment[1]).walk("VEVENT")))
    assert event.decoded("dtstart") == datetime(2031, 2, 5, 10, 0, tzinfo=LA)
    assert str(event.get("location")) == "Fictional Room 4"
    assert p.youth.legal_last_name not in str(attachment[1])
    assert Notification.objects.filter(recipient=p.partner, kind="mdt_invitation").count() == 1


def test_ics_parses(personas):
    session, _ = h.published_session(personas)
    invitation = Invitation.objects.get(session=session)
    cal = Calendar.from_ical(documents.session_ics(session=session, invitation=invitation))
    event = next(iter(cal.walk("VEVENT")))
    assert str(event.get("uid")) == invitation.uid
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=2)


def test_action_item_becomes_a_deadline_met_when_done(personas):
    p = personas
    session, referral = h.published_session(p)
    item = services.action_item_create(
        actor=p.coordinator,
        session=session,
        owner=p.partner,
        description="Share the school safety contact",
        due_date=session.date + timedelta(days=14),
        referral=referral,
    )
    deadline = Deadline.objects.get(kind=ActionItem.DEADLINE_KIND, subject_id=item.pk)
    assert deadline.owner == p.partner and deadline.done_at is None and deadline.youth_id == referral.youth_id
    with pytest.raises(PermissionDenied):
        services.action_item_complete(actor=p.worker2, item=item)
    services.action_item_complete(actor=p.partner, item=item)
    deadline.refresh_from_db()
    assert deadline.done_at is not None and deadline.done_by == p.partner
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_held_meeting_closes_its_referrals(personas):
    p = personas
    session, referral = h.published_session(p)
    with pytest.raises(ApplicationError):
        services.session_mark_held(actor=p.coordinator, session=session)
    with time_machine.travel(
        datetime.combine(session.date, datetime.min.time(), tzinfo=LA) + timedelta(hours=13), tick=False
    ):
        services.attendance_record(actor=p.coordinator, session=session, present_ids=[p.partner.pk])
        with pytest.raises(ApplicationError):
            services.attendance_record(actor=p.coordinator, session=session, present_ids=[p.worker2.pk])
        services.discussion_save(
            actor=p.coordinator,
            session=session,
            referral=referral,
            notes="Fictional notes",
            decisions="Fictional decision",
        )
        services.session_mark_held(actor=p.coordinator, session=session)
    assert Referral.objects.get(pk=referral.pk).status == "closed"


def test_referral_docx_opens_and_holds_the_youth(personas):
    p = personas
    p.youth.preferred_name = "Sunny"
    p.youth.state_client_id = "FIC-0001"
    p.youth.save()
    referral = services.referral_submit(
        actor=p.worker, youth=p.youth, question="What support fits best?", key_indicators=["runaway_history"]
    )
    document = Document(
        io.BytesIO(
            documents.referral_docx(
                referral=Referral.objects.select_related("youth", "referred_by", "agency").get(pk=referral.pk)
            )
        )
    )
    text = "\n".join(par.text for par in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "MDT" in text and "What support fits best?" in text
    assert p.youth.legal_first_name in cells and p.youth.legal_last_name in cells
    assert "Sunny" in cells and "FIC-0001" in cells and "Runaway history" in cells
    assert p.youth.date_of_birth.strftime("%m/%d/%Y") in cells


def test_referral_form_prefills_indicators_from_the_latest_finalised_screening(personas):
    from django.utils import timezone

    from safeharbor.screening.models import Screening, ScreeningIndicator

    p = personas
    old = Screening.objects.create(
        agency=p.agency,
        youth=p.youth,
        assessed_on=date(2025, 3, 1),
        created_by=p.worker,
        status="finalised",
        determined_status="at_risk",
        finalised_at=timezone.now(),
    )
    ScreeningIndicator.objects.create(screening=old, code="foster_care", answer="yes")
    latest = Screening.objects.create(
        agency=p.agency,
        youth=p.youth,
        assessed_on=date(2025, 6, 1),
        created_by=p.worker,
        status="finalised",
        determined_status="suspected_victim",
        finalised_at=timezone.now(),
    )
    ScreeningIndicator.objects.create(screening=latest, code="branding_tattoo", answer="yes")
    ScreeningIndicator.objects.create(screening=latest, code="late_hours", answer="no")
    draft = Screening.objects.create(agency=p.agency, youth=p.youth, assessed_on=date(2025, 7, 1), created_by=p.worker)
    ScreeningIndicator.objects.create(screening=draft, code="recruiting_peers", answer="yes")
    assert selectors.recorded_indicators(youth_id=p.youth.pk) == ["branding_tattoo"]
