"""Demo screenings (fictional): finalised determinations so the 40 demo youth cover every status,
with an external tool result, an amendment, and a fact of exploitation within the family."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from safeharbor.core.demo import DemoContext
from safeharbor.core.timeutils import agency_today
from safeharbor.screening import services
from safeharbor.screening.models import Screening
from safeharbor.youth.models import Assignment

DEMO_REASON = "Fictional demo data: determination agreed at the case conference."

# By position in the demo youth list (cycled): the status each gets, and the answers that lead there.
PLAN: list[tuple[str, list[str], bool]] = [
    ("confirmed_victim", ["foster_care", "older_partner"], True),
    ("suspected_victim", ["runaway_history", "branding_tattoo"], False),
    ("suspected_victim", ["older_partner", "late_hours", "unaccounted_time"], False),
    ("at_risk", ["foster_care", "group_home_or_shelter"], False),
    ("at_risk", ["sexual_abuse_history", "late_hours"], False),
    ("at_risk", ["runaway_history"], False),
    ("no_known_risk", [], False),
    ("no_known_risk", ["provocative_clothing"], False),
]


def _worker_of(youth: Any) -> Any:
    assignment = Assignment.objects.filter(youth=youth, end__isnull=True).select_related("worker").first()
    return assignment.worker if assignment else None


def populate(ctx: DemoContext) -> None:
    if not ctx.created:
        return
    today = agency_today(ctx.agency)
    services.indicator_catalogue_ensure(agency=ctx.agency)
    for index, youth in enumerate(ctx.youth):
        if Screening.objects.filter(youth=youth).exists():
            continue
        worker = _worker_of(youth)
        if worker is None:
            continue
        target, yes, with_fact = PLAN[index % len(PLAN)]
        if index % 10 == 9:
            continue  # a few youth never screened
        if index == 11:
            _external(worker, youth, today)
            continue
        facts = []
        if with_fact:
            occurred = today - timedelta(days=45)
            if youth.date_of_birth and occurred < youth.date_of_birth:
                occurred = youth.date_of_birth
            setting = "within_family" if index == 8 else "internet_advertising"
            relationship = "family_member" if index == 8 else "boyfriend"
            facts = [
                services.FactInput(
                    "commercial_sex_involvement", occurred, "Fictional police report", setting, relationship
                )
            ]
        screening = services.screening_start(actor=worker, youth=youth)
        screening = services.screening_save_answers(
            actor=worker, screening=screening, answers=dict.fromkeys(yes, ("yes", "")), facts=facts
        )
        victim = target in {"confirmed_victim", "suspected_victim"}
        screening = services.screening_finalise(
            actor=worker,
            screening=screening,
            determined_status=target,
            when_category="in_foster_care" if victim else "",
            override_reason="" if screening.recommended_status == target else DEMO_REASON,
        )
        if index == 3:
            amendment = services.screening_amend(
                actor=worker, screening=screening, reason="Fictional demo: a sign noted after the interview."
            )
            services.screening_finalise(actor=worker, screening=amendment, determined_status="at_risk")


def _external(worker: Any, youth: Any, today: Any) -> None:
    screening = services.external_result_record(
        actor=worker, youth=youth, tool_name="CSE-IT", level="possible_concern", assessed_on=today - timedelta(days=3)
    )
    services.screening_finalise(actor=worker, screening=screening, determined_status="at_risk")
