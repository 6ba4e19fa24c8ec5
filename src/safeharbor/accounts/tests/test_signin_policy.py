"""Sign-in policy (DESIGN.md security baseline; issue 2 item 7): lockout, audit of sign-ins, idle and
absolute timeouts, inactive users, password rules, and the production settings guards."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeharbor.accounts.models import User
from safeharbor.audit.models import AuditEvent
from safeharbor.audit.verify import chain_verify
from safeharbor.core.testing.factories import TEST_PASSWORD

T0 = datetime(2026, 5, 4, 16, 0, tzinfo=UTC)
WRONG = "not-the-password-at-all-7"
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def goes_to_sign_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


# --- lockout: 5 failures, 30 minutes ----------------------------------------------------------------


def test_five_failures_lock_the_account_for_thirty_minutes_and_every_try_is_audited(personas: Any) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            sign_in(client, "worker", WRONG)
            assert not signed_in(client)
        locked = sign_in(client, "worker")  # the right password, refused
        assert locked.status_code == 403
        assert "Account locked" in locked.content.decode()
        assert not signed_in(client)
        # The lock is on that account only.
        assert sign_in(Client(), "worker2").status_code == 302
        clock.shift(timedelta(minutes=29))
        assert sign_in(client, "worker").status_code == 403
        # The lock runs 30 minutes from the fifth failure; a try during the lock does not extend it
        # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False).
        clock.shift(timedelta(minutes=1, seconds=1))
        assert sign_in(client, "worker").status_code == 302
        assert signed_in(client)
    failed = AuditEvent.objects.filter(action="auth.sign_in", outcome="failed")
    assert failed.count() == 7  # 5 wrong passwords and 2 refusals while locked
    ok = AuditEvent.objects.filter(action="auth.sign_in", outcome="ok", actor_id=personas.worker.pk)
    assert ok.count() == 1


def test_failed_sign_in_is_audited_without_the_username_or_password(personas: Any) -> None:
    sign_in(Client(), "worker", WRONG)
    event = AuditEvent.objects.get(action="auth.sign_in")
    assert event.outcome == "failed"
    assert event.actor_id is None
    stored = " ".join(str(v) for v in (event.object_type, event.object_id, event.detail, event.youth_id))
    assert "worker" not in stored and WRONG not in stored
    assert chain_verify().ok


def test_successful_sign_in_is_audited(personas: Any) -> None:
    assert sign_in(Client(), "worker").status_code == 302
    event = AuditEvent.objects.get(action="auth.sign_in")
    assert event.outcome == "ok"
    assert event.actor_id == personas.worker.pk
    assert event.agency_id == personas.agency.pk


# --- timeouts ---------------------------------------------------------------------------------------


def test_idle_for_31_minutes_sends_the_next_request_to_sign_in(personas: Any) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        assert sign_in(client, "worker").status_code == 302
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity resets the idle clock
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/")
    assert goes_to_sign_in(response)
    assert "expired=1" in response["Location"]
    assert not signed_in(client)
    assert AuditEvent.objects.filter(action="auth.sign_out", actor_id=personas.worker.pk).count() == 1


def test_activity_is_written_at_most_every_30_seconds_and_the_idle_rule_still_holds(personas: Any) -> None:
    """Each session write is a commit, so quick successive requests do not rewrite the session row;
    the idle clock may lag by under 30 s, which can only end a session early, never late."""
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, "worker")
        clock.shift(timedelta(minutes=1))
        client.get("/")
        with CaptureQueriesContext(connection) as queries:
            clock.shift(timedelta(seconds=10))
            assert client.get("/").status_code == 200
        assert not [q for q in queries.captured_queries if 'UPDATE "django_session"' in q["sql"]]
        with CaptureQueriesContext(connection) as queries:
            clock.shift(timedelta(seconds=25))  # 35 s after the last recorded activity
            assert client.get("/").status_code == 200
        assert [q for q in queries.captured_queries if 'UPDATE "django_session"' in q["sql"]]
        clock.shift(timedelta(minutes=29, seconds=50))  # 29:50 after the last request
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=30, seconds=1))
        assert goes_to_sign_in(client.get("/"))


def test_idle_clock_starts_at_sign_in(personas: Any) -> None:
    """Signed in, then no request at all for 31 minutes: the first request is already too late."""
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, "worker")
        clock.shift(timedelta(minutes=31))
        assert goes_to_sign_in(client.get("/"))


def test_absolute_timeout_of_12_hours_even_when_active(personas: Any) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, "worker")
        for _ in range(35):  # a request every 20 minutes: 11 h 40 min
            clock.shift(timedelta(minutes=20))
            assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=25))  # 12 h 05 min after sign-in
        response = client.get("/")
    assert goes_to_sign_in(response)
    assert not signed_in(client)


def test_expired_api_session_gets_401(personas: Any) -> None:
    client = Client()
    with time_machine.travel(T0, tick=False) as clock:
        sign_in(client, "worker")
        clock.shift(timedelta(minutes=31))
        assert client.get(reverse("api-schema")).status_code == 401


# --- inactive users -----------------------------------------------------------------------------------


def test_django_auth_itself_refuses_an_inactive_users_session(personas: Any) -> None:
    """Even when the account is disabled behind the app's back (a queryset update: no signal, so the
    session row survives), ModelBackend.get_user refuses the inactive user on the next request."""
    client = Client()
    sign_in(client, "worker")
    key = client.session.session_key
    assert client.get("/").status_code == 200
    User.objects.filter(pk=personas.worker.pk).update(is_active=False)
    assert Session.objects.filter(session_key=key).exists()
    assert ModelBackend().get_user(personas.worker.pk) is None
    assert goes_to_sign_in(client.get("/"))


# --- password rules -------------------------------------------------------------------------------


def test_password_of_14_characters_is_refused(personas: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("kq7#vZ2pLm9wTx", user=personas.worker)
    assert any(e.code == "password_too_short" for e in caught.value.error_list)


def test_common_password_is_refused_even_when_long(personas: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("1q2w3e4r5t6y7u8i9o0p", user=personas.worker)
    assert [e.code for e in caught.value.error_list] == ["password_too_common"]


def test_long_uncommon_password_without_composition_rules_is_accepted(personas: Any) -> None:
    validate_password("lantern orchard pebble canoe", user=personas.worker)  # no digits, no capitals


# --- production guards --------------------------------------------------------------------------------

GOOD_SECRET = "s" * 20 + "Q4v9-x_ZpR2mK8wT1yB6nL3cH7jF0dG5aE"


def _import_settings(tmp_path: Path, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAFEHARBOR_", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_", "MFA_", "OIDC_"))
    }
    env.update(
        {
            "SAFEHARBOR_ENV": "production",
            "SAFEHARBOR_DATA_DIR": str(tmp_path),
            "DEBUG": "0",
            "SECRET_KEY": GOOD_SECRET,
            "ALLOWED_HOSTS": "safeharbor.county.example",
        }
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", "import safeharbor.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_start_when_configured(tmp_path: Path) -> None:
    result = _import_settings(tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "overrides, named",
    [
        ({"DEBUG": "1"}, "DEBUG"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "dev-only-insecure-key-never-use-in-production-7c1e9b"}, "SECRET_KEY"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
    ],
    ids=["debug-on", "no-secret", "default-secret", "empty-hosts", "unset-hosts"],
)
def test_production_settings_refuse_unsafe_configuration(
    tmp_path: Path, overrides: dict[str, str | None], named: str
) -> None:
    result = _import_settings(tmp_path, **overrides)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]
