"""Who may see or do what: every predicate of SafeHarbor, and nothing of it anywhere else.

Two shapes of the same decisions live here:
- queryset filters (`*_q`), so lists and the record door ask the database once;
- `rules` predicates for object checks (`can_*`), built on those filters.

One condition per line, so coverage shows each branch tested. Roles are those of DESIGN.md.
Every record belongs to one agency: each filter starts by pinning the user's agency.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import rules
from django.db.models import Q
from django.utils import timezone

from safeharbor.accounts.roles import Role
from safeharbor.core.timeutils import agency_today

if TYPE_CHECKING:
    from safeharbor.accounts.models import User

NOTHING = Q(pk__in=[])


def _signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.agency_id)


def _today(user: User) -> date:
    return agency_today(user.agency)


def _active_assignments(today: date) -> Q:
    return Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))


# --- Youth ------------------------------------------------------------------------------------


def _assigned_to(user: User, today: date) -> Q:
    from safeharbor.youth.models import Assignment

    ids = Assignment.objects.filter(_active_assignments(today), worker_id=user.pk).values("youth_id")
    return Q(pk__in=ids)


def _assigned_in_units(today: date, **unit_filter: Any) -> Q:
    from safeharbor.youth.models import Assignment

    ids = Assignment.objects.filter(_active_assignments(today), **unit_filter).values("youth_id")
    return Q(pk__in=ids)


def _break_glass(user: User) -> Q:
    from safeharbor.youth.models import BreakGlassGrant

    ids = BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).values("youth_id")
    return Q(pk__in=ids)


def _coordinator_scope() -> Q:
    """Every youth with a CSEC status, or with an MDT referral."""
    return ~Q(csec_status="no_known_risk") | Q(pk__in=_referred_youth_ids())


def _referred_youth_ids() -> Any:
    from safeharbor.mdt.models import Referral

    return Referral.objects.values("youth_id")


def _referred_by(user: User) -> Q:
    from safeharbor.mdt.models import Referral

    return Q(pk__in=Referral.objects.filter(referred_by_id=user.pk).values("youth_id"))


def youth_read_q(user: Any) -> Q:
    """The youth a user may open (read). Partners, auditors and admins: none through this door."""
    if not _signed_in(user):
        return NOTHING
    today = _today(user)
    scope = NOTHING
    if user.has_role(Role.WORKER):
        scope |= _assigned_to(user, today)
        scope |= _referred_by(user)
        scope |= _break_glass(user)
    if user.has_role(Role.SUPERVISOR):
        scope |= _assigned_in_units(today, worker__unit__supervisor_id=user.pk)
    if user.has_role(Role.MANAGER):
        scope |= _assigned_in_units(today, worker__unit__manager_id=user.pk)
    if user.has_role(Role.COORDINATOR):
        scope |= _coordinator_scope()
    return Q(agency_id=user.agency_id) & scope


def youth_write_q(user: Any) -> Q:
    """The youth a user may change: the assigned worker and the unit's supervisor."""
    if not _signed_in(user):
        return NOTHING
    today = _today(user)
    scope = NOTHING
    if user.has_role(Role.WORKER):
        scope |= _assigned_to(user, today)
    if user.has_role(Role.SUPERVISOR):
        scope |= _assigned_in_units(today, worker__unit__supervisor_id=user.pk)
    return Q(agency_id=user.agency_id) & scope


@rules.predicate
def can_view_youth(user: Any, youth: Any) -> bool:
    from safeharbor.youth.models import Youth

    return _memo(user, ("view_youth", youth.pk), lambda: Youth.objects.filter(youth_read_q(user), pk=youth.pk).exists())


@rules.predicate
def can_edit_youth(user: Any, youth: Any) -> bool:
    from safeharbor.youth.models import Youth

    return _memo(
        user, ("edit_youth", youth.pk), lambda: Youth.objects.filter(youth_write_q(user), pk=youth.pk).exists()
    )


