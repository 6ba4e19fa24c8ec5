from __future__ import annotations

import pytest

from safeharbor.agency.models import Agency
from safeharbor.core.pagination import CappedPaginator

pytestmark = pytest.mark.django_db


def _agencies(n: int) -> None:
    Agency.objects.bulk_create([Agency(name=f"County {i}", slug=f"county-x{i}") for i in range(n)])


def test_below_the_cap_counts_exactly():
    _agencies(7)
    paginator = CappedPaginator(Agency.objects.order_by("id"), 3, cap=10)
    assert paginator.count == 7
    assert not paginator.capped
    assert paginator.num_pages == 3


def test_above_the_cap_stops_counting_and_says_so(django_assert_num_queries):
    _agencies(25)
    paginator = CappedPaginator(Agency.objects.order_by("id"), 5, cap=10)
    with django_assert_num_queries(1):
        assert paginator.capped
    assert paginator.shown_count == 10
    assert paginator.num_pages == 3  # pages up to the cap (and one past it) are offered, no more
    assert len(paginator.get_page(2).object_list) == 5
