"""Server-side session kill: on logout, on disabling a user, and by an admin ("end this user's sessions")."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from safeharbor.accounts.models import UserSession
from safeharbor.accounts.sessions import user_session_count, user_sessions_end
from safeharbor.audit.models import AuditEvent
from safeharbor.core.testing.factories import TEST_PASSWORD


def signed_in_client(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def test_sign_in_records_the_session_and_gives_a_new_id(personas: Any) -> None:
    client = Client()
    client.get(reverse("accounts:login"))
    anonymous_key = client.session.session_key
    client.post(reverse("accounts:login"), {"username": "worker", "password": TEST_PASSWORD})
    key = client.session.session_key
    assert key != anonymous_key
    assert UserSession.objects.filter(user=personas.worker, session_key=key).exists()


def test_logout_deletes_the_session_server_side(personas: Any) -> None:
    client = signed_in_client("worker")
    key = client.session.session_key
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)  # a copy of the cookie, as a thief would hold
    assert stolen.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    response = stolen.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_disabled_users_open_session_is_dead_on_next_request(personas: Any) -> None:
    client = signed_in_client("worker")
    key = client.session.session_key
    assert client.get("/").status_code == 200
    personas.worker.is_active = False
    personas.worker.save()
    assert not Session.objects.filter(session_key=key).exists()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    api = client.get(reverse("api-schema"))
    assert api.status_code in (401, 403)


def test_admin_ends_every_session_of_a_user(personas: Any) -> None:
    laptop = signed_in_client("worker")
    phone = signed_in_client("worker")
    bystander = signed_in_client("worker2")
    assert user_session_count(user=personas.worker) == 2
    admin = Client()
    admin.force_login(personas.admin, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("accounts:user-sessions", kwargs={"pk": personas.worker.pk})
    page = admin.get(url)
    assert "Open sessions: 2." in page.content.decode()
    response = admin.post(url)
    assert response.status_code == 200
    assert "Ended 2 sessions" in response.content.decode()
    for client in (laptop, phone):
        assert client.get("/").status_code == 302
    assert bystander.get("/").status_code == 200
    assert admin.get("/").status_code == 200
    event = AuditEvent.objects.get(action="accounts.sessions_end")
    assert event.actor_id == personas.admin.pk
    assert event.object_id == str(personas.worker.pk)
    assert event.detail == {"sessions": 2}


def test_only_an_admin_of_the_same_agency_may_end_sessions(personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        user_sessions_end(actor=personas.supervisor, user=personas.worker)
    with pytest.raises(PermissionDenied):
        user_sessions_end(actor=personas.admin, user=personas.other_agency_worker)


def test_stale_session_rows_are_pruned_at_sign_in(personas: Any) -> None:
    first = signed_in_client("worker")
    first.post(reverse("accounts:logout"))
    signed_in_client("worker")
    assert UserSession.objects.filter(user=personas.worker).count() == 1


def test_session_page_query_count_is_bounded(personas: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        signed_in_client("worker")
    admin = Client()
    admin.force_login(personas.admin, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("accounts:user-sessions", kwargs={"pk": personas.worker.pk})
    admin.get(url)
    with django_assert_max_num_queries(12):
        admin.get(url)