def _memo(user: Any, key: tuple[str, Any], compute: Any) -> bool:
    """Remember a record-level answer for the rest of one web request.

    Only the request's own user object (marked by AgencyTimezoneMiddleware) keeps answers, so a page
    asking the same question from several sections runs one query; user objects held elsewhere (tests,
    the worker, the CLI) always ask the database.
    """
    if not getattr(user, "_sh_request_scoped", False):
        return bool(compute())
    cache = getattr(user, "_sh_permission_memo", None)
    if cache is None:
        cache = {}
        user._sh_permission_memo = cache
    if key not in cache:
        cache[key] = bool(compute())
    return bool(cache[key])


@rules.predicate
def can_create_youth(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.WORKER, Role.SUPERVISOR)


@rules.predicate
def can_break_glass(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.WORKER)


@rules.predicate
def can_reassign_youth(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.SUPERVISOR)


def is_outside_partner(user: Any) -> bool:
    """An outside MDT member with no agency staff role."""
    return (
        _signed_in(user)
        and user.has_role(Role.PARTNER)
        and not user.has_role(Role.WORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.MANAGER, Role.AUDITOR, Role.ADMIN)
    )


def has_caseload_pages(user: Any) -> bool:
    """Workers, supervisors, coordinators and managers work with youth records."""
    return _signed_in(user) and user.has_role(Role.WORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.MANAGER)


def has_youth_edit_pages(user: Any) -> bool:
    """Workers and supervisors change youth records (which ones: youth_write_q)."""
    return _signed_in(user) and user.has_role(Role.WORKER, Role.SUPERVISOR)


def has_unit_filter(user: Any) -> bool:
    """The "my unit" view of the youth list is for supervisors."""
    return _signed_in(user) and user.has_role(Role.SUPERVISOR)


def can_receive_assignment_from(user: Any, worker: Any) -> bool:
    """`worker` may be given a youth by `user`: a worker of this agency in a unit `user` supervises."""
    if not _signed_in(user) or worker is None:
        return False
    if not worker.is_active or worker.agency_id != user.agency_id:
        return False
    if not worker.has_role(Role.WORKER):
        return False
    return bool(worker.unit_id and worker.unit.supervisor_id == user.pk)


# --- Audit ------------------------------------------------------------------------------------


@rules.predicate
def can_read_audit(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.AUDITOR)


# --- Rules registry ---------------------------------------------------------------------------


@rules.predicate
def can_run_rules(user: Any) -> bool:
    """The pure rules carry no record data; any staff member (not partners) may evaluate them."""
    return _signed_in(user) and user.has_role(
        Role.WORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.MANAGER, Role.AUDITOR, Role.ADMIN
    )


# --- Care ---------------------------------------------------------------------------------------


@rules.predicate
def can_view_partner_directory(user: Any) -> bool:
    """Everyone signed in (staff and partners) may search the partner directory."""
    return _signed_in(user)


@rules.predicate
def can_manage_partner_directory(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.COORDINATOR, Role.ADMIN)


def partner_directory_q(user: Any) -> Q:
    """Directory entries a user sees: their agency's; inactive ones only for those who maintain it."""
    if not _signed_in(user):
        return NOTHING
    scope = Q(agency_id=user.agency_id)
    if not can_manage_partner_directory(user):
        scope &= Q(is_active=True)
    return scope


@rules.predicate
def can_plan_services(user: Any, youth: Any) -> bool:
    """Adding to and updating a youth's service plan: those who may change the youth's record."""
    return can_edit_youth(user, youth)


@rules.predicate
def can_view_open_needs(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.COORDINATOR)


def _of_youth(user: Any, *, write: bool) -> Q:
    """Records about a youth the user may open (or, with `write`, change): through the youth filters."""
    from safeharbor.youth.models import Youth

    scope = youth_write_q(user) if write else youth_read_q(user)
    return Q(youth_id__in=Youth.objects.filter(scope).values("pk"))


def partner_q(user: Any, *, write: bool = False) -> Q:
    """Directory entries a user may open (partner_directory_q); with `write`, only those who maintain it."""
    if write and not can_manage_partner_directory(user):
        return NOTHING
    return partner_directory_q(user)


def service_item_q(user: Any, *, write: bool = False) -> Q:
    """Service items a user may open: their agency's, about a youth they may open (or, with `write`,
    change), for those who have caseload pages."""
    if not has_caseload_pages(user):
        return NOTHING
    return Q(agency_id=user.agency_id) & _of_youth(user, write=write)


# --- Website access -----------------------------------------------------------------------------


