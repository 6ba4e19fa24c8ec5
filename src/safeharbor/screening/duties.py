"""The duties a screening opens, meets or cancels (RULES.md §2, §3, §9): the periodic re-screening and
the law-enforcement report for an identified victim. Called by `screening.services` inside its
transaction; the deadline engine (`deadlines.services`) holds the rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from safeharbor.accounts.models import User
from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines.models import Deadline, DutyStatus
from safeharbor.deadlines.services import deadline_cancel, deadline_meet, deadline_open
from safeharbor.screening.codes import status_rank
from safeharbor.screening.rules import add_months
from safeharbor.youth.models import Youth

KIND_PERIODIC = "screening.periodic_rescreening"
KIND_VICTIM_REPORT = "screening.victim_report_law_enforcement"
VICTIM_REPORT_HOURS = 24  # 42 USC 671(a)(34)(A)
SCREENING_KINDS: tuple[str, ...] = ("missing.return_screening", KIND_PERIODIC)


def current_worker(youth: Youth) -> User | None:
    from safeharbor.youth.selectors import youth_current_worker

    return youth_current_worker(youth=youth)


def periodic_due_at(*, finalised_at: datetime, months: int, zone: Any) -> datetime:
    """`months` calendar months after the screening, at the same wall-clock time in the agency's zone
    (a month has no fixed length in hours; the instant is then fixed in UTC)."""
    local = finalised_at.astimezone(zone)
    day = add_months(local.date(), months)
    return datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=zone).astimezone(UTC)


def periodic_rescreening_after_finalise(*, actor: User, youth: Youth, screening: Any, status: str) -> None:
    """A finalised screening is the re-screening the open periodic duty asked for: that duty is met (or,
    when the status drops to no known risk, cancelled), and a youth at risk or higher gets the next one,
    due `rescreen_months` later."""
    finalised_at: datetime = screening.finalised_at
    from safeharbor.screening.models import Screening

    for duty in Deadline.objects.filter(youth_id=youth.pk, kind=KIND_PERIODIC, status=DutyStatus.OPEN):
        subject = Screening.objects.get(pk=duty.subject_id)
        if status_rank(status) >= status_rank("at_risk"):
            done_at = max(finalised_at, duty.arose_at)
            deadline_meet(kind=KIND_PERIODIC, subject=subject, actor=actor, done_at=done_at)
        else:
            deadline_cancel(kind=KIND_PERIODIC, subject=subject, actor=actor, reason_code="no_known_risk")
    if status_rank(status) < status_rank("at_risk"):
        return
    agency = youth.agency
    deadline_open(
        agency_id=youth.agency_id,
        kind=KIND_PERIODIC,
        subject=screening,
        title=f"Re-screen the youth (every {agency.rescreen_months} months while at risk or higher)",
        due_at=periodic_due_at(finalised_at=finalised_at, months=agency.rescreen_months, zone=agency_zone(agency)),
        owner=current_worker(youth) or actor,
        youth_id=youth.pk,
        arose_at=finalised_at,
    )


def victim_report_after_confirmation(*, actor: User, youth: Youth, determined_at: datetime) -> Deadline:
    """The 24-hour law-enforcement report of an identified victim: one duty per youth's identification
    (a second confirmed determination finds the first and opens nothing)."""
    return deadline_open(
        agency_id=youth.agency_id,
        kind=KIND_VICTIM_REPORT,
        subject=youth,
        title="Report an identified victim to law enforcement within 24 hours (42 USC 671(a)(34)(A))",
        due_at=determined_at + timedelta(hours=VICTIM_REPORT_HOURS),
        owner=current_worker(youth) or actor,
        youth_id=youth.pk,
        arose_at=determined_at,
    )


def screening_duties_open(*, youth: Youth) -> list[Deadline]:
    """The youth's open screening duties (return screenings and the periodic one), earliest due first.
    One query."""
    return list(
        Deadline.objects.filter(youth_id=youth.pk, kind__in=SCREENING_KINDS, status=DutyStatus.OPEN).order_by(
            "due_at", "id"
        )
    )
