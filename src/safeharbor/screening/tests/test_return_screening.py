"""A screening finalised after a return from missing meets that episode's return-screening duty
(RULES.md §3: on return, a CSEC screening is due; 42 USC 671(a)(35))."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeharbor.deadlines.models import Deadline
from safeharbor.missing.services import episode_report, episode_return
from safeharbor.screening.services import screening_finalise, screening_start


def _open_return_duties(youth):
    return Deadline.objects.filter(youth=youth, met_at__isnull=True, kind__icontains="screening")


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
