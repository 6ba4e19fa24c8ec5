"""Schemathesis over /api/schema/ with a signed-in worker: no 5xx and no response that breaks the schema.

The app runs in-process (WSGI) against the test database; the worker signs in with an API token (issued
to a verified user, no CSRF dance). Examples per operation are bounded (SCHEMATHESIS_MAX_EXAMPLES,
default 5) so the whole walk stays within minutes; derandomized so a failure reproduces.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "5"))


@pytest.fixture
def keep_test_connection() -> Any:
    """Calls into the WSGI app fire request_started/finished, whose close_old_connections would close
    the test's database connection mid-transaction on PostgreSQL; Django's test client unhooks it the
    same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="Calling the raw WSGI app closes the test transaction's connection on PostgreSQL; the run on "
    "SQLite covers the schema, and NUL input (the one PostgreSQL-only 500 found) has its own test.",
)
def test_api_has_no_server_errors_and_keeps_its_schema(personas: Any, client: Any, keep_test_connection: Any) -> None:
    from django.test import Client

    from safeharbor.accounts.tokens import api_token_issue

    # A token lives with the signed-in session it was made in (accounts/tokens.py): sign in, make one.
    browser = Client()
    browser.force_login(personas.worker, backend="django.contrib.auth.backends.ModelBackend")
    token = api_token_issue(user=personas.worker, session_key=browser.session.session_key)
    auth = {"Authorization": f"Token {token.secret}"}
    raw = client.get("/api/schema/?format=json", HTTP_AUTHORIZATION=auth["Authorization"])
    assert raw.status_code == 200
    schema = schemathesis.openapi.from_dict(raw.json())
    app = get_wsgi_application()
    failures: list[str] = []
    operations: list[str] = []

    for result in schema.get_all_operations():
        operation = result.ok()
        operations.append(operation.label)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            response = case.call(app=app, headers=auth)
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report together
            failures.append(f"{operation.label}: {str(exc)[:1500]}")

    assert operations, "the schema lists no operation"
    assert not failures, "\n\n".join(failures)
