"""The youth list, the profile and the API list run the same number of queries at 5 youth as at 300
youth that each have 5 aliases, 3 placements and 3 assignments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeharbor.core.testing import factories as f
from safeharbor.youth.models import Alias, Assignment, Placement, Youth

pytestmark = pytest.mark.django_db

MAX_LIST_QUERIES = 20
MAX_PROFILE_QUERIES = 40


def add_youth(p: Any, count: int, *, rich: bool) -> list[Youth]:
    facility = f.FacilityFactory(agency=p.agency)
    made = Youth.objects.bulk_create(
        [
            Youth(agency=p.agency, legal_first_name=f"Given{i}", legal_last_name=f"Family{i:03d}", gender="female")
            for i in range(count)
        ]
    )
    aliases, placements, assignments = [], [], []
    for youth in made:
        assignments.append(Assignment(youth=youth, worker=p.worker, start=dt.date(2025, 1, 1)))
        if rich:
            aliases += [Alias(youth=youth, name=f"Nick{j}", kind="aka") for j in range(5)]
            placements += [
                Placement(
                    youth=youth, placement_type="foster_family", start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)
                ),
                Placement(youth=youth, placement_type="relative", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)),
                Placement(youth=youth, placement_type="group_home", facility=facility, start=dt.date(2025, 1, 1)),
            ]
            assignments += [
                Assignment(youth=youth, worker=p.worker2, start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)),
                Assignment(
                    youth=youth, worker=p.other_unit_worker, start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
                ),
            ]
    Alias.objects.bulk_create(aliases)
    Placement.objects.bulk_create(placements)
    Assignment.objects.bulk_create(assignments)
    return made


def count_queries(client: Any, url: str, post: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url) if post is None else client.post(url, post)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name",
    ["youth:list", "api:youth-list"],
)
def test_list_runs_the_same_queries_at_5_and_300_youth(personas, login, url_name):
    client = login(personas.worker)
    add_youth(personas, 4, rich=False)  # with the persona youth: 5 on the caseload
    url = reverse(url_name) + "?scope=mine"
    count_queries(client, url)  # warm caches (session, content types)
    small = count_queries(client, url)
    add_youth(personas, 295, rich=True)
    large = count_queries(client, url)
    print(f"\n{url_name}: {small} queries with 5 youth, {large} with 300 rich youth")
    assert small == large
    assert large <= MAX_LIST_QUERIES


def test_list_search_runs_the_same_queries_at_5_and_300_youth(personas, login):
    from safeharbor.youth.search import youth_reindex

    client = login(personas.worker)
    for youth in add_youth(personas, 4, rich=False):
        youth_reindex(youth=youth)
    url = reverse("youth:list")
    search = {"scope": "all", "q": "Given1 Family001"}  # a search is a POST (names stay out of URLs)
    count_queries(client, url, search)
    small = count_queries(client, url, search)
    rich = add_youth(personas, 295, rich=True)
    for youth in rich[:50]:
        youth_reindex(youth=youth)
    large = count_queries(client, url, search)
    print(f"\nyouth:list search: {small} queries with 5 youth, {large} with 300 rich youth")
    assert small == large


@pytest.mark.parametrize("url_name", ["youth:detail", "api:youth-detail"])
def test_profile_runs_the_same_queries_for_a_plain_and_a_rich_youth(personas, login, url_name):
    client = login(personas.worker)
    plain = add_youth(personas, 1, rich=False)[0]
    count_queries(client, reverse(url_name, kwargs={"pk": plain.pk}))
    small = count_queries(client, reverse(url_name, kwargs={"pk": plain.pk}))
    rich = add_youth(personas, 300, rich=True)
    large = count_queries(client, reverse(url_name, kwargs={"pk": rich[-1].pk}))
    print(f"\n{url_name}: {small} queries for a plain youth, {large} for a rich youth among 300")
    assert small == large
    assert large <= MAX_PROFILE_QUERIES
