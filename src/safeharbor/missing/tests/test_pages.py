from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeharbor.core.testing import factories as f
from safeharbor.core.timeutils import agency_zone
from safeharbor.deadlines.services import deadline_open
from safeharbor.missing.tests.helpers import make_episode

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_home_shows_urgent_panel_and_duties_to_worker_and_supervisor(personas, login):
    make_episode(personas)
    for user in (personas.worker, personas.supervisor):
        client = login(user)
        html = client.get(reverse("core:home")).content.decode()
        assert "72-hour window" in html
        assert personas.youth.display_name in html
        assert "h " in html and "min left" in html
        client.logout()
    html = login(personas.worker).get(reverse("core:home")).content.decode()
    assert "My duties" in html
    assert "Report the missing youth to NCMEC" in html
    # a worker of another unit sees nothing of it
    client = login(personas.other_unit_worker)
    assert personas.youth.display_name not in client.get(reverse("core:home")).content.decode()


def test_home_query_count_does_not_grow_with_duties_or_episodes(personas, login):
    make_episode(personas)
    client = login(personas.worker)
    few, _ = _count(client, reverse("core:home"))
    now = timezone.now()
    for i in range(25):
        deadline_open(
            agency_id=personas.agency.pk,
            kind=f"extra.{i}",
            subject=personas.youth,
            title="Another duty",
            due_at=now + timedelta(hours=i - 5),
            owner=personas.worker,
            youth_id=personas.youth.pk,
        )
    for _ in range(3):
        youth = f.YouthFactory(agency=personas.agency)
        f.AssignmentFactory(youth=youth, worker=personas.worker)
        make_episode(personas, youth=youth)
    many, response = _count(client, reverse("core:home"))
    assert many == few
    assert "All 41 open duties" in response.content.decode()


def test_episode_page_shows_duties_and_forms(personas, login, django_assert_max_num_queries):
    episode = make_episode(personas)
    client = login(personas.worker)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("missing:episode", args=[episode.pk]))
    html = response.content.decode()
    assert "Urgent: 72-hour high-risk window" in html
    assert "Record: Report to law enforcement" in html
    assert "Notice: Parents or guardians" in html
    assert response.headers["Cache-Control"] == "no-store"
    # the manager reads, without forms
    html = login(personas.manager).get(reverse("missing:episode", args=[episode.pk])).content.decode()
    assert "Record: Report" not in html


def test_report_page_and_post_flow(personas, login):
    client = login(personas.worker)
    url = reverse("missing:report", args=[personas.youth.pk])
    assert "Parents or guardians" in client.get(url).content.decode()
    bad = client.post(url, {"episode_type": "ran_away", "discovered_at": "not a time"})
    assert bad.status_code == 400
    assert "usa-error-message" in bad.content.decode()
    now = timezone.now().astimezone(agency_zone(personas.agency))
    good = client.post(url, {"episode_type": "abducted", "discovered_at": now.strftime("%Y-%m-%dT%H:%M")})
    assert good.status_code == 302


def test_profile_section_has_urgent_banner(personas, login):
    client = login(personas.worker)
    html = client.get(reverse("youth:detail", args=[personas.youth.pk])).content.decode()
    assert "Report missing from care" in html
    make_episode(personas)
    html = client.get(reverse("youth:detail", args=[personas.youth.pk])).content.decode()
    assert "Urgent: missing, in the 72-hour high-risk window" in html
    assert "Report missing from care" not in html  # one open episode at a time


def test_youth_episode_list_bounded(personas, login, django_assert_max_num_queries):
    make_episode(personas)
    client = login(personas.worker)
    few, _ = _count(client, reverse("missing:youth-episodes", args=[personas.youth.pk]))
    assert few < 25
