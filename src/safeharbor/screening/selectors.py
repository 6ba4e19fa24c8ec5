"""Reads of screenings and CSEC status history, each in a bounded number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from safeharbor import permissions
from safeharbor.agency.policy import AgencyPolicy
from safeharbor.core.doors import get_for_user_or_404
from safeharbor.core.timeutils import age_on, agency_zone
from safeharbor.screening import rules
from safeharbor.screening.codes import FAMILY_RELATIONSHIPS, FAMILY_SETTINGS
from safeharbor.screening.models import (
    ConfirmingFact,
    CsecStatusChange,
    IndicatorDefinition,
    Screening,
    ScreeningIndicator,
)
from safeharbor.youth.selectors import youth_record_get_for_user


def screening_get_for_user(*, user: Any, pk: Any, write: bool = False) -> Screening:
    """The door to a screening: of the user's agency and about a youth they may open, or with `write`
    change (permissions.screening_q); a 404 audited as denied otherwise. The opening is audited by the
    youth's door (`youth_get_for_user`, screening.view or screening.edit)."""
    queryset = (
        Screening.objects.filter(permissions.screening_q(user, write=write))
        .select_related("created_by", "finalised_by", "amends", "external_result")
        .prefetch_related(
            Prefetch("answers", queryset=ScreeningIndicator.objects.order_by("id")),
            Prefetch("facts", queryset=ConfirmingFact.objects.order_by("occurred_on", "id")),
            Prefetch("amendments", queryset=Screening.objects.order_by("id")),
        )
    )
    return youth_record_get_for_user(
        user=user,
        queryset=queryset,
        pk=pk,
        write=write,
        action="screening.edit" if write else "screening.view",
        object_type="screening.screening",
    )


def indicator_get_for_user(*, user: Any, pk: Any, write: bool = False) -> IndicatorDefinition:
    """The door to one of the agency's indicator definitions (permissions.indicator_q): read by whoever
    sees the catalogue, changed by its admins (`write`); 404 otherwise. Audited both ways
    (screening.indicator_view, or screening.indicator_edit with `write`)."""
    return get_for_user_or_404(
        user=user,
        queryset=IndicatorDefinition.objects.filter(permissions.indicator_q(user, write=write)),
        pk=pk,
        action="screening.indicator_edit" if write else "screening.indicator_view",
        object_type="screening.indicatordefinition",
    )


def catalogue_for(agency: Any) -> list[IndicatorDefinition]:
    return list(IndicatorDefinition.objects.filter(agency=agency).order_by("position", "id"))


def youth_family_exploitation_flag(youth_ids: Iterable[int]) -> set[int]:
    """The youth (of `youth_ids`) with exploitation within the family on a standing finalised screening.

    For wherever placement is decided (issue 3, item 2): one query. A screening corrected by a finalised
    amendment no longer counts; the amendment's own facts do.
    """
    ids = list(youth_ids)
    if not ids:
        return set()
    superseded = Screening.objects.filter(amends=OuterRef("screening_id"), status=Screening.State.FINALISED)
    facts = (
        ConfirmingFact.objects.filter(screening__youth_id__in=ids, screening__status=Screening.State.FINALISED)
        .filter(_family_q())
        .annotate(superseded=Exists(superseded))
        .filter(superseded=False)
        .values_list("screening__youth_id", flat=True)
    )
    return set(facts)


def _family_q() -> Q:
    return Q(setting__in=FAMILY_SETTINGS) | Q(relationship__in=FAMILY_RELATIONSHIPS)


def status_history(youth: Any) -> QuerySet[CsecStatusChange]:
    return (
        CsecStatusChange.objects.filter(youth=youth)
        .select_related("by", "screening", "screening__amends")
        .order_by("-at", "-id")
    )


def youth_screenings(youth: Any) -> QuerySet[Screening]:
    return (
        Screening.objects.filter(youth=youth)
        .select_related("created_by", "finalised_by", "amends", "external_result")
        .order_by("-assessed_on", "-id")
    )


RETURNS_CONSIDERED = 20  # the most recent returns from missing; older ones were met by later screenings


def rescreen_due_for(*, youth: Any, policy: AgencyPolicy, last_finalised: Screening | None) -> list[rules.RescreenDue]:
    """Re-screenings due for one youth (RULES.md §2): the periodic one, and one after each return
    from a missing episode since the last finalised screening. One query.

    A new sign is recorded only on a screening, which is itself the re-screening, so no separate
    trigger is read for it here."""
    from safeharbor.missing.models import MissingEpisode

    last_on = last_finalised.assessed_on if last_finalised else None
    zone = agency_zone(youth.agency)
    episodes = (
        MissingEpisode.objects.filter(youth=youth)
        .filter(Q(returned_at__isnull=False) | Q(located_at__isnull=False))
        .order_by("-discovered_at")
        .values_list("returned_at", "located_at")[:RETURNS_CONSIDERED]
    )
    returns = [when.astimezone(zone).date() for returned, located in episodes if (when := returned or located)]
    return rules.rescreen_due(
        status=youth.csec_status, last_screened_on=last_on, policy=policy, returns_from_missing=returns
    )


def fact_ages(youth: Any, facts: Iterable[Any]) -> list[tuple[Any, int | None]]:
    """Each fact with the youth's age on its date (None when the date of birth is unknown)."""
    dob: date | None = youth.date_of_birth
    return [(fact, age_on(dob, fact.occurred_on) if dob and fact.occurred_on else None) for fact in facts]
