"""The holes a simulated county year found in which duties exist and how they are met (issue 13), one
test (or a few) per defect, each failing on the code before the fix. Clock pinned throughout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines import rules
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import deadlines_sweep, escalation_recipient
from safeharbor.missing import services as missing
from safeharbor.screening import services as screening

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 17, 0, tzinfo=UTC)  # 10:00 in Los Angeles


def _at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def _report(p: Any, youth: Any = None, *, at: datetime) -> Any:
    return missing.episode_report(
        actor=p.worker, youth=youth or p.youth, episode_type="ran_away", discovered_at=at, last_seen_at=at
    )


def _duties(subject_id: int, subject_type: str = "missing.missingepisode") -> dict[str, Deadline]:
    return {d.kind: d for d in Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id)}


def _finalise(p: Any, youth: Any, status: str, *yes: str, actor: Any = None) -> Any:
    actor = actor or p.worker
    draft = screening.screening_start(actor=actor, youth=youth)
    draft = screening.screening_save_answers(
        actor=actor, screening=draft, answers=dict.fromkeys(yes, ("yes", "")), facts=[]
    )
    reason = "" if draft.recommended_status == status else "The worker's judgement after the interview."
    when = "in_foster_care" if status in ("suspected_victim", "confirmed_victim") else ""
    return screening.screening_finalise(
        actor=actor, screening=draft, determined_status=status, override_reason=reason, when_category=when
    )


# 1. A repeat runaway can be reported --------------------------------------------------------------


def test_a_youth_back_from_missing_with_open_duties_can_be_reported_missing_again(personas):
    with _at(T0):
        first = _report(personas, at=T0 - timedelta(minutes=30))
    with _at(T0 + timedelta(days=2)):
        missing.episode_return(actor=personas.worker, episode=first, returned_at=T0 + timedelta(days=2))
    assert _duties(first.pk)["missing.return_debrief"].status == "open"
    with _at(T0 + timedelta(days=3)):
        second = _report(personas, at=T0 + timedelta(days=3))
    new = _duties(second.pk)
    assert new["missing.report_law_enforcement"].due_at == T0 + timedelta(days=4)
    assert new["missing.report_ncmec"].status == "open"
    assert second.window_ends_at == T0 + timedelta(days=6)
    old = _duties(first.pk)
    assert old["missing.return_debrief"].status == "open"
    assert old["missing.return_screening"].status == "open"


def test_a_youth_who_is_missing_now_is_refused_with_that_episode_named(personas):
    with _at(T0):
        first = _report(personas, at=T0)
        with pytest.raises(ApplicationError) as refused:
            _report(personas, at=T0)
    assert refused.value.code == f"already_missing:{first.pk}"
    assert str(first.pk) in refused.value.message


def test_the_report_page_links_to_the_episode_of_a_youth_missing_now(personas, login):
    with _at(T0):
        first = _report(personas, at=T0)
    with _at(T0 + timedelta(hours=1)):
        response = login(personas.worker).post(
            reverse("missing:report", args=[personas.youth.pk]),
            {"episode_type": "ran_away", "discovered_at": "2026-06-01T10:30"},
        )
    assert response.status_code == 400
    assert reverse("missing:episode", args=[first.pk]) in response.content.decode()


# 2. The 6-month re-screening is a duty --------------------------------------------------------------


def test_a_screening_at_risk_opens_the_periodic_rescreening_for_the_worker(personas):
    with _at(T0):
        done = _finalise(personas, personas.youth, "at_risk", "foster_care")
    duty = Deadline.objects.get(kind="screening.periodic_rescreening")
    assert (duty.subject_type, duty.subject_id) == ("screening.screening", done.pk)
    assert duty.owner == personas.worker
    assert duty.arose_at == T0
    assert duty.due_at == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)  # 10:00 PST, six months on
    assert escalation_recipient(duty) == personas.supervisor


def test_the_next_screening_meets_the_period_and_opens_the_next_one(personas):
    with _at(T0):
        _finalise(personas, personas.youth, "at_risk", "foster_care")
    later = T0 + timedelta(days=100)
    with _at(later):
        _finalise(personas, personas.youth, "at_risk", "foster_care")
    rows = list(Deadline.objects.filter(kind="screening.periodic_rescreening").order_by("id"))
    assert [r.status for r in rows] == ["met", "open"]
    assert rows[0].done_at == later and rows[0].on_time
    assert rows[1].arose_at == later


def test_the_rescreening_is_cancelled_when_the_status_drops_to_no_known_risk(personas):
    with _at(T0):
        _finalise(personas, personas.youth, "at_risk", "foster_care")
    with _at(T0 + timedelta(days=30)):
        _finalise(personas, personas.youth, "no_known_risk")
    rows = list(Deadline.objects.filter(kind="screening.periodic_rescreening"))
    assert [(r.status, r.cancel_reason) for r in rows] == [("cancelled", "no_known_risk")]


def test_an_overdue_rescreening_reminds_the_worker_and_escalates_once(personas):
    with _at(T0):
        _finalise(personas, personas.youth, "at_risk", "foster_care")
    duty = Deadline.objects.get(kind="screening.periodic_rescreening")
    for hours in (0, 2, 3):
        deadlines_sweep(now=duty.due_at + timedelta(hours=hours))
    escalated = Notification.objects.filter(deadline=duty, kind=rules.ESCALATED, channel="app")
    assert [n.recipient for n in escalated] == [personas.supervisor]


# 4. Every duty has an escalation recipient --------------------------------------------------------


def _action_item(p: Any, owner: Any) -> Deadline:
    from safeharbor.mdt.services import action_item_create
    from safeharbor.mdt.tests.helpers import make_session

    session = make_session(p.agency, on=T0.date())
    item = action_item_create(
        actor=p.coordinator, session=session, owner=owner, description="Call the school", due_date=T0.date()
    )
    return Deadline.objects.get(kind="mdt.action_item", subject_id=item.pk)


def test_a_partners_action_item_escalates_to_the_coordinator(personas):
    with _at(T0 - timedelta(days=1)):
        duty = _action_item(personas, personas.partner)
    assert escalation_recipient(duty) == personas.coordinator
    deadlines_sweep(now=duty.due_at + timedelta(hours=2))
    assert Notification.objects.filter(deadline=duty, kind=rules.ESCALATED, recipient=personas.coordinator).exists()


def test_the_coordinators_own_action_item_escalates_to_a_manager(personas):
    with _at(T0 - timedelta(days=1)):
        duty = _action_item(personas, personas.coordinator)
    assert escalation_recipient(duty) == personas.manager


def test_the_agency_may_name_its_escalation_contact(personas):
    personas.agency.duty_escalation_contact = personas.manager
    personas.agency.save()
    with _at(T0 - timedelta(days=1)):
        duty = _action_item(personas, personas.partner)
    assert escalation_recipient(duty) == personas.manager


def test_no_open_duty_anywhere_lacks_an_escalation_recipient(personas):
    from safeharbor.core.testing import factories as f

    # The second agency's worker is in a unit with a supervisor, as every county is staffed.
    lead = f.UserFactory(agency=personas.other_agency, roles=["supervisor"])
    unit = f.UnitFactory(agency=personas.other_agency, supervisor=lead)
    personas.other_agency_worker.unit = unit
    personas.other_agency_worker.save()
    with _at(T0 - timedelta(days=1)):
        _action_item(personas, personas.partner)
        _action_item(personas, personas.coordinator)
        _action_item(personas, personas.worker)
        _report(personas, at=T0 - timedelta(days=1))
        _finalise(personas, personas.youth2, "suspected_victim", "branding_tattoo", actor=personas.worker2)
        missing.episode_report(
            actor=personas.other_agency_worker,
            youth=personas.other_agency_youth,
            episode_type="ran_away",
            discovered_at=T0 - timedelta(days=1),
        )
    open_rows = list(Deadline.objects.filter(status="open").select_related("owner__unit__supervisor", "agency"))
    assert len({d.kind for d in open_rows}) >= 6
    lacking = [(d.kind, d.owner.username) for d in open_rows if escalation_recipient(d) is None]
    assert lacking == []
    assert {escalation_recipient(d) for d in open_rows if d.agency_id == personas.other_agency.pk} == {lead}


def test_the_escalation_rule_never_returns_the_owner():
    assert (
        rules.escalation_target(owner_id=1, supervisor_id=1, contact_id=1, coordinator_ids=[1], manager_ids=[1]) is None
    )
    assert (
        rules.escalation_target(
            owner_id=1, supervisor_id=None, contact_id=None, coordinator_ids=[1, 2], manager_ids=[3]
        )
        == 3
    )
    assert (
        rules.escalation_target(
            owner_id=5, supervisor_id=None, contact_id=None, coordinator_ids=[1, 2], manager_ids=[3]
        )
        == 1
    )


# 6. Completion is dated by when it was done -------------------------------------------------------


def test_a_report_made_before_midnight_and_typed_in_next_morning_is_on_time(personas):
    discovered = datetime(2026, 6, 2, 7, 0, tzinfo=UTC)  # 00:00 PDT; due 24 h later
    with _at(discovered):
        episode = _report(personas, at=discovered)
    made = datetime(2026, 6, 3, 6, 35, tzinfo=UTC)  # 23:35 PDT, before the 00:00 deadline
    typed = datetime(2026, 6, 3, 12, 56, tzinfo=UTC)  # 05:56 PDT the next morning
    with _at(typed):
        missing.episode_record_report(
            actor=personas.worker,
            episode=episode,
            kind="ncmec",
            made_at=made,
            made_to="NCMEC",
            reference_number="C-1",
        )
    duty = _duties(episode.pk)["missing.report_ncmec"]
    assert (duty.status, duty.done_at, duty.recorded_at, duty.on_time) == ("met", made, typed, True)
    deadlines_sweep(now=typed + timedelta(minutes=1))
    assert not Notification.objects.filter(deadline=duty, kind=rules.ESCALATED).exists()


def test_a_completion_in_the_future_or_before_the_duty_arose_is_refused_and_writes_nothing(personas):
    with _at(T0):
        episode = _report(personas, at=T0)
        for made_at in (T0 + timedelta(hours=1), T0 - timedelta(minutes=1)):
            with pytest.raises(ApplicationError) as refused:
                missing.episode_record_report(
                    actor=personas.worker,
                    episode=episode,
                    kind="ncmec",
                    made_at=made_at,
                    made_to="NCMEC",
                    reference_number="C-1",
                )
            assert refused.value.field == "made_at"
    assert not episode.reports.exists()
    assert _duties(episode.pk)["missing.report_ncmec"].status == "open"


def test_the_debrief_duty_is_done_when_the_debrief_took_place(personas):
    with _at(T0):
        episode = _report(personas, at=T0)
    back = T0 + timedelta(hours=5)
    with _at(back):
        episode = missing.episode_return(actor=personas.worker, episode=episode, returned_at=back)
    with _at(back + timedelta(days=5)):
        missing.debrief_record(
            actor=personas.worker,
            episode=episode,
            debriefed_at=back + timedelta(hours=20),
            primary_factors="Conflict at the placement",
            experiences="Stayed with a friend",
        )
    duty = _duties(episode.pk)["missing.return_debrief"]
    assert duty.done_at == back + timedelta(hours=20) and duty.on_time
    assert duty.recorded_at == back + timedelta(days=5)


# 9. The tribe's notice follows the youth's ICWA status -------------------------------------------


def _icwa(p: Any, youth: Any, status: str) -> None:
    from safeharbor.youth.services import youth_update

    youth.refresh_from_db()
    youth_update(actor=p.worker, youth=youth, version=youth.version, icwa_status=status)
    youth.refresh_from_db()


def test_without_the_inquiry_the_duty_is_to_make_it_and_yes_opens_the_notice(personas):
    with _at(T0):
        episode = _report(personas, at=T0)
    assert "missing.notice.tribe" not in _duties(episode.pk)
    inquiry = _duties(episode.pk)["missing.icwa_inquiry"]
    assert inquiry.due_at == T0 + timedelta(hours=24)
    with _at(T0 + timedelta(hours=3)):
        _icwa(personas, personas.youth, "yes")
    duties = _duties(episode.pk)
    assert duties["missing.icwa_inquiry"].status == "met"
    assert duties["missing.notice.tribe"].due_at == T0 + timedelta(hours=24)
    assert duties["missing.notice.tribe"].owner == personas.worker


def test_a_youth_who_is_not_an_indian_child_gets_no_tribe_notice(personas):
    with _at(T0 - timedelta(days=1)):
        _icwa(personas, personas.youth, "no")
    with _at(T0):
        episode = _report(personas, at=T0)
    assert {"missing.notice.tribe", "missing.icwa_inquiry"}.isdisjoint(_duties(episode.pk))
    assert "missing.notice.parents" in _duties(episode.pk)


def test_reason_to_know_opens_the_notice_at_once(personas):
    with _at(T0 - timedelta(days=1)):
        _icwa(personas, personas.youth, "reason_to_know")
    with _at(T0):
        episode = _report(personas, at=T0)
    assert _duties(episode.pk)["missing.notice.tribe"].status == "open"
    assert "missing.icwa_inquiry" not in _duties(episode.pk)


def test_finding_the_youth_not_an_indian_child_closes_an_open_tribe_notice(personas):
    with _at(T0 - timedelta(days=1)):
        _icwa(personas, personas.youth, "reason_to_know")
    with _at(T0):
        episode = _report(personas, at=T0)
    with _at(T0 + timedelta(hours=2)):
        _icwa(personas, personas.youth, "no")
    assert _duties(episode.pk)["missing.notice.tribe"].status == "not_applicable"


# 10. A duty met within the grace hour is late ---------------------------------------------------


def test_a_duty_met_in_the_grace_hour_is_late_though_nobody_was_escalated(personas):
    with _at(T0):
        episode = _report(personas, at=T0)
    due = T0 + timedelta(hours=24)
    deadlines_sweep(now=due + timedelta(minutes=10))
    with _at(due + timedelta(minutes=40)):
        missing.episode_record_report(
            actor=personas.worker,
            episode=episode,
            kind="ncmec",
            made_at=due + timedelta(minutes=30),
            made_to="NCMEC",
            reference_number="C-2",
        )
    deadlines_sweep(now=due + timedelta(hours=2))
    duty = _duties(episode.pk)["missing.report_ncmec"]
    assert duty.status == "met" and duty.on_time is False
    assert rules.is_late(due_at=duty.due_at, done_at=duty.done_at, now=due + timedelta(hours=2))
    assert not Notification.objects.filter(deadline=duty, kind=rules.ESCALATED).exists()


# 8. Immediate interventions in elapsed time; action items at the end of their day -----------------


def test_immediate_interventions_fall_due_168_hours_later_in_the_week_of_a_clock_change(personas):
    determined = datetime(2026, 10, 28, 17, 0, tzinfo=UTC)  # clocks go back on 1 November 2026
    with _at(determined):
        _finalise(personas, personas.youth, "suspected_victim", "branding_tattoo")
    dues = set(Deadline.objects.filter(kind__startswith="care.immediate.").values_list("due_at", flat=True))
    assert dues == {determined + timedelta(hours=168)}


def test_an_action_item_is_due_at_the_end_of_its_day_and_the_page_says_so(personas, login):
    from zoneinfo import ZoneInfo

    with _at(T0 - timedelta(days=1)):
        duty = _action_item(personas, personas.worker)
        page = login(personas.worker).get(reverse("mdt:my-meetings")).content.decode()
    local = duty.due_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (local.date(), local.hour, local.minute) == (T0.date(), 23, 59)
    assert "due at the end of its due date (23:59, agency time)" in page


# 3. The profile shows the earliest open screening duty ------------------------------------------


def test_after_a_return_the_profile_shows_the_return_screening_not_the_6_month_date(personas, login):
    with _at(T0):
        _finalise(personas, personas.youth, "at_risk", "foster_care")
        episode = _report(personas, at=T0)
    back = T0 + timedelta(days=1)
    with _at(back):
        missing.episode_return(actor=personas.worker, episode=episode, returned_at=back)
        page = login(personas.worker).get(reverse("youth:detail", args=[personas.youth.pk])).content.decode()
    # 72 hours after a return at 10:00 PDT on 2 June: 10:00 PDT on 5 June; the 6-month date is later.
    assert "Re-screening due 2026-06-05 10:00 PDT" in page
    assert "after the return from missing on 2026-06-02" in page
    assert "2026-12-01" not in page
