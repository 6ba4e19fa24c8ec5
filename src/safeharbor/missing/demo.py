"""Demo missing-from-care episodes (fictional): one open inside the 72-hour window, one returned with
its debrief and return screening pending, one closed with every duty done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeharbor.core.demo import DemoContext
from safeharbor.missing import services
from safeharbor.missing.models import MissingEpisode
from safeharbor.youth.models import Assignment


def _caseload(ctx: DemoContext, username: str) -> list[Any]:
    worker = ctx.users.get(username)
    if worker is None:
        return []
    ids = set(Assignment.objects.filter(worker=worker, end__isnull=True).values_list("youth_id", flat=True))
    return [y for y in ctx.youth if y.pk in ids]


def _record_all_reports(worker: Any, episode: MissingEpisode, at: Any) -> None:
    services.episode_record_report(
        actor=worker,
        episode=episode,
        kind="law_enforcement",
        made_at=at,
        made_to="Fictional City Police Department",
        reference_number="DEMO-PD-2041",
        officer="Officer Demo Example",
    )
    services.episode_record_report(
        actor=worker,
        episode=episode,
        kind="ncmec",
        made_at=at,
        made_to="NCMEC intake line",
        reference_number="DEMO-NC-77",
    )
    for code in episode.youth.agency.notices:
        services.episode_record_report(
            actor=worker,
            episode=episode,
            kind="notice",
            notice_code=code,
            made_at=at,
            made_to="Does not apply: no tribal affiliation found" if "tribe" in code else "Parent, by telephone",
            not_applicable="tribe" in code,
        )


def populate(ctx: DemoContext) -> None:
    if MissingEpisode.objects.filter(agency=ctx.agency).exists():
        return
    worker = ctx.users.get("worker")
    youth = _caseload(ctx, "worker")
    if worker is None or len(youth) < 3:
        return
    now = timezone.now()

    # 1. Missing now, inside the 72-hour window; the law-enforcement report is made, the rest pending.
    open_episode = services.episode_report(
        actor=worker,
        youth=youth[0],
        episode_type="ran_away",
        last_seen_at=now - timedelta(hours=20),
        discovered_at=now - timedelta(hours=18),
        last_seen_location="Transit center, north entrance (fictional)",
        circumstances="Left the group home after an evening phone call; did not return by curfew.",
    )
    services.episode_record_report(
        actor=worker,
        episode=open_episode,
        kind="law_enforcement",
        made_at=now - timedelta(hours=17),
        made_to="Fictional City Police Department",
        reference_number="DEMO-PD-3310",
        officer="Officer Demo Example",
    )

    # 2. Returned yesterday: reports done; debrief and return screening pending.
    returned = services.episode_report(
        actor=worker,
        youth=youth[1],
        episode_type="unapproved_location",
        last_seen_at=None,
        discovered_at=now - timedelta(days=4),
        last_seen_location="Unknown",
        circumstances="Found to be staying at an address the placement had not approved.",
    )
    _record_all_reports(worker, returned, now - timedelta(days=4) + timedelta(hours=3))
    services.episode_return(actor=worker, episode=returned, returned_at=now - timedelta(days=1))

    # 3. Closed: every report, the debrief and the return screening done.
    from safeharbor.missing.services import _screening_model

    model = _screening_model()
    screening = (
        model.objects.filter(youth=youth[2], status="finalised").order_by("-finalised_at").first() if model else None
    )
    if screening is None:
        return
    start = (screening.finalised_at or now) - timedelta(days=10)
    closed = services.episode_report(
        actor=worker,
        youth=youth[2],
        episode_type="ran_away",
        last_seen_at=start - timedelta(hours=2),
        discovered_at=start,
        last_seen_location="School gate (fictional)",
        circumstances="Did not come home after school.",
    )
    _record_all_reports(worker, closed, start + timedelta(hours=2))
    back = start + timedelta(days=2)
    closed = services.episode_return(actor=worker, episode=closed, returned_at=back)
    services.debrief_record(
        actor=worker,
        episode=closed,
        debriefed_at=back + timedelta(hours=20),
        primary_factors="Conflict with a peer at the placement.",
        experiences="Stayed with a classmate's family; no signs of exploitation disclosed.",
    )
    services.episode_return_screening_done(youth=youth[2], screening=screening, actor=worker)
    services.episode_close(actor=worker, episode=closed)
