"""Reads of missing-from-care episodes, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from safeharbor import permissions
from safeharbor.deadlines.models import Deadline
from safeharbor.missing.models import EpisodeReport, EpisodeStatus, MissingEpisode, ReportKind, ReturnDebrief
from safeharbor.youth.models import Youth
from safeharbor.youth.selectors import youth_get_for_user

SUBJECT_TYPE = "missing.missingepisode"


def episode_get_for_user(*, user: Any, pk: Any, write: bool = False) -> MissingEpisode:
    """An episode through the youth's door (`youth_get_for_user`, audited): 404 unless the user may open
    (or, with `write`, change) the youth."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    agency_id = getattr(user, "agency_id", None)
    if agency_id is None:
        raise Http404
    episode = MissingEpisode.objects.filter(pk=pk, agency_id=agency_id).first()
    if episode is None:
        raise Http404("No episode here, or you do not have access to it.")
    youth = youth_get_for_user(
        user=user, pk=episode.youth_id, write=write, action="missing.edit" if write else "missing.view"
    )
    episode.youth = youth
    return episode


def _active(now: datetime) -> Any:
    return {"returned_at__isnull": True, "window_ends_at__gt": now}


def episodes_in_window_for_user(*, user: Any, now: datetime, limit: int = 20) -> list[MissingEpisode]:
    """Episodes of youth the user may open that are in the 72-hour window (not returned, window not
    ended), soonest end first. One query."""
    visible = Youth.objects.filter(permissions.youth_read_q(user)).values("pk")
    return list(
        MissingEpisode.objects.filter(agency_id=user.agency_id, youth_id__in=visible, **_active(now))
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("youth")
        .order_by("window_ends_at", "id")[:limit]
    )


def youth_ids_missing_or_in_window(*, agency_id: int, now: datetime) -> set[int]:
    """Youth of an agency who are missing from care now (an episode not closed and no return recorded),
    which includes every youth inside a 72-hour window: the window ends at the return. One query."""
    del now  # a missing youth stays urgent after the window ends, until the return is recorded
    return set(
        MissingEpisode.objects.filter(agency_id=agency_id, returned_at__isnull=True)
        .exclude(status=EpisodeStatus.CLOSED)
        .values_list("youth_id", flat=True)
    )


def episodes_for_youth(*, youth: Youth, limit: int = 5) -> list[MissingEpisode]:
    return list(MissingEpisode.objects.filter(youth=youth).order_by("-discovered_at", "-id")[:limit])


def episode_list_for_youth(*, youth: Youth) -> QuerySet[MissingEpisode]:
    return MissingEpisode.objects.filter(youth=youth).order_by("-discovered_at", "-id")


@dataclass
class DutyLine:
    kind: str
    label: str
    deadline: Deadline | None
    report: EpisodeReport | None
    notice_code: str = ""
    form: Any = None  # set by the page: the form to record it, when not yet recorded
    key: str = ""


def episode_duties(*, episode: MissingEpisode) -> dict[str, Any]:
    """The duties of an episode with their records: 3 queries (deadlines, reports, debrief)."""
    from safeharbor.missing.services import (
        KIND_DEBRIEF,
        KIND_LAW_ENFORCEMENT,
        KIND_NCMEC,
        KIND_NOTICE_PREFIX,
        KIND_SCREENING,
        notice_label,
    )

    deadlines = {
        d.kind: d
        for d in Deadline.objects.filter(subject_type=SUBJECT_TYPE, subject_id=episode.pk)
        .select_related("owner", "done_by")
        .order_by("id")  # the latest row of a kind is the one shown
    }
    reports = {
        (r.kind, r.notice_code): r for r in EpisodeReport.objects.filter(episode=episode).select_related("made_by")
    }
    debrief = ReturnDebrief.objects.filter(episode=episode).select_related("debriefed_by").first()
    notice_codes = [k.removeprefix(KIND_NOTICE_PREFIX) for k in deadlines if k.startswith(KIND_NOTICE_PREFIX)]
    notice_codes += [code for (kind, code) in reports if kind == ReportKind.NOTICE and code not in notice_codes]
    lines = [
        DutyLine(
            ReportKind.LAW_ENFORCEMENT,
            "Report to law enforcement (NCIC entry)",
            deadlines.get(KIND_LAW_ENFORCEMENT),
            reports.get((ReportKind.LAW_ENFORCEMENT, "")),
        ),
        DutyLine(ReportKind.NCMEC, "Report to NCMEC", deadlines.get(KIND_NCMEC), reports.get((ReportKind.NCMEC, ""))),
        *[
            DutyLine(
                ReportKind.NOTICE,
                f"Notice: {notice_label(code)}",
                deadlines.get(KIND_NOTICE_PREFIX + code),
                reports.get((ReportKind.NOTICE, code)),
                code,
            )
            for code in notice_codes
        ],
    ]
    return {
        "reports": lines,
        "debrief": debrief,
        "debrief_deadline": deadlines.get(KIND_DEBRIEF),
        "screening_deadline": deadlines.get(KIND_SCREENING),
    }


def screenings_since_return(*, episode: MissingEpisode, limit: int = 10) -> list[Any]:
    """The youth's screenings recorded since the return (to link as the return screening), if the
    screening app provides them. One query."""
    from safeharbor.missing.services import _screening_model

    model = _screening_model()
    if model is None or episode.returned_at is None:
        return []
    qs = model.objects.filter(youth_id=episode.youth_id)
    field_names = {f.name for f in model._meta.get_fields()}
    if "status" in field_names:
        qs = qs.filter(status="finalised")
    for name in ("finalised_at", "finalized_at", "screened_at", "created_at"):
        if name in field_names:
            qs = qs.filter(**{f"{name}__gte": episode.returned_at}).order_by(f"-{name}")
            break
    return list(qs[:limit])
