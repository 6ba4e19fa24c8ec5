"""Pagination that stays fast on very large tables."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CappedPaginator(Paginator):
    """Counts at most `cap` rows (COUNT over a LIMITed subquery), so a page of a table with millions
    of rows never waits for a full count. `capped` tells the template to say "more than".
    Pages past the cap are not offered: narrow the filters instead."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, *, cap: int = 10_000, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.queryset = object_list
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return min(self.queryset[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def shown_count(self) -> int:
        return min(self.count, self.cap)
