"""Personal API tokens (issue 14 item 2): they expire, and they end with the session that made them.

A token is issued only to a signed-in session that passed the second factor (the page is behind
`MfaRequiredMiddleware`). The secret is shown once; only its SHA-256 is stored, so neither the database
nor a backup holds a usable token. Every API call with a token (`accounts/authentication.py`) checks,
in this order: the token exists, is not revoked, has not expired (`API_TOKEN_HOURS`, default 12), its
user is active, holds the same roles and agency as at issue, and the session it was made in is still
open (not signed out, not past the idle or absolute limit of `core.middleware.session_timed_out`).
A refusal is audited with its cause; a refusal for a cause that cannot heal (session ended, user
disabled, roles changed) also revokes the token, so the owner's list says why it stopped.

Revocation is eager where the event has a service: sign-out (`user_logged_out`), an admin ending the
user's sessions, a second-factor reset, a role change (`accounts.services.user_roles_set`), disabling a
user (`accounts.services.user_deactivate` and any save with `is_active` off); the checks above catch
every other path (a queryset update, the Django shell, an expired session nobody signed out of).
Audit rows carry the token's id and a cause code, never the secret.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import ApiToken, User
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError
from safeharbor.core.middleware import session_timed_out

Cause = ApiToken.Cause

# Refusals that cannot heal: the token is revoked when one is found.
_FINAL = {
    "session_ended": Cause.SESSION_ENDED,
    "inactive": Cause.DEACTIVATED,
    "role_change": Cause.ROLE_CHANGE,
}
# last_used_at is written at most this often (each write is a commit).
LAST_USED_RESOLUTION_SECONDS = 60


class TokenRejected(Exception):
    """An API call's token was refused; `cause` is a code (unknown, revoked, expired, ...)."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once to the owner, never stored or logged


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def grants_of(user: User) -> str:
    """What a token was issued under: agency, roles and staff flags. Any change ends the token."""
    flags = f"{int(user.is_staff)}{int(user.is_superuser)}"
    return f"{user.agency_id or ''}:{','.join(sorted(user.roles))}:{flags}"


def live_q(now: datetime) -> Q:
    return Q(revoked_at__isnull=True, expires_at__gt=now)


