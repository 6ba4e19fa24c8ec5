"""Write workflows of missing-from-care episodes (RULES.md §3; handbook 13-19, "Runaway youth").

Each service: permission check, one transaction, full_clean() before save, an audit row (codes and
ids only), and the duties opened or met in the deadline engine, in that same transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import User
from safeharbor.accounts.roles import Role
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines.models import Deadline, DutyStatus
from safeharbor.deadlines.services import (
    check_done_at,
    deadline_cancel,
    deadline_meet,
    deadline_open,
    notification_send,
    open_duty,
    sweep_soon,
)
from safeharbor.missing import rules
from safeharbor.missing.models import (
    EpisodeReport,
    EpisodeStatus,
    EpisodeType,
    MissingEpisode,
    ReportKind,
    ReturnDebrief,
)
from safeharbor.youth.models import Youth

KIND_LAW_ENFORCEMENT = "missing.report_law_enforcement"
KIND_NCMEC = "missing.report_ncmec"
KIND_NOTICE_PREFIX = "missing.notice."
KIND_DEBRIEF = "missing.return_debrief"
KIND_SCREENING = "missing.return_screening"
KIND_ICWA_INQUIRY = "missing.icwa_inquiry"

NOTICE_LABELS = {
    "parents": "Parents or guardians",
    "tribe": "The youth's tribe (Indian child)",
}

# ICWA statuses (youth.IcwaStatus codes) under which the Indian-child notices apply, and the one
# under which the inquiry itself is the duty (RULES.md §9).
ICWA_APPLIES = frozenset({"yes", "reason_to_know"})
ICWA_NOT_INQUIRED = "not_inquired"

# A clock a few minutes fast on a phone must not refuse an honest "now".
CLOCK_SKEW = timedelta(minutes=5)


def notice_label(code: str) -> str:
    return NOTICE_LABELS.get(code, code.replace("_", " ").capitalize())


def duty_kind(kind: str, notice_code: str = "") -> str:
    if kind == ReportKind.LAW_ENFORCEMENT:
        return KIND_LAW_ENFORCEMENT
    if kind == ReportKind.NCMEC:
        return KIND_NCMEC
    return KIND_NOTICE_PREFIX + notice_code


def _episode_link(episode: MissingEpisode) -> str:
    return reverse("missing:episode", args=[episode.pk])


def _current_worker(youth: Youth) -> User | None:
    from safeharbor.youth.selectors import youth_current_worker

    return youth_current_worker(youth=youth)


def _not_future(value: datetime | None, field: str) -> None:
    if value is not None and value > timezone.now() + CLOCK_SKEW:
        raise ApplicationError("This time is in the future.", field=field)


def _require_edit(actor: User, youth: Youth) -> None:
    if not permissions.can_record_missing(actor, youth):
        raise PermissionDenied


def _save(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from exc
    obj.save()


def _times(
    *, last_seen_at: datetime | None, discovered_at: datetime, returned_at: datetime | None, youth: Youth
) -> Any:
    try:
        return rules.missing_deadlines(
            last_seen_at=last_seen_at,
            discovered_at=discovered_at,
            returned_at=returned_at,
            policy=youth.agency.policy(),
        )
    except rules.EpisodeTimesError as exc:
        raise ApplicationError(_plain(exc.field), field=exc.field) from exc


def _plain(field: str) -> str:
    return {
        "discovered_at": "The agency cannot have learned of the absence before the youth was last seen.",
        "returned_at": "The return cannot be before the youth left (the last sighting, or the discovery when unknown).",
    }[field]


def episode_report(
    *,
    actor: User,
    youth: Youth,
    episode_type: str,
    discovered_at: datetime,
    last_seen_at: datetime | None = None,
    last_seen_location: str = "",
    circumstances: str = "",
) -> MissingEpisode:
    """Record that a youth is missing: opens the 24-hour duties (law enforcement, NCMEC, each of the
    agency's notices) for the youth's current worker and tells the unit's supervisor and the CSEC
    coordinators that the 72-hour window is open."""
    _require_edit(actor, youth)
    if episode_type not in EpisodeType.values:
        raise ApplicationError("Choose the type of episode.", field="episode_type")
    _not_future(discovered_at, "discovered_at")
    _not_future(last_seen_at, "last_seen_at")
    times = _times(last_seen_at=last_seen_at, discovered_at=discovered_at, returned_at=None, youth=youth)
    policy = youth.agency.policy()
    with transaction.atomic():
        Youth.objects.select_for_update().filter(pk=youth.pk).first()
        missing_now = (
            MissingEpisode.objects.filter(youth=youth, returned_at__isnull=True)
            .exclude(status=EpisodeStatus.CLOSED)
            .only("pk")
            .first()
        )
        if missing_now is not None:
            # Only a youth who is missing now is refused; a returned episode's open duties stay open
            # beside the new episode's (RULES.md §9).
            raise ApplicationError(
                "This youth is already reported missing and has not returned. Record the return on that "
                f"episode (number {missing_now.pk}) before reporting a new absence.",
                field="episode_type",
                code=f"already_missing:{missing_now.pk}",
            )
        episode = MissingEpisode(
            agency_id=youth.agency_id,
            youth=youth,
            episode_type=episode_type,
            last_seen_at=last_seen_at,
            discovered_at=discovered_at,
            last_seen_location=last_seen_location.strip(),
            circumstances=circumstances.strip(),
            window_ends_at=times.high_risk_window_ends,
            reported_by=actor,
        )
        _save(episode)
        audit_record(
            actor=actor, action="missing.report", obj=episode, youth_id=youth.pk, detail={"type": episode_type}
        )
        owner = _current_worker(youth) or actor
        icwa = getattr(youth, "icwa_status", ICWA_NOT_INQUIRED) or ICWA_NOT_INQUIRED
        duties = [
            (
                KIND_LAW_ENFORCEMENT,
                "Report the missing youth to law enforcement for NCIC entry",
                times.report_law_enforcement_by,
            ),
            (KIND_NCMEC, "Report the missing youth to NCMEC", times.report_ncmec_by),
            *[
                (KIND_NOTICE_PREFIX + code, f"24-hour notice: {notice_label(code)}", times.notices_by)
                for code in policy.notices
                if code not in policy.icwa_notices or icwa in ICWA_APPLIES
            ],
        ]
        if icwa == ICWA_NOT_INQUIRED and any(code in policy.icwa_notices for code in policy.notices):
            duties.append(
                (KIND_ICWA_INQUIRY, "Make the ICWA inquiry (is the youth an Indian child?)", times.notices_by)
            )
        for kind, title, due_at in duties:
            deadline_open(
                agency_id=youth.agency_id,
                kind=kind,
                subject=episode,
                title=title,
                due_at=due_at,
                owner=owner,
                youth_id=youth.pk,
                arose_at=discovered_at,
            )
        for person in _people_to_tell(owner=owner, actor=actor, agency_id=youth.agency_id):
            notification_send(
                recipient=person,
                kind="missing_reported",
                message="A youth was reported missing from care. The 72-hour high-risk window is open.",
                link=_episode_link(episode),
                dedupe_key=f"missing_reported:{episode.pk}:{person.pk}",
            )
        sweep_soon()
    return episode


def _people_to_tell(*, owner: User, actor: User, agency_id: int) -> list[User]:
    people: dict[int, User] = {}
    if owner.unit_id and owner.unit is not None and owner.unit.supervisor is not None:
        people[owner.unit.supervisor.pk] = owner.unit.supervisor
    if owner.pk != actor.pk:
        people[owner.pk] = owner
    coordinators = User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=Role.COORDINATOR)
    for coordinator in coordinators:
        people[coordinator.pk] = coordinator
    people.pop(actor.pk, None)
    return list(people.values())


def episode_record_report(
    *,
    actor: User,
    episode: MissingEpisode,
    kind: str,
    made_at: datetime,
    made_to: str,
    reference_number: str = "",
    officer: str = "",
    notice_code: str = "",
    not_applicable: bool = False,
) -> EpisodeReport:
    """Record a report (law enforcement, NCMEC) or a 24-hour notice, and meet its duty."""
    _require_edit(actor, episode.youth)
    if kind not in ReportKind.values:
        raise ApplicationError("Unknown kind of report.", field="kind")
    if kind == ReportKind.NOTICE:
        if (
            notice_code not in episode.youth.agency.notices
            and not Deadline.objects.filter(
                kind=KIND_NOTICE_PREFIX + notice_code, subject_type="missing.missingepisode", subject_id=episode.pk
            ).exists()
        ):
            raise ApplicationError("This notice is not on the agency's list.", field="notice_code")
    else:
        notice_code = ""
        not_applicable = False
        if not reference_number.strip():
            label = "report number" if kind == ReportKind.LAW_ENFORCEMENT else "case number"
            raise ApplicationError(f"Enter the {label}.", field="reference_number")
    made_to = made_to.strip()
    if not made_to:
        message = "Explain why this notice does not apply." if not_applicable else "Enter to whom it was made."
        raise ApplicationError(message, field="made_to")
    _not_future(made_at, "made_at")
    if made_at < episode.window_start:
        raise ApplicationError("This is before the youth was last seen.", field="made_at")
    duty_kind_code = duty_kind(kind, notice_code)
    with transaction.atomic():
        if EpisodeReport.objects.filter(episode=episode, kind=kind, notice_code=notice_code).exists():
            raise ApplicationError("This has already been recorded for this episode.", field="kind")
        if not not_applicable:
            check_done_at(kind=duty_kind_code, subject=episode, done_at=made_at, field="made_at")
        report = EpisodeReport(
            episode=episode,
            kind=kind,
            notice_code=notice_code,
            made_by=actor,
            made_at=made_at,
            made_to=made_to,
            reference_number=reference_number.strip(),
            officer=officer.strip(),
            not_applicable=not_applicable,
        )
        _save(report)
        audit_record(
            actor=actor,
            action="missing.record_report",
            obj=report,
            youth_id=episode.youth_id,
            agency_id=episode.agency_id,
            detail={"kind": kind, "notice": notice_code, "not_applicable": not_applicable},
        )
        if not_applicable:
            deadline_cancel(
                kind=duty_kind_code, subject=episode, actor=actor, reason_code="not_applicable", not_applicable=True
            )
        else:
            # Done when it was made (entered by the person), recorded now: a report made at 23:35 and
            # typed in the next morning is on time (RULES.md §9).
            deadline_meet(kind=duty_kind_code, subject=episode, actor=actor, done_at=made_at, field="made_at")
    return report


def _lock(episode: MissingEpisode) -> MissingEpisode:
    current = MissingEpisode.objects.select_for_update().get(pk=episode.pk)
    current.youth = episode.youth
    return current


def episode_locate(*, actor: User, episode: MissingEpisode, located_at: datetime) -> MissingEpisode:
    """The youth's whereabouts are known (not yet back in care)."""
    _require_edit(actor, episode.youth)
    _not_future(located_at, "located_at")
    if located_at < episode.window_start:
        raise ApplicationError("The youth cannot be located before leaving.", field="located_at")
    with transaction.atomic():
        current = _lock(episode)
        if current.status != EpisodeStatus.OPEN:
            raise ApplicationError("This episode is not open.", field="located_at")
        current.status = EpisodeStatus.LOCATED
        current.located_at = located_at
        _save(current)
        audit_record(actor=actor, action="missing.locate", obj=current, youth_id=current.youth_id)
    return current


def episode_return(*, actor: User, episode: MissingEpisode, returned_at: datetime) -> MissingEpisode:
    """The youth is back in care: the debrief and the return screening come due (RULES.md §3)."""
    _require_edit(actor, episode.youth)
    _not_future(returned_at, "returned_at")
    times = _times(
        last_seen_at=episode.last_seen_at,
        discovered_at=episode.discovered_at,
        returned_at=returned_at,
        youth=episode.youth,
    )
    assert times.return_debrief_due is not None and times.return_screening_due is not None
    with transaction.atomic():
        current = _lock(episode)
        if current.status == EpisodeStatus.CLOSED or current.returned_at is not None:
            raise ApplicationError("The return is already recorded for this episode.", field="returned_at")
        current.returned_at = returned_at
        current.located_at = current.located_at or returned_at
        current.status = EpisodeStatus.LOCATED
        _save(current)
        audit_record(actor=actor, action="missing.return", obj=current, youth_id=current.youth_id)
        owner = _current_worker(current.youth) or actor
        for kind, title, due_at in (
            (KIND_DEBRIEF, "Debrief the youth after the return from missing", times.return_debrief_due),
            (KIND_SCREENING, "CSEC screening after the return from missing", times.return_screening_due),
        ):
            deadline_open(
                agency_id=current.agency_id,
                kind=kind,
                subject=current,
                title=title,
                due_at=due_at,
                owner=owner,
                youth_id=current.youth_id,
                arose_at=returned_at,
            )
        sweep_soon()
    return current


def debrief_record(
    *, actor: User, episode: MissingEpisode, debriefed_at: datetime, primary_factors: str, experiences: str
) -> ReturnDebrief:
    """Record the return debrief and meet its duty."""
    _require_edit(actor, episode.youth)
    if episode.returned_at is None:
        raise ApplicationError("Record the return first.", field="debriefed_at")
    _not_future(debriefed_at, "debriefed_at")
    if debriefed_at < episode.returned_at:
        raise ApplicationError("The debrief cannot be before the return.", field="debriefed_at")
    with transaction.atomic():
        if ReturnDebrief.objects.filter(episode=episode).exists():
            raise ApplicationError("The debrief is already recorded for this episode.", field="debriefed_at")
        check_done_at(kind=KIND_DEBRIEF, subject=episode, done_at=debriefed_at, field="debriefed_at")
        debrief = ReturnDebrief(
            episode=episode,
            debriefed_at=debriefed_at,
            debriefed_by=actor,
            primary_factors=primary_factors.strip(),
            experiences=experiences.strip(),
        )
        _save(debrief)
        audit_record(
            actor=actor, action="missing.debrief", obj=debrief, youth_id=episode.youth_id, agency_id=episode.agency_id
        )
        deadline_meet(kind=KIND_DEBRIEF, subject=episode, actor=actor, done_at=debriefed_at, field="debriefed_at")
    return debrief


def episode_return_screening_done(*, youth: Youth, screening: Any, actor: User | None = None) -> list[MissingEpisode]:
    """The screening app calls this when a screening of `youth` is finalised: every returned episode of
    the youth still waiting for its return screening is linked to it, and the duty is met.

    `screening` is any saved object with a pk (the screening app's Screening); when it has a time
    (finalised_at, screened_at or created_at), only returns up to that time count. Returns the episodes
    linked (often none). Joins the caller's transaction.
    """
    done_at = _screening_time(screening)
    with transaction.atomic():
        waiting_qs = MissingEpisode.objects.select_for_update().filter(
            youth_id=youth.pk, returned_at__isnull=False, return_screening_id__isnull=True
        )
        if done_at is not None:
            waiting_qs = waiting_qs.filter(returned_at__lte=done_at)  # a screening before the return does not count
        waiting = list(waiting_qs)
        now = timezone.now()
        for episode in waiting:
            episode.return_screening_id = screening.pk
            episode.return_screening_linked_at = now
            episode.save(update_fields=["return_screening_id", "return_screening_linked_at", "updated_at"])
            audit_record(
                actor=actor,
                action="missing.return_screening",
                obj=episode,
                youth_id=youth.pk,
                detail={"screening_id": screening.pk},
            )
            screened_at = done_at or now
            if episode.returned_at is not None and screened_at < episode.returned_at:
                screened_at = episode.returned_at
            deadline_meet(kind=KIND_SCREENING, subject=episode, actor=actor, done_at=screened_at)
    return waiting


def _screening_model() -> Any:
    try:
        from safeharbor.screening import models as screening_models
    except ImportError:
        return None
    return getattr(screening_models, "Screening", None)


def episode_link_screening(*, actor: User, episode: MissingEpisode, screening_id: int) -> MissingEpisode:
    """Link an existing screening of the youth, done since the return, as the return screening."""
    _require_edit(actor, episode.youth)
    if episode.returned_at is None:
        raise ApplicationError("Record the return first.", field="screening_id")
    model = _screening_model()
    if model is None:
        raise ApplicationError("Screenings are not available yet.", field="screening_id")
    screening = model.objects.filter(pk=screening_id, youth_id=episode.youth_id).first()
    if screening is None:
        raise ApplicationError("No screening of this youth has this number.", field="screening_id")
    if getattr(screening, "status", "finalised") != "finalised":
        raise ApplicationError("Only a finalised screening can be linked.", field="screening_id")
    done_at = _screening_time(screening)
    if done_at is not None and done_at < episode.returned_at:
        raise ApplicationError("This screening was done before the return.", field="screening_id")
    with transaction.atomic():
        episode_return_screening_done(youth=episode.youth, screening=screening, actor=actor)
    episode.refresh_from_db()
    return episode


def _screening_time(screening: Any) -> datetime | None:
    for attr in ("finalised_at", "finalized_at", "screened_at", "created_at"):
        value = getattr(screening, attr, None)
        if isinstance(value, datetime):
            return value
    return None


def episode_close(*, actor: User, episode: MissingEpisode) -> MissingEpisode:
    """Close an episode once the youth has returned and every duty of it is met."""
    _require_edit(actor, episode.youth)
    with transaction.atomic():
        current = _lock(episode)
        if current.status == EpisodeStatus.CLOSED:
            raise ApplicationError("This episode is already closed.", field="status")
        if current.returned_at is None:
            raise ApplicationError("Record the return before closing the episode.", field="status")
        open_duties = Deadline.objects.filter(
            subject_type="missing.missingepisode", subject_id=current.pk, status=DutyStatus.OPEN
        ).count()
        if open_duties:
            raise ApplicationError(
                f"{open_duties} duty(ies) of this episode are still open: complete them before closing.", field="status"
            )
        current.status = EpisodeStatus.CLOSED
        current.closed_at = timezone.now()
        _save(current)
        audit_record(actor=actor, action="missing.close", obj=current, youth_id=current.youth_id)
    return current


def episodes_icwa_status_changed(*, youth: Youth, actor: User | None, previous: str) -> None:
    """The youth's ICWA status changed (the youth app calls this inside its transaction).

    For each of the youth's episodes whose 24-hour notices are still running (no return recorded, or
    a return recorded with the ICWA inquiry still open): a status other than "inquiry not yet made"
    meets the inquiry duty; "yes" or "reason to know" opens the Indian-child notices (due when the
    other notices are); "no" closes any open Indian-child notice as not applicable (RULES.md §9).
    """
    status = getattr(youth, "icwa_status", ICWA_NOT_INQUIRED) or ICWA_NOT_INQUIRED
    if status == previous:
        return
    policy = youth.agency.policy()
    icwa_codes = [code for code in policy.notices if code in policy.icwa_notices]
    with transaction.atomic():
        episodes = list(MissingEpisode.objects.select_for_update().filter(youth_id=youth.pk).order_by("id"))
        for episode in episodes:
            inquiry = open_duty(kind=KIND_ICWA_INQUIRY, subject=episode)
            if episode.returned_at is not None and inquiry is None:
                continue
            if inquiry is not None and status != ICWA_NOT_INQUIRED:
                deadline_meet(kind=KIND_ICWA_INQUIRY, subject=episode, actor=actor)
            for code in icwa_codes:
                kind = KIND_NOTICE_PREFIX + code
                if status in ICWA_APPLIES:
                    if EpisodeReport.objects.filter(episode=episode, kind=ReportKind.NOTICE, notice_code=code).exists():
                        continue
                    times = _times(
                        last_seen_at=episode.last_seen_at,
                        discovered_at=episode.discovered_at,
                        returned_at=None,
                        youth=youth,
                    )
                    owner = (inquiry.owner if inquiry is not None else None) or _current_worker(youth) or actor
                    if owner is None:
                        continue
                    deadline_open(
                        agency_id=episode.agency_id,
                        kind=kind,
                        subject=episode,
                        title=f"24-hour notice: {notice_label(code)}",
                        due_at=times.notices_by,
                        owner=owner,
                        youth_id=youth.pk,
                        arose_at=episode.discovered_at,
                    )
                elif status == "no":
                    deadline_cancel(
                        kind=kind, subject=episode, actor=actor, reason_code="not_indian_child", not_applicable=True
                    )
        if episodes:
            sweep_soon()
