"""Enrolment codes (issue 14 item 8): a password alone never adds an authenticator. A one-time code from
an IT admin of the user's agency (shown once, stored hashed, 72 hours, single use) or a single sign-on
session is needed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor.accounts import enrolment, mfa
from safeharbor.accounts.models import EnrolmentCode
from safeharbor.audit.models import AuditEvent
from safeharbor.core.errors import ApplicationError
from safeharbor.core.testing.factories import TEST_PASSWORD, UserFactory

T0 = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
ENROL = "/accounts/mfa/enrol/"


@pytest.fixture(autouse=True)
def _mfa_on(settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.DEBUG = False


def sign_in(username: str = "worker2") -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def pending_code(client: Client) -> str:
    key = client.session[mfa.SESSION_PENDING_KEY]
    probe = TOTPDevice(key=key)
    return f"{totp(probe.bin_key, probe.step, probe.t0, probe.digits, probe.drift):06d}"


def enrolled(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def present(client: Client, code: str) -> Any:
    return client.post(ENROL, {"enrolment_code": code})


def finish(client: Client) -> Any:
    client.get(ENROL)  # shows the QR code and keeps the pending secret in the session
    return client.post(ENROL, {"otp_token": pending_code(client), "next": "/"})


def test_the_password_alone_cannot_enrol(personas: Any) -> None:
    client = sign_in()
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Enter your enrolment code" in html
    assert "data:image/svg+xml" not in html  # no QR code
    assert mfa.SESSION_PENDING_KEY not in client.session  # no secret made
    # Posting a one-time code straight away, as the old page allowed, adds nothing.
    forced = client.post(ENROL, {"otp_token": "123456"})
    assert forced.status_code == 400
    assert not TOTPDevice.objects.filter(user=personas.worker2).exists()
    # Neither does the service without a grant.
    with pytest.raises(ApplicationError):
        mfa.totp_enrol(user=personas.worker2, hex_key=mfa.new_totp_key(), token="123456")
    assert client.get("/")["Location"].startswith(ENROL)


def test_a_valid_code_enrols_once(personas: Any) -> None:
    issued = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
    assert re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", issued.secret)
    client = sign_in()
    accepted = present(client, issued.secret.replace("-", " ").lower())
    assert accepted.status_code == 302 and accepted["Location"].startswith(ENROL)
    page = client.get(ENROL).content.decode()
    assert "data:image/svg+xml" in page
    done = finish(client)
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("accounts:mfa-recovery-codes"))
    assert enrolled(personas.worker2)
    code = EnrolmentCode.objects.get(pk=issued.code.pk)
    assert code.used_at is not None
    event = AuditEvent.objects.get(action="auth.mfa_enrol", outcome="ok")
    assert event.detail == {"grant": "code", "code": code.pk}
    # Spent: after a second-factor reset the same code opens nothing.
    mfa.mfa_reset(actor=personas.admin, user=personas.worker2)
    again = sign_in()
    assert present(again, issued.secret).status_code == 400
    assert AuditEvent.objects.filter(
        action="mfa.enrolment_code_accept", outcome="failed", detail__cause="used"
    ).exists()


def test_the_code_is_spent_at_enrolment_even_from_a_stale_session(personas: Any) -> None:
    issued = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
    first, second = sign_in(), sign_in()
    present(first, issued.secret)
    present(second, issued.secret)
    assert finish(first).status_code == 302
    TOTPDevice.objects.filter(user=personas.worker2).delete()  # as if the phone were lost at once
    second.get(ENROL)
    response = second.post(ENROL, {"otp_token": pending_code(second)})
    assert response.status_code == 302 and response["Location"].startswith(ENROL)  # back to the code step
    assert not enrolled(personas.worker2)
    assert AuditEvent.objects.filter(action="auth.mfa_enrol", outcome="denied", detail__cause="code_unusable").exists()


@pytest.mark.parametrize(("hours", "works"), [(71, True), (73, False)])
def test_a_code_expires_after_72_hours(personas: Any, hours: int, works: bool) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        issued = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
        clock.shift(timedelta(hours=hours))
        client = sign_in()
        assert present(client, issued.secret).status_code == (302 if works else 400)
    if not works:
        assert AuditEvent.objects.filter(
            action="mfa.enrolment_code_accept", outcome="failed", detail__cause="expired"
        ).exists()


def test_wrong_codes_are_refused_and_five_void_the_outstanding_code(personas: Any) -> None:
    issued = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
    client = sign_in()
    for _ in range(5):
        response = present(client, "AAAA-BBBB-CCCC-DDDD")
        assert response.status_code == 400
        assert "not right" in response.content.decode()
    assert present(client, issued.secret).status_code == 400  # voided by the guessing
    assert EnrolmentCode.objects.get(pk=issued.code.pk).voided_at is not None
    assert not enrolled(personas.worker2)
    causes = list(
        AuditEvent.objects.filter(action="mfa.enrolment_code_accept", outcome="failed")
        .order_by("seq")
        .values_list("detail__cause", flat=True)
    )
    assert causes == ["wrong"] * 5 + ["voided"]


def test_another_users_code_does_not_work(personas: Any) -> None:
    issued = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker)
    client = sign_in("worker2")
    assert present(client, issued.secret).status_code == 400


def test_a_new_code_voids_the_older_one(personas: Any) -> None:
    old = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
    new = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
    client = sign_in()
    assert present(client, old.secret).status_code == 400
    assert present(client, new.secret).status_code == 302


def test_issuing_is_audited_and_the_code_is_stored_hashed(personas: Any, login: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = False  # the admin's session: force_login
    admin = login(personas.admin)
    url = reverse("accounts:user-enrolment-code", kwargs={"pk": personas.worker2.pk})
    response = admin.post(url)
    assert response.status_code == 200
    shown = re.search(r'aria-label="Enrolment code">([A-Z2-9-]+)</code>', response.content.decode())
    assert shown is not None
    secret = shown.group(1)
    code = EnrolmentCode.objects.get(user=personas.worker2)
    assert code.code_hash == enrolment.code_hash(secret)
    assert code.expires_at - code.created_at == timedelta(hours=72)
    assert secret not in admin.get(url).content.decode()  # shown once
    event = AuditEvent.objects.get(action="mfa.enrolment_code_issue")
    assert (event.actor_id, event.object_id) == (personas.admin.pk, str(personas.worker2.pk))
    assert event.detail == {"code": code.pk, "hours": 72, "voided": 0}
    stored = json.dumps(list(AuditEvent.objects.values()), default=str) + json.dumps(
        list(EnrolmentCode.objects.values()), default=str
    )
    assert secret not in stored and secret.replace("-", "") not in stored


@pytest.mark.parametrize("actor", ["other_admin", "supervisor", "worker", "admin_self"])
def test_only_an_admin_of_the_users_agency_issues_a_code(personas: Any, actor: str, settings: Any) -> None:
    settings.MFA_REQUIRED = False  # the actor's session: force_login
    other_admin = UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])
    who, target = {
        "other_admin": (other_admin, personas.worker2),
        "supervisor": (personas.supervisor, personas.worker2),
        "worker": (personas.worker, personas.worker2),
        "admin_self": (personas.admin, personas.admin),
    }[actor]
    with pytest.raises(PermissionDenied):
        enrolment.enrolment_code_issue(actor=who, user=target)
    client = Client()
    client.force_login(who, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("accounts:user-enrolment-code", kwargs={"pk": target.pk}))
    assert response.status_code in (403, 404)
    assert not EnrolmentCode.objects.exists()
    assert not AuditEvent.objects.filter(action="mfa.enrolment_code_issue").exists()


def test_a_single_sign_on_session_enrols_without_a_code(personas: Any) -> None:
    client = Client()
    client.force_login(personas.worker2, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[mfa.SESSION_SSO_USER] = personas.worker2.pk  # what the OIDC callback records
    session.save()
    assert "data:image/svg+xml" in client.get(ENROL).content.decode()
    assert finish(client).status_code == 302
    assert enrolled(personas.worker2)
    assert AuditEvent.objects.get(action="auth.mfa_enrol", outcome="ok").detail == {"grant": "sso"}


def test_reset_page_and_sessions_page_link_the_code_page(personas: Any, login: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = False  # the admin's session: force_login
    admin = login(personas.admin)
    url = reverse("accounts:user-enrolment-code", kwargs={"pk": personas.worker.pk})
    for page in ("accounts:user-mfa-reset", "accounts:user-sessions"):
        assert url in admin.get(reverse(page, kwargs={"pk": personas.worker.pk})).content.decode()
