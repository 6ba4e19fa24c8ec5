"""Write workflows of screening: one transaction each, audited inside it (codes and ids only)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.agency.policy import AgencyPolicy
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.core.timeutils import agency_today
from safeharbor.deadlines.services import notification_send
from safeharbor.screening import duties, rules
from safeharbor.screening.catalogue import DEFAULT_CATALOGUE, ORDER
from safeharbor.screening.codes import (
    ANSWERS,
    CONFIRMING_FACTS,
    EXTERNAL_LEVELS,
    INDICATORS,
    RELATIONSHIPS,
    SETTINGS,
    STATUS_LABELS,
    STATUSES,
    status_rank,
)
from safeharbor.screening.models import (
    ConfirmingFact,
    CsecStatusChange,
    ExternalToolResult,
    IndicatorDefinition,
    Screening,
    ScreeningIndicator,
    group_of,
)
from safeharbor.youth.models import CONGREGATE_TYPES, Assignment, Placement, Youth

LE_REPORT_KIND = duties.KIND_VICTIM_REPORT
LE_REPORT_HOURS = duties.VICTIM_REPORT_HOURS


@dataclass(frozen=True)
class FactInput:
    kind: str
    occurred_on: date
    source: str
    setting: str = ""
    relationship: str = ""


# --- Catalogue --------------------------------------------------------------------------------


def indicator_catalogue_ensure(*, agency: Any) -> list[IndicatorDefinition]:
    """The agency's catalogue, creating the default entries it lacks (new agencies get it on demand)."""
    rows = list(IndicatorDefinition.objects.filter(agency=agency).order_by("position", "id"))
    if len(rows) >= len(ORDER):
        return rows
    have = {row.code for row in rows}
    missing = [
        IndicatorDefinition(
            agency=agency,
            code=code,
            group=group_of(code),
            label=DEFAULT_CATALOGUE[code].label,
            help_text=DEFAULT_CATALOGUE[code].help_text,
            handbook_section=DEFAULT_CATALOGUE[code].section,
            position=position,
        )
        for position, code in enumerate(ORDER)
        if code not in have
    ]
    with transaction.atomic():
        IndicatorDefinition.objects.bulk_create(missing, ignore_conflicts=True)
        audit_record(
            actor=None,
            action="screening.catalogue_seed",
            object_type="screening.indicatordefinition",
            agency_id=agency.pk,
            detail={"codes": len(missing)},
        )
    return list(IndicatorDefinition.objects.filter(agency=agency).order_by("position", "id"))


def indicator_definition_update(
    *, actor: User, definition: IndicatorDefinition, label: str, help_text: str
) -> IndicatorDefinition:
    """Change an indicator's label and help text (never its code). Administrators only; audited."""
    if not permissions.can_edit_indicator_catalogue(actor) or definition.agency_id != actor.agency_id:
        raise PermissionDenied
    definition.label = (label or "").strip()
    definition.help_text = (help_text or "").strip()
    _clean(definition)
    with transaction.atomic():
        definition.save(update_fields=["label", "help_text", "updated_at"])
        audit_record(actor=actor, action="screening.catalogue_update", obj=definition, detail={"code": definition.code})
    return definition


# --- Recommendation ---------------------------------------------------------------------------


def screening_recommend(
    *,
    youth: Youth,
    assessed_on: date,
    indicators: Iterable[str],
    facts: Sequence[FactInput],
    policy: AgencyPolicy,
    stated_age: int | None = None,
) -> rules.Determination:
    """The recommendation for a youth's answers, through the same pure rule as the API and the CLI."""
    return rules.determine(
        assessed_on=assessed_on,
        date_of_birth=youth.date_of_birth,
        age_verified=youth.dob_verified,
        indicators=list(indicators),
        facts=[rules.Fact(f.kind, f.occurred_on, f.source, f.setting, f.relationship) for f in facts],
        policy=policy,
        stated_age=stated_age,
        gender=youth.gender,
    )


def _stored_recommendation(screening: Screening, policy: AgencyPolicy) -> rules.Determination:
    if screening.kind == Screening.Kind.EXTERNAL:
        result = screening.external_result
        return rules.external_recommendation(
            tool_name=result.tool_name, level=result.level, assessed_on=result.assessed_on, policy=policy
        )
    yes = [a.code for a in screening.answers.all() if a.answer == "yes"]
    rows = screening.facts.order_by("id")  # the order they were entered, as the contract's input order
    facts = [FactInput(f.kind, f.occurred_on, f.source, f.setting, f.relationship) for f in rows]
    return screening_recommend(
        youth=screening.youth,
        assessed_on=screening.assessed_on,
        indicators=yes,
        facts=facts,
        policy=policy,
        stated_age=screening.stated_age,
    )


