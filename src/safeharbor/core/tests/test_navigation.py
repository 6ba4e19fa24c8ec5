"""The navigation bar: entries by role, and the unread badge on "Notifications"."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeharbor.core.navigation import NAV, navigation_for
from safeharbor.deadlines.models import Notification

pytestmark = pytest.mark.django_db


def _note(personas, user, *, read=False, channel="app"):
    return Notification.objects.create(
        agency=personas.agency,
        recipient=user,
        kind="test",
        channel=channel,
        message="A fictional reminder",
        read_at=timezone.now() if read else None,
    )


def _entry(items, label):
    return next(item for item in items if item["label"] == label)


def _home(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_badge_counts_only_own_unread_in_app_notifications(personas):
    _note(personas, personas.worker)
    _note(personas, personas.worker)
    _note(personas, personas.worker, read=True)
    _note(personas, personas.worker, channel="email")
    _note(personas, personas.worker2)
    items = navigation_for(personas.worker, "/")
    assert _entry(items, "Notifications")["badge"] == 2
    assert _entry(items, "Notifications")["badge_label"] == "unread"
    assert _entry(items, "Home")["badge"] is None


def test_no_unread_no_badge(personas):
    _note(personas, personas.worker, read=True)
    assert _entry(navigation_for(personas.worker, "/"), "Notifications")["badge"] is None


def test_only_notifications_has_a_badge():
    assert [entry.label for entry in NAV if entry.badge is not None] == ["Notifications"]


def test_badge_shown_after_the_label_with_screen_reader_text(personas, login):
    client = login(personas.worker)
    _, html = _home(client)
    assert "sh-nav-badge" not in html
    for _ in range(3):
        _note(personas, personas.worker)
    _, html = _home(client)
    link = re.search(r'<a href="/deadlines/[^"]*"[^>]*>(.*?)</a>', html, re.S)
    assert link is not None
    text = link.group(1)
    assert text.index("Notifications") < text.index('<span class="usa-tag sh-nav-badge" aria-hidden="true">3</span>')
    assert '<span class="usa-sr-only">(3 unread)</span>' in text


def test_home_query_count_does_not_grow_with_unread_notifications(personas, login):
    client = login(personas.worker)
    _note(personas, personas.worker)
    few, _ = _home(client)
    for _ in range(30):
        _note(personas, personas.worker)
    many, html = _home(client)
    assert "(31 unread)" in html
    assert many == few


def test_badge_counted_once_per_page(personas, login):
    client = login(personas.worker)
    _note(personas, personas.worker)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("core:home"))
    counts = [q["sql"] for q in ctx.captured_queries if "deadlines_notification" in q["sql"] and "COUNT" in q["sql"]]
    unread = [sql for sql in counts if "read_at" in sql and "IS NULL" in sql]
    assert len(unread) == 1
