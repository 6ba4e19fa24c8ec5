"""The second factor (DESIGN.md, security baseline): TOTP with one-time recovery codes, for everyone.

After the password, a user with a confirmed authenticator types a code; a user without one enrols
(QR code and the secret for manual entry) and receives recovery codes, shown once. Enrolling needs more
than the password: a one-time enrolment code from an IT admin (accounts/enrolment.py), or a single
sign-on session. Until then every page except the MFA pages and sign-out sends them to the MFA step, and
every API call made with that session gets 403. API tokens are issued only to a verified session
(accounts/tokens.py).

Wrong codes are throttled by django-otp (exponential back-off, OTP_TOTP_THROTTLE_FACTOR). A single
sign-on user whose identity provider reports a second factor (`amr`) has passed it already.
Demo accounts may skip it only while DEBUG is on (`permissions.may_skip_mfa`).
"""

from __future__ import annotations

import base64
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor import permissions
from safeharbor.accounts import enrolment, tokens
from safeharbor.accounts.models import ApiToken, User
from safeharbor.accounts.sessions import user_sessions_end
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError

# Session key: the user id whose identity provider asserted a second factor (single sign-on).
SESSION_IDP_MFA = "sh_idp_mfa_user"
# Session key: recovery codes to show once, right after they were made.
SESSION_NEW_CODES = "sh_new_recovery_codes"
# Session key: the secret being enrolled (hex), until a code proves the app has it.
SESSION_PENDING_KEY = "sh_pending_totp_key"
# Session key: (user id, enrolment code id) of the enrolment code this session presented.
SESSION_ENROLMENT_CODE = "sh_enrolment_code"
# Session key: the user id that signed in through single sign-on in this session (may enrol without a code).
SESSION_SSO_USER = "sh_sso_user"

# URL names an unverified, signed-in user may still open.
OPEN_BEFORE_MFA = frozenset({"accounts:login", "accounts:logout", "accounts:mfa-verify", "accounts:mfa-enrol"})

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


# --- Who has passed -------------------------------------------------------------------------------


def mfa_passed(request: HttpRequest) -> bool:
    """Has this signed-in session passed the second factor (or may it skip it)?"""
    user: Any = request.user
    if not settings.MFA_REQUIRED:
        return True
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return True
    if request.session.get(SESSION_IDP_MFA) == user.pk:
        return True
    return permissions.may_skip_mfa(user)


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def _mfa_step_url(request: HttpRequest) -> str:
    user: Any = request.user
    name = "accounts:mfa-verify" if has_authenticator(user) else "accounts:mfa-enrol"
    url = reverse(name)
    if request.method == "GET" and not request.path.startswith("/api/"):
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    return url


def _open_before_mfa(request: HttpRequest) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in OPEN_BEFORE_MFA


