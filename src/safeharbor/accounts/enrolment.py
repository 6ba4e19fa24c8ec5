"""Enrolment codes (issue 14 item 8): the password alone never adds a second factor.

A user without an authenticator app (a new account, or one whose factor an admin reset) is held at the
enrolment page after the password. Before the page shows a new TOTP secret, the user types a one-time
enrolment code that an IT admin of their agency issued for them (`enrolment_code_issue`, page
`accounts:user-enrolment-code`), handed over in person or by phone after checking who is asking. The
code is shown to the admin once, stored as a SHA-256, works once, for `MFA_ENROLMENT_CODE_HOURS`
(default 72), and a newer code voids an older one. `MFA_ENROLMENT_CODE_MAX_TRIES` wrong codes void the
user's outstanding code. Users who signed in through single sign-on in this session need no code (the
identity provider vouched for them). Issue, acceptance, refusal and use are audited with ids only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from safeharbor import permissions
from safeharbor.accounts.models import EnrolmentCode, User
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.services import audit_record
from safeharbor.core.errors import ApplicationError

# No 0/O, 1/I/L: read aloud or copied from a note without mistakes. 16 characters: 80 bits.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 16
REFUSED = (
    "That enrolment code is not right, has expired or was used already. Check it, or ask your IT "
    "administrator for a new one."
)


@dataclass(frozen=True)
class IssuedCode:
    code: EnrolmentCode
    secret: str  # shown once to the admin, in groups of four


def normalise_code(text: str) -> str:
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def code_hash(text: str) -> str:
    return hashlib.sha256(normalise_code(text).encode("ascii", "ignore")).hexdigest()


def grouped(secret: str) -> str:
    return "-".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def live_q(now: datetime) -> Q:
    return Q(used_at__isnull=True, voided_at__isnull=True, expires_at__gt=now)


def enrolment_code_issue(*, actor: User, user: User) -> IssuedCode:
    """An IT admin issues a one-time enrolment code for a user of their agency (never themselves).

    Voids the user's older unused codes. Audited (`mfa.enrolment_code_issue`: code id, hours, voided
    count). Returns the code to show once.
    """
    if not permissions.can_issue_enrolment_code(actor, user):
        raise PermissionDenied
    now = timezone.now()
    secret = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    with transaction.atomic():
        voided = EnrolmentCode.objects.filter(live_q(now), user=user).update(voided_at=now)
        code = EnrolmentCode(
            user=user,
            code_hash=code_hash(secret),
            issued_by=actor,
            created_at=now,
            expires_at=now + timedelta(hours=settings.MFA_ENROLMENT_CODE_HOURS),
        )
        code.full_clean()
        code.save()
        audit_record(
            actor=actor,
            action="mfa.enrolment_code_issue",
            obj=user,
            detail={"code": code.pk, "hours": settings.MFA_ENROLMENT_CODE_HOURS, "voided": voided},
        )
    return IssuedCode(code=code, secret=grouped(secret))


def enrolment_code_outstanding(*, user: User) -> EnrolmentCode | None:
    """The user's unused, unexpired code, if any (for the admin's page: when it expires)."""
    return EnrolmentCode.objects.filter(live_q(timezone.now()), user=user).order_by("-created_at").first()


def _why_refused(user: User, digest: str, now: datetime) -> str:
    known = EnrolmentCode.objects.filter(user=user, code_hash=digest).first()
    if known is None:
        return "wrong"
    if known.used_at is not None:
        return "used"
    if known.voided_at is not None:
        return "voided"
    return "expired"


def enrolment_code_accept(*, user: User, code: str) -> EnrolmentCode:
    """The user types the code an admin gave them. Right: returns it (not spent yet: it is spent when
    the authenticator is confirmed, `mfa.totp_enrol`). Wrong, expired, used or voided: ApplicationError,
    audited with the cause; each wrong try counts against the user's outstanding code, which is voided
    after MFA_ENROLMENT_CODE_MAX_TRIES."""
    if not normalise_code(code):
        raise ApplicationError("Enter the enrolment code.", field="enrolment_code")
    now = timezone.now()
    digest = code_hash(code)
    with transaction.atomic():
        outstanding = list(EnrolmentCode.objects.select_for_update().filter(live_q(now), user=user))
        match = next((c for c in outstanding if hmac.compare_digest(c.code_hash, digest)), None)
        if match is not None:
            audit_record(actor=user, action="mfa.enrolment_code_accept", obj=user, detail={"code": match.pk})
            return match
        cause = _why_refused(user, digest, now)
        voided = 0
        for row in outstanding:
            row.failed_tries += 1
            if row.failed_tries >= settings.MFA_ENROLMENT_CODE_MAX_TRIES:
                row.voided_at = now
                voided += 1
            row.save(update_fields=["failed_tries", "voided_at"])
        audit_record(
            actor=user,
            action="mfa.enrolment_code_accept",
            obj=user,
            outcome=AuditEvent.Outcome.FAILED,
            detail={"cause": cause, "voided": voided},
        )
    raise ApplicationError(REFUSED, field="enrolment_code")


def enrolment_code_spend(*, user: User, code_id: int, now: datetime) -> EnrolmentCode | None:
    """Inside the enrolment's transaction: lock the accepted code and mark it used. None when it is no
    longer usable (used by another session, voided by a newer code, expired since it was accepted)."""
    code = EnrolmentCode.objects.select_for_update().filter(live_q(now), pk=code_id, user=user).first()
    if code is None:
        return None
    code.used_at = now
    code.save(update_fields=["used_at"])
    return code


def enrolment_codes_void(*, user: User) -> int:
    """Void a user's outstanding codes (the user was disabled). Joins the caller's transaction."""
    return EnrolmentCode.objects.filter(live_q(timezone.now()), user=user).update(voided_at=timezone.now())
