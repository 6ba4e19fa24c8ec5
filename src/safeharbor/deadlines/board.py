"""The supervisor's unit board: reads of the open duties of the units a user oversees.

Who sees what is `permissions.duty_board_q` (duties) and `permissions.duty_board_workers_q` (the
workers with a summary row). Every function here runs a fixed number of queries, whatever the number
of duties, workers or youth; the page tests assert the bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines import kinds
from safeharbor.deadlines.models import Deadline, DutyStatus
from safeharbor.deadlines.selectors import duty_rows
from safeharbor.youth.models import Assignment

# The duties counted as "screenings due" in a worker's summary row.
SCREENING_KINDS: tuple[str, ...] = ("missing.return_screening", "screening.periodic_rescreening")

OVERDUE, TODAY, LATER = 0, 1, 2
BUCKET_LABELS = {OVERDUE: "Overdue", TODAY: "Due today", LATER: "Later"}


def agency_day_end(*, agency: Any, now: datetime) -> datetime:
    """The first instant of tomorrow on the agency's wall calendar (aware, in the agency's zone)."""
    zone = agency_zone(agency)
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone)


@dataclass(frozen=True)
class BoardFilters:
    """Validated filters of the board (see `deadlines.forms.BoardFilterForm`)."""

    worker_id: int | None = None
    kind: str = ""
    youth_id: int | None = None

    def as_detail(self) -> dict[str, Any]:
        """For the audit row: ids and codes only."""
        return {"worker_id": self.worker_id, "kind": self.kind or None, "youth_id": self.youth_id}


def board_duties_qs(*, user: Any, now: datetime, filters: BoardFilters | None = None) -> QuerySet[Deadline]:
    """The open duties on the user's board: overdue first (due before now), then due today (agency
    day), then the rest; each group by due instant. `bucket` is annotated (OVERDUE, TODAY, LATER)."""
    filters = filters or BoardFilters()
    qs = Deadline.objects.filter(permissions.duty_board_q(user), status=DutyStatus.OPEN)
    if filters.worker_id is not None:
        qs = qs.filter(owner_id=filters.worker_id)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.youth_id is not None:
        qs = qs.filter(youth_id=filters.youth_id)
    day_end = agency_day_end(agency=user.agency, now=now)
    return (
        qs.annotate(
            bucket=Case(
                When(due_at__lt=now, then=Value(OVERDUE)),
                When(due_at__lt=day_end, then=Value(TODAY)),
                default=Value(LATER),
                output_field=IntegerField(),
            )
        )
        .select_related("owner")
        .order_by("bucket", "due_at", "id")
    )


def board_rows(*, user: Any, deadlines: list[Deadline], now: datetime) -> list[dict[str, Any]]:
    """Rows for one page of the board: the duty rows of "My duties" (the youth's name only where the
    user may open the youth: 1 query) with the group and the owner."""
    rows = duty_rows(user=user, deadlines=deadlines, now=now)
    for row in rows:
        bucket = getattr(row["deadline"], "bucket", LATER)
        row["bucket"] = bucket
        row["bucket_label"] = BUCKET_LABELS[bucket]
        row["overdue"] = bucket == OVERDUE
        row["owner"] = row["deadline"].owner
    return rows


def board_totals(*, user: Any, now: datetime) -> dict[str, int]:
    """How many open duties the board holds, how many are overdue, how many due today (1 query)."""
    day_end = agency_day_end(agency=user.agency, now=now)
    return Deadline.objects.filter(permissions.duty_board_q(user), status=DutyStatus.OPEN).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=Q(due_at__lt=now)),
        today=Count("pk", filter=Q(due_at__gte=now, due_at__lt=day_end)),
    )


def board_overdue_first(*, user: Any, now: datetime, limit: int = 5) -> list[Deadline]:
    """The first `limit` overdue duties of the board, with their owners (1 query)."""
    qs = board_duties_qs(user=user, now=now).filter(due_at__lt=now)
    return list(qs[:limit])


def board_workers(*, user: Any) -> list[User]:
    """The workers with a summary row (1 query), by unit then name."""
    return list(
        User.objects.filter(permissions.duty_board_workers_q(user))
        .select_related("unit")
        .order_by("unit__name", "last_name", "first_name", "username")
    )


@dataclass
class WorkerSummary:
    worker: User
    caseload: int = 0
    open: int = 0
    overdue: int = 0
    in_window: int = 0
    screenings_due: int = 0


def board_worker_summaries(*, user: Any, now: datetime, workers: list[User]) -> list[WorkerSummary]:
    """One row per worker: caseload (active assignments), open duties, overdue, youth in the 72-hour
    window (missing now, window not ended) and screenings due. 3 queries, aggregated in SQL."""
    from safeharbor.missing.models import EpisodeStatus, MissingEpisode

    summaries = {w.pk: WorkerSummary(worker=w) for w in workers}
    if not summaries:
        return []
    ids = list(summaries)
    today = now.astimezone(agency_zone(user.agency)).date()
    active = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
    duties = (
        Deadline.objects.filter(owner_id__in=ids, status=DutyStatus.OPEN, agency_id=user.agency_id)
        .values("owner_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_at__lt=now)),
            screenings=Count("pk", filter=Q(kind__in=SCREENING_KINDS)),
        )
        .order_by()
    )
    for row in duties:
        summary = summaries[row["owner_id"]]
        summary.open, summary.overdue, summary.screenings_due = row["open"], row["overdue"], row["screenings"]
    caseloads = Assignment.objects.filter(active, worker_id__in=ids).values("worker_id").annotate(n=Count("pk"))
    for row in caseloads.order_by():
        summaries[row["worker_id"]].caseload = row["n"]
    in_window = (
        MissingEpisode.objects.filter(agency_id=user.agency_id, returned_at__isnull=True, window_ends_at__gt=now)
        .exclude(status=EpisodeStatus.CLOSED)
        .values("youth_id")
    )
    windows = (
        Assignment.objects.filter(active, worker_id__in=ids, youth_id__in=in_window)
        .values("worker_id")
        .annotate(n=Count("youth_id", distinct=True))
        .order_by()
    )
    for row in windows:
        summaries[row["worker_id"]].in_window = row["n"]
    return [summaries[w.pk] for w in workers]


def board_kind_choices(*, agency: Any) -> list[tuple[str, str]]:
    """The duty kinds a board can be filtered by: the registry's, with one entry per agency notice."""
    choices: list[tuple[str, str]] = []
    for code, kind in kinds.KINDS.items():
        if code == kinds.NOTICE_PREFIX + "<notice code>":
            for notice in getattr(agency, "notices", None) or []:
                notice_code = str(notice)
                choices.append((kinds.notice_kind(notice_code), f"24-hour notice: {notice_code.replace('_', ' ')}"))
            continue
        choices.append((code, kind.label))
    return choices


