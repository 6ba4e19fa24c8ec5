"""Pages of the second factor (verify, enrol, recovery codes) and the admin's "end this user's sessions",
"reset this user's second factor" and "issue an enrolment code"."""

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
from safeharbor.accounts import enrolment, mfa
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


class EnrolmentCodeForm(forms.Form):
    enrolment_code = forms.CharField(label="Enrolment code", max_length=40)


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


def _enrolment_code_step(request: HttpRequest) -> HttpResponse:
    """Before any secret is shown: the one-time enrolment code from the user's IT admin."""
    user: Any = request.user
    status = 200
    if request.method == "POST" and "enrolment_code" in request.POST:
        form = EnrolmentCodeForm(request.POST)
        if form.is_valid():
            try:
                code = enrolment.enrolment_code_accept(user=user, code=form.cleaned_data["enrolment_code"])
            except ApplicationError as exc:
                form.add_error("enrolment_code", exc.message)
            else:
                request.session[mfa.SESSION_ENROLMENT_CODE] = [user.pk, code.pk]
                request.session.pop(mfa.SESSION_PENDING_KEY, None)
                return redirect(_with_next("accounts:mfa-enrol", request))
        status = 400
    elif request.method == "POST":  # an authenticator code without an enrolment code first
        form = EnrolmentCodeForm({})
        form.full_clean()
        form.errors["enrolment_code"] = form.error_class(["Enter the enrolment code from your IT administrator first."])
        status = 400
    else:
        form = EnrolmentCodeForm()
    context = {"form": form, "next": _next_url(request)}
    return render(request, "accounts/mfa/enrol_code.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if mfa.has_authenticator(user):
        return redirect(_with_next("accounts:mfa-verify", request))
    grant = mfa.enrolment_grant(request)
    if not grant:
        return _enrolment_code_step(request)
    hex_key = request.session.get(mfa.SESSION_PENDING_KEY)
    if not hex_key:
        hex_key = mfa.new_totp_key()
        request.session[mfa.SESSION_PENDING_KEY] = hex_key
    status = 200
    if request.method == "POST":
        form = OtpForm(request.POST)
        if form.is_valid():
            try:
                device, codes = mfa.totp_enrol(
                    user=user, hex_key=hex_key, token=form.cleaned_data["otp_token"], grant=grant
                )
            except ApplicationError as exc:
                if exc.field == "enrolment_code":  # the code went stale meanwhile: ask for a new one
                    request.session.pop(mfa.SESSION_ENROLMENT_CODE, None)
                    request.session.pop(mfa.SESSION_PENDING_KEY, None)
                    messages.error(request, exc.message)
                    return redirect(_with_next("accounts:mfa-enrol", request))
                form.add_error("otp_token", exc.message)
            else:
                request.session.pop(mfa.SESSION_PENDING_KEY, None)
                request.session.pop(mfa.SESSION_ENROLMENT_CODE, None)
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
            f"{removed['recovery_sets']} set(s) of recovery codes removed, {removed['tokens']} API token(s) "
            f"revoked, {removed['sessions']} session(s) ended. Issue an enrolment code so the user can set "
            "up a new authenticator at their next sign-in.",
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
def user_enrolment_code(request: HttpRequest, pk: int) -> HttpResponse:
    """An IT admin issues a one-time enrolment code for a user of their agency; shown once, on the
    answer to the POST. The user types it before setting up an authenticator app."""
    actor: Any = request.user
    if not permissions.can_administer(actor):
        raise PermissionDenied
    target = User.objects.filter(pk=pk, agency_id=actor.agency_id).first()
    if target is None or not permissions.can_issue_enrolment_code(actor, target):
        raise Http404
    issued = enrolment.enrolment_code_issue(actor=actor, user=target) if request.method == "POST" else None
    context = {
        "target": target,
        "issued": issued,
        "outstanding": None if issued else enrolment.enrolment_code_outstanding(user=target),
        "has_authenticator": mfa.has_authenticator(target),
        "hours": settings.MFA_ENROLMENT_CODE_HOURS,
    }
    return render(request, "accounts/mfa/enrolment_code.html", context)
