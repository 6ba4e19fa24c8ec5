"""Demo MDT data (fictional): a year of sessions, one referral waiting in the queue, one scheduled on
the next session whose agenda is published with the demo partner invited."""

from __future__ import annotations

from typing import Any

from safeharbor.core.demo import DemoContext
from safeharbor.mdt import services
from safeharbor.mdt.models import MdtSession, Referral
from safeharbor.youth.models import Assignment


def _caseload(ctx: DemoContext, username: str) -> list[Any]:
    worker = ctx.users.get(username)
    if worker is None:
        return []
    ids = set(Assignment.objects.filter(worker=worker, end__isnull=True).values_list("youth_id", flat=True))
    return [y for y in ctx.youth if y.pk in ids]


def populate(ctx: DemoContext) -> None:
    if not ctx.created or Referral.objects.filter(agency=ctx.agency).exists():
        return
    worker, coordinator, partner = (ctx.users.get(n) for n in ("worker", "coordinator", "partner"))
    caseload = _caseload(ctx, "worker")
    if worker is None or coordinator is None or partner is None or len(caseload) < 3:
        return
    services.calendar_generate(agency=ctx.agency, months=12, actor=coordinator)
    services.referral_submit(
        actor=worker,
        youth=caseload[1],
        question="Would the team help plan school re-entry and a safety plan? (DEMO)",
        narrative="Fictional demo narrative: recent unaccounted time after school and a new older friend.",
        key_indicators=["unaccounted_time", "older_partner", "foster_care"],
    )
    scheduled = services.referral_submit(
        actor=worker,
        youth=caseload[2],
        question="Which placement and services best fit after the recent return to care? (DEMO)",
        narrative="Fictional demo narrative for the MDT packet.",
        key_indicators=["runaway_history", "the_life_lingo"],
    )
    services.referral_accept(actor=coordinator, referral=scheduled)
    slot = services.referral_schedule(actor=coordinator, referral=Referral.objects.get(pk=scheduled.pk))
    session = MdtSession.objects.get(pk=slot.session_id)
    services.session_publish_agenda(actor=coordinator, session=session, members=[partner, worker])
