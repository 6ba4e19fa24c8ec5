"""The second factor: nobody reaches a page or the API without it; codes are throttled; recovery codes
work once; demo accounts skip it only under DEBUG; partners, auditors and admins never."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor.accounts import enrolment, mfa, tokens
from safeharbor.accounts.models import ApiToken
from safeharbor.accounts.tests.urlwalk import walk
from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import TEST_PASSWORD, UserFactory

T0 = datetime(2026, 3, 2, 15, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _mfa_on(settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.DEBUG = False


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def give_authenticator(user: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def password_sign_in(client: Any, username: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_password_alone_opens_no_page_and_no_api(personas: Any, client: Any) -> None:
    give_authenticator(personas.worker)
    response = password_sign_in(client, "worker")
    assert response.status_code == 302
    verify = reverse("accounts:mfa-verify")
    enrol = reverse("accounts:mfa-enrol")
    open_urls = {"accounts:login", "accounts:logout", "accounts:mfa-verify", "accounts:mfa-enrol"}
    checked: list[str] = []

    def visit(url: Any, path: str) -> None:
        if url.name in open_urls:
            return
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, (url.name, response.status_code)
        else:
            assert response.status_code == 302, (url.name, response.status_code)
            assert response["Location"].startswith(verify), (url.name, response["Location"])
        checked.append(url.name)

    walk(visit, overrides={"pk": personas.youth.pk, "youth_pk": personas.youth.pk})
    assert len(checked) > 5
    # Still held after all that: the home page sends the user to the code step, never to enrolment.
    assert client.get("/")["Location"].startswith(verify)
    assert not client.get("/")["Location"].startswith(enrol)


def test_api_call_with_unverified_session_is_403_but_token_works(personas: Any, client: Any) -> None:
    from django.test import Client

    device = give_authenticator(personas.worker)
    verified = Client()
    password_sign_in(verified, "worker")
    verified.post(reverse("accounts:mfa-verify"), {"otp_token": code_for(device)})
    issued = tokens.api_token_issue(user=personas.worker, session_key=verified.session.session_key)
    password_sign_in(client, "worker")
    schema = reverse("api-schema")
    response = client.get(schema)
    assert response.status_code == 403
    assert "second sign-in step" in response.json()["detail"]
    assert Client().get(schema, HTTP_AUTHORIZATION=f"Token {issued.secret}").status_code == 200


def test_right_code_opens_pages_with_a_new_session_id(personas: Any, client: Any) -> None:
    device = give_authenticator(personas.worker)
    password_sign_in(client, "worker")
    before = client.session.session_key
    response = client.post(reverse("accounts:mfa-verify"), {"otp_token": code_for(device), "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_verify", outcome="ok", actor_id=personas.worker.pk).exists()


def test_wrong_codes_are_throttled(personas: Any, client: Any, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    settings.OTP_STATIC_THROTTLE_FACTOR = 10
    with time_machine.travel(T0, tick=False) as clock:
        device = give_authenticator(personas.worker)
        password_sign_in(client, "worker")
        url = reverse("accounts:mfa-verify")
        first = client.post(url, {"otp_token": "000000" if code_for(device) != "000000" else "111111"})
        assert first.status_code == 400
        assert "not right" in first.content.decode()
        # The very next try, even with the right code, is refused: wait 10 s after one failure.
        second = client.post(url, {"otp_token": code_for(device)})
        assert second.status_code == 400
        assert "Too many wrong codes" in second.content.decode()
        assert client.get("/").status_code == 302
        clock.shift(timedelta(seconds=11))
        third = client.post(url, {"otp_token": code_for(device)})
        assert third.status_code == 302
        assert client.get("/").status_code == 200
    outcomes = list(
        AuditEvent.objects.filter(action="auth.mfa_verify", actor_id=personas.worker.pk)
        .order_by("seq")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["failed", "denied", "ok"]


def test_throttle_doubles_after_each_failure(personas: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        device = give_authenticator(personas.worker)
        for _ in range(3):
            with pytest.raises(mfa.ApplicationError, match="not right"):
                mfa.otp_verify(user=personas.worker, token="not-a-code")
            clock.shift(timedelta(seconds=60))
        device.refresh_from_db()
        assert device.throttling_failure_count == 3
        clock.shift(timedelta(seconds=-57))  # 3 s after the third failure; 4 s are required
        with pytest.raises(mfa.ApplicationError, match="Too many wrong codes"):
            mfa.otp_verify(user=personas.worker, token=code_for(device))


def test_enrolment_shows_qr_and_secret_then_recovery_codes_once(personas: Any, client: Any) -> None:
    issued = enrolment.enrolment_code_issue(actor=personas.admin, user=personas.worker2)
    password_sign_in(client, "worker2")
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:mfa-enrol"))
    asked = client.get(home["Location"])
    assert "Enrolment code" in asked.content.decode()
    assert mfa.SESSION_PENDING_KEY not in client.session  # no secret before the enrolment code
    accepted = client.post(reverse("accounts:mfa-enrol"), {"enrolment_code": issued.secret.lower()})
    assert accepted.status_code == 302
    page = client.get(accepted["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    hex_key = client.session[mfa.SESSION_PENDING_KEY]
    assert mfa.key_base32(hex_key) in html
    probe = TOTPDevice(user=personas.worker2, key=hex_key)
    wrong = client.post(
        reverse("accounts:mfa-enrol"), {"otp_token": "12345" if code_for(probe) != "12345" else "54321"}
    )
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.filter(user=personas.worker2, confirmed=True).exists()
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(seconds=5), tick=False):
        response = client.post(reverse("accounts:mfa-enrol"), {"otp_token": code_for(probe), "next": "/"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa-recovery-codes"))
    assert parse_qs(urlparse(response["Location"]).query)["next"] == ["/"]
    shown = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", shown)
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=personas.worker2).count() == 10
    again = client.get(reverse("accounts:mfa-recovery-codes")).content.decode()
    assert codes[0] not in again
    assert "10 unused recovery codes" in again
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa_enrol", outcome="ok", actor_id=personas.worker2.pk).exists()


def test_recovery_code_works_once(personas: Any, client: Any) -> None:
    give_authenticator(personas.worker)
    codes = mfa._new_recovery_codes(personas.worker)
    password_sign_in(client, "worker")
    response = client.post(reverse("accounts:mfa-verify"), {"otp_token": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    password_sign_in(client, "worker")
    with time_machine.travel(datetime.now(tz=UTC) + timedelta(seconds=5), tick=False):
        reused = client.post(reverse("accounts:mfa-verify"), {"otp_token": codes[0]})
    assert reused.status_code == 400
    assert mfa.recovery_codes_left(user=personas.worker) == 9


def test_new_recovery_codes_replace_the_old(personas: Any, client: Any, login: Any) -> None:
    device = give_authenticator(personas.worker)
    old = mfa._new_recovery_codes(personas.worker)
    password_sign_in(client, "worker")
    client.post(reverse("accounts:mfa-verify"), {"otp_token": code_for(device)})
    response = client.post(reverse("accounts:mfa-recovery-codes"))
    assert response.status_code == 302
    shown = client.get(reverse("accounts:mfa-recovery-codes")).content.decode()
    new = re.findall(r"<li><code>([0-9a-f]{10})</code></li>", shown)
    assert len(new) == 10
    assert not set(old) & set(new)
    assert not StaticToken.objects.filter(token=old[0]).exists()


@pytest.mark.parametrize("debug", [True, False])
def test_demo_account_skips_only_under_debug(personas: Any, client: Any, settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    personas.worker.mfa_exempt_in_demo = True
    personas.worker.save()
    password_sign_in(client, "worker")
    assert client.get("/").status_code == (200 if debug else 302)


@pytest.mark.parametrize("persona", ["partner", "auditor", "admin"])
def test_partners_auditors_admins_never_skip(personas: Any, client: Any, settings: Any, persona: str) -> None:
    settings.DEBUG = True
    user = getattr(personas, persona)
    user.mfa_exempt_in_demo = True
    user.save()
    password_sign_in(client, user.username)
    assert client.get("/").status_code == 302


def test_superuser_never_skips(personas: Any, client: Any, settings: Any) -> None:
    settings.DEBUG = True
    boss = UserFactory(
        username="root", agency=personas.agency, is_superuser=True, is_staff=True, mfa_exempt_in_demo=True
    )
    password_sign_in(client, boss.username)
    assert client.get("/").status_code == 302


def test_sixth_password_is_refused_even_when_right(personas: Any, client: Any) -> None:
    give_authenticator(personas.worker)
    for _ in range(5):
        response = password_sign_in(client, "worker", "a-wrong-password-of-some-length")
        assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 403)
    sixth = password_sign_in(client, "worker")
    assert sixth.status_code == 403
    assert "Account locked" in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert client.get("/")["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("minutes", "status"), [(29, 403), (31, 302)])
def test_lockout_lasts_thirty_minutes(personas: Any, client: Any, minutes: int, status: int) -> None:
    """Locked for 30 minutes after the 5th failure, then the right password works again."""
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            password_sign_in(client, "worker", "a-wrong-password-of-some-length")
        clock.shift(timedelta(minutes=minutes))
        assert password_sign_in(client, "worker").status_code == status
        assert ("_auth_user_id" in client.session) is (status == 302)


def test_next_must_stay_on_this_site(personas: Any, client: Any) -> None:
    device = give_authenticator(personas.worker)
    password_sign_in(client, "worker")
    response = client.post(
        reverse("accounts:mfa-verify"), {"otp_token": code_for(device), "next": "https://evil.example/steal"}
    )
    assert response["Location"] == reverse("core:home")


def test_held_page_keeps_where_the_user_was_going(personas: Any, client: Any) -> None:
    device = give_authenticator(personas.worker)
    password_sign_in(client, "worker")
    target = reverse("accounts:mfa-recovery-codes")
    held = client.get(target)
    next_url = parse_qs(urlparse(held["Location"]).query)["next"][0]
    assert next_url == target
    done = client.post(reverse("accounts:mfa-verify"), {"otp_token": code_for(device), "next": next_url})
    assert done["Location"] == target


def test_api_token_is_issued_only_after_the_second_factor(personas: Any, client: Any) -> None:
    device = give_authenticator(personas.worker)
    password_sign_in(client, "worker")
    url = reverse("accounts:api-token")
    held = client.post(url)
    assert held.status_code == 302
    assert held["Location"].startswith(reverse("accounts:mfa-verify"))
    assert not ApiToken.objects.filter(user=personas.worker).exists()
    client.post(reverse("accounts:mfa-verify"), {"otp_token": code_for(device)})
    issued = client.post(url)
    assert issued.status_code == 200
    token = ApiToken.objects.get(user=personas.worker)
    assert token.session_key == client.session.session_key
    secret = re.search(r'aria-label="Your API token">([^<]+)</code>', issued.content.decode())
    assert secret is not None
    key = secret.group(1)
    assert token.key_hash == tokens.secret_hash(key) and key not in token.key_hash
    assert key not in client.get(url).content.decode()  # shown once
    from django.test import Client

    assert Client().get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    client.post(url)
    assert ApiToken.objects.filter(user=personas.worker).count() == 2
    assert AuditEvent.objects.filter(action="auth.api_token_issue", actor_id=personas.worker.pk).count() == 2