class MfaRequiredMiddleware:
    """Hold a signed-in but unverified session at the MFA step. Install after OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not mfa_passed(request) and not _open_before_mfa(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Complete the second sign-in step (one-time code) first."}, status=403)
            return redirect(_mfa_step_url(request))
        return self.get_response(request)


# --- Checking a code ------------------------------------------------------------------------------


def normalise_token(token: str) -> str:
    return "".join(ch for ch in (token or "") if not ch.isspace() and ch != "-").lower()


@dataclass(frozen=True)
class _Attempt:
    device: Device | None
    locked_until: datetime | None


def _attempt(devices: list[Any], token: str) -> _Attempt:
    locked = [info.get("locked_until") for d in devices for allowed, info in [d.verify_is_allowed()] if not allowed]
    if locked:
        return _Attempt(None, max((t for t in locked if t is not None), default=None))
    for device in devices:
        if device.verify_token(token):
            return _Attempt(device, None)
    return _Attempt(None, None)


def _throttled_error(locked_until: datetime | None) -> ApplicationError:
    wait = 1
    if locked_until is not None:
        wait = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
    return ApplicationError(f"Too many wrong codes. Wait {wait} seconds, then try again.", field="otp_token")


def otp_verify(*, user: User, token: str) -> Device:
    """Check a code against the user's authenticator app, then against their unused recovery codes.

    A used recovery code is spent. Every wrong code doubles the wait before the next try (django-otp).
    Audited: success, failure and refusal while throttled. Raises ApplicationError on anything but success.
    """
    token = normalise_token(token)
    if not token:
        raise ApplicationError("Enter the code.", field="otp_token")
    with transaction.atomic():
        totp = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        static = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
        if not totp:
            raise ApplicationError("Set up an authenticator app first.", field="otp_token")
        attempt = _attempt([*totp, *static], token)
        if attempt.device is not None:
            audit_record(
                actor=user,
                action="auth.mfa_verify",
                obj=user,
                detail={"device": attempt.device.persistent_id.split("/")[0]},
            )
        elif attempt.locked_until is not None:
            audit_record(
                actor=user,
                action="auth.mfa_verify",
                obj=user,
                outcome=AuditEvent.Outcome.DENIED,
                detail={"throttled": True},
            )
        else:
            audit_record(actor=user, action="auth.mfa_verify", obj=user, outcome=AuditEvent.Outcome.FAILED)
    # Raised outside the transaction so the throttle counters that django-otp saved are kept.
    if attempt.device is not None:
        return attempt.device
    if attempt.locked_until is not None:
        raise _throttled_error(attempt.locked_until)
    raise ApplicationError(
        "That code is not right. Check the time on your phone and try the newest code.", field="otp_token"
    )


# --- Enrolling ------------------------------------------------------------------------------------


def new_totp_key() -> str:
    """A new 20-byte TOTP secret, hex-encoded as django-otp stores it."""
    return secrets.token_hex(20)


def key_base32(hex_key: str) -> str:
    """The secret as people type it into an authenticator app: base32 in groups of four."""
    raw = base64.b32encode(bytes.fromhex(hex_key)).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def provisioning_uri(*, user: User, hex_key: str) -> str:
    device = TOTPDevice(user=user, key=hex_key, name=AUTHENTICATOR_NAME)
    return str(device.config_url)


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data: URI (allowed by the CSP's img-src data:)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@dataclass(frozen=True)
class EnrolmentGrant:
    """What lets this session enrol an authenticator: an accepted enrolment code, or single sign-on."""

    code_id: int | None = None
    sso: bool = False

    def __bool__(self) -> bool:
        return self.sso or self.code_id is not None


def enrolment_grant(request: HttpRequest) -> EnrolmentGrant:
    """The grant this signed-in session holds (set by the enrolment-code step or the SSO callback)."""
    user: Any = request.user
    if request.session.get(SESSION_SSO_USER) == user.pk:
        return EnrolmentGrant(sso=True)
    held = request.session.get(SESSION_ENROLMENT_CODE)
    if isinstance(held, list | tuple) and len(held) == 2 and held[0] == user.pk:
        return EnrolmentGrant(code_id=int(held[1]))
    return EnrolmentGrant()


def totp_enrol(
    *, user: User, hex_key: str, token: str, grant: EnrolmentGrant = EnrolmentGrant()
) -> tuple[TOTPDevice, list[str]]:
    """Confirm a new authenticator app with a code from it; make fresh recovery codes. Audited.

    Needs a grant: an enrolment code the user presented (spent here, once) or a single sign-on session;
    the password alone never adds a second factor. Wrong codes are throttled like sign-in codes (the
    pending device keeps the failure count). Returns the confirmed device and the recovery codes (to
    show once; only their use is stored).
    """
    if not grant:
        raise ApplicationError("Enter the enrolment code from your IT administrator first.", field="enrolment_code")
    token = normalise_token(token)
    if not token:
        raise ApplicationError("Enter the code your app shows.", field="otp_token")
    if has_authenticator(user):
        raise ApplicationError("An authenticator app is already set up.", field="otp_token")
    codes: list[str] = []
    spent_refused = False
    with transaction.atomic():
        pending = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
        if pending is None:
            pending = TOTPDevice(user=user, confirmed=False, name=AUTHENTICATOR_NAME, key=hex_key)
        if pending.key != hex_key:
            pending.key = hex_key
            pending.full_clean()
        pending.save()
        attempt = _attempt([pending], token)
        spent = None
        if attempt.device is not None and grant.code_id is not None:
            spent = enrolment.enrolment_code_spend(user=user, code_id=grant.code_id, now=timezone.now())
            spent_refused = spent is None
        if attempt.device is not None and not spent_refused:
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            codes = _new_recovery_codes(user)
            detail: dict[str, Any] = {"grant": "sso"} if spent is None else {"grant": "code", "code": spent.pk}
            audit_record(actor=user, action="auth.mfa_enrol", obj=user, detail=detail)
        elif spent_refused:
            audit_record(
                actor=user,
                action="auth.mfa_enrol",
                obj=user,
                outcome=AuditEvent.Outcome.DENIED,
                detail={"grant": "code", "code": grant.code_id, "cause": "code_unusable"},
            )
        elif attempt.locked_until is not None:
            audit_record(
                actor=user,
                action="auth.mfa_enrol",
                obj=user,
                outcome=AuditEvent.Outcome.DENIED,
                detail={"throttled": True},
            )
        else:
            audit_record(actor=user, action="auth.mfa_enrol", obj=user, outcome=AuditEvent.Outcome.FAILED)
    if spent_refused:
        raise ApplicationError(enrolment.REFUSED, field="enrolment_code")
    if attempt.device is not None:
        return pending, codes
    if attempt.locked_until is not None:
        raise _throttled_error(attempt.locked_until)
    raise ApplicationError(
        "That code is not right. Check the time on your phone and try the newest code.", field="otp_token"
    )


def recovery_codes_renew(*, user: User) -> list[str]:
    """Replace the user's recovery codes with new ones (the old ones stop working). Audited."""
    if not has_authenticator(user):
        raise ApplicationError("Set up an authenticator app first.")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        audit_record(actor=user, action="auth.mfa_recovery_renew", obj=user)
    return codes


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def mfa_reset(*, actor: User, user: User) -> dict[str, int]:
    """An IT admin resets another user's second factor, for example after a lost phone. Audited.

    Deletes the user's authenticator apps (confirmed or pending) and recovery codes, revokes their API
    tokens (a token made with the lost factor must not outlive it) and ends their sessions server-side.
    At the next sign-in they enrol a new authenticator, with an enrolment code the admin issues them.
    Returns how many authenticators, recovery-code sets, tokens and sessions were removed.
    """
    if not permissions.can_reset_mfa(actor, user):
        raise PermissionDenied
    with transaction.atomic():
        authenticators = TOTPDevice.objects.filter(user=user).count()
        recovery = StaticDevice.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()  # and their codes (cascade)
        revoked = tokens.api_tokens_revoke_for_user(user=user, cause=ApiToken.Cause.MFA_RESET, actor=actor)
        sessions = user_sessions_end(actor=actor, user=user)
        result = {"authenticators": authenticators, "recovery_sets": recovery, "tokens": revoked, "sessions": sessions}
        audit_record(actor=actor, action="mfa.reset", obj=user, detail=result)
    return result
