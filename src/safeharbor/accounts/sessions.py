"""Server-side sessions of a user: recorded at sign-in, ended by an admin, by logout or by disabling.

Every sign-in (password, single sign-on, and the test client's login) writes a `UserSession` row
mapping the new session key to the user, so ending a user's sessions is one bounded lookup instead of
decoding every row of `django_session`. Rows of sessions that no longer exist are pruned at sign-in.
The API tokens made in a session end with it (accounts/tokens.py): at sign-out, at the idle or absolute
timeout, when an admin ends the user's sessions, and when the user is disabled.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts import tokens
from safeharbor.accounts.models import ApiToken, User, UserSession
from safeharbor.audit.services import audit_record


def _uses_db_sessions() -> bool:
    return settings.SESSION_ENGINE in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }


def session_track(*, user: User, session_key: str | None) -> None:
    """Record that `session_key` belongs to `user` (idempotent); forget rows of sessions now gone."""
    if not session_key or user.pk is None:
        return
    with transaction.atomic():
        UserSession.objects.get_or_create(session_key=session_key, defaults={"user": user})
        if _uses_db_sessions():
            UserSession.objects.filter(user=user).exclude(
                session_key__in=Session.objects.values("session_key")
            ).delete()


def user_session_count(*, user: User) -> int:
    """Open (unexpired) sessions of `user`."""
    keys = UserSession.objects.filter(user=user).values("session_key")
    if _uses_db_sessions():
        return Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).count()
    return UserSession.objects.filter(user=user).count()


def _end_all(user: User) -> int:
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    if not keys:
        return 0
    if _uses_db_sessions():
        ended, _ = Session.objects.filter(session_key__in=keys).delete()
    else:
        store = import_module(settings.SESSION_ENGINE).SessionStore
        ended = 0
        for key in keys:
            if store().exists(key):
                store(session_key=key).delete()
                ended += 1
    UserSession.objects.filter(user=user).delete()
    return int(ended)


def user_sessions_end(*, actor: User, user: User) -> int:
    """End every open session of `user` server-side (their next request goes to sign-in), and revoke the
    API tokens made in them. Audited."""
    if not permissions.can_end_user_sessions(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        tokens.api_tokens_revoke_for_user(user=user, cause=ApiToken.Cause.SESSIONS_ENDED, actor=actor)
        ended = _end_all(user)
        audit_record(actor=actor, action="accounts.sessions_end", obj=user, detail={"sessions": ended})
    return ended


@receiver(user_logged_in, dispatch_uid="safeharbor.accounts.sessions.track")
def _track_on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    if session.session_key is None:
        session.save()
    session_track(user=user, session_key=session.session_key)


@receiver(user_logged_out, dispatch_uid="safeharbor.accounts.sessions.end_tokens")
def _end_tokens_of_the_session(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Signing out (or the session policy signing the user out) ends the tokens made in that session.
    Django sends this signal before it flushes the session, so its key is still known."""
    session = getattr(request, "session", None)
    if session is None or user is None:
        return
    timed_out = getattr(request, "sh_session_timed_out", False)
    cause = ApiToken.Cause.SESSION_ENDED if timed_out else ApiToken.Cause.SIGN_OUT
    tokens.api_tokens_revoke_for_session(session_key=session.session_key, cause=cause)


@receiver(post_save, sender=User, dispatch_uid="safeharbor.accounts.sessions.kill_disabled")
def _end_sessions_of_disabled_user(sender: Any, instance: User, **kwargs: Any) -> None:
    """Disabling a user (is_active off, from any path) kills their sessions server-side at once and
    revokes their API tokens (each revocation audited by the token service)."""
    if not instance.is_active and not kwargs.get("raw"):
        _end_all(instance)
        tokens.api_tokens_revoke_for_user(user=instance, cause=ApiToken.Cause.DEACTIVATED)
