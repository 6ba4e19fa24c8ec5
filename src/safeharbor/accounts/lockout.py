"""Sign-in lockout (issue 14 item 7): the CJIS lock without letting anyone lock anyone out.

Two limits, both over the cool-off window (`AXES_COOLOFF_TIME`, default 30 minutes):

- **Per username and address** (django-axes, `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`):
  `AXES_FAILURE_LIMIT` (5) failures for one username from one address lock that username *at that
  address* for 30 minutes. Someone guessing from elsewhere no longer locks the real user out of their
  own desk.
- **Per username, every address** (`SafeHarborAxesHandler`): `LOGIN_USERNAME_FAILURE_LIMIT` (20)
  failures for one username from any mix of addresses lock the username everywhere for 30 minutes (a
  `SignInLock` row), so a guesser who moves between addresses gets no more than 20 tries per window.
  That lock is audited (`auth.sign_in_lock`, scope `username`) and every active admin of the user's
  agency is told in the app.

While either lock holds, even the right password is refused with the same page, whether or not the
account exists, and the refused tries do not extend the lock. An IT admin sees the current locks of
their agency's users and lifts them (`sign_in_locks_of_agency`, `sign_in_locks_lift`; page
`accounts:sign-in-locks`), audited. Audit rows carry counts, never the addresses or the typed username.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import SignInLock, User
from safeharbor.accounts.roles import Role
from safeharbor.audit.services import audit_record

SIGN_IN_LOCK = "sign_in_lock"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the lockout. REMOTE_ADDR, unless the app runs behind
    `TRUSTED_PROXY_COUNT` proxies that append to X-Forwarded-For: then the entry that many places from
    the right (what the outermost trusted proxy saw). Entries a client wrote itself are to the left and
    never used, so nobody can pick the address a failure is counted against."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]


def _window_start(now: datetime) -> datetime:
    return now - settings.AXES_COOLOFF_TIME


def username_lock_active(username: str, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return SignInLock.objects.filter(username=username, lifted_at__isnull=True, locked_until__gt=now).exists()


def _failures_across_addresses(username: str, now: datetime) -> tuple[int, int]:
    """(failures, distinct addresses) recorded for `username` within the window, from every address."""
    totals = AccessAttempt.objects.filter(username=username, attempt_time__gte=_window_start(now)).aggregate(
        failures=Sum("failures_since_start"), addresses=Count("ip_address", distinct=True)
    )
    return int(totals["failures"] or 0), int(totals["addresses"] or 0)


def _tell_admins(lock: SignInLock, user: User) -> int:
    from safeharbor.deadlines.services import notification_send

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Sign-in to the account {user.username} is locked for {minutes} minutes at every address after "
        f"{lock.failures} failed attempts from {lock.addresses} address(es). If the user did not make them, "
        "someone may be guessing the password. See the sign-in locks page to lift the lock."
    )
    admins = User.objects.filter(agency=user.agency, is_active=True, role_grants__role=Role.ADMIN).distinct()
    told = 0
    for admin in admins:
        sent = notification_send(
            recipient=admin,
            kind=SIGN_IN_LOCK,
            message=message[:300],
            link=reverse("accounts:sign-in-locks"),
            dedupe_key=f"{SIGN_IN_LOCK}:{lock.pk}:{admin.pk}",
        )
        told += sent is not None
    return told


def username_failures_check(*, username: str, now: datetime | None = None) -> SignInLock | None:
    """After a failed sign-in: when the username's failures from every address reach
    LOGIN_USERNAME_FAILURE_LIMIT within the window, lock it everywhere for AXES_COOLOFF_TIME. Audited;
    the agency's admins are told. Returns the new lock, or None."""
    now = now or timezone.now()
    failures, addresses = _failures_across_addresses(username, now)
    if failures < settings.LOGIN_USERNAME_FAILURE_LIMIT:
        return None
    with transaction.atomic():
        if username_lock_active(username, now):
            return None
        user = User.objects.filter(username=username).first()
        lock = SignInLock.objects.create(
            username=username,
            user=user,
            locked_at=now,
            locked_until=now + settings.AXES_COOLOFF_TIME,
            failures=failures,
            addresses=addresses,
        )
        audit_record(
            actor=None,
            action="auth.sign_in_lock",
            obj=user,
            detail={"scope": "username", "lock": lock.pk, "failures": failures, "addresses": addresses},
        )
        if user is not None and user.agency_id is not None:
            _tell_admins(lock, user)
    return lock


