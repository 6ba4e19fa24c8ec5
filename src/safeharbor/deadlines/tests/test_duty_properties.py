"""Property (issue 13): for any sequence of missing reports, returns and screenings of one youth, on a
pinned clock, every duty RULES.md requires exists exactly once, nothing else is opened, and after each
due instant plus the grace every unmet duty has been escalated exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing import factories as f
from safeharbor.deadlines import rules
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.deadlines.services import deadlines_sweep
from safeharbor.missing import services as missing
from safeharbor.screening import services as screening
from safeharbor.screening.codes import status_rank

START = datetime(2026, 10, 20, 16, 0, tzinfo=UTC)  # the autumn clock change falls inside most runs
STATUSES = ("no_known_risk", "at_risk", "suspected_victim", "confirmed_victim")

action = st.one_of(
    st.tuples(st.just("report"), st.integers(min_value=1, max_value=200)),
    st.tuples(st.just("return"), st.integers(min_value=1, max_value=200)),
    st.tuples(st.sampled_from(STATUSES), st.integers(min_value=1, max_value=400)),
)


def _screen(worker: Any, youth: Any, status: str) -> Any:
    draft = screening.screening_start(actor=worker, youth=youth)
    draft = screening.screening_save_answers(actor=worker, screening=draft, answers={}, facts=[])
    reason = "" if draft.recommended_status == status else "Judgement after the interview, recorded."
    when = "in_foster_care" if status_rank(status) >= status_rank("suspected_victim") else ""
    return screening.screening_finalise(
        actor=worker, screening=draft, determined_status=status, override_reason=reason, when_category=when
    )


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(action, min_size=1, max_size=7))
def test_every_required_duty_exists_once_and_each_unmet_one_escalates_once(personas, actions):
    youth = f.YouthFactory(agency=personas.agency)
    f.AssignmentFactory(youth=youth, worker=personas.worker, start=START.date() - timedelta(days=30))
    expected: list[tuple[str, str, int]] = []  # (kind, subject_type, subject_id)
    now = START
    missing_now: Any = None
    identified = interventions = False
    for name, gap in actions:
        now += timedelta(hours=gap)
        with time_machine.travel(now, tick=False):
            if name == "report":
                if missing_now is not None:
                    with pytest.raises(ApplicationError):
                        missing.episode_report(
                            actor=personas.worker, youth=youth, episode_type="ran_away", discovered_at=now
                        )
                    continue
                missing_now = missing.episode_report(
                    actor=personas.worker, youth=youth, episode_type="ran_away", discovered_at=now
                )
                for kind in (
                    "missing.report_law_enforcement",
                    "missing.report_ncmec",
                    "missing.notice.parents",
                    "missing.icwa_inquiry",
                ):
                    expected.append((kind, "missing.missingepisode", missing_now.pk))
            elif name == "return":
                if missing_now is None:
                    continue
                missing.episode_return(actor=personas.worker, episode=missing_now, returned_at=now)
                for kind in ("missing.return_debrief", "missing.return_screening"):
                    expected.append((kind, "missing.missingepisode", missing_now.pk))
                missing_now = None
            else:
                done = _screen(personas.worker, youth, name)
                if status_rank(name) >= status_rank("at_risk"):
                    expected.append(("screening.periodic_rescreening", "screening.screening", done.pk))
                if name == "confirmed_victim" and not identified:
                    identified = True
                    expected.append(("screening.victim_report_law_enforcement", "youth.youth", youth.pk))
                if status_rank(name) >= status_rank("suspected_victim") and not interventions:
                    interventions = True
                    expected += [
                        (kind, "care.serviceitem", 0)
                        for kind in (
                            "care.immediate.safe_placement",
                            "care.immediate.health_exam",
                            "care.immediate.mental_health",
                        )
                    ]

    rows = list(Deadline.objects.filter(youth=youth))
    found = sorted((d.kind, d.subject_type, 0 if d.subject_type == "care.serviceitem" else d.subject_id) for d in rows)
    assert found == sorted(expected), "each required duty exactly once, and nothing else"

    if not rows:
        return
    # Sweep past every due instant plus the grace, twice: each unmet duty is escalated exactly once.
    end = max(d.due_at for d in rows) + rules.OVERDUE_AFTER + timedelta(minutes=5)
    deadlines_sweep(now=end)
    deadlines_sweep(now=end + timedelta(hours=1))
    for duty in Deadline.objects.filter(youth=youth):
        escalations = Notification.objects.filter(deadline=duty, kind=rules.ESCALATED, channel="app")
        if duty.status == "open":
            assert [n.recipient_id for n in escalations] == [personas.supervisor.pk], duty.kind
        else:
            assert not escalations.exists(), duty.kind
