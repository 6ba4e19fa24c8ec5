"""Reads of duties and notifications: bounded query counts whatever the data size."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from safeharbor import permissions
from safeharbor.deadlines import rules
from safeharbor.deadlines.links import link_for
from safeharbor.deadlines.models import Deadline, Notification
from safeharbor.youth.models import Youth


def duties_open_qs(*, user: Any) -> QuerySet[Deadline]:
    """Open duties owned by the user, by due instant: the overdue ones (the earliest) come first."""
    return Deadline.objects.filter(owner_id=user.pk, status="open").order_by("due_at", "id")


def duty_rows(*, user: Any, deadlines: list[Deadline], now: datetime) -> list[dict[str, Any]]:
    """Rows for a list of duties; the youth's name only where the user may open the youth (1 query)."""
    youth_ids = {d.youth_id for d in deadlines if d.youth_id}
    names: dict[int, str] = {}
    if youth_ids:
        visible = Youth.objects.filter(permissions.youth_read_q(user), pk__in=youth_ids)
        names = {
            y.pk: y.display_name for y in visible.only("pk", "preferred_name", "legal_first_name", "legal_last_name")
        }
    due_soon_hours = getattr(user.agency, "due_soon_hours", 4)
    return [
        {
            "deadline": d,
            "youth_name": names.get(d.youth_id or 0, ""),
            "overdue": d.due_at <= now,
            "due_soon": not d.due_at <= now
            and rules.current_stage(due_at=d.due_at, now=now, due_soon_hours=due_soon_hours) is not None,
            "link": link_for(d),
        }
        for d in deadlines
    ]


def duties_open_for_user(*, user: Any, now: datetime, limit: int = 10) -> dict[str, Any]:
    """The first `limit` open duties and how many in all: 3 queries, whatever the numbers."""
    qs = duties_open_qs(user=user)
    deadlines = list(qs[:limit])
    total = qs.count()
    overdue = sum(1 for d in deadlines if d.due_at <= now)
    return {"rows": duty_rows(user=user, deadlines=deadlines, now=now), "total": total, "overdue_shown": overdue}


def inbox_qs(*, user: Any) -> QuerySet[Notification]:
    """The user's in-app notifications: unread first, newest first."""
    return (
        Notification.objects.filter(recipient_id=user.pk, channel=Notification.Channel.APP)
        .annotate(unread=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("unread", "-created_at", "-id")
    )


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(
        recipient_id=user.pk, channel=Notification.Channel.APP, read_at__isnull=True
    ).count()
