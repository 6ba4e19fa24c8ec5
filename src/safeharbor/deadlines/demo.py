"""Demo duties (fictional) for the supervisor's unit board: a 24-hour report the North unit missed.

The other demo modules open their duties with due times still ahead, so a new user would see an empty
"Overdue" group. Here one youth of the second North worker was reported missing 30 hours ago, through
the real service (`missing.services.episode_report`, with a past instant): the law-enforcement report
was made on time, and the NCMEC report and the 24-hour notices are overdue. The sweep then escalates
them to the unit's supervisor, as for a real miss.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeharbor.core.demo import DemoContext
from safeharbor.missing import services
from safeharbor.missing.models import MissingEpisode
from safeharbor.youth.models import Assignment

DEMO_WORKER = "worker2"
MISSED_HOURS = 30


def populate(ctx: DemoContext) -> None:
    worker = ctx.users.get(DEMO_WORKER)
    if not ctx.created or worker is None:
        return
    caseload = set(Assignment.objects.filter(worker=worker, end__isnull=True).values_list("youth_id", flat=True))
    youth = next((y for y in ctx.youth if y.pk in caseload), None)
    if youth is None or MissingEpisode.objects.filter(youth=youth).exists():
        return
    now = timezone.now()
    discovered = now - timedelta(hours=MISSED_HOURS)
    episode = services.episode_report(
        actor=worker,
        youth=youth,
        episode_type="ran_away",
        last_seen_at=discovered - timedelta(hours=2),
        discovered_at=discovered,
        last_seen_location="Bus stop outside the placement (fictional)",
        circumstances="Did not come back after a weekend visit; the placement called the next morning.",
    )
    services.episode_record_report(
        actor=worker,
        episode=episode,
        kind="law_enforcement",
        made_at=discovered + timedelta(hours=2),
        made_to="Fictional City Police Department",
        reference_number="DEMO-PD-4471",
        officer="Officer Demo Example",
    )