def _staff(user: Any) -> bool:
    return user.has_role(Role.WORKER, Role.SUPERVISOR, Role.COORDINATOR, Role.MANAGER, Role.AUDITOR, Role.ADMIN)


@rules.predicate
def can_view_site_catalogue(user: Any) -> bool:
    return _signed_in(user) and _staff(user)


@rules.predicate
def can_manage_site_catalogue(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


@rules.predicate
def can_request_web_access(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.WORKER)


@rules.predicate
def can_log_web_research(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.WORKER)


@rules.predicate
def can_see_web_decision_queue(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.MANAGER)


@rules.predicate
def can_decide_web_access(user: Any, access_request: Any) -> bool:
    """A manager of the request's agency decides it; never their own request."""
    return (
        _signed_in(user)
        and user.has_role(Role.MANAGER)
        and access_request.agency_id == user.agency_id
        and access_request.requested_by_id != user.pk
    )


@rules.predicate
def can_view_web_request(user: Any, access_request: Any) -> bool:
    """The requester, the agency's managers (who decide) and coordinators (who are told)."""
    return (
        _signed_in(user)
        and access_request.agency_id == user.agency_id
        and (access_request.requested_by_id == user.pk or user.has_role(Role.MANAGER, Role.COORDINATOR))
    )


@rules.predicate
def can_review_web_usage(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.MANAGER, Role.AUDITOR)


def site_q(user: Any, *, write: bool = False) -> Q:
    """Catalogue sites of the user's agency: staff see the active ones; admins, who keep the catalogue,
    see and (with `write`) change every one."""
    if not _signed_in(user):
        return NOTHING
    if can_manage_site_catalogue(user):
        return Q(agency_id=user.agency_id)
    if write:
        return NOTHING
    if not can_view_site_catalogue(user):
        return NOTHING
    return Q(agency_id=user.agency_id) & Q(is_active=True)


def web_request_q(user: Any, *, write: bool = False) -> Q:
    """Website-access requests a user may open (can_view_web_request): the requester's own, and every
    one of the agency for its managers (who decide) and coordinators (who are told). With `write`
    (deciding): managers only; the service refuses a manager's own request, with its reason."""
    if not _signed_in(user):
        return NOTHING
    if user.has_role(Role.MANAGER):
        return Q(agency_id=user.agency_id)
    if write:
        return NOTHING
    if user.has_role(Role.COORDINATOR):
        return Q(agency_id=user.agency_id)
    return Q(agency_id=user.agency_id) & Q(requested_by_id=user.pk)


# --- MDT --------------------------------------------------------------------------------------


@rules.predicate
def can_submit_referral(user: Any, youth: Any) -> bool:
    """A worker (or supervisor) who may change the youth's record asks for an MDT meeting."""
    return can_edit_youth(user, youth)


@rules.predicate
def is_mdt_coordinator(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.COORDINATOR)


@rules.predicate
def can_coordinate_mdt(user: Any, obj: Any) -> bool:
    """Queue, calendar, agenda and minutes: the coordinator of the record's agency."""
    return is_mdt_coordinator(user) and obj.agency_id == user.agency_id


@rules.predicate
def can_view_referral(user: Any, referral: Any) -> bool:
    if not _signed_in(user):
        return False
    if referral.agency_id != user.agency_id:
        return False
    if user.has_role(Role.COORDINATOR):
        return True
    return bool(referral.referred_by_id == user.pk and user.has_role(Role.WORKER, Role.SUPERVISOR))


@rules.predicate
def can_answer_referral(user: Any, referral: Any) -> bool:
    """The referring worker answers a request for more information."""
    return _signed_in(user) and referral.agency_id == user.agency_id and referral.referred_by_id == user.pk


def referral_q(user: Any, *, write: bool = False) -> Q:
    """Referrals a user may open (can_view_referral): every one of the agency for its coordinator, their
    own for a worker or supervisor who made them. `write` opens the same rows; which change each may
    make is decided by can_coordinate_mdt (decide, schedule) and can_answer_referral (answer)."""
    del write
    if not _signed_in(user):
        return NOTHING
    if user.has_role(Role.COORDINATOR):
        return Q(agency_id=user.agency_id)
    if not user.has_role(Role.WORKER, Role.SUPERVISOR):
        return NOTHING
    return Q(agency_id=user.agency_id) & Q(referred_by_id=user.pk)


def mdt_member_sessions_q(user: Any) -> Q:
    """Sessions a user is invited to whose packet window is open today (RULES.md §4).

    Open: the agenda is published, the session is not cancelled, and today is on or before the
    session date plus the agency's partner window (default 30 days).
    """
    from datetime import timedelta

    if not _signed_in(user):
        return NOTHING
    today = _today(user)
    window = user.agency.partner_window_days
    return (
        Q(agency_id=user.agency_id)
        & Q(invitations__user_id=user.pk)
        & Q(published_at__isnull=False)
        & ~Q(status="cancelled")
        & Q(date__gte=today - timedelta(days=window))
    )


@rules.predicate
def can_view_session_packet(user: Any, session: Any) -> bool:
    """An invited member within the window, or the agency's coordinator."""
    from safeharbor.mdt.models import MdtSession

    if is_mdt_coordinator(user) and session.agency_id == user.agency_id:
        return True
    return MdtSession.objects.filter(mdt_member_sessions_q(user), pk=session.pk).exists()


def mdt_session_q(user: Any, *, write: bool = False) -> Q:
    """Sessions a user may open: every one of the agency for its coordinator, and (reading) those an
    invited member's window is open for (can_view_session_packet). With `write`: the coordinator's."""
    from safeharbor.mdt.models import MdtSession

    if not _signed_in(user):
        return NOTHING
    if is_mdt_coordinator(user):
        return Q(agency_id=user.agency_id)
    if write:
        return NOTHING
    return Q(pk__in=MdtSession.objects.filter(mdt_member_sessions_q(user)).values("pk"))


def mdt_needs_acknowledgment(user: Any, session: Any) -> bool:
    """An outside member acknowledges confidentiality before first seeing a session's packet."""
    from safeharbor.mdt.models import ConfidentialityAcknowledgment

    if not user.has_role(Role.PARTNER):
        return False
    return not ConfidentialityAcknowledgment.objects.filter(session_id=session.pk, user_id=user.pk).exists()


@rules.predicate
def can_view_action_items(user: Any) -> bool:
    return _signed_in(user)


@rules.predicate
def can_complete_action_item(user: Any, item: Any) -> bool:
    """The owner (who may be a partner) or the coordinator of the agency."""
    if not _signed_in(user):
        return False
    if item.owner_id == user.pk:
        return True
    return is_mdt_coordinator(user) and item.session.agency_id == user.agency_id


def action_item_q(user: Any, *, write: bool = False) -> Q:
    """Action items a user may open or complete (can_complete_action_item): those of their agency's
    sessions that they own (a partner may own one), and every one for the agency's coordinator."""
    del write
    if not _signed_in(user):
        return NOTHING
    scope = Q(owner_id=user.pk)
    if is_mdt_coordinator(user):
        scope |= Q(session__agency_id=user.agency_id)
    return Q(session__agency_id=user.agency_id) & scope


@rules.predicate
def can_edit_holidays(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


def has_mdt_meetings(user: Any) -> bool:
    """Partners (and any invited member) see "My meetings"."""
    return _signed_in(user) and user.has_role(Role.PARTNER)


# --- Screening ----------------------------------------------------------------------------------


@rules.predicate
def can_screen_youth(user: Any, youth: Any) -> bool:
    """Screen, determine, amend, record an external tool result: whoever may edit the youth."""
    return bool(can_edit_youth(user, youth))


@rules.predicate
def can_view_screenings(user: Any, youth: Any) -> bool:
    """Screenings and CSEC status history: whoever may open the youth."""
    return bool(can_view_youth(user, youth))


@rules.predicate
def can_view_indicator_catalogue(user: Any) -> bool:
    return has_caseload_pages(user) or can_administer(user)


@rules.predicate
def can_edit_indicator_catalogue(user: Any) -> bool:
    """Labels and help text of the agency's indicators (never the codes)."""
    return _signed_in(user) and user.has_role(Role.ADMIN)


def screening_q(user: Any, *, write: bool = False) -> Q:
    """Screenings of the user's agency about a youth they may open (or, with `write`, change)."""
    if not _signed_in(user):
        return NOTHING
    return Q(agency_id=user.agency_id) & _of_youth(user, write=write)


def indicator_q(user: Any, *, write: bool = False) -> Q:
    """The agency's indicator definitions: read by whoever sees the catalogue, changed by its admins."""
    allowed = can_edit_indicator_catalogue(user) if write else can_view_indicator_catalogue(user)
    if not allowed:
        return NOTHING
    return Q(agency_id=user.agency_id)


# --- Missing --------------------------------------------------------------------------------------


@rules.predicate
def can_record_missing(user: Any, youth: Any) -> bool:
    """Report an episode and record its reports, notices, return and debrief: who may change the youth."""
    return bool(can_edit_youth(user, youth))


def sees_missing_urgent_panel(user: Any) -> bool:
    """The 72-hour urgent panel: workers, supervisors, coordinators and managers (their own youth)."""
    return has_caseload_pages(user)


# --- Deadlines ------------------------------------------------------------------------------------


def can_use_inbox(user: Any) -> bool:
    """Every signed-in person has an inbox of their own notifications and duties."""
    return _signed_in(user)


@rules.predicate
def can_read_notification(user: Any, notification: Any) -> bool:
    return _signed_in(user) and notification.recipient_id == user.pk


@rules.predicate
def can_read_duty_ledger(user: Any) -> bool:
    """The duty ledger (`GET /api/v1/duties/`) holds ids and codes, no narrative: supervisors and
    managers read their units' duties, auditors their agency's (which ones: duty_ledger_q)."""
    return _signed_in(user) and user.has_role(Role.SUPERVISOR, Role.MANAGER, Role.AUDITOR)


def _youth_of_units(today: date, **unit_filter: Any) -> Q:
    """Duties about youth currently assigned to a worker of the units matching `unit_filter`."""
    from safeharbor.youth.models import Assignment

    ids = Assignment.objects.filter(_active_assignments(today), **unit_filter).values("youth_id")
    return Q(youth_id__in=ids)


def duty_ledger_q(user: Any) -> Q:
    """The duties (Deadline rows) of the ledger a user may read.

    Supervisors: duties owned by a worker of a unit they supervise, or about a youth assigned to one.
    Managers: the same for the units they manage. Auditors: every duty of their agency. Never another
    agency's; nothing for anyone else.
    """
    if not _signed_in(user):
        return NOTHING
    scope = NOTHING
    if user.has_role(Role.SUPERVISOR):
        scope |= Q(owner__unit__supervisor_id=user.pk)
        scope |= _youth_of_units(_today(user), worker__unit__supervisor_id=user.pk)
    if user.has_role(Role.MANAGER):
        scope |= Q(owner__unit__manager_id=user.pk)
        scope |= _youth_of_units(_today(user), worker__unit__manager_id=user.pk)
    if user.has_role(Role.AUDITOR):
        scope |= Q(agency_id=user.agency_id)
    return Q(agency_id=user.agency_id) & scope


# --- The supervisor's unit board ------------------------------------------------------------------


def _worker_ids() -> Any:
    from safeharbor.accounts.models import RoleGrant

    return RoleGrant.objects.filter(role=Role.WORKER).values("user_id")


def _overseen_units_q(user: Any) -> Q:
    """The units (Unit rows) a user oversees: those they supervise and those they manage."""
    scope = NOTHING
    if user.has_role(Role.SUPERVISOR):
        scope |= Q(supervisor_id=user.pk)
    if user.has_role(Role.MANAGER):
        scope |= Q(manager_id=user.pk)
    return Q(agency_id=user.agency_id) & scope


@rules.predicate
def can_view_duty_board(user: Any) -> bool:
    """The unit board: supervisors (the units they supervise) and managers (the units they manage)."""
    return _signed_in(user) and user.has_role(Role.SUPERVISOR, Role.MANAGER)


def duty_board_q(user: Any) -> Q:
    """The duties (Deadline rows) on a user's unit board: owned by a worker of a unit they oversee, or
    about a youth currently assigned to one. Never another agency's; nothing for anyone else."""
    if not can_view_duty_board(user):
        return NOTHING
    today = _today(user)
    scope = NOTHING
    if user.has_role(Role.SUPERVISOR):
        scope |= Q(owner__unit__supervisor_id=user.pk)
        scope |= _youth_of_units(today, worker__unit__supervisor_id=user.pk)
    if user.has_role(Role.MANAGER):
        scope |= Q(owner__unit__manager_id=user.pk)
        scope |= _youth_of_units(today, worker__unit__manager_id=user.pk)
    return Q(agency_id=user.agency_id) & scope


def duty_board_workers_q(user: Any) -> Q:
    """The people (User rows) with a summary row on the board: active workers of the units overseen."""
    from safeharbor.accounts.models import Unit

    if not can_view_duty_board(user):
        return NOTHING
    units = Unit.objects.filter(_overseen_units_q(user)).values("pk")
    return Q(agency_id=user.agency_id) & Q(is_active=True) & Q(pk__in=_worker_ids()) & Q(unit_id__in=units)


def can_act_on_board_duty(user: Any, deadline: Any) -> bool:
    """An open duty on the user's board (the row actions: reassign, remind)."""
    from safeharbor.deadlines.models import Deadline

    if not can_view_duty_board(user):
        return False
    if deadline.status != "open":
        return False
    return Deadline.objects.filter(duty_board_q(user), pk=deadline.pk).exists()


def _duty_units_q(deadline: Any, today: date) -> Q:
    """The units (Unit rows) a duty belongs to: its owner's, and those of the youth's current workers."""
    from safeharbor.accounts.models import User
    from safeharbor.youth.models import Assignment

    scope = Q(pk__in=User.objects.filter(pk=deadline.owner_id).values("unit_id"))
    if deadline.youth_id:
        workers = Assignment.objects.filter(_active_assignments(today), youth_id=deadline.youth_id)
        scope |= Q(pk__in=User.objects.filter(pk__in=workers.values("worker_id")).values("unit_id"))
    return scope


def duty_reassign_targets_q(actor: Any, deadline: Any) -> Q:
    """The people (User rows) `actor` may give `deadline` to: active workers of the duty's agency, in a
    unit the duty belongs to (its owner's, or a current worker's of its youth) that `actor` oversees;
    never its owner. Nobody when the duty is not an open one on the actor's board."""
    from safeharbor.accounts.models import Unit

    if not can_act_on_board_duty(actor, deadline):
        return NOTHING
    units = Unit.objects.filter(_overseen_units_q(actor)).filter(_duty_units_q(deadline, _today(actor)))
    return (
        Q(agency_id=deadline.agency_id)
        & Q(is_active=True)
        & Q(pk__in=_worker_ids())
        & Q(unit_id__in=units.values("pk"))
        & ~Q(pk=deadline.owner_id)
    )


def can_reassign_duty(actor: Any, deadline: Any, to_user: Any) -> bool:
    """Give an open duty of the actor's board to another active worker of the same unit and agency."""
    from safeharbor.accounts.models import User

    if to_user is None:
        return False
    if to_user.pk == deadline.owner_id:
        return False
    return User.objects.filter(duty_reassign_targets_q(actor, deadline), pk=to_user.pk).exists()


@rules.predicate
def can_remind_duty(actor: Any, deadline: Any) -> bool:
    """Send the owner of an open duty of the actor's board a reminder."""
    return can_act_on_board_duty(actor, deadline)


# --- Guidance -----------------------------------------------------------------------------------


# Every entry (glossary term, myth, strategy, need, legal basis, policy document and its sections)
# belongs to one agency; each agency has its own copy of the shared default text (guidance/defaults.py).


@rules.predicate
def can_read_guidance(user: Any) -> bool:
    """Glossary, myths, strategies, needs, legal basis, the policy handbook: no case data, so every
    signed-in person reads their agency's, partners included (it is public knowledge they share in MDTs)."""
    return _signed_in(user)


@rules.predicate
def can_edit_guidance(user: Any) -> bool:
    """The editing pages exist for admins; which entries they may change: `can_edit_guidance_content`."""
    if not _signed_in(user):
        return False
    return bool(user.has_role(Role.ADMIN))


def guidance_read_q(user: Any, *, via: str = "") -> Q:
    """The guidance content a user may read: their own agency's. `via` reaches the agency through a
    relation (a policy section: `via="document__"`)."""
    if not can_read_guidance(user):
        return NOTHING
    return Q(**{f"{via}agency_id": user.agency_id})


def guidance_write_q(user: Any, *, via: str = "") -> Q:
    """The guidance content a user may change: an admin, their own agency's only."""
    if not can_edit_guidance(user):
        return NOTHING
    return Q(**{f"{via}agency_id": user.agency_id})


@rules.predicate
def can_edit_guidance_content(user: Any, obj: Any) -> bool:
    """An admin changes an entry or writes a new section version of their own agency, never another's."""
    if not can_edit_guidance(user):
        return False
    return bool(obj.agency_id == user.agency_id)


@rules.predicate
def can_check_language(user: Any) -> bool:
    """The live language check reads only the text sent to it; anyone signed in who writes text."""
    return _signed_in(user)


# --- Administration ---------------------------------------------------------------------------


@rules.predicate
def can_administer(user: Any) -> bool:
    return _signed_in(user) and user.has_role(Role.ADMIN)


# --- Accounts: second factor and sessions -------------------------------------------------------


def may_skip_mfa(user: Any) -> bool:
    """A demo account may skip the second factor, and only while DEBUG is on (never in production).

    Partners, auditors and admins never may, nor Django staff or superusers.
    """
    from django.conf import settings

    from safeharbor.accounts.roles import ALWAYS_MFA

    return (
        bool(settings.DEBUG)
        and bool(getattr(user, "mfa_exempt_in_demo", False))
        and not user.is_staff
        and not user.is_superuser
        and not user.roles.intersection(ALWAYS_MFA)
    )


@rules.predicate
def can_hold_api_token(user: Any) -> bool:
    """Staff of an agency may use the API with a personal token; outside partners use the pages only."""
    return _signed_in(user) and not user.has_role(Role.PARTNER)


@rules.predicate
def can_end_user_sessions(actor: Any, user: Any) -> bool:
    """An IT admin ends the sessions of another user of their own agency (their own end at sign-out)."""
    return can_administer(actor) and user.agency_id == actor.agency_id and user.pk != actor.pk


@rules.predicate
def can_reset_mfa(actor: Any, user: Any) -> bool:
    """An IT admin resets the second factor of another user of their own agency (never their own)."""
    return can_administer(actor) and user.agency_id == actor.agency_id and user.pk != actor.pk


def _admin_of(actor: Any, user: Any) -> bool:
    """An IT admin acting on another user of their own agency (never on themselves)."""
    return can_administer(actor) and user.agency_id == actor.agency_id and user.pk != actor.pk


@rules.predicate
def can_issue_enrolment_code(actor: Any, user: Any) -> bool:
    """An IT admin issues a one-time enrolment code (to set up an authenticator) for an active user of
    their own agency, never for themselves."""
    return _admin_of(actor, user) and user.is_active


@rules.predicate
def can_manage_user_api_tokens(actor: Any, user: Any) -> bool:
    """An IT admin lists and revokes the API tokens of another user of their own agency."""
    return _admin_of(actor, user)


@rules.predicate
def can_manage_api_token(actor: Any, token: Any) -> bool:
    """A token's owner, or an IT admin of the owner's agency, may see and revoke it."""
    if not _signed_in(actor):
        return False
    if token.user_id == actor.pk:
        return True
    return can_manage_user_api_tokens(actor, token.user)


@rules.predicate
def can_view_sign_in_locks(actor: Any) -> bool:
    """IT admins see the sign-in locks of their agency's users."""
    return can_administer(actor)


@rules.predicate
def can_lift_sign_in_lock(actor: Any, user: Any) -> bool:
    """An IT admin lifts the sign-in locks of another user of their own agency."""
    return _admin_of(actor, user)


@rules.predicate
def can_change_roles(actor: Any, user: Any) -> bool:
    """An IT admin changes the roles of another user of their own agency (never their own)."""
    return _admin_of(actor, user)


@rules.predicate
def can_deactivate_user(actor: Any, user: Any) -> bool:
    """An IT admin disables another user of their own agency (never themselves)."""
    return _admin_of(actor, user)


rules.add_perm("youth.view_youth", can_view_youth)
rules.add_perm("youth.change_youth", can_edit_youth)
rules.add_perm("youth.add_youth", can_create_youth)
rules.add_perm("audit.view_auditevent", can_read_audit)
