"""A screening finalised after a return from missing meets that episode's return-screening duty
(RULES.md §3: on return, a CSEC screening is due; 42 USC 671(a)(35))."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from django.utils import timezone

from safeharbor.deadlines.models import Deadline
from safeharbor.missing.services import episode_report, episode_return
from safeharbor.screening.selectors import rescreen_due_for
from safeharbor.screening.services import screening_finalise, screening_start


def _open_return_duties(youth):
    return Deadline.objects.filter(youth=youth, status="open", kind__icontains="screening")


def test_finalising_a_screening_after_return_meets_the_return_screening_duty(personas):
    worker, youth = personas.worker, personas.youth
    now = timezone.now()
    episode = episode_report(
        actor=worker, youth=youth, episode_type="ran_away", discovered_at=now - timedelta(hours=30)
    )
    episode_return(actor=worker, episode=episode, returned_at=now - timedelta(hours=1))
    assert _open_return_duties(youth).count() == 1

    screening = screening_start(actor=worker, youth=youth)
    screening_finalise(actor=worker, screening=screening, determined_status="no_known_risk")

    assert _open_return_duties(youth).count() == 0
    episode.refresh_from_db()
    assert episode.return_screening_id == screening.pk


def test_a_screening_with_no_return_pending_changes_no_duty(personas):
    worker, youth = personas.worker, personas.youth
    screening = screening_start(actor=worker, youth=youth)
    screening_finalise(actor=worker, screening=screening, determined_status="no_known_risk")
    assert not Deadline.objects.filter(youth=youth).exists()


def _finalised_at_risk(worker, youth):
    screening = screening_start(actor=worker, youth=youth)
    return screening_finalise(
        actor=worker, screening=screening, determined_status="at_risk", override_reason="Runs often from placement."
    )


def test_profile_rescreen_date_follows_a_return_from_missing_after_the_last_screening(personas):

    worker, youth = personas.worker, personas.youth
    zone = ZoneInfo(youth.agency.time_zone)
    with time_machine.travel(datetime(2031, 3, 2, 10, 0, tzinfo=zone), tick=False):
        last = _finalised_at_risk(worker, youth)
    youth.refresh_from_db()
    policy = youth.agency.policy([])
    due = rescreen_due_for(youth=youth, policy=policy, last_finalised=last)
    assert [(d.reason, d.due_on) for d in due] == [("periodic", date(2031, 9, 2))]

    with time_machine.travel(datetime(2031, 3, 20, 23, 30, tzinfo=zone), tick=False):
        now = timezone.now()
        episode = episode_report(
            actor=worker, youth=youth, episode_type="ran_away", discovered_at=now - timedelta(days=2)
        )
        episode_return(actor=worker, episode=episode, returned_at=now - timedelta(minutes=5))
    due = rescreen_due_for(youth=youth, policy=policy, last_finalised=last)
    # 72 return-screening hours = 3 days after the return day, in the agency's own calendar.
    assert (due[0].reason, due[0].trigger_on, due[0].due_on) == (
        "returned_from_missing",
        date(2031, 3, 20),
        date(2031, 3, 23),
    )
    assert due[1].reason == "periodic"

    # The next screening after the return meets it: only the periodic date is left.
    with time_machine.travel(datetime(2031, 3, 22, 9, 0, tzinfo=zone), tick=False):
        later = _finalised_at_risk(worker, youth)
    youth.refresh_from_db()
    due = rescreen_due_for(youth=youth, policy=policy, last_finalised=later)
    assert [(d.reason, d.due_on) for d in due] == [("periodic", date(2031, 9, 22))]


def test_profile_section_says_why_the_rescreen_is_due(personas, login):

    worker, youth = personas.worker, personas.youth
    with time_machine.travel(timezone.now() - timedelta(days=5)):
        _finalised_at_risk(worker, youth)
    now = timezone.now()
    episode = episode_report(
        actor=worker, youth=youth, episode_type="ran_away", discovered_at=now - timedelta(hours=30)
    )
    episode_return(actor=worker, episode=episode, returned_at=now - timedelta(hours=1))
    page = login(worker).get(reverse("youth:detail", kwargs={"pk": youth.pk})).content.decode()
    assert "after the return from missing on" in page
