"""Pages of the second factor (verify, enrol, recovery codes) and the admin's "end this user's sessions"
and "reset this user's second factor"."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from safeharbor import permissions
from safeharbor.accounts import mfa
from safeharbor.accounts.models import User
from safeharbor.accounts.sessions import session_track, user_session_count, user_sessions_end
from safeharbor.core.errors import ApplicationError


class OtpForm(forms.Form):
    otp_token = forms.CharField(
        label="One-time code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"class": "usa-input", "autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url_name: str, request: HttpRequest) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': _next_url(request)})}"


def _mark_verified(request: HttpRequest, device: Any) -> None:
    """Bind the device to the session, then give the now-stronger session a new id."""
    django_otp.login(request, device)
    request.session.cycle_key()
    user: Any = request.user
    session_track(user=user, session_key=request.session.session_key)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not mfa.has_authenticator(user):
        return redirect(_with_next("accounts:mfa-enrol", request))
    status = 200
    if request.method == "POST":
        form = OtpForm(request.POST)
        if form.is_valid():
            try:
                device = mfa.otp_verify(user=user, token=form.cleaned_data["otp_token"])
            except ApplicationError as exc:
                form.add_error("otp_token", exc.message)
            else:
                _mark_verified(request, device)
                return redirect(_next_url(request))
        status = 400
    else:
        form = OtpForm()
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/mfa/verify.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if mfa.has_authenticator(user):
        return redirect(_with_next("accounts:mfa-verify", request))
    hex_key = request.session.get(mfa.SESSION_PENDING_KEY)
    if not hex_key:
        hex_key = mfa.new_totp_key()
        request.session[mfa.SESSION_PENDING_KEY] = hex_key
    status = 200
    if request.method == "POST":
        form = OtpForm(request.POST)
        if form.is_valid():
            try:
                device, codes = mfa.totp_enrol(user=user, hex_key=hex_key, token=form.cleaned_data["otp_token"])
            except ApplicationError as exc:
                form.add_error("otp_token", exc.message)
            else:
                request.session.pop(mfa.SESSION_PENDING_KEY, None)
                _mark_verified(request, device)
                request.session[mfa.SESSION_NEW_CODES] = codes
                return redirect(_with_next("accounts:mfa-recovery-codes", request))
        status = 400
    else:
        form = OtpForm()
    context = {
        "form": form,
        "next": _next_url(request),
        "qr": mfa.qr_data_uri(mfa.provisioning_uri(user=user, hex_key=hex_key)),
        "secret": mfa.key_base32(hex_key),
    }
    return render(request, "accounts/mfa/enrol.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once (right after they were made); POST makes a new set."""
    user: Any = request.user
    if request.method == "POST":
        try:
            codes = mfa.recovery_codes_renew(user=user)
        except ApplicationError:
            return redirect("accounts:mfa-enrol")
        request.session[mfa.SESSION_NEW_CODES] = codes
        return redirect("accounts:mfa-recovery-codes")
    codes = request.session.pop(mfa.SESSION_NEW_CODES, None)
    context = {
        "codes": codes,
        "left": mfa.recovery_codes_left(user=user),
        "has_authenticator": mfa.has_authenticator(user),
        "next": _next_url(request),
    }
    return render(request, "accounts/mfa/recovery_codes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    """An IT admin sees how many sessions a user of their agency has open, and can end them all."""
    actor: Any = request.user
    if not permissions.can_administer(actor):
        raise PermissionDenied
    target = User.objects.filter(pk=pk, agency_id=actor.agency_id).first()
    if target is None or not permissions.can_end_user_sessions(actor, target):
        raise Http404
    ended: int | None = None
    if request.method == "POST":
        ended = user_sessions_end(actor=actor, user=target)
    context = {"target": target, "open_sessions": user_session_count(user=target), "ended": ended}
    return render(request, "accounts/sessions/user_sessions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def user_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """An IT admin resets the second factor of a user of their agency (lost phone): they enrol again."""
    actor: Any = request.user
    if not permissions.can_administer(actor):
        raise PermissionDenied
    target = User.objects.filter(pk=pk, agency_id=actor.agency_id).first()
    if target is None or not permissions.can_reset_mfa(actor, target):
        raise Http404
    if request.method == "POST":
        removed = mfa.mfa_reset(actor=actor, user=target)
        messages.success(
            request,
            f"Second factor reset: {removed['authenticators']} authenticator app(s) and "
            f"{removed['recovery_sets']} set(s) of recovery codes removed, {removed['sessions']} session(s) "
            "ended. The user sets up a new authenticator at their next sign-in.",
        )
        return redirect("accounts:user-mfa-reset", pk=target.pk)
    context = {
        "target": target,
        "has_authenticator": mfa.has_authenticator(target),
        "recovery_codes_left": mfa.recovery_codes_left(user=target),
        "open_sessions": user_session_count(user=target),
    }
    return render(request, "accounts/mfa/reset.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request: HttpRequest) -> HttpResponse:
    """A verified user makes a personal API token; it is shown once, on the answer to the POST."""
    user: Any = request.user
    if not permissions.can_hold_api_token(user):
        raise PermissionDenied
    key = mfa.api_token_issue(user=user) if request.method == "POST" else None
    context = {"key": key, "has_token": key is not None or mfa.api_token_exists(user=user)}
    return render(request, "accounts/mfa/api_token.html", context)
