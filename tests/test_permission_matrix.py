"""Every URL against every persona (DESIGN.md: permissions tested as a matrix)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeharbor.core.testing.matrix import PERSONAS, Row
from safeharbor.urls import APPS

# URL names that need no row: framework-provided or covered elsewhere with a reason.
EXEMPT: dict[str, str] = {}


def _collect_rows() -> list[Row]:
    rows: list[Row] = []
    for app in ["core", "accounts", *APPS]:
        try:
            module = importlib.import_module(f"safeharbor.{app}.tests.matrix")
        except ModuleNotFoundError:
            continue
        rows.extend(module.ROWS)
    return rows


ROWS = _collect_rows()


def _walk(resolver: URLResolver, prefix: str = "") -> list[str]:
    names: list[str] = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            names.extend(_walk(pattern, f"{prefix}{namespace}:" if namespace else prefix))
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(f"{prefix}{pattern.name}")
    return names


def all_url_names() -> set[str]:
    return {name for name in _walk(get_resolver()) if not name.startswith("admin:")}


def test_every_named_url_has_a_matrix_row():
    covered = {row.name for row in ROWS}
    missing = sorted(all_url_names() - covered - set(EXEMPT))
    assert not missing, f"URL names without a permission-matrix row: {missing}"


def test_every_row_names_a_real_url():
    names = all_url_names()
    assert not [row.name for row in ROWS if row.name not in names]


def test_every_row_covers_every_persona():
    for row in ROWS:
        assert set(row.expected) == set(PERSONAS), row.id


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_permission_matrix(row: Row, personas: Any, client: Any) -> None:
    """One row, every persona. Each persona's request runs in a savepoint that is rolled back, so
    what one persona's request changes never decides what the next one gets."""
    failures: list[str] = []
    # The row's own setup (records named in its URL or body) is made once, outside the savepoints.
    url = reverse(row.name, kwargs=row.kwargs(personas))
    body = row.data(personas) if row.data else {}
    for persona in PERSONAS:
        with transaction.atomic():
            client.logout()
            if persona != "anonymous":
                client.force_login(getattr(personas, persona), backend="django.contrib.auth.backends.ModelBackend")
            if row.method == "get":
                response = client.get(url)
            else:
                kwargs: dict[str, Any] = {}
                if row.content_type:
                    kwargs["content_type"] = row.content_type
                response = getattr(client, row.method)(url, body, **kwargs)
            expected = row.expected[persona]
            if response.status_code != expected:
                failures.append(f"{persona}: got {response.status_code}, expected {expected}")
            transaction.set_rollback(True)
    assert not failures, f"{row.id}: " + "; ".join(failures)
