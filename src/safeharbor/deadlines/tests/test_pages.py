from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeharbor.deadlines.models import Notification
from safeharbor.deadlines.services import deadline_open

pytestmark = pytest.mark.django_db


def _note(p, i, read=False):
    return Notification.objects.create(
        agency=p.agency,
        recipient=p.worker,
        kind="test",
        message=f"Message {i}",
        link="/deadlines/duties/",
        read_at=timezone.now() if read else None,
    )


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_inbox_unread_first_paginated_and_bounded(personas, login):
    client = login(personas.worker)
    _note(personas, 0, read=True)
    _note(personas, 1)
    few, response = _count(client, reverse("deadlines:inbox"))
    html = response.content.decode()
    assert html.index("Message 1") < html.index("Message 0")
    for i in range(2, 40):
        _note(personas, i, read=i % 2 == 0)
    many, response = _count(client, reverse("deadlines:inbox"))
    assert many == few
    assert "Page 1 of 2" in response.content.decode()


def test_mark_read_and_open(personas, login):
    note = _note(personas, 1)
    client = login(personas.worker)
    response = client.post(reverse("deadlines:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302
    assert response.url == "/deadlines/duties/"
    note.refresh_from_db()
    assert note.read_at is not None
    _note(personas, 2)
    client.post(reverse("deadlines:read-all"))
    assert not Notification.objects.filter(recipient=personas.worker, read_at__isnull=True).exists()


def test_someone_elses_notification_is_404(personas, login):
    note = _note(personas, 1)
    response = login(personas.worker2).post(reverse("deadlines:read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_duties_page_overdue_first_and_bounded(personas, login):
    now = timezone.now()

    def duty(i, hours):
        deadline_open(
            agency_id=personas.agency.pk,
            kind=f"test.k{i}",
            subject=personas.youth,
            title=f"Duty number {i}",
            due_at=now + timedelta(hours=hours),
            owner=personas.worker,
            youth_id=personas.youth.pk,
        )

    duty(0, 10)
    duty(1, -3)
    client = login(personas.worker)
    few, response = _count(client, reverse("deadlines:duties"))
    html = response.content.decode()
    assert html.index("Duty number 1") < html.index("Duty number 0")
    assert "Overdue" in html
    assert personas.youth.display_name in html
    for i in range(2, 40):
        duty(i, i)
    many, _ = _count(client, reverse("deadlines:duties"))
    assert many == few
    # a duty about a youth the user cannot open shows no name
    other = login(personas.worker2)
    deadline_open(
        agency_id=personas.agency.pk,
        kind="test.reassigned",
        subject=personas.youth,
        title="Duty of a former case",
        due_at=now,
        owner=personas.worker2,
        youth_id=personas.youth.pk,
    )
    html = other.get(reverse("deadlines:duties")).content.decode()
    assert "Duty of a former case" in html
    assert personas.youth.display_name not in html