def _address_lock_audit(username: str) -> None:
    user = User.objects.filter(username=username).first()
    audit_record(actor=None, action="auth.sign_in_lock", obj=user, detail={"scope": "address"})


class SafeHarborAxesHandler(AxesDatabaseHandler):
    """django-axes's database handler (per username and address) plus the username-wide limit."""

    def is_locked(self, request: Any, credentials: dict[str, Any] | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return bool(username) and username_lock_active(str(username))

    def user_login_failed(self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
        refused_while_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused_while_locked:
            return  # a try during a lock is not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)
        username = get_client_username(request, credentials)
        if not username:
            return
        if getattr(request, "axes_locked_out", False):
            _address_lock_audit(str(username))
        if username_failures_check(username=str(username)) is not None:
            request.axes_locked_out = True  # this answer is already the lock page


# --- The admin's view ---------------------------------------------------------------------------------


@dataclass
class UserLocks:
    """The current locks of one user: addresses locked for them, and the username-wide lock if any."""

    user: User
    addresses: list[dict[str, Any]] = field(default_factory=list)  # ip_address, failures, last
    username_lock: SignInLock | None = None

    @property
    def until(self) -> datetime | None:
        ends = [row["last"] + settings.AXES_COOLOFF_TIME for row in self.addresses]
        if self.username_lock is not None:
            ends.append(self.username_lock.locked_until)
        return max(ends) if ends else None


def sign_in_locks_of_agency(*, actor: User, limit: int = 100) -> list[UserLocks]:
    """The sign-in locks that hold now for users of the admin's agency (at most `limit` users). Three
    queries whatever the number of locks."""
    agency_id = actor.agency_id
    if agency_id is None or not permissions.can_view_sign_in_locks(actor):
        raise PermissionDenied
    now = timezone.now()
    usernames = User.objects.filter(agency_id=agency_id).values("username")
    rows = list(
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=_window_start(now))
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username", "ip_address")[: limit * 5]
    )
    wide = list(
        SignInLock.objects.filter(user__agency_id=agency_id, lifted_at__isnull=True, locked_until__gt=now).order_by(
            "-locked_at"
        )[:limit]
    )
    names = {row["username"] for row in rows} | {lock.username for lock in wide}
    users = {u.username: u for u in User.objects.filter(agency_id=agency_id, username__in=names)}
    result: dict[str, UserLocks] = {}
    for row in rows:
        user = users.get(row["username"])
        if user is not None:
            result.setdefault(user.username, UserLocks(user=user)).addresses.append(row)
    for lock in wide:
        user = users.get(lock.username)
        if user is not None:
            entry = result.setdefault(user.username, UserLocks(user=user))
            entry.username_lock = entry.username_lock or lock
    return sorted(result.values(), key=lambda e: e.user.username)[:limit]


def sign_in_locks_lift(*, actor: User, user: User) -> dict[str, int]:
    """An IT admin lifts every sign-in lock of a user of their agency: the failures counted against the
    username at each address, and the username-wide lock. Audited (`auth.sign_in_lock_lift`, counts)."""
    if not permissions.can_lift_sign_in_lock(actor, user):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        addresses = (
            AccessAttempt.objects.filter(username=user.username, attempt_time__gte=_window_start(now))
            .values("ip_address")
            .distinct()
            .count()
        )
        AccessAttempt.objects.filter(username=user.username).delete()
        lifted = SignInLock.objects.filter(username=user.username, lifted_at__isnull=True, locked_until__gt=now).update(
            lifted_at=now, lifted_by=actor
        )
        result = {"addresses": addresses, "username_locks": lifted}
        audit_record(actor=actor, action="auth.sign_in_lock_lift", obj=user, detail=result)
    return result
