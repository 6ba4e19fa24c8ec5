"""Audit of sign-in events. Django's auth framework reports them only as signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.sign_in", obj=user)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="auth.sign_out", obj=user)


@receiver(user_login_failed)
def _sign_in_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The attempted username is not stored: it may be a mistyped password.
    audit_record(actor=None, action="auth.sign_in", outcome=AuditEvent.Outcome.FAILED)