def _apply_recommendation(screening: Screening, result: rules.Determination) -> None:
    screening.recommended_status = result.status
    screening.recommended_reasons = result.reasons
    screening.recommended_next_steps = result.next_steps


# --- Screening workflow ----------------------------------------------------------------------


def _clean(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError("; ".join(messages), field=None if field == "__all__" else field) from exc


def _require_screen(actor: User, youth: Youth) -> None:
    if not permissions.can_screen_youth(actor, youth):
        raise PermissionDenied


def _require_draft(screening: Screening) -> None:
    if screening.is_locked:
        raise ApplicationError(
            "This screening is finalised and locked. To correct it, start an amendment with a reason.",
            field="status",
            code="locked",
        )


def screening_start(
    *, actor: User, youth: Youth, assessed_on: date | None = None, stated_age: int | None = None
) -> Screening:
    """Open a draft checklist screening of a youth, dated today in the agency's calendar by default."""
    _require_screen(actor, youth)
    indicator_catalogue_ensure(agency=youth.agency)
    today = agency_today(youth.agency)
    screening = Screening(
        agency_id=youth.agency_id,
        youth=youth,
        kind=Screening.Kind.CHECKLIST,
        assessed_on=assessed_on or today,
        stated_age=stated_age,
        created_by=actor,
    )
    if screening.assessed_on > today:
        raise ApplicationError("The screening date cannot be in the future.", field="assessed_on")
    _apply_recommendation(
        screening,
        screening_recommend(
            youth=youth, assessed_on=screening.assessed_on, indicators=[], facts=[], policy=youth.agency.policy()
        ),
    )
    _clean(screening)
    with transaction.atomic():
        screening.save()
        audit_record(actor=actor, action="screening.start", obj=screening, youth_id=youth.pk, agency_id=youth.agency_id)
    return screening


def _validate_facts(youth: Youth, assessed_on: date, facts: Sequence[FactInput]) -> None:
    for index, fact in enumerate(facts):
        prefix = f"facts-{index}-"
        if fact.kind not in CONFIRMING_FACTS:
            raise ApplicationError(f"Unknown kind of fact {fact.kind!r}.", field=prefix + "kind")
        if fact.occurred_on > assessed_on:
            raise ApplicationError("The fact cannot be dated after the screening date.", field=prefix + "occurred_on")
        if youth.date_of_birth and fact.occurred_on < youth.date_of_birth:
            raise ApplicationError("The fact cannot be dated before the date of birth.", field=prefix + "occurred_on")
        if not (fact.source or "").strip():
            raise ApplicationError(
                "Say where this is known from (report, record, disclosure).", field=prefix + "source"
            )
        if fact.setting and fact.setting not in SETTINGS:
            raise ApplicationError(f"Unknown setting {fact.setting!r}.", field=prefix + "setting")
        if fact.relationship and fact.relationship not in RELATIONSHIPS:
            raise ApplicationError(f"Unknown relationship {fact.relationship!r}.", field=prefix + "relationship")


def screening_save_answers(
    *,
    actor: User,
    screening: Screening,
    answers: Mapping[str, tuple[str, str]],
    facts: Sequence[FactInput],
    assessed_on: date | None = None,
    stated_age: int | None = None,
) -> Screening:
    """Replace a draft's answers ({code: (yes|no|unknown, note)}) and confirming facts, and store the
    recommendation they give. A finalised screening is refused."""
    youth = screening.youth
    _require_screen(actor, youth)
    if screening.kind != Screening.Kind.CHECKLIST:
        raise ApplicationError("Only a checklist screening has indicator answers.", field="kind")
    for code, (answer, _note) in answers.items():
        if code not in INDICATORS:
            raise ApplicationError(f"Unknown indicator {code!r}.", field=code)
        if answer not in ANSWERS:
            raise ApplicationError(f"Answer yes, no or unknown, not {answer!r}.", field=code)
    assessed = assessed_on or screening.assessed_on
    if assessed > agency_today(youth.agency):
        raise ApplicationError("The screening date cannot be in the future.", field="assessed_on")
    _validate_facts(youth, assessed, facts)
    with transaction.atomic():
        current = Screening.objects.select_for_update().get(pk=screening.pk)
        _require_draft(current)
        current.assessed_on = assessed
        current.stated_age = stated_age
        current.answers.all().delete()
        current.facts.all().delete()
        ScreeningIndicator.objects.bulk_create(
            [
                ScreeningIndicator(screening=current, code=code, answer=answer, note=(note or "").strip())
                for code, (answer, note) in answers.items()
            ]
        )
        fact_rows = [
            ConfirmingFact(
                screening=current,
                kind=f.kind,
                occurred_on=f.occurred_on,
                source=f.source.strip(),
                setting=f.setting,
                relationship=f.relationship,
            )
            for f in facts
        ]
        for row in fact_rows:
            _clean(row)
        ConfirmingFact.objects.bulk_create(fact_rows)
        current.youth = youth
        _apply_recommendation(current, _stored_recommendation(current, youth.agency.policy()))
        _clean(current)
        current.save()
        audit_record(
            actor=actor,
            action="screening.save_answers",
            obj=current,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            detail={"yes": sorted(c for c, (a, _) in answers.items() if a == "yes"), "facts": len(facts)},
        )
    return current


def external_result_record(*, actor: User, youth: Youth, tool_name: str, level: str, assessed_on: date) -> Screening:
    """Record an external validated tool's result (name, level, date; never its item wording) as a draft
    screening whose recommendation follows the level. The worker then records the determination."""
    _require_screen(actor, youth)
    tool_name = (tool_name or "").strip()
    if not tool_name:
        raise ApplicationError("Name the tool (for example CSE-IT).", field="tool_name")
    if level not in EXTERNAL_LEVELS:
        raise ApplicationError("Choose no, possible or clear concern.", field="level")
    if assessed_on > agency_today(youth.agency):
        raise ApplicationError("The date cannot be in the future.", field="assessed_on")
    policy = youth.agency.policy()
    screening = Screening(
        agency_id=youth.agency_id,
        youth=youth,
        kind=Screening.Kind.EXTERNAL,
        assessed_on=assessed_on,
        created_by=actor,
    )
    _apply_recommendation(
        screening,
        rules.external_recommendation(tool_name=tool_name, level=level, assessed_on=assessed_on, policy=policy),
    )
    _clean(screening)
    with transaction.atomic():
        screening.save()
        result = ExternalToolResult(screening=screening, tool_name=tool_name, level=level, assessed_on=assessed_on)
        _clean(result)
        result.save()
        audit_record(
            actor=actor,
            action="screening.external_record",
            obj=screening,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            detail={"level": level},
        )
    return screening


def screening_finalise(
    *,
    actor: User,
    screening: Screening,
    determined_status: str,
    when_category: str = "",
    override_reason: str = "",
) -> Screening:
    """Record the person's determination and lock the screening.

    A determination that differs from the recommendation needs a written reason. The youth's CSEC status
    and its history follow; a suspected or confirmed determination tells the supervisor(s) and the
    coordinators, ensures the immediate interventions, and for an identified victim opens the 24-hour
    law-enforcement report duty (42 USC 671(a)(34)(A)). Peer-recruitment notices go out when due.
    """
    youth = screening.youth
    _require_screen(actor, youth)
    if determined_status not in STATUSES:
        raise ApplicationError("Choose a status.", field="determined_status")
    override_reason = (override_reason or "").strip()
    when_category = when_category or rules.when_category_default(determined_status)
    problem = rules.when_category_problem(determined_status, when_category)
    if problem:
        raise ApplicationError(problem, field="when_category")
    policy = youth.agency.policy()
    now = timezone.now()
    with transaction.atomic():
        current = Screening.objects.select_for_update().select_related("youth__agency").get(pk=screening.pk)
        _require_draft(current)
        result = _stored_recommendation(current, policy)
        _apply_recommendation(current, result)
        if determined_status != result.status and not override_reason:
            raise ApplicationError(
                f"The recommendation is {STATUS_LABELS[result.status].lower()}. Write why your determination differs.",
                field="override_reason",
            )
        current.determined_status = determined_status
        current.when_category = when_category
        current.override_reason = override_reason if determined_status != result.status else ""
        current.status = Screening.State.FINALISED
        current.finalised_by = actor
        current.finalised_at = now
        _clean(current)
        current.save()
        previous = Youth.objects.filter(pk=youth.pk).values_list("csec_status", flat=True).get()
        Youth.objects.filter(pk=youth.pk).update(csec_status=determined_status, csec_status_at=now)
        youth.csec_status = determined_status
        youth.csec_status_at = now
        change = CsecStatusChange(
            youth=youth,
            status=determined_status,
            previous_status=previous,
            when_category=when_category,
            at=now,
            by=actor,
            screening=current,
            reasons=result.reasons,
        )
        _clean(change)
        change.save()
        audit_record(
            actor=actor,
            action="screening.finalise",
            obj=current,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            detail={
                "status": determined_status,
                "recommended": result.status,
                "previous": previous,
                "differs": determined_status != result.status,
            },
        )
        if status_rank(determined_status) >= status_rank("suspected_victim"):
            _notify_determination(actor=actor, youth=youth, screening=current)
            _ensure_interventions(actor=actor, youth=youth, determined_at=now)
        if determined_status == "confirmed_victim":
            duties.victim_report_after_confirmation(actor=actor, youth=youth, determined_at=now)
        if _peer_notice_due(current, determined_status):
            peer_recruitment_notify(youth=youth, screening=current)
        _meet_return_screening_duty(actor=actor, youth=youth, screening=current)
        duties.periodic_rescreening_after_finalise(
            actor=actor, youth=youth, screening=current, status=determined_status
        )
    return current


def _meet_return_screening_duty(*, actor: User, youth: Youth, screening: Screening) -> None:
    """A screening finalised after a return from missing is that episode's return screening (RULES.md §3)."""
    from safeharbor.missing.services import episode_return_screening_done

    episode_return_screening_done(youth=youth, screening=screening, actor=actor)


def screening_amend(*, actor: User, screening: Screening, reason: str) -> Screening:
    """Start a correction of a finalised screening: a new draft, linked to it, with a written reason.

    The draft starts from a copy of the original's answers, facts or external result.
    """
    youth = screening.youth
    _require_screen(actor, youth)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApplicationError("Write why the screening needs a correction (at least 10 characters).", field="reason")
    with transaction.atomic():
        original = Screening.objects.select_for_update().get(pk=screening.pk)
        if not original.is_locked:
            raise ApplicationError("Only a finalised screening is amended; edit the draft instead.", field="status")
        if original.amendments.exists():
            raise ApplicationError(
                "This screening already has an amendment; correct the latest one.", field="status", code="superseded"
            )
        amendment = Screening(
            agency_id=original.agency_id,
            youth=youth,
            kind=original.kind,
            assessed_on=original.assessed_on,
            stated_age=original.stated_age,
            recommended_status=original.recommended_status,
            recommended_reasons=original.recommended_reasons,
            recommended_next_steps=original.recommended_next_steps,
            created_by=actor,
            amends=original,
            amendment_reason=reason,
        )
        _clean(amendment)
        amendment.save()
        ScreeningIndicator.objects.bulk_create(
            [
                ScreeningIndicator(screening=amendment, code=a.code, answer=a.answer, note=a.note)
                for a in original.answers.all()
            ]
        )
        ConfirmingFact.objects.bulk_create(
            [
                ConfirmingFact(
                    screening=amendment,
                    kind=f.kind,
                    occurred_on=f.occurred_on,
                    source=f.source,
                    setting=f.setting,
                    relationship=f.relationship,
                )
                for f in original.facts.order_by("id")
            ]
        )
        external = ExternalToolResult.objects.filter(screening=original).first()
        if external is not None:
            ExternalToolResult.objects.create(
                screening=amendment,
                tool_name=external.tool_name,
                level=external.level,
                assessed_on=external.assessed_on,
            )
        audit_record(
            actor=actor,
            action="screening.amend",
            obj=amendment,
            youth_id=youth.pk,
            agency_id=youth.agency_id,
            detail={"amends": original.pk},
        )
    return amendment


# --- Effects of a determination --------------------------------------------------------------


def _active_assignment_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


def _supervisors_of(youth: Youth, today: date) -> list[User]:
    worker_ids = Assignment.objects.filter(_active_assignment_q(today), youth=youth).values("worker_id")
    return list(
        User.objects.filter(
            is_active=True,
            role_grants__role=Role.SUPERVISOR,
            supervised_units__members__in=worker_ids,
        ).distinct()
    )


def _coordinators_of(agency_id: int) -> list[User]:
    return list(User.objects.filter(is_active=True, agency_id=agency_id, role_grants__role=Role.COORDINATOR).distinct())


def _notify_determination(*, actor: User, youth: Youth, screening: Screening) -> None:
    today = agency_today(youth.agency)
    label = STATUS_LABELS[screening.determined_status].lower()
    link = reverse("screening:detail", kwargs={"pk": screening.pk})
    recipients: dict[int, tuple[User, str]] = {}
    for supervisor in _supervisors_of(youth, today):
        recipients[supervisor.pk] = (
            supervisor,
            f"A screening in your unit determined a youth a {label} of CSEC. Review the next steps.",
        )
    for coordinator in _coordinators_of(youth.agency_id):
        recipients.setdefault(
            coordinator.pk,
            (coordinator, f"A screening determined a youth a {label} of CSEC. An MDT referral may follow."),
        )
    for user_id, (user, message) in recipients.items():
        if user_id == actor.pk:
            continue
        notification_send(
            recipient=user,
            kind="screening_determined",
            message=message,
            link=link,
            dedupe_key=f"screening_determined:{screening.pk}:{user_id}",
        )


def _ensure_interventions(*, actor: User, youth: Youth, determined_at: datetime) -> None:
    """Immediate interventions (RULES.md §5) live in the care app's plan; it creates them once per youth."""
    from safeharbor.care.services import immediate_interventions_ensure

    immediate_interventions_ensure(youth=youth, determined_at=determined_at, actor=actor)


def _root(screening: Screening) -> Screening:
    while screening.amends is not None:
        screening = screening.amends
    return screening


def _peer_notice_due(screening: Screening, determined_status: str) -> bool:
    if screening.answers.filter(code="recruiting_peers", answer="yes").exists():
        return True
    if status_rank(determined_status) < status_rank("suspected_victim"):
        return False
    today = agency_today(screening.youth.agency)
    return (
        Placement.objects.filter(_active_assignment_q(today), youth_id=screening.youth_id, facility__isnull=False)
        .filter(Q(placement_type__in=CONGREGATE_TYPES) | Q(facility__kind__in=CONGREGATE_TYPES))
        .exists()
    )


def peer_recruitment_notify(*, youth: Youth, screening: Screening) -> int:
    """Tell the workers of the other youth currently placed at the youth's facility to consider screening
    them (handbook 13-19, CSEC Victim Identification: exploiters target group homes and shelters, and
    residents may be asked to recruit). The notice names the facility, never the first youth or status.
    Exactly one notice per other youth and worker (dedupe keys). Returns how many were sent."""
    today = agency_today(youth.agency)
    facility_ids = list(
        Placement.objects.filter(_active_assignment_q(today), youth=youth, facility__isnull=False).values_list(
            "facility_id", flat=True
        )
    )
    if not facility_ids:
        return 0
    peers = (
        Placement.objects.filter(_active_assignment_q(today), facility_id__in=facility_ids)
        .exclude(youth_id=youth.pk)
        .select_related("facility")
    )
    peer_facility: dict[int, Any] = {}
    for placement in peers:
        peer_facility.setdefault(placement.youth_id, placement.facility)
    assignments = Assignment.objects.filter(
        _active_assignment_q(today), youth_id__in=list(peer_facility), worker__is_active=True
    ).select_related("worker")
    root_pk = _root(screening).pk
    sent = 0
    for assignment in assignments:
        facility = peer_facility[assignment.youth_id]
        notice = notification_send(
            recipient=assignment.worker,
            kind="peer_recruitment",
            message=(
                f"Exploiters may be recruiting at {facility.name}. Consider screening the youth on your caseload "
                "placed there (handbook 13-19)."
            )[:300],
            link=reverse("screening:start", kwargs={"youth_pk": assignment.youth_id}),
            dedupe_key=f"peer_recruitment:{root_pk}:{assignment.youth_id}:{assignment.worker_id}",
        )
        if notice is not None:
            sent += 1
            audit_record(
                actor=None,
                action="screening.peer_notice",
                obj=notice,
                youth_id=assignment.youth_id,
                agency_id=youth.agency_id,
                detail={"facility": facility.pk},
            )
    return sent
