"""Security headers and cookie flags (DESIGN.md baseline): CSP without unsafe-inline, frame-ancestors
'none', nosniff, Referrer-Policy, HSTS, and `Cache-Control: no-store` on every page a worker opens."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.urls import reverse

from safeharbor.accounts.tests.urlwalk import walk
from safeharbor.core.testing.factories import TEST_PASSWORD


def test_pages_send_the_strict_headers(personas: Any, login: Any) -> None:
    client = login(personas.worker)
    response = client.get("/")
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp == django_settings.CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_sign_in_page_has_the_csp_too(db: Any, client: Any) -> None:
    response = client.get(reverse("accounts:login"))
    assert response["Content-Security-Policy"] == django_settings.CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_on_https(db: Any, client: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_session_and_csrf_cookie_flags(personas: Any, client: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("accounts:login"), secure=True)
    csrf = page.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(reverse("accounts:login"), {"username": "worker", "password": TEST_PASSWORD}, secure=True)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/"


def test_every_page_a_worker_opens_is_no_store(personas: Any, login: Any) -> None:
    """Walk every named URL as a signed-in worker (with the worker's own youth for record URLs)."""
    client = login(personas.worker)
    client.raise_request_exception = False
    seen: list[str] = []

    def visit(url: Any, path: str) -> None:
        if url.name == "accounts:logout":
            return
        response = client.get(path)
        assert "no-store" in response.get("Cache-Control", ""), (url.name, path, response.status_code)
        seen.append(url.name)

    youth = personas.youth.pk
    walk(visit, overrides={"pk": youth, "youth_pk": youth, "youth_id": youth})
    assert "core:home" in seen
    assert len(seen) > 10


def test_youth_page_is_no_store(personas: Any, login: Any) -> None:
    client = login(personas.worker)
    response = client.get(f"/youth/{personas.youth.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_api_docs_work_without_a_cdn(personas: Any, login: Any) -> None:
    client = login(personas.worker)
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "style-src 'self' 'unsafe-inline'" in csp