def kind_label(code: str) -> str:
    """Plain words for a duty kind code (the code itself when it is not in the registry)."""
    if code.startswith(kinds.NOTICE_PREFIX) and kinds.is_registered(code):
        return "24-hour notice: " + code.removeprefix(kinds.NOTICE_PREFIX).replace("_", " ")
    kind = kinds.KINDS.get(code)
    return kind.label if kind is not None else code


def board_duty_get_for_user(*, user: Any, pk: Any, action: str, audit_ok: bool = True) -> Deadline:
    """The door to one duty of the board (its row actions): an open duty on the user's board, else a
    404 (the same answer for "missing" and "not yours"), audited as denied. With `audit_ok`, the
    opening is audited too (a page that shows the duty); a write's own service audits it otherwise."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    deadline = (
        Deadline.objects.filter(permissions.duty_board_q(user), pk=pk, status=DutyStatus.OPEN)
        .select_related("owner", "agency")
        .first()
    )
    if deadline is None:
        audit_record(
            actor=user,
            action=action,
            object_type="deadlines.deadline",
            object_id=pk,
            outcome=AuditEvent.Outcome.DENIED,
        )
        raise Http404("No open duty here, or it is not on your board.")
    if audit_ok:
        audit_record(actor=user, action=action, obj=deadline, youth_id=deadline.youth_id)
    return deadline


def reassign_targets(*, user: Any, deadline: Deadline) -> QuerySet[User]:
    """The workers the user may give the duty to (`permissions.duty_reassign_targets_q`), by name."""
    return (
        User.objects.filter(permissions.duty_reassign_targets_q(user, deadline))
        .select_related("unit")
        .order_by("last_name", "first_name", "username")
    )
