"""The compliance report: per duty kind, for the duties that arose in a range of the agency's days, how
many were met on time, met late, are open (overdue or not yet due), cancelled or not applicable, the
on-time rate and the median hours from arising to done (issue 16 item 3; docs/duties.md).

On time is `done_at <= due_at`: when the duty was done, not when it was typed in, and the grace hour
before an escalation never makes a late duty on time. Counts are aggregated in SQL (one query); the
medians read one column pair of the met duties (one more query).
"""

from __future__ import annotations

from datetime import date, datetime
from statistics import median
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from safeharbor.deadlines.ledger import ledger_qs
from safeharbor.deadlines.models import Deadline, DutyStatus

FIGURES: tuple[str, ...] = (
    "arose",
    "met_on_time",
    "met_late",
    "open_overdue",
    "open_not_due",
    "cancelled",
    "not_applicable",
    "on_time_rate",
    "median_hours_to_done",
)


def on_time_rate(*, met_on_time: int, arose: int, cancelled: int, not_applicable: int) -> float | None:
    """met on time / (arose - cancelled - not applicable); None when nothing was owed."""
    owed = arose - cancelled - not_applicable
    if owed <= 0:
        return None
    return round(met_on_time / owed, 4)


def _duties(*, agency: Any, date_from: date | None, date_to: date | None, scope: Q | None) -> QuerySet[Deadline]:
    return ledger_qs(agency=agency, date_from=date_from, date_to=date_to, scope=scope).order_by()


def compliance_by_kind(
    *, agency: Any, date_from: date | None, date_to: date | None, now: datetime, scope: Q | None = None
) -> dict[str, dict[str, Any]]:
    """{kind: {figure: value}} for the duties of `agency` that arose on the local days `date_from` to
    `date_to` (inclusive), as of `now`. `scope` narrows to what a reader may see (a supervisor's
    units). Two queries whatever the number of duties."""
    duties = _duties(agency=agency, date_from=date_from, date_to=date_to, scope=scope)
    met = Q(status=DutyStatus.MET)
    rows = (
        duties.values("kind")
        .annotate(
            arose=Count("id"),
            met_on_time=Count("id", filter=met & Q(done_at__lte=F("due_at"))),
            met_late=Count("id", filter=met & Q(done_at__gt=F("due_at"))),
            open_overdue=Count("id", filter=Q(status=DutyStatus.OPEN, due_at__lt=now)),
            open_not_due=Count("id", filter=Q(status=DutyStatus.OPEN, due_at__gte=now)),
            cancelled=Count("id", filter=Q(status=DutyStatus.CANCELLED)),
            not_applicable=Count("id", filter=Q(status=DutyStatus.NOT_APPLICABLE)),
        )
        .order_by("kind")
    )
    hours: dict[str, list[float]] = {}
    for kind, arose_at, done_at in duties.filter(met).values_list("kind", "arose_at", "done_at"):
        if done_at is not None:  # always set on a met duty (a check constraint says so)
            hours.setdefault(kind, []).append((done_at - arose_at).total_seconds() / 3600)
    report: dict[str, dict[str, Any]] = {}
    for row in rows:
        kind = row.pop("kind")
        spans = hours.get(kind)
        report[kind] = {
            **row,
            "on_time_rate": on_time_rate(
                met_on_time=row["met_on_time"],
                arose=row["arose"],
                cancelled=row["cancelled"],
                not_applicable=row["not_applicable"],
            ),
            "median_hours_to_done": round(median(spans), 2) if spans else None,
        }
    return report


def compliance_report(
    *, agency: Any, date_from: date, date_to: date, now: datetime, scope: Q | None = None
) -> dict[str, Any]:
    """The report's JSON shape (a contract: `safeharbor report compliance`, `GET /api/v1/reports/compliance`)."""
    return {
        "agency": agency.slug,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "duties": compliance_by_kind(agency=agency, date_from=date_from, date_to=date_to, now=now, scope=scope),
    }
