"""API tokens (issue 14 item 2): they expire, end with the session that made them, with a second-factor
reset, a role change and disabling the user; owners and their agency's admins list and revoke them;
the secret never reaches the database, the audit log or the logs."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from safeharbor.accounts import mfa, tokens
from safeharbor.accounts.models import ApiToken, RoleGrant, User
from safeharbor.accounts.services import user_deactivate, user_roles_set
from safeharbor.accounts.sessions import user_sessions_end
from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import TEST_PASSWORD, UserFactory

T0 = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
API = "/api/v1/youth/"
SECRET = re.compile(r'aria-label="Your API token">([^<]+)</code>')


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def make_token(client: Client) -> str:
    """Make a token on the "My API tokens" page, as the owner does; returns the secret shown once."""
    response = client.post(reverse("accounts:api-token"))
    assert response.status_code == 200, response.status_code
    found = SECRET.search(response.content.decode())
    assert found is not None
    return found.group(1)


def call(secret: str) -> int:
    return Client().get(API, HTTP_AUTHORIZATION=f"Token {secret}").status_code


def token_of(secret: str) -> ApiToken:
    return ApiToken.objects.get(key_hash=tokens.secret_hash(secret))


def refusals(cause: str) -> int:
    return AuditEvent.objects.filter(action="auth.api_token_use", outcome="denied", detail__cause=cause).count()


def revocations(cause: str) -> int:
    return AuditEvent.objects.filter(action="auth.api_token_revoke", detail__cause=cause).count()


@pytest.fixture
def other_admin(personas: Any) -> User:
    return UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])


# --- lifetime -------------------------------------------------------------------------------------


def test_a_token_is_stored_hashed_and_lives_12_hours_by_default(personas: Any) -> None:
    with time_machine.travel(T0, tick=False):
        secret = make_token(signed_in("worker"))
    token = token_of(secret)
    assert token.expires_at - token.created_at == timedelta(hours=12)
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    event = AuditEvent.objects.get(action="auth.api_token_issue")
    assert event.detail == {"token": token.pk, "hours": 12}


def test_an_expired_token_is_refused_and_the_refusal_audited(personas: Any, settings: Any) -> None:
    settings.API_TOKEN_LIFETIME = timedelta(minutes=20)
    with time_machine.travel(T0, tick=False) as clock:
        browser = signed_in("worker")
        secret = make_token(browser)
        assert call(secret) == 200
        clock.shift(timedelta(minutes=19))
        assert browser.get("/").status_code == 200  # the session is alive
        assert call(secret) == 200
        clock.shift(timedelta(minutes=2))
        assert browser.get("/").status_code == 200
        assert call(secret) == 403
    assert refusals("expired") == 1
    event = AuditEvent.objects.get(action="auth.api_token_use", detail__cause="expired")
    assert event.object_id == str(personas.worker.pk) and event.detail["token"] == token_of(secret).pk


def test_unknown_token_is_refused_and_audited(personas: Any) -> None:
    assert call("not-a-token-anyone-was-given") == 403
    assert refusals("unknown") == 1


# --- revocation -------------------------------------------------------------------------------------


def test_sign_out_ends_the_tokens_of_that_session_only(personas: Any) -> None:
    laptop, desktop = signed_in("worker"), signed_in("worker")
    on_laptop, on_desktop = make_token(laptop), make_token(desktop)
    assert call(on_laptop) == 200 and call(on_desktop) == 200
    laptop.post(reverse("accounts:logout"))
    assert call(on_laptop) == 403
    assert call(on_desktop) == 200
    assert token_of(on_laptop).revoked_cause == ApiToken.Cause.SIGN_OUT
    assert token_of(on_desktop).revoked_at is None
    assert revocations("sign_out") == 1


def test_idle_session_ends_its_tokens_and_token_use_does_not_keep_it_alive(personas: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        browser = signed_in("worker")
        secret = make_token(browser)
        for _ in range(3):  # a script keeps calling; the browser session stays idle
            clock.shift(timedelta(minutes=10))
            assert call(secret) == 200
        clock.shift(timedelta(minutes=1, seconds=1))  # 31 minutes after the last page
        assert call(secret) == 403
    assert token_of(secret).revoked_cause == ApiToken.Cause.SESSION_ENDED
    assert refusals("session_ended") == 1 and revocations("session_ended") == 1


def test_the_session_timing_out_on_a_page_ends_its_tokens(personas: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        browser = signed_in("worker")
        secret = make_token(browser)
        clock.shift(timedelta(minutes=31))
        assert browser.get("/").status_code == 302  # the session policy signs the user out
    assert token_of(secret).revoked_cause == ApiToken.Cause.SESSION_ENDED
    assert call(secret) == 403


def test_a_deleted_session_ends_its_tokens(personas: Any) -> None:
    browser = signed_in("worker")
    secret = make_token(browser)
    Session.objects.filter(session_key=browser.session.session_key).delete()  # e.g. clearsessions
    assert call(secret) == 403
    assert token_of(secret).revoked_cause == ApiToken.Cause.SESSION_ENDED


def test_an_admin_ending_the_sessions_revokes_the_tokens(personas: Any) -> None:
    secret = make_token(signed_in("worker"))
    user_sessions_end(actor=personas.admin, user=personas.worker)
    assert call(secret) == 403
    token = token_of(secret)
    assert (token.revoked_cause, token.revoked_by_id) == (ApiToken.Cause.SESSIONS_ENDED, personas.admin.pk)


def test_a_second_factor_reset_revokes_the_tokens(personas: Any) -> None:
    secret = make_token(signed_in("worker"))
    other = make_token(signed_in("worker2"))
    removed = mfa.mfa_reset(actor=personas.admin, user=personas.worker)
    assert removed["tokens"] == 1
    assert call(secret) == 403
    assert call(other) == 200
    assert token_of(secret).revoked_cause == ApiToken.Cause.MFA_RESET
    assert AuditEvent.objects.get(action="auth.api_token_revoke").actor_id == personas.admin.pk


def test_a_role_change_revokes_the_tokens(personas: Any) -> None:
    secret = make_token(signed_in("worker"))
    assert call(secret) == 200
    user_roles_set(actor=personas.admin, user=personas.worker, roles=["worker", "coordinator"])
    assert token_of(secret).revoked_cause == ApiToken.Cause.ROLE_CHANGE
    assert call(secret) == 403
    assert AuditEvent.objects.filter(action="accounts.role_grant", detail__role="coordinator").exists()


def test_a_role_granted_behind_the_services_back_still_ends_the_token(personas: Any) -> None:
    secret = make_token(signed_in("worker"))
    RoleGrant.objects.create(user=personas.worker, role="coordinator")  # no service, no signal
    assert call(secret) == 403
    assert token_of(secret).revoked_cause == ApiToken.Cause.ROLE_CHANGE
    assert refusals("role_change") == 1


def test_disabling_the_user_revokes_the_tokens(personas: Any) -> None:
    secret = make_token(signed_in("worker"))
    user_deactivate(actor=personas.admin, user=personas.worker)
    token = token_of(secret)
    assert (token.revoked_cause, token.revoked_by_id) == (ApiToken.Cause.DEACTIVATED, personas.admin.pk)
    assert call(secret) == 403
    assert AuditEvent.objects.filter(action="accounts.user_deactivate", object_id=str(personas.worker.pk)).exists()


def test_a_user_disabled_by_a_queryset_update_cannot_use_a_token(personas: Any) -> None:
    secret = make_token(signed_in("worker"))
    User.objects.filter(pk=personas.worker.pk).update(is_active=False)  # no save, no signal
    assert call(secret) == 403
    assert token_of(secret).revoked_cause == ApiToken.Cause.DEACTIVATED


# --- listing and revoking -------------------------------------------------------------------------


def test_owner_lists_and_revokes_a_token(personas: Any, django_assert_max_num_queries: Any) -> None:
    browser = signed_in("worker")
    first, second = make_token(browser), make_token(browser)
    with django_assert_max_num_queries(12):
        page = browser.get(reverse("accounts:api-token")).content.decode()
    one, two = token_of(first), token_of(second)
    assert f"Revoke token #{one.pk}" in page and f"Revoke token #{two.pk}" in page
    assert first not in page and second not in page
    response = browser.post(reverse("accounts:api-token-revoke", kwargs={"pk": one.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:api-token")
    assert call(first) == 403 and call(second) == 200
    assert token_of(first).revoked_cause == ApiToken.Cause.OWNER
    assert "revoked by its owner" in browser.get(reverse("accounts:api-token")).content.decode()


def test_nobody_else_revokes_a_users_token(personas: Any, other_admin: User) -> None:
    secret = make_token(signed_in("worker"))
    pk = token_of(secret).pk
    url = reverse("accounts:api-token-revoke", kwargs={"pk": pk})
    for user in (personas.worker2, personas.supervisor, other_admin):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        assert client.post(url).status_code == 404
    assert call(secret) == 200
    assert AuditEvent.objects.filter(action="auth.api_token_open", outcome="denied").count() == 3


def test_admin_lists_and_revokes_the_tokens_of_a_user_of_their_agency(personas: Any, login: Any) -> None:
    secret = make_token(signed_in("worker"))
    pk = token_of(secret).pk
    admin = login(personas.admin)
    url = reverse("accounts:user-api-tokens", kwargs={"pk": personas.worker.pk})
    page = admin.get(url).content.decode()
    assert f"#{pk}" in page and secret not in page
    assert admin.post(url).status_code == 302
    assert call(secret) == 403
    token = token_of(secret)
    assert (token.revoked_cause, token.revoked_by_id) == (ApiToken.Cause.ADMIN, personas.admin.pk)


def test_admin_revokes_one_token_and_goes_back_to_the_users_list(personas: Any, login: Any) -> None:
    secret = make_token(signed_in("worker"))
    pk = token_of(secret).pk
    response = login(personas.admin).post(reverse("accounts:api-token-revoke", kwargs={"pk": pk}))
    assert response["Location"] == reverse("accounts:user-api-tokens", kwargs={"pk": personas.worker.pk})
    assert call(secret) == 403


def test_another_agencys_admin_can_neither_list_nor_revoke(personas: Any, other_admin: User) -> None:
    secret = make_token(signed_in("worker"))
    client = Client()
    client.force_login(other_admin, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("accounts:user-api-tokens", kwargs={"pk": personas.worker.pk})
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert call(secret) == 200


def test_live_tokens_are_capped(personas: Any, settings: Any) -> None:
    settings.API_TOKEN_MAX_LIVE = 2
    browser = signed_in("worker")
    make_token(browser)
    make_token(browser)
    refused = browser.post(reverse("accounts:api-token"))
    assert refused.status_code == 400
    assert "the most allowed" in refused.content.decode()
    assert ApiToken.objects.filter(user=personas.worker).count() == 2


def test_partners_hold_no_token(personas: Any) -> None:
    client = Client()
    client.force_login(personas.partner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(reverse("accounts:api-token")).status_code == 403
    assert not ApiToken.objects.exists()


# --- the secret stays secret -------------------------------------------------------------------------


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.args!r} {record.__dict__!r}")


@pytest.fixture
def captured_logs() -> Iterator[_Capture]:
    handler = _Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_the_secret_is_never_in_audit_rows_or_logs(personas: Any, captured_logs: _Capture) -> None:
    browser = signed_in("worker")
    secret = make_token(browser)
    assert call(secret) == 200
    assert Client().get(API, HTTP_AUTHORIZATION=f"Token {secret}x").status_code == 403
    browser.post(reverse("accounts:api-token-revoke", kwargs={"pk": token_of(secret).pk}))
    assert call(secret) == 403
    rows = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert {"auth.api_token_issue", "auth.api_token_use", "auth.api_token_revoke"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    assert secret not in rows
    assert captured_logs.lines, "nothing was logged: the capture is not working"
    assert not [line for line in captured_logs.lines if secret in line]