def token_state(token: ApiToken, now: datetime | None = None) -> str:
    """'live', 'expired' or 'revoked' (as the lists show it; the session checks run at use)."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    return "live"


# --- Issue ------------------------------------------------------------------------------------------


def api_token_issue(*, user: User, session_key: str | None) -> IssuedToken:
    """Issue a token to `user`, bound to the signed-in session `session_key`. Audited (id, lifetime).

    Refused for partners (`permissions.can_hold_api_token`), without a session, and when the user
    already holds `API_TOKEN_MAX_LIVE` live tokens (revoke one first).
    """
    if not permissions.can_hold_api_token(user):
        raise PermissionDenied
    if not session_key:
        raise ApplicationError("Sign in again, then make the token.")
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time per user
        live = ApiToken.objects.filter(live_q(now), user=user).count()
        if live >= settings.API_TOKEN_MAX_LIVE:
            raise ApplicationError(
                f"You already have {live} working tokens, the most allowed. Revoke one you no longer use first."
            )
        secret = secrets.token_urlsafe(32)
        token = ApiToken(
            user=user,
            key_hash=secret_hash(secret),
            session_key=session_key,
            grants=grants_of(user),
            created_at=now,
            expires_at=now + settings.API_TOKEN_LIFETIME,
        )
        token.full_clean()
        token.save()
        audit_record(
            actor=user,
            action="auth.api_token_issue",
            obj=user,
            detail={"token": token.pk, "hours": settings.API_TOKEN_HOURS},
        )
    return IssuedToken(token=token, secret=secret)


# --- Revoke -----------------------------------------------------------------------------------------


def _revoke(tokens: list[ApiToken], *, cause: str, actor: User | None, now: datetime) -> int:
    for token in tokens:
        token.revoked_at = now
        token.revoked_cause = cause
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_cause", "revoked_by"])
        audit_record(
            actor=actor,
            action="auth.api_token_revoke",
            obj=token.user,
            detail={"token": token.pk, "cause": str(cause)},
        )
    return len(tokens)


def api_tokens_revoke_for_user(*, user: User, cause: str, actor: User | None = None) -> int:
    """Revoke every live token of `user` (one audit row each, with the cause code). For the services
    that end a user's access (second-factor reset, role change, disabling, ending their sessions);
    the callers check the permission. Returns how many were revoked."""
    now = timezone.now()
    with transaction.atomic():
        tokens = list(ApiToken.objects.select_for_update().filter(live_q(now), user=user).select_related("user"))
        return _revoke(tokens, cause=cause, actor=actor, now=now)


def api_tokens_revoke_for_session(*, session_key: str | None, cause: str) -> int:
    """Revoke the live tokens made in one session (sign-out, session timeout). Audited per token."""
    if not session_key:
        return 0
    now = timezone.now()
    with transaction.atomic():
        tokens = list(
            ApiToken.objects.select_for_update().filter(live_q(now), session_key=session_key).select_related("user")
        )
        return _revoke(tokens, cause=cause, actor=None, now=now)


def api_token_get_for_user(*, user: User, pk: int, write: bool = False) -> ApiToken:
    """The door to one token: its owner, or an IT admin of the owner's agency. 404 for anything else
    (another user's token, another agency's), audited."""
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    allowed = token is not None and permissions.can_manage_api_token(user, token)
    if token is None or not allowed:
        audit_record(
            actor=user,
            action="auth.api_token_open",
            object_type="accounts.apitoken",
            object_id=pk,
            outcome=AuditEvent.Outcome.DENIED,
        )
        raise Http404
    return token


def api_token_revoke(*, actor: User, token: ApiToken) -> bool:
    """The owner, or an IT admin of the owner's agency, revokes one token. Audited. False when it had
    already ended (nothing to do)."""
    if not permissions.can_manage_api_token(actor, token):
        raise PermissionDenied
    now = timezone.now()
    cause = Cause.OWNER if token.user_id == actor.pk else Cause.ADMIN
    with transaction.atomic():
        locked = list(ApiToken.objects.select_for_update().filter(live_q(now), pk=token.pk).select_related("user"))
        return _revoke(locked, cause=cause, actor=actor, now=now) == 1


def user_api_tokens_revoke(*, actor: User, user: User) -> int:
    """An IT admin revokes every live token of a user of their agency (never their own). Audited."""
    if not permissions.can_manage_user_api_tokens(actor, user):
        raise PermissionDenied
    return api_tokens_revoke_for_user(user=user, cause=Cause.ADMIN, actor=actor)


# --- Read -------------------------------------------------------------------------------------------


def api_tokens_of(*, user: User, limit: int = 20) -> QuerySet[ApiToken]:
    """A user's tokens, newest first, at most `limit` (live ones are at most API_TOKEN_MAX_LIVE)."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by").order_by("-created_at", "-id")[:limit]


# --- Use --------------------------------------------------------------------------------------------


def _session_open(token: ApiToken, now: datetime) -> bool:
    """Is the session the token was made in still open for its user (not signed out, not expired)?"""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=token.session_key)
    data: dict[str, Any] = store.load()
    if store.session_key is None or not data:
        return False
    if str(data.get("_auth_user_id")) != str(token.user_id):
        return False
    return not session_timed_out(data, now)


def _refusal(token: ApiToken, now: datetime) -> str | None:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= now:
        return "expired"
    if not token.user.is_active:
        return "inactive"
    if grants_of(token.user) != token.grants:
        return "role_change"
    if not _session_open(token, now):
        return "session_ended"
    return None


def api_token_authenticate(*, secret: str) -> ApiToken:
    """The token an API call presents, if it may be used now; else TokenRejected(cause). Refusals are
    audited (cause and token id, never the secret); refusals that cannot heal revoke the token."""
    now = timezone.now()
    token = ApiToken.objects.select_related("user", "user__agency").filter(key_hash=secret_hash(secret)).first()
    if token is None:
        audit_record(
            actor=None, action="auth.api_token_use", outcome=AuditEvent.Outcome.DENIED, detail={"cause": "unknown"}
        )
        raise TokenRejected("unknown")
    cause = _refusal(token, now)
    if cause is not None:
        with transaction.atomic():
            if cause in _FINAL:
                locked = list(ApiToken.objects.select_for_update().filter(live_q(now), pk=token.pk))
                for row in locked:
                    row.user = token.user
                _revoke(locked, cause=_FINAL[cause], actor=None, now=now)
            audit_record(
                actor=None,
                action="auth.api_token_use",
                obj=token.user,
                outcome=AuditEvent.Outcome.DENIED,
                detail={"token": token.pk, "cause": cause},
            )
        raise TokenRejected(cause)
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
