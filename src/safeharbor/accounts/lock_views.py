"""The IT admin's sign-in locks page: who of their agency is locked out, from where, until when; lift."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeharbor import permissions
from safeharbor.accounts import lockout
from safeharbor.accounts.models import User


@login_required
@require_GET
def sign_in_locks(request: HttpRequest) -> HttpResponse:
    actor = cast(User, request.user)
    if not permissions.can_view_sign_in_locks(actor):
        raise PermissionDenied
    context = {
        "locks": lockout.sign_in_locks_of_agency(actor=actor),
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "address_limit": settings.AXES_FAILURE_LIMIT,
        "username_limit": settings.LOGIN_USERNAME_FAILURE_LIMIT,
    }
    return render(request, "accounts/locks/sign_in_locks.html", context)


@login_required
@require_POST
def sign_in_lock_lift(request: HttpRequest, pk: int) -> HttpResponse:
    actor = cast(User, request.user)
    if not permissions.can_view_sign_in_locks(actor):
        raise PermissionDenied
    target = User.objects.filter(pk=pk, agency_id=actor.agency_id or 0).first()
    if target is None or not permissions.can_lift_sign_in_lock(actor, target):
        raise Http404
    lifted = lockout.sign_in_locks_lift(actor=actor, user=target)
    messages.success(
        request,
        f"Sign-in locks of {target.username} lifted ({lifted['addresses']} address(es), "
        f"{lifted['username_locks']} lock(s) at every address). They can sign in again now.",
    )
    return redirect("accounts:sign-in-locks")
