from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import deadlines_sweep
from safeharbor.missing import services
from safeharbor.missing.models import EpisodeStatus
from safeharbor.missing.selectors import episodes_in_window_for_user, youth_ids_missing_or_in_window
from safeharbor.missing.tests.helpers import make_episode

pytestmark = pytest.mark.django_db

# 2026-03-07 20:00 PST, the evening before the spring change.
LAST_SEEN = datetime(2026, 3, 8, 4, 0, tzinfo=UTC)
DISCOVERED = LAST_SEEN + timedelta(hours=1)


def _duties(episode):
    return {d.kind: d for d in Deadline.objects.filter(subject_type="missing.missingepisode", subject_id=episode.pk)}


def _report(p, **kwargs):
    return services.episode_report(
        actor=p.worker,
        youth=p.youth,
        episode_type="ran_away",
        last_seen_at=kwargs.pop("last_seen_at", LAST_SEEN),
        discovered_at=kwargs.pop("discovered_at", DISCOVERED),
        **kwargs,
    )


def test_report_opens_the_24_hour_duties_for_the_worker(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=10), tick=False):
        episode = _report(personas)
    duties = _duties(episode)
    # The youth's ICWA inquiry is not yet made: the duty is to make it, not the tribe's notice.
    assert sorted(duties) == [
        "missing.icwa_inquiry",
        "missing.notice.parents",
        "missing.report_law_enforcement",
        "missing.report_ncmec",
    ]
    for duty in duties.values():
        assert duty.owner == personas.worker
        assert duty.due_at == DISCOVERED + timedelta(hours=24)
        assert duty.youth_id == personas.youth.pk
        assert personas.youth.legal_last_name not in duty.title
    assert episode.window_ends_at == LAST_SEEN + timedelta(hours=72)
    # the supervisor and the coordinator are told; no child's name in the message
    told = Notification.objects.filter(kind="missing_reported")
    assert set(told.values_list("recipient_id", flat=True)) == {personas.supervisor.pk, personas.coordinator.pk}
    assert all(personas.youth.legal_last_name not in n.message for n in told)


def test_only_those_who_may_change_the_youth_may_report(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=10), tick=False):
        for user in (personas.worker2, personas.coordinator, personas.manager, personas.other_agency_worker):
            with pytest.raises(PermissionDenied):
                services.episode_report(
                    actor=user,
                    youth=personas.youth,
                    episode_type="ran_away",
                    last_seen_at=None,
                    discovered_at=DISCOVERED,
                )


def test_contradictory_times_are_refused_with_the_field(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=10), tick=False):
        with pytest.raises(ApplicationError) as info:
            _report(personas, discovered_at=LAST_SEEN - timedelta(minutes=1))
        assert info.value.field == "discovered_at"
        with pytest.raises(ApplicationError) as info:
            _report(personas, discovered_at=DISCOVERED + timedelta(hours=2))
        assert info.value.field == "discovered_at"  # in the future
        episode = _report(personas)
        with pytest.raises(ApplicationError) as info:
            services.episode_return(actor=personas.worker, episode=episode, returned_at=LAST_SEEN - timedelta(hours=1))
        assert info.value.field == "returned_at"
        with pytest.raises(ApplicationError):
            _report(personas)  # a second episode while one is not closed


def test_recording_the_reports_meets_the_duties(personas):
    personas.youth.icwa_status = "yes"  # an Indian child: the tribe's notice applies
    personas.youth.save(update_fields=["icwa_status"])
    with time_machine.travel(DISCOVERED + timedelta(hours=2), tick=False):
        episode = _report(personas)
        services.episode_record_report(
            actor=personas.worker,
            episode=episode,
            kind="law_enforcement",
            made_at=timezone.now(),
            made_to="Fictional City Police",
            reference_number="R-1",
            officer="Officer Example",
        )
        services.episode_record_report(
            actor=personas.worker,
            episode=episode,
            kind="ncmec",
            made_at=timezone.now(),
            made_to="NCMEC",
            reference_number="C-9",
        )
        services.episode_record_report(
            actor=personas.worker,
            episode=episode,
            kind="notice",
            notice_code="tribe",
            made_at=timezone.now(),
            made_to="No tribe could be reached for this youth",
            not_applicable=True,
        )
        with pytest.raises(ApplicationError):
            services.episode_record_report(
                actor=personas.worker,
                episode=episode,
                kind="ncmec",
                made_at=timezone.now(),
                made_to="NCMEC",
                reference_number="C-9",
            )
        with pytest.raises(ApplicationError) as info:
            services.episode_record_report(
                actor=personas.worker,
                episode=episode,
                kind="notice",
                notice_code="mayor",
                made_at=timezone.now(),
                made_to="x",
            )
        assert info.value.field == "notice_code"
    duties = _duties(episode)
    assert duties["missing.report_law_enforcement"].done_by == personas.worker
    assert duties["missing.report_ncmec"].done_at is not None
    assert duties["missing.notice.tribe"].status == "not_applicable"
    assert duties["missing.notice.tribe"].done_at is None
    assert duties["missing.notice.parents"].status == "open"


