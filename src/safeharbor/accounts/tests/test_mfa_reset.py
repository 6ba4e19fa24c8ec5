"""An IT admin resets a user's second factor (lost phone): devices gone, sessions ended, enrol again."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeharbor.accounts import mfa
from safeharbor.accounts.models import UserSession
from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def _enrolled(user: Any) -> None:
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=f"code{i}") for i in range(3)])


def _signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _url(user: Any) -> str:
    return reverse("accounts:user-mfa-reset", kwargs={"pk": user.pk})


def test_reset_removes_devices_ends_sessions_and_is_audited(personas: Any) -> None:
    _enrolled(personas.worker)
    _enrolled(personas.worker2)
    _signed_in("worker")
    assert UserSession.objects.filter(user=personas.worker).exists()
    removed = mfa.mfa_reset(actor=personas.admin, user=personas.worker)
    assert removed == {"authenticators": 2, "recovery_sets": 1, "tokens": 0, "sessions": 1}
    assert not TOTPDevice.objects.filter(user=personas.worker).exists()
    assert not StaticDevice.objects.filter(user=personas.worker).exists()
    assert not StaticToken.objects.filter(device__user=personas.worker).exists()
    assert not UserSession.objects.filter(user=personas.worker).exists()
    # another user's devices stay
    assert TOTPDevice.objects.filter(user=personas.worker2).count() == 2
    assert mfa.recovery_codes_left(user=personas.worker2) == 3
    event = AuditEvent.objects.get(action="mfa.reset")
    assert (event.actor_id, event.object_id, event.agency_id) == (
        personas.admin.pk,
        str(personas.worker.pk),
        personas.agency.pk,
    )
    assert event.detail == removed
    assert AuditEvent.objects.filter(action="accounts.sessions_end", object_id=str(personas.worker.pk)).exists()


@pytest.mark.parametrize(
    ("actor", "target"),
    [("admin", "admin"), ("admin", "other_agency_worker"), ("supervisor", "worker"), ("worker", "worker")],
)
def test_only_an_admin_of_the_same_agency_resets_someone_else(personas: Any, actor: str, target: str) -> None:
    user = getattr(personas, target)
    _enrolled(user)
    with pytest.raises(PermissionDenied):
        mfa.mfa_reset(actor=getattr(personas, actor), user=user)
    assert TOTPDevice.objects.filter(user=user).count() == 2
    assert not AuditEvent.objects.filter(action="mfa.reset").exists()


def test_page_shows_the_state_and_post_resets(personas: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    _enrolled(personas.worker)
    client = login(personas.admin)
    with django_assert_max_num_queries(12):
        response = client.get(_url(personas.worker))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reset the second factor of worker" in html
    assert "<dd>Set up</dd>" in html and "<dd>3</dd>" in html
    response = client.post(_url(personas.worker))
    assert response.status_code == 302 and response["Location"] == _url(personas.worker)
    html = client.get(_url(personas.worker)).content.decode()
    assert "Second factor reset: 2 authenticator app(s)" in html
    assert "<dd>None set up</dd>" in html
    assert not TOTPDevice.objects.filter(user=personas.worker).exists()


def test_sessions_page_links_the_reset(personas: Any, login: Any) -> None:
    html = login(personas.admin).get(reverse("accounts:user-sessions", kwargs={"pk": personas.worker.pk})).content
    assert _url(personas.worker).encode() in html


def test_after_a_reset_the_user_is_signed_out_and_enrols_again(personas: Any, settings: Any) -> None:
    settings.MFA_REQUIRED = True
    settings.DEBUG = False
    _enrolled(personas.worker)
    phone_lost = _signed_in("worker")
    key = phone_lost.session.session_key
    assert phone_lost.get("/")["Location"].startswith(reverse("accounts:mfa-verify"))
    mfa.mfa_reset(actor=personas.admin, user=personas.worker)
    assert not Session.objects.filter(session_key=key).exists()
    assert phone_lost.get("/")["Location"].startswith(reverse("accounts:login"))
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": "worker", "password": TEST_PASSWORD})
    assert fresh.get("/")["Location"].startswith(reverse("accounts:mfa-enrol"))
