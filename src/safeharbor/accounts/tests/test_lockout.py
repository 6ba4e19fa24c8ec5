"""Sign-in lockout (issue 14 item 7): failures from one address lock the username at that address only;
20 failures from any mix of addresses lock it everywhere (audited, the admins told); an admin of the
user's agency sees and lifts the locks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from safeharbor.accounts import lockout
from safeharbor.accounts.models import SignInLock
from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import TEST_PASSWORD, UserFactory
from safeharbor.deadlines.models import Notification

T0 = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
WRONG = "not-the-password-at-all-7"


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def sign_in(client: Client, username: str, password: str = TEST_PASSWORD) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail(client: Client, username: str, times: int) -> None:
    for _ in range(times):
        sign_in(client, username, WRONG)


def locked(response: Any) -> bool:
    return response.status_code == 403 and "Account locked" in response.content.decode()


def test_failures_from_one_address_do_not_lock_the_user_out_at_another(personas: Any) -> None:
    with time_machine.travel(T0, tick=False):
        attacker, office = at("203.0.113.7"), at("198.51.100.20")
        fail(attacker, "worker", 5)
        assert locked(sign_in(attacker, "worker"))  # the CJIS lock holds at the guessing address
        response = sign_in(office, "worker")
        assert response.status_code == 302 and "_auth_user_id" in office.session
    event = AuditEvent.objects.get(action="auth.sign_in_lock")
    assert event.detail == {"scope": "address"} and event.object_id == str(personas.worker.pk)
    assert "203.0.113.7" not in str(event.detail)


def test_the_address_lock_lasts_thirty_minutes(personas: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        client = at("203.0.113.7")
        fail(client, "worker", 5)
        clock.shift(timedelta(minutes=29))
        assert locked(sign_in(client, "worker"))
        clock.shift(timedelta(minutes=1, seconds=1))
        assert sign_in(client, "worker").status_code == 302


def test_a_forwarded_for_header_does_not_choose_the_address(personas: Any) -> None:
    """Without a trusted proxy, X-Forwarded-For is the client's own words: ignored."""
    client = at("203.0.113.7")
    for n in range(5):
        client.post(
            reverse("accounts:login"),
            {"username": "worker", "password": WRONG},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    assert locked(sign_in(client, "worker"))


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_saw(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    spoofed = factory.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7")
    assert lockout.client_ip(spoofed) == "203.0.113.7"
    assert lockout.client_ip(factory.post("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 0
    assert lockout.client_ip(spoofed) == "10.0.0.2"


def test_twenty_failures_from_many_addresses_lock_the_username_everywhere(personas: Any) -> None:
    with time_machine.travel(T0, tick=False) as clock:
        for n in range(4):  # four addresses, four failures each: no address lock
            fail(at(f"203.0.113.{n}"), "worker", 4)
        assert sign_in(at("198.51.100.20"), "worker2").status_code == 302  # someone else, unaffected
        assert not SignInLock.objects.exists()
        fail(at("203.0.113.9"), "worker", 4)  # the 20th failure
        lock = SignInLock.objects.get()
        assert (lock.user_id, lock.failures, lock.addresses) == (personas.worker.pk, 20, 5)
        # Even the right password from an address that never failed is refused now.
        assert locked(sign_in(at("198.51.100.20"), "worker"))
        clock.shift(timedelta(minutes=29))
        assert locked(sign_in(at("198.51.100.21"), "worker"))
        clock.shift(timedelta(minutes=1, seconds=1))
        assert sign_in(at("198.51.100.20"), "worker").status_code == 302
    event = AuditEvent.objects.get(action="auth.sign_in_lock", detail__scope="username")
    assert event.object_id == str(personas.worker.pk) and event.agency_id == personas.agency.pk
    assert event.detail == {"scope": "username", "lock": lock.pk, "failures": 20, "addresses": 5}
    told = Notification.objects.get(kind=lockout.SIGN_IN_LOCK)
    assert told.recipient_id == personas.admin.pk
    assert "worker" in told.message and told.link == reverse("accounts:sign-in-locks")


def test_the_username_lock_does_not_count_unknown_users_to_any_agency(personas: Any) -> None:
    for n in range(5):
        fail(at(f"203.0.113.{n}"), "nobody-by-this-name", 4)
    lock = SignInLock.objects.get()
    assert lock.user is None
    assert not Notification.objects.filter(kind=lockout.SIGN_IN_LOCK).exists()
    assert locked(sign_in(at("198.51.100.20"), "nobody-by-this-name"))


# --- the admin's page --------------------------------------------------------------------------------


@pytest.fixture
def admin_client(personas: Any) -> Client:
    client = Client()
    client.force_login(personas.admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_admin_sees_and_lifts_a_lock(personas: Any, admin_client: Client, django_assert_max_num_queries: Any) -> None:
    attacker = at("203.0.113.7")
    fail(attacker, "worker", 5)
    fail(at("203.0.113.8"), "worker2", 2)  # not locked: not listed
    with django_assert_max_num_queries(12):
        page = admin_client.get(reverse("accounts:sign-in-locks"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "203.0.113.7" in html and "Lift the locks of worker" in html
    assert "Lift the locks of worker2" not in html
    response = admin_client.post(reverse("accounts:sign-in-lock-lift", kwargs={"pk": personas.worker.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:sign-in-locks")
    assert sign_in(attacker, "worker").status_code == 302
    event = AuditEvent.objects.get(action="auth.sign_in_lock_lift")
    assert (event.actor_id, event.object_id) == (personas.admin.pk, str(personas.worker.pk))
    assert event.detail == {"addresses": 1, "username_locks": 0}
    assert (
        "Nobody of your agency is locked out now."
        in admin_client.get(reverse("accounts:sign-in-locks")).content.decode()
    )


def test_admin_lifts_a_username_lock(personas: Any, admin_client: Client) -> None:
    for n in range(5):
        fail(at(f"203.0.113.{n}"), "worker", 4)
    assert (
        "Every address (20 failures from 5 addresses)"
        in admin_client.get(reverse("accounts:sign-in-locks")).content.decode()
    )
    admin_client.post(reverse("accounts:sign-in-lock-lift", kwargs={"pk": personas.worker.pk}))
    assert SignInLock.objects.get().lifted_by_id == personas.admin.pk
    assert sign_in(at("198.51.100.20"), "worker").status_code == 302
    assert AuditEvent.objects.get(action="auth.sign_in_lock_lift").detail == {"addresses": 5, "username_locks": 1}


def test_another_agencys_admin_neither_sees_nor_lifts(personas: Any) -> None:
    other_admin = UserFactory(username="otheradmin", agency=personas.other_agency, roles=["admin"])
    fail(at("203.0.113.7"), "worker", 5)
    client = Client()
    client.force_login(other_admin, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("accounts:sign-in-locks")).content.decode()
    assert "203.0.113.7" not in html and "Lift the locks of worker" not in html
    assert client.post(reverse("accounts:sign-in-lock-lift", kwargs={"pk": personas.worker.pk})).status_code == 404
    with pytest.raises(PermissionDenied):
        lockout.sign_in_locks_lift(actor=other_admin, user=personas.worker)
    assert locked(sign_in(at("203.0.113.7"), "worker"))
    assert not AuditEvent.objects.filter(action="auth.sign_in_lock_lift").exists()


def test_non_admins_have_no_locks_page(personas: Any) -> None:
    client = Client()
    client.force_login(personas.supervisor, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("accounts:sign-in-locks")).status_code == 403
    assert client.post(reverse("accounts:sign-in-lock-lift", kwargs={"pk": personas.worker.pk})).status_code == 403