def test_return_opens_debrief_and_screening_duties_and_completing_them_clears_them(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=5), tick=False):
        episode = _report(personas)
    returned = DISCOVERED + timedelta(hours=30)  # 2026-03-09, after the DST change
    with time_machine.travel(returned + timedelta(minutes=5), tick=False):
        episode = services.episode_return(actor=personas.worker, episode=episode, returned_at=returned)
    duties = _duties(episode)
    assert duties["missing.return_debrief"].due_at == returned + timedelta(hours=72)
    assert duties["missing.return_screening"].due_at == returned + timedelta(hours=72)
    assert episode.status == EpisodeStatus.LOCATED
    with time_machine.travel(returned + timedelta(hours=5), tick=False):
        services.debrief_record(
            actor=personas.worker,
            episode=episode,
            debriefed_at=timezone.now(),
            primary_factors="Conflict at the placement.",
            experiences="Stayed with an older acquaintance.",
        )
        with pytest.raises(ApplicationError):
            services.episode_close(actor=personas.worker, episode=episode)  # screening and reports still open

        class FakeScreening:  # the screening app's object: anything saved with a pk
            pk = 4242

        linked = services.episode_return_screening_done(youth=personas.youth, screening=FakeScreening())
    assert [e.pk for e in linked] == [episode.pk]
    duties = _duties(episode)
    assert duties["missing.return_debrief"].done_at is not None
    assert duties["missing.return_screening"].done_at is not None
    episode.refresh_from_db()
    assert episode.return_screening_id == 4242


def test_close_after_every_duty(personas):
    personas.youth.icwa_status = "reason_to_know"
    personas.youth.save(update_fields=["icwa_status"])
    with time_machine.travel(DISCOVERED + timedelta(minutes=5), tick=False):
        episode = _report(personas)
    with time_machine.travel(DISCOVERED + timedelta(hours=3), tick=False):
        now = timezone.now()
        for kind, code in [
            ("law_enforcement", ""),
            ("ncmec", ""),
            ("notice", "parents"),
            ("notice", "tribe"),
        ]:
            services.episode_record_report(
                actor=personas.worker,
                episode=episode,
                kind=kind,
                notice_code=code,
                made_at=now,
                made_to="Someone",
                reference_number="N-1",
            )
        episode = services.episode_return(actor=personas.worker, episode=episode, returned_at=now)
        services.debrief_record(
            actor=personas.worker, episode=episode, debriefed_at=now, primary_factors="a", experiences="b"
        )

        class FakeScreening:
            pk = 7

        services.episode_return_screening_done(youth=personas.youth, screening=FakeScreening(), actor=personas.worker)
        closed = services.episode_close(actor=personas.worker, episode=episode)
    assert closed.status == EpisodeStatus.CLOSED


def test_window_and_urgency_selectors(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=5), tick=False):
        episode = _report(personas)
        now = timezone.now()
        assert youth_ids_missing_or_in_window(agency_id=personas.agency.pk, now=now) == {personas.youth.pk}
        assert [e.pk for e in episodes_in_window_for_user(user=personas.worker, now=now)] == [episode.pk]
        assert [e.pk for e in episodes_in_window_for_user(user=personas.supervisor, now=now)] == [episode.pk]
        assert episodes_in_window_for_user(user=personas.worker2, now=now) == []
        assert episodes_in_window_for_user(user=personas.other_agency_worker, now=now) == []
        assert youth_ids_missing_or_in_window(agency_id=personas.other_agency.pk, now=now) == set()
    after = LAST_SEEN + timedelta(hours=72, minutes=1)
    with time_machine.travel(after, tick=False):
        assert episodes_in_window_for_user(user=personas.worker, now=timezone.now()) == []
        # still missing after the window: still urgent for the MDT queue
        assert youth_ids_missing_or_in_window(agency_id=personas.agency.pk, now=timezone.now()) == {personas.youth.pk}
        services.episode_return(actor=personas.worker, episode=episode, returned_at=timezone.now())
        assert youth_ids_missing_or_in_window(agency_id=personas.agency.pk, now=timezone.now()) == set()


def test_overdue_report_duty_escalates_to_the_supervisor_once(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=5), tick=False):
        episode = _report(personas)
    due = DISCOVERED + timedelta(hours=24)
    for minutes in (61, 62, 120, 24 * 60):
        with time_machine.travel(due + timedelta(minutes=minutes), tick=False):
            deadlines_sweep()
    escalated = Notification.objects.filter(kind="escalated", recipient=personas.supervisor, channel="app")
    assert escalated.count() == 4  # one per open 24-hour duty, once each
    assert set(escalated.values_list("deadline__subject_id", flat=True)) == {episode.pk}


def test_the_test_helper_episode_is_in_the_window(personas):
    episode = make_episode(personas)
    assert episode.is_missing


def test_a_screening_before_the_return_is_not_the_return_screening(personas):
    with time_machine.travel(DISCOVERED + timedelta(minutes=5), tick=False):
        episode = _report(personas)
    returned = DISCOVERED + timedelta(hours=10)
    with time_machine.travel(returned + timedelta(minutes=5), tick=False):
        services.episode_return(actor=personas.worker, episode=episode, returned_at=returned)

    class Earlier:
        pk = 11
        finalised_at = returned - timedelta(hours=1)

    class Later:
        pk = 12
        finalised_at = returned + timedelta(hours=1)

    assert services.episode_return_screening_done(youth=personas.youth, screening=Earlier()) == []
    assert [e.pk for e in services.episode_return_screening_done(youth=personas.youth, screening=Later())] == [
        episode.pk
    ]
    assert _duties(episode)["missing.return_screening"].done_at is not None
