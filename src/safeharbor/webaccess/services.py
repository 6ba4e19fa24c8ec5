"""Write workflows of website access for case research (RULES.md §6; handbook 13-19, "Internet").

Each service runs in one transaction, validates with full_clean() and writes its audit row inside.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.roles import Role
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.deadlines.services import notification_send
from safeharbor.webaccess import rules
from safeharbor.webaccess.catalogue import HANDBOOK_SITES
from safeharbor.webaccess.models import AccessRequest, ResearchSession, Site

MAX_REASON = 2000


def _validate(instance: Any) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(" ".join(messages), field=None if field == "__all__" else field) from exc


def _coordinators(agency_id: int) -> Any:
    from safeharbor.accounts.models import User

    return User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=Role.COORDINATOR).distinct()


def _managers(agency_id: int) -> Any:
    from safeharbor.accounts.models import User

    return User.objects.filter(agency_id=agency_id, is_active=True, role_grants__role=Role.MANAGER).distinct()


# --- Site catalogue ----------------------------------------------------------------------------

SITE_FIELDS = ("domain", "name", "access_level", "is_active")


def site_create(*, actor: Any, **fields: Any) -> Site:
    if not permissions.can_manage_site_catalogue(actor):
        raise PermissionDenied
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    site = Site(agency_id=actor.agency_id, **fields)
    _clean_site(site)
    with transaction.atomic():
        site.save()
        audit_record(actor=actor, action="webaccess.site_create", obj=site, detail={"access_level": site.access_level})
    return site


def site_update(*, actor: Any, site: Site, **fields: Any) -> Site:
    if not permissions.can_manage_site_catalogue(actor):
        raise PermissionDenied
    if site.agency_id != actor.agency_id:
        raise PermissionDenied
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        current = Site.objects.select_for_update().get(pk=site.pk)
        changed = sorted(name for name, value in fields.items() if getattr(current, name) != value)
        for name, value in fields.items():
            setattr(current, name, value)
        _clean_site(current)
        current.save()
        audit_record(
            actor=actor,
            action="webaccess.site_update",
            obj=current,
            detail={"fields": changed, "access_level": current.access_level, "active": current.is_active},
        )
    return current


def _clean_site(site: Site) -> None:
    site.domain = rules.normalise_domain(site.domain)
    if not site.domain or "." not in site.domain or " " in site.domain:
        raise ApplicationError("Enter a domain such as example.com.", field="domain")
    duplicate = Site.objects.filter(agency_id=site.agency_id, domain=site.domain)
    if site.pk:
        duplicate = duplicate.exclude(pk=site.pk)
    if duplicate.exists():
        raise ApplicationError("This domain is already in the catalogue.", field="domain")
    _validate(site)


def site_catalogue_seed(*, agency: Any) -> int:
    """Add the sites handbook 13-19 names to an agency's catalogue (call when an agency is created).
    Idempotent; returns how many were added."""
    added = 0
    with transaction.atomic():
        for domain, name, level in HANDBOOK_SITES:
            _, created = Site.objects.get_or_create(
                agency_id=agency.pk, domain=domain, defaults={"name": name, "access_level": level}
            )
            added += int(created)
        if added:
            audit_record(
                actor=None,
                action="webaccess.site_seed",
                object_type="agency.agency",
                object_id=agency.pk,
                agency_id=agency.pk,
                detail={"added": added},
            )
    return added


# --- Requests and decisions --------------------------------------------------------------------


def access_request_create(*, actor: Any, youth: Any, site: Site, reason: str) -> AccessRequest:
    """A worker asks to use one approval-required site for research on one youth they may see.

    The agency's CSEC coordinators and managers are told in the app (no child's name in the message).
    """
    if not permissions.can_request_web_access(actor):
        raise PermissionDenied
    if not permissions.can_view_youth(actor, youth):
        raise PermissionDenied
    if site.agency_id != youth.agency_id or not site.is_active:
        raise ApplicationError("Choose a site from this agency's catalogue.", field="site")
    if site.access_level == rules.OPEN:
        raise ApplicationError(
            "This site is open to all staff for work research: no approval is needed. Record your research directly.",
            field="site",
        )
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ApplicationError(
            "Say why this site is needed for this youth's case (at least 10 characters).", field="reason"
        )
    if len(reason) > MAX_REASON:
        raise ApplicationError(f"Keep the reason under {MAX_REASON} characters.", field="reason")
    now = timezone.now()
    with transaction.atomic():
        open_same = AccessRequest.objects.filter(requested_by=actor, youth_id=youth.pk, site=site).filter(
            status=rules.PENDING
        ) | AccessRequest.objects.filter(
            requested_by=actor, youth_id=youth.pk, site=site, status=rules.APPROVED, expires_at__gt=now
        )
        if open_same.exists():
            raise ApplicationError(
                "You already have a pending request or an active approval for this site and youth.", field="site"
            )
        access_request = AccessRequest(
            agency_id=youth.agency_id,
            youth_id=youth.pk,
            site=site,
            requested_by=actor,
            requested_at=now,
            reason=reason,
        )
        _validate(access_request)
        access_request.save()
        audit_record(
            actor=actor,
            action="webaccess.request",
            obj=access_request,
            youth_id=youth.pk,
            detail={"site_id": site.pk},
        )
        link = f"/webaccess/requests/{access_request.pk}/"
        recipients = {u.pk: u for u in list(_coordinators(youth.agency_id)) + list(_managers(youth.agency_id))}
        for user in recipients.values():
            if user.pk == actor.pk:
                continue
            notification_send(
                recipient=user,
                kind="webaccess_request",
                message=f"A worker asked for access to {site.name} for case research.",
                link=link,
                dedupe_key=f"webaccess_request:{access_request.pk}:{user.pk}",
            )
    return access_request


def access_request_decide(*, actor: Any, access_request: AccessRequest, approve: bool, comment: str) -> AccessRequest:
    """A manager of the agency approves or denies a pending request; never their own.

    An approval is for that youth and site only and lapses `agency.webaccess_approval_days` (default 30)
    days after the instant it was given. The requester and the coordinators are told in the app.
    """
    if not permissions.can_decide_web_access(actor, access_request):
        if access_request.requested_by_id == getattr(actor, "pk", None):
            raise ApplicationError("You cannot decide your own request: another manager must.", field="decision")
        raise PermissionDenied
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ApplicationError("Say why the request is denied.", field="comment")
    if len(comment) > MAX_REASON:
        raise ApplicationError(f"Keep the comment under {MAX_REASON} characters.", field="comment")
    now = timezone.now()
    with transaction.atomic():
        current = AccessRequest.objects.select_for_update().select_related("agency", "site").get(pk=access_request.pk)
        if current.status != rules.PENDING:
            raise ApplicationError("This request has already been decided.", field="decision")
        current.status = rules.APPROVED if approve else rules.DENIED
        current.decided_by = actor
        current.decided_at = now
        current.decision_comment = comment
        if approve:
            current.expires_at = rules.approval_expires_at(approved_at=now, days=current.agency.webaccess_approval_days)
        _validate(current)
        current.save()
        audit_record(
            actor=actor,
            action="webaccess.approve" if approve else "webaccess.deny",
            obj=current,
            youth_id=current.youth_id,
            detail={"site_id": current.site_id, "requested_by": current.requested_by_id},
        )
        verdict = "approved" if approve else "denied"
        link = f"/webaccess/requests/{current.pk}/"
        recipients = {current.requested_by_id: current.requested_by}
        for user in _coordinators(current.agency_id):
            recipients.setdefault(user.pk, user)
        for user in recipients.values():
            notification_send(
                recipient=user,
                kind=f"webaccess_{verdict}",
                message=f"A request for access to {current.site.name} for case research was {verdict}.",
                link=link,
                dedupe_key=f"webaccess_{verdict}:{current.pk}:{user.pk}",
            )
    return current


def approval_lapse_sweep(*, now: datetime | None = None) -> int:
    """Record each approval that has lapsed as an audit event, once. Safe to run any number of times
    (a crash or a duplicate run records nothing twice). Returns how many lapses were recorded."""
    when = now or timezone.now()
    recorded = 0
    ids = list(
        AccessRequest.objects.filter(
            status=rules.APPROVED, expires_at__lte=when, lapse_recorded_at__isnull=True
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        with transaction.atomic():
            row = AccessRequest.objects.select_for_update().filter(pk=pk, lapse_recorded_at__isnull=True).first()
            if row is None or not rules.approval_lapsed(status=row.status, expires_at=row.expires_at, now=when):
                continue
            row.lapse_recorded_at = when
            row.save(update_fields=["lapse_recorded_at"])
            audit_record(
                actor=None,
                action="webaccess.lapse",
                obj=row,
                youth_id=row.youth_id,
                detail={"site_id": row.site_id, "requested_by": row.requested_by_id},
            )
            recorded += 1
    return recorded


# --- Research log ------------------------------------------------------------------------------


def active_approval_for(*, worker: Any, youth_id: int, site: Site, now: datetime) -> AccessRequest | None:
    return (
        AccessRequest.objects.filter(
            requested_by=worker, youth_id=youth_id, site=site, status=rules.APPROVED, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )


def research_session_record(
    *, actor: Any, youth: Any, site: Site, performed_at: datetime, looked_for: str, findings: str = ""
) -> ResearchSession:
    """Record a research session on the youth's record: allowed for an open site, or under the
    worker's active approval for this youth and this site; refused otherwise."""
    if not permissions.can_log_web_research(actor):
        raise PermissionDenied
    if not permissions.can_view_youth(actor, youth):
        raise PermissionDenied
    if site.agency_id != youth.agency_id or not site.is_active:
        raise ApplicationError("Choose a site from this agency's catalogue.", field="site")
    now = timezone.now()
    if timezone.is_naive(performed_at):
        raise ApplicationError("Give the date and time of the research.", field="performed_at")
    if performed_at > now:
        raise ApplicationError("The research cannot be in the future.", field="performed_at")
    looked_for = (looked_for or "").strip()
    if not looked_for:
        raise ApplicationError("Say what you looked for.", field="looked_for")
    approval = None if site.is_open else active_approval_for(worker=actor, youth_id=youth.pk, site=site, now=now)
    if not rules.research_allowed(access_level=site.access_level, has_active_approval=approval is not None):
        raise ApplicationError(
            f"{site.name} needs management approval, and you have no active approval to research it for "
            'this youth. Ask for access first (handbook 13-19, "Internet").',
            field="site",
        )
    # Times are entered to the minute: the minute of the approval itself counts as within it.
    approved_minute = (approval.decided_at or now).replace(second=0, microsecond=0) if approval else None
    if approved_minute is not None and performed_at < approved_minute:
        raise ApplicationError("The research must fall within the approval's period.", field="performed_at")
    session = ResearchSession(
        agency_id=youth.agency_id,
        youth_id=youth.pk,
        site=site,
        worker=actor,
        access_request=approval,
        performed_at=performed_at,
        looked_for=looked_for,
        findings=(findings or "").strip(),
    )
    _validate(session)
    with transaction.atomic():
        session.save()
        audit_record(
            actor=actor,
            action="webaccess.research",
            obj=session,
            youth_id=youth.pk,
            detail={"site_id": site.pk, "request_id": approval.pk if approval else None},
        )
    return session
